"""Matchings: valid, identical between Suitor and locally-dominant, half-approximate vs networkx."""
import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from graphclust.amg.matching import compatible_weights, locally_dominant_matching, suitor_matching


def random_weights(n, p, seed, ties=False):
    rng = np.random.default_rng(seed)
    A = sp.random(n, n, density=p, random_state=seed, format="csr")
    A = sp.triu(A, 1)
    A.data = rng.integers(1, 4, A.nnz).astype(float) if ties else rng.random(A.nnz) + 0.01
    return sp.csr_array(A + A.T)


def check_matching(C, mate):
    n = C.shape[0]
    matched = mate >= 0
    assert np.array_equal(mate[mate[matched]], np.flatnonzero(matched))  # symmetric
    assert not np.any(mate == np.arange(n))
    rows = np.flatnonzero(matched)
    assert np.all(C[rows, mate[rows]] > 0)  # only along edges


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("ties", [False, True])
def test_half_approximate_and_same_matching(seed, ties):
    C = random_weights(40, 0.1, seed, ties)
    mate = suitor_matching(C)
    check_matching(C, mate)
    assert np.array_equal(mate, locally_dominant_matching(C))
    G = nx.from_scipy_sparse_array(C)
    best = sum(G[u][v]["weight"] for u, v in nx.max_weight_matching(G))
    ours = sum(C[u, mate[u]] for u in range(40) if mate[u] > u)
    assert ours >= 0.5 * best - 1e-12
    # maximal: no edge joins two unmatched vertices
    free = mate < 0
    assert C[free][:, free].nnz == 0


def test_compatible_weights_prefer_low_degree_pairs():
    # path 0-1-2-3 plus a star on 1: with w = 1, â = 1 + 2 / (d_i + d_j)
    A = sp.csr_array(nx.to_scipy_sparse_array(nx.Graph([(0, 1), (1, 2), (2, 3), (1, 4), (1, 5)])))
    L = sp.csr_array(sp.diags(A.sum(axis=1)) - A + sp.eye(6))
    C = compatible_weights(L, np.ones(6))
    assert np.all(C.data > 0)
    assert C[2, 3] > C[1, 2]
    assert np.isclose(C[0, 1], C[1, 0])
