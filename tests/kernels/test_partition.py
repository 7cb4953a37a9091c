"""Within-cluster weights against the numpy bincount they replace (bit for bit)."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

import graphclust as gc
from graphclust.kernels.cpu.partition import intra_cluster_weights


@pytest.mark.parametrize("seed", range(5))
def test_matches_the_bincount_over_coo_entries(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 500))
    A = sp.random(n, n, density=0.05, random_state=rng, format="csr")
    A = sp.csr_array(A + A.T)
    A.data *= 10.0 ** rng.integers(-6, 6, A.nnz)  # a wide range: the summation order shows
    k = int(rng.integers(1, 9))
    c = rng.integers(0, k, n)
    C = A.tocoo()
    inside = c[C.row] == c[C.col]
    ref = np.bincount(c[C.row[inside]], weights=C.data[inside], minlength=k)
    np.testing.assert_array_equal(intra_cluster_weights(A.indptr, A.indices, A.data, c, k), ref)


def test_modularity_against_networkx_with_gaps_in_the_labels():
    G = nx.karate_club_graph()
    comms = nx.community.greedy_modularity_communities(G)
    labels = np.empty(G.number_of_nodes(), dtype=np.int64)
    for j, comm in enumerate(comms):
        labels[list(comm)] = 7 * j + 3  # non-contiguous codes: the rank codes must be used
    ref = nx.community.modularity(G, comms)
    assert gc.metrics.modularity(G, labels) == pytest.approx(ref, abs=1e-12)
    assert gc.metrics.modularity(G, labels.astype(str)) == pytest.approx(ref, abs=1e-12)


def test_bad_codes():
    A = sp.csr_array(np.ones((3, 3)))
    with pytest.raises(ValueError, match="one entry per row"):
        intra_cluster_weights(A.indptr, A.indices, A.data, np.zeros(2, dtype=np.int64), 1)
    with pytest.raises(ValueError, match=r"\[0, 2\)"):
        intra_cluster_weights(A.indptr, A.indices, A.data, np.array([0, 1, 2]), 2)
