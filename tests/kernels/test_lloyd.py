"""The Lloyd-step kernels against the numpy form they replace (bit for bit) and brute force."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from graphclust.amg.restarts import _lloyd_keep_empty
from graphclust.kernels.cpu.lloyd import assign, cluster_sums


def _lloyd_numpy(X, x_sq, centres, max_iter):
    """The numpy Lloyd loop of the official restarts: expanded distances, dead centres at
    inf, first minimum, sums through a sparse membership matrix."""
    k = centres.shape[0]
    alive = np.ones(k, dtype=bool)
    labels = np.full(X.shape[0], -1, dtype=np.int64)
    for _ in range(max_iter):
        d = x_sq[:, None] - 2.0 * X @ centres.T + (centres * centres).sum(axis=1)[None, :]
        d[:, ~alive] = np.inf
        new = np.argmin(d, axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
        counts = np.bincount(labels, minlength=k)
        alive = counts > 0
        member = sp.csr_array((np.ones(labels.size), (labels, np.arange(labels.size))), shape=(k, labels.size))
        centres = np.where(alive[:, None], (member @ X) / np.maximum(counts, 1)[:, None], centres)
    return labels


@pytest.mark.parametrize("seed", range(12))
def test_lloyd_gives_the_labels_of_the_numpy_form(seed):
    rng = np.random.default_rng(seed)
    n, d, k = int(rng.integers(5, 2000)), int(rng.integers(1, 6)), int(rng.integers(1, 8))
    # integer grids make exact ties in the distances (and equal centres, hence empty clusters)
    X = rng.integers(0, 3, (n, d)).astype(float) if seed % 2 else rng.standard_normal((n, d))
    X = np.ascontiguousarray(X)
    x_sq = (X * X).sum(axis=1)
    start = X[rng.integers(0, n, size=k)].copy()
    np.testing.assert_array_equal(_lloyd_keep_empty(X, x_sq, start.copy(), 10), _lloyd_numpy(X, x_sq, start, 10))


def test_assign_matches_brute_force_and_skips_dead_centres():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((500, 3))
    C = rng.standard_normal((6, 3))
    alive = np.array([True, False, True, True, False, True])
    labels = np.full(500, -1, dtype=np.int64)
    changed = assign(X @ C.T, (X * X).sum(1), (C * C).sum(1), alive, labels)
    dist = ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)
    dist[:, ~alive] = np.inf
    np.testing.assert_array_equal(labels, np.argmin(dist, axis=1))
    assert changed == 500 and alive[labels].all()
    again = labels.copy()
    assert assign(X @ C.T, (X * X).sum(1), (C * C).sum(1), alive, again) == 0
    np.testing.assert_array_equal(again, labels)


def test_assign_ties_go_to_the_lower_index():
    X = np.zeros((4, 2))
    C = np.zeros((3, 2))
    labels = np.full(4, -1, dtype=np.int64)
    assign(X @ C.T, np.zeros(4), np.zeros(3), np.array([False, True, True]), labels)
    assert labels.tolist() == [1, 1, 1, 1]


def test_cluster_sums_are_the_membership_product_to_the_bit():
    rng = np.random.default_rng(4)
    X = rng.standard_normal((3000, 4)) * 10.0 ** rng.integers(-8, 8, (3000, 1))  # cancellation
    labels = rng.integers(0, 5, 3000)
    counts, sums = cluster_sums(X, labels, 7)
    member = sp.csr_array((np.ones(3000), (labels, np.arange(3000))), shape=(7, 3000))
    np.testing.assert_array_equal(sums, member @ X)
    np.testing.assert_array_equal(counts, np.bincount(labels, minlength=7))


def test_bad_input():
    X = np.ones((3, 2))
    labels = np.zeros(3, dtype=np.int64)
    with pytest.raises(ValueError, match="alive"):
        assign(np.ones((3, 2)), np.ones(3), np.ones(2), np.zeros(2, bool), labels)
    with pytest.raises(ValueError, match="n x k"):
        assign(np.ones((3, 2)), np.ones(4), np.ones(2), np.ones(2, bool), labels)
    with pytest.raises(ValueError, match="int64"):
        assign(np.ones((3, 2)), np.ones(3), np.ones(2), np.ones(2, bool), labels.astype(np.int32))
    with pytest.raises(ValueError, match=r"\[0, 2\)"):
        cluster_sums(X, np.array([0, 2, 1]), 2)
    with pytest.raises(ValueError, match="entries"):
        cluster_sums(X, np.array([0, 1]), 2)
