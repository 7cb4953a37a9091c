"""Average linkage on community densities against scipy's vertex-level average linkage."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.metrics import adjusted_rand_score

from graphclust.hierarchy import average_linkage, community_edge_weights, count_inversions, cut_linkage, linkage_depths


def _random_case(seed: int, n: int = 40, K: int = 6):
    rng = np.random.default_rng(seed)
    labels = np.concatenate([np.arange(K), rng.integers(0, K, n - K)])  # every community non-empty
    rng.shuffle(labels)
    # Continuous random weights in [0, 0.9): no ties in the average densities.
    W = rng.random((n, n)) * 0.9 * (rng.random((n, n)) < 0.6)
    W = np.triu(W, 1)
    W = W + W.T
    return sp.csr_array(W), labels


@pytest.mark.parametrize("seed", range(6))
def test_matches_scipy_average_on_vertex_distances(seed):
    A, labels = _random_case(seed)
    K = labels.max() + 1
    Wc, sizes = community_edge_weights(A, labels)
    Z, sims = average_linkage(Wc, sizes, return_similarities=True)

    # Brute force: vertex-level distance 1 - A_ij across communities, 0 inside one (so every
    # community is merged first, at height 0); UPGMA on that is the reference.
    D = 1.0 - A.toarray()
    same = labels[:, None] == labels[None, :]
    D[same] = 0.0
    np.fill_diagonal(D, 0.0)
    Zv = linkage(squareform(D, checks=False), method="average")
    top = Zv[-(K - 1):, 2]
    assert np.allclose(np.sort(Z[:, 2]), np.sort(top), atol=1e-12)
    assert np.allclose(Z[:, 2], 1 - sims)
    for k in range(1, K + 1):
        ours = cut_linkage(Z, k)[labels]
        ref = fcluster(Zv, k, criterion="maxclust")
        assert adjusted_rand_score(ref, ours) == pytest.approx(1.0)


def test_heights_monotone_and_no_inversions():
    rng = np.random.default_rng(0)
    K = 30
    W = rng.random((K, K)) * 50
    W = W + W.T
    sizes = rng.integers(5, 40, K)
    Z, sims = average_linkage(W, sizes, return_similarities=True)
    assert np.all(np.diff(Z[:, 2]) >= 0)
    assert count_inversions(Z, sims) == 0
    assert Z[-1, 3] == K
    # Children always exist before they are merged (valid scipy linkage).
    from scipy.cluster.hierarchy import is_valid_linkage

    assert is_valid_linkage(Z)


def test_weighted_height_convention():
    W = np.array([[0, 30, 1], [30, 0, 2], [1, 2, 0]], dtype=float)
    Z, sims = average_linkage(W, [2, 3, 1], return_similarities=True)
    assert sims[0] == pytest.approx(5.0)  # densities above 1: heights are 1 / (1 + s)
    assert np.allclose(Z[:, 2], 1 / (1 + sims))


def test_community_edge_weights_matches_dense():
    A, labels = _random_case(1, n=25, K=4)
    Wc, sizes = community_edge_weights(A, labels)
    dense = A.toarray()
    for a in range(4):
        for b in range(4):
            assert Wc[a, b] == pytest.approx(dense[np.ix_(labels == a, labels == b)].sum())
    assert sizes.tolist() == np.bincount(labels).tolist()


def test_tree_depths_of_balanced_tree():
    # ((0,1),(2,3))
    Z = np.array([[0, 1, 0.1, 2], [2, 3, 0.2, 2], [4, 5, 0.5, 4]])
    assert linkage_depths(Z).tolist() == [2, 2, 2, 2, 1, 1, 0]


@pytest.mark.parametrize(
    "W,sizes,err",
    [
        (np.ones((2, 3)), [1, 1], ValueError),
        (np.ones((2, 2)), [1], ValueError),
        (np.ones((2, 2)), [0, 1], ValueError),
        (-np.ones((2, 2)), [1, 1], ValueError),
        (np.array([[0, 1.0], [2.0, 0]]), [1, 1], ValueError),
    ],
)
def test_bad_input(W, sizes, err):
    with pytest.raises(err):
        average_linkage(W, sizes)


def test_does_not_mutate_input():
    W = np.array([[0, 3, 1], [3, 0, 1], [1, 1, 0]], dtype=float)
    before = W.copy()
    average_linkage(W, [1, 1, 1])
    assert np.array_equal(W, before)


def test_cut_rejects_bad_k():
    Z = np.array([[0, 1, 0.1, 2]])
    with pytest.raises(ValueError, match="n_clusters"):
        cut_linkage(Z, 3)
    with pytest.raises(TypeError):
        cut_linkage(Z, 1.5)


def test_dense_tables_go_through_the_memory_guard():
    import scipy.sparse as sp

    from graphclust import memory
    from graphclust.hierarchy.linkage import average_linkage, community_edge_weights

    A = sp.csr_array(np.ones((6, 6)) - np.eye(6))
    with memory.memory_limit(100), pytest.raises(ValueError, match="weights between 6 communities"):
        community_edge_weights(A, np.arange(6))
    W, sizes = community_edge_weights(A, np.arange(6))
    with memory.memory_limit(100), pytest.raises(ValueError, match="average-linkage table of 6 communities"):
        average_linkage(W, sizes)
