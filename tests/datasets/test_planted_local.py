"""The planted target-cluster model with noisy labels."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.stats as st

from graphclust.datasets.planted_local import planted_local


def _two_sided_ok(count, trials, prob, z=4.5):
    mean = trials * prob
    sd = np.sqrt(trials * prob * (1 - prob))
    return abs(count - mean) <= z * sd + 1


def test_block_densities_and_label_noise():
    n, k, p, q, qo = 3000, 150, 0.1, 0.002, 0.003
    g, y, K = planted_local(n, k, p, q, qo, 0.85, 0.9, random_state=0)
    A = g.adjacency
    assert g.n_nodes == n and np.array_equal(K, np.arange(k))
    assert np.array_equal(g.labels, (np.arange(n) < k).astype(np.int64))
    assert abs(A - A.T).max() == 0 and A.diagonal().sum() == 0 and set(np.unique(A.data)) == {1.0}
    inK = np.arange(n) < k
    e_in = A[inK][:, inK].sum() / 2
    e_cross = A[inK][:, ~inK].sum()
    e_out = A[~inK][:, ~inK].sum() / 2
    assert _two_sided_ok(e_in, k * (k - 1) // 2, p)
    assert _two_sided_ok(e_cross, k * (n - k), q)
    assert _two_sided_ok(e_out, (n - k) * (n - k - 1) // 2, qo)
    # Label accuracies a1 inside, a0 outside.
    assert _two_sided_ok(y[inK].sum(), k, 0.85)
    assert _two_sided_ok((y[~inK] == 0).sum(), n - k, 0.9)


def test_edges_are_uniform_within_a_block():
    # Degrees inside the background follow Binomial(n - k - 1, q_out) (+ cross edges): a
    # chi-square-free check that positions are spread, not clumped: max degree is small.
    g, _, _ = planted_local(4000, 50, 0.2, 0.0005, 0.002, 1.0, 1.0, random_state=1)
    deg = np.diff(g.adjacency.indptr)[50:]
    assert deg.max() < st.binom.ppf(1 - 1e-7, 4000, 0.0025) + 1
    assert abs(deg.mean() - (3949 * 0.002 + 50 * 0.0005)) < 0.3


def test_reproducible_and_validation():
    a = planted_local(500, 50, 0.2, 0.01, 0.01, 0.9, 0.9, random_state=4)
    b = planted_local(500, 50, 0.2, 0.01, 0.01, 0.9, 0.9, random_state=4)
    assert (a.graph.adjacency != b.graph.adjacency).nnz == 0 and np.array_equal(a.noisy_labels, b.noisy_labels)
    with pytest.raises(ValueError, match="k"):
        planted_local(10, 10, 0.5, 0.1, 0.1, 0.9, 0.9)
    with pytest.raises(ValueError, match="a1"):
        planted_local(10, 5, 0.5, 0.1, 0.1, 1.9, 0.9)
    with pytest.raises(ValueError, match="p"):
        planted_local(10, 5, -0.5, 0.1, 0.1, 0.9, 0.9)


def test_large_sparse_is_fast_and_linear():
    # n = 200k with constant expected degree: O(n + m), no pair loop (would never finish).
    n = 200_000
    g, y, K = planted_local(n, 100, 0.08, 8.0 / n, 8.0 / n, 0.9, 0.9, random_state=2)
    assert g.n_nodes == n
    assert 7.0 < g.adjacency.nnz / n < 9.5


def test_huge_planted_local_refused_before_allocating():
    from graphclust import memory

    with memory.memory_limit("8GiB"), pytest.raises(memory.MemoryLimitError, match=r"1e\+12 nodes.*fewer nodes"):
        planted_local(10**12, 100, 0.08, 1e-10, 1e-10, 0.9, 0.9, random_state=0)
