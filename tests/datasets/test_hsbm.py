"""Tests of the hierarchical SBM generators (graphclust.datasets.hsbm)."""
from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp

from graphclust.datasets.hsbm import (
    a_to_p,
    btsbm,
    hsbm,
    labels_by_depth,
    load_lca_matrix,
    sociopatterns_contact_graph,
    tree_lca_depths,
)


def _brute_lca(depth: int, n_child: int) -> np.ndarray:
    """LCA depth from base-n_child digit strings (independent of the vectorised builder)."""
    K = n_child**depth
    digits = [np.base_repr(i, n_child).zfill(depth) for i in range(K)]
    M = np.zeros((K, K), dtype=int)
    for i in range(K):
        for j in range(K):
            common = 0
            while common < depth and digits[i][common] == digits[j][common]:
                common += 1
            M[i, j] = common
    return M


@pytest.mark.parametrize("depth,n_child", [(1, 2), (3, 2), (2, 3)])
def test_tree_lca_depths_matches_digit_strings(depth, n_child):
    assert np.array_equal(tree_lca_depths(depth, n_child), _brute_lca(depth, n_child))


def test_btsbm_structure_and_truth():
    g = btsbm(3, 50, p=[0.01, 0.02, 0.05, 0.3], random_state=0)
    A = g.adjacency
    assert g.n_nodes == 400
    assert (A != A.T).nnz == 0
    assert A.diagonal().sum() == 0
    Y = g.meta["labels_by_depth"]
    assert Y.shape == (4, 400)
    for level in range(4):
        assert np.array_equal(np.bincount(Y[level]), np.full(2**level, 400 // 2**level))
    assert np.array_equal(Y[-1], g.labels)


def test_hsbm_edge_densities_follow_lca_depth():
    p = np.array([0.02, 0.08, 0.3])
    g = hsbm([120] * 4, tree_lca_depths(2), p, random_state=1)
    A = sp.csr_array(g.adjacency)
    y = g.labels
    M = g.meta["lca_depth"]
    H = sp.csr_array((np.ones(y.size), (np.arange(y.size), y)), shape=(y.size, 4))
    W = (H.T @ A @ H).toarray()
    sizes = np.bincount(y)
    for level in range(3):
        mask = M == level
        pairs = np.where(np.eye(4, dtype=bool), sizes * (sizes - 1), np.outer(sizes, sizes))
        density = W[mask].sum() / pairs[mask].sum()
        # Binomial standard error is below 0.005 here: 5 sigma.
        se = math.sqrt(p[level] * (1 - p[level]) / pairs[mask].sum())
        assert abs(density - p[level]) < 5 * se + 1e-12


def test_hsbm_a_scaling_and_determinism():
    g1 = btsbm(2, 100, a=[5, 10, 30], random_state=3)
    g2 = btsbm(2, 100, a=[5, 10, 30], random_state=3)
    assert (g1.adjacency != g2.adjacency).nnz == 0
    assert np.allclose(g1.meta["p"], np.array([5, 10, 30]) * math.log(400) / 400)
    g3 = btsbm(2, 100, a=[5, 10, 30], random_state=4)
    assert (g1.adjacency != g3.adjacency).nnz > 0


def test_unbalanced_examples_load_as_trees(shared_datasets):
    ref = shared_datasets / "reference"
    M1 = load_lca_matrix(ref / "hsbm_example1_group_matrix.csv")
    M2 = load_lca_matrix(ref / "hsbm_example2_group_matrix.csv")
    assert M1.shape == (28, 28) and M2.shape == (16, 16)
    assert sorted(set(np.diag(M1).tolist())) == [4, 5]
    assert sorted(set(np.diag(M2).tolist())) == [2, 4, 5]
    sizes = np.array([2, 2] + [1] * 12 + [8, 8]) * 20
    beta = 0.3
    p = 144 * beta ** (5 - np.arange(6)) * math.log(sizes.sum()) / sizes.sum()
    g = hsbm(sizes, M2, np.minimum(p, 1), random_state=0)
    Y = g.meta["labels_by_depth"]
    # A leaf at depth 2 keeps its own label at every deeper level.
    last = g.labels == 15
    assert np.unique(Y[2][last]).size == 1 and np.unique(Y[5][last]).size == 1
    assert int(Y[5].max()) + 1 == 16
    # Partitions refine each other going down.
    for level in range(1, 6):
        pairs = np.unique(np.c_[Y[level - 1], Y[level]], axis=0)
        assert np.unique(pairs[:, 1]).size == pairs.shape[0]


def test_labels_by_depth_small():
    assert labels_by_depth([0, 1, 2, 3], tree_lca_depths(2)).tolist() == [[0, 0, 0, 0], [0, 0, 1, 1], [0, 1, 2, 3]]


@pytest.mark.parametrize(
    "lca,msg",
    [
        (np.array([[2, 1], [0, 2]]), "symmetric"),
        (np.array([[1, 1], [1, 1]]), "exceed"),
        (np.array([[3, 2, 0], [2, 3, 1], [0, 1, 3]]), "ultrametric"),
        (np.array([[2, -1], [-1, 2]]), "non-negative"),
    ],
)
def test_bad_lca_matrices(lca, msg):
    with pytest.raises(ValueError, match=msg):
        hsbm([5] * lca.shape[0], lca, p=[0.1] * (int(lca.max()) + 1))


def test_bad_probabilities():
    M = tree_lca_depths(2)
    with pytest.raises(ValueError, match="exactly one"):
        hsbm([10] * 4, M)
    with pytest.raises(ValueError, match="depth \\+ 1"):
        hsbm([10] * 4, M, p=[0.1, 0.2])
    with pytest.raises(ValueError, match="exceeds 1"):
        a_to_p([1000.0], 100)
    with pytest.raises(ValueError, match="one entry per leaf"):
        hsbm([10] * 3, M, p=[0.1, 0.2, 0.3])


def test_highschool_graph_edge_count(shared_datasets):
    ref = shared_datasets / "reference"
    g = sociopatterns_contact_graph(ref / "highschool2013_contacts.csv.gz", ref / "highschool2013_metadata.txt")
    assert g.n_nodes == 327
    # 5818 contact pairs (the paper's edge count); 1787 of them have log(1) = 0 weight.
    assert g.meta["n_contact_pairs"] == 5818
    assert g.meta["pattern"].nnz == 2 * 5818
    assert g.n_edges == 5818 - 1787
    assert np.bincount(g.labels).size == 9


def test_btsbm_depth_25_refused_before_allocating():
    from graphclust import memory

    # 2^25 leaves: the LCA-depth matrix alone would be 2^50 int64 entries (8 PiB)
    with memory.memory_limit("8GiB"), pytest.raises(memory.MemoryLimitError, match=r"33554432 x 33554432 .*PiB.*smaller depth"):
        btsbm(25, 2, p=np.linspace(0.001, 0.5, 26))
    with memory.memory_limit(1000), pytest.raises(ValueError, match="LCA-depth matrix"):
        tree_lca_depths(4)
