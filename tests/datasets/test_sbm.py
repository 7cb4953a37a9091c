"""Tests of the SBM generator: exact law on small cases, counts on larger ones, O(n + m)."""
import numpy as np
import pytest
import scipy.sparse as sp

from graphclust.datasets.sbm import _distinct_positions, _unrank_many, sbm


def _check_simple_graph(g):
    A = g.adjacency
    assert isinstance(A, sp.csr_array)
    assert A.dtype == np.float64
    assert (A != A.T).nnz == 0
    assert A.diagonal().sum() == 0
    assert np.all(A.data == 1.0)
    assert A.has_canonical_format


def test_basic_structure_and_labels():
    g = sbm([30, 20, 10], p_in=0.5, p_out=0.05, random_state=0)
    _check_simple_graph(g)
    assert g.n_nodes == 60
    assert g.labels.dtype == np.int64
    np.testing.assert_array_equal(g.labels, np.repeat([0, 1, 2], [30, 20, 10]))
    assert g.name == "sbm"


def test_same_seed_same_graph_other_seed_other_graph():
    a = sbm([100, 100], p_in=0.1, p_out=0.01, random_state=3).adjacency
    b = sbm([100, 100], p_in=0.1, p_out=0.01, random_state=3).adjacency
    c = sbm([100, 100], p_in=0.1, p_out=0.01, random_state=4).adjacency
    assert (a != b).nnz == 0
    assert (a != c).nnz > 0


def test_pair_frequencies_match_the_matrix():
    # Exact law: every node pair is an edge with probability p[r, s]; both the dense
    # (Bernoulli) and the sparse (draw + dedupe) paths are exercised.
    P = np.array([[0.6, 0.1, 0.0], [0.1, 0.2, 0.3], [0.0, 0.3, 1.0]])
    sizes = [4, 5, 3]
    rng = np.random.default_rng(0)
    reps = 1500
    freq = np.zeros((12, 12))
    for _ in range(reps):
        freq += sbm(sizes, P, random_state=rng).adjacency.toarray()
    freq /= reps
    lab = np.repeat(np.arange(3), sizes)
    expected = P[lab][:, lab]
    np.fill_diagonal(expected, 0)
    sd = np.sqrt(expected * (1 - expected) / reps)
    assert np.all(np.abs(freq - expected) <= 5 * sd + 1e-12)


def test_block_edge_counts_large_graph():
    sizes = np.array([3000, 2000, 1000])
    P = np.array([[4e-3, 5e-4, 1e-4], [5e-4, 6e-3, 2e-4], [1e-4, 2e-4, 0.3]])
    g = sbm(sizes, P, random_state=1)
    _check_simple_graph(g)
    A = g.adjacency
    lab = g.labels
    Z = sp.csr_array((np.ones(lab.size), (np.arange(lab.size), lab)))
    counts = (Z.T @ A @ Z).toarray()  # ordered pairs; diagonal counts each edge twice
    for r in range(3):
        for s in range(3):
            n_pairs = sizes[r] * (sizes[r] - 1) / 2 if r == s else sizes[r] * sizes[s]
            m = counts[r, s] / 2 if r == s else counts[r, s]
            mean = n_pairs * P[r, s]
            assert abs(m - mean) <= 5 * np.sqrt(mean * (1 - P[r, s])) + 1, (r, s, m, mean)


def test_scalar_p_is_erdos_renyi_and_matrix_equivalent():
    a = sbm([50, 50], 0.1, random_state=0)
    b = sbm([50, 50], np.full((2, 2), 0.1), random_state=0)
    assert (a.adjacency != b.adjacency).nnz == 0


def test_huge_sparse_graph_is_linear_not_quadratic():
    # 10^12 node pairs: any O(n^2) sampler would run out of memory or time here.
    g = sbm([500_000, 500_000], p_in=4e-8, p_out=2e-8, random_state=0)
    expected = 2 * (500_000**2 / 2) * 4e-8 + 500_000**2 * 2e-8
    assert g.n_nodes == 1_000_000
    assert abs(g.n_edges - expected) < 6 * np.sqrt(expected)


def test_distinct_positions_are_distinct_and_exact_counts():
    rng = np.random.default_rng(0)
    n_pairs = np.array([10, 1000, 5, 10**12], dtype=np.int64)
    counts = np.array([10, 400, 0, 1000], dtype=np.int64)
    pos, grp = _distinct_positions(n_pairs, counts, rng)
    np.testing.assert_array_equal(np.bincount(grp, minlength=4), counts)
    assert np.all(pos >= 0) and np.all(pos < n_pairs[grp])
    keys = grp * 10**13 + pos
    assert np.unique(keys).size == keys.size
    np.testing.assert_array_equal(np.sort(pos[grp == 0]), np.arange(10))


def test_triangular_unranking_roundtrip_for_large_blocks():
    sizes = np.array([2_000_000], dtype=np.int64)
    offsets = np.array([0, 2_000_000])
    total = sizes[0] * (sizes[0] - 1) // 2
    idx = np.array([0, 1, 2, 3, total // 3, total - 2, total - 1], dtype=np.int64)
    zeros = np.zeros(idx.size, dtype=np.int64)
    u, v = _unrank_many(idx, zeros, zeros, sizes, offsets)
    assert np.all(u < v) and np.all(v < sizes[0])
    np.testing.assert_array_equal(v * (v - 1) // 2 + u, idx)
    assert (u[-1], v[-1]) == (sizes[0] - 2, sizes[0] - 1)


def test_degree_corrected_degrees_follow_theta():
    rng = np.random.default_rng(0)
    sizes = [4000, 4000]
    theta = np.where(np.arange(8000) % 2 == 0, 1.0, 3.0)
    g = sbm(sizes, p_in=2e-3, p_out=5e-4, theta=theta, random_state=rng)
    _check_simple_graph(g)
    deg = g.degrees()
    # theta rescaled to mean 1 per block: weights 0.5 and 1.5; block degree 4000 * 2.5e-3 = 10.
    lo, hi = deg[::2].mean(), deg[1::2].mean()
    assert abs(lo - 5.0) < 0.3 and abs(hi - 15.0) < 0.6
    # Edges inside blocks vs across: 2e-3 * 4000^2 / 2 * 2 blocks vs 5e-4 * 4000^2.
    lab = g.labels
    A = g.adjacency.tocoo()
    inside = (lab[A.row] == lab[A.col]).sum() / 2
    across = (lab[A.row] != lab[A.col]).sum() / 2
    assert abs(inside - 32000) < 6 * np.sqrt(32000) + 200  # a few multi-edges merge
    assert abs(across - 8000) < 6 * np.sqrt(8000) + 100


def test_degree_corrected_default_theta_and_zero_weights():
    g = sbm([500, 500], p_in=0.02, p_out=0.002, degree_corrected=True, random_state=0)
    _check_simple_graph(g)
    assert g.degrees().max() > 3 * g.degrees().mean()  # heavy tail from the Pareto weights
    theta = np.ones(100)
    theta[:10] = 0.0
    g = sbm([50, 50], p_in=0.2, p_out=0.02, theta=theta, random_state=0)
    assert np.all(g.degrees()[:10] == 0)


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        (dict(sizes=[10, 10], p=[[0.1, 0.2], [0.3, 0.1]]), ValueError, "symmetric"),
        (dict(sizes=[10, 10], p=[[0.1, 2.0], [2.0, 0.1]]), ValueError, "probabilities"),
        (dict(sizes=[10, 10], p=np.full((3, 3), 0.1)), ValueError, "2 x 2"),
        (dict(sizes=[10, 0], p=0.1), ValueError, "sizes"),
        (dict(sizes=[10, 2.5], p=0.1), TypeError, "sizes"),
        (dict(sizes=[], p=0.1), ValueError, "sizes"),
        (dict(sizes=[10], p=0.1, p_in=0.2, p_out=0.1), ValueError, "either"),
        (dict(sizes=[10], p_in=0.2), ValueError, "p_in and p_out"),
        (dict(sizes=[10], p_in=1.5, p_out=0.1), ValueError, "p_in"),
        (dict(sizes=[10], p=0.1, theta=np.ones(9)), ValueError, "theta"),
        (dict(sizes=[10], p=0.1, theta=-np.ones(10)), ValueError, "theta"),
    ],
)
def test_bad_input(kwargs, err, match):
    with pytest.raises(err, match=match):
        sbm(**kwargs)


def test_inputs_not_modified():
    P = np.array([[0.3, 0.1], [0.1, 0.3]])
    theta = np.arange(1.0, 21.0)
    P0, t0 = P.copy(), theta.copy()
    sbm([10, 10], P, theta=theta, random_state=0)
    np.testing.assert_array_equal(P, P0)
    np.testing.assert_array_equal(theta, t0)


# --------------------------------------------------------------------------- memory guard


def _no_allocation(monkeypatch):
    """Make the samplers fail: a refusal must come before any of them runs."""
    import importlib

    module = importlib.import_module("graphclust.datasets.sbm")  # the package exports the function

    def boom(*args, **kwargs):
        raise AssertionError("the size must be refused before sampling")

    monkeypatch.setattr(module, "_sample_sbm", boom)
    monkeypatch.setattr(module, "_sample_dcsbm", boom)


def test_huge_sbm_refused_before_allocating(monkeypatch):
    from graphclust import memory

    _no_allocation(monkeypatch)
    with memory.memory_limit("8GiB"):
        # 2e9 nodes: the labels alone are 14.9 GiB, the 1e17 expected edges far more
        with pytest.raises(memory.MemoryLimitError, match=r"2e\+09 nodes.*above the memory limit of 8\.0 GiB.*fewer nodes"):
            sbm([10**9] * 2, p_in=0.1, p_out=0.01)
        with pytest.raises(memory.MemoryLimitError, match="expected edges"):
            sbm([10**9] * 2, p_in=0.1, p_out=0.01, degree_corrected=True)
        with pytest.raises(memory.MemoryLimitError, match="block probability matrix"):
            sbm([1] * 10**6, p_in=0.5, p_out=0.0)  # 10^6 x 10^6 probabilities: 7.3 TiB
    with memory.memory_limit(1000), pytest.raises(ValueError, match="sampling sbm"):
        sbm([100, 100], p_in=0.1, p_out=0.01)  # a small graph with a tiny limit
    with memory.memory_limit("1PiB"), pytest.raises(ValueError, match="2\\^62 node pairs"):
        sbm([2**32], p=0.0)  # fits the limit, but its node pairs cannot be indexed


def test_expected_memory_bounds_the_measured_peak():
    import tracemalloc

    from graphclust import memory
    from graphclust.datasets.sbm import _check_sample_size, _check_blocks

    for sizes, p_in, p_out in [([3000] * 4, 0.01, 0.001), ([600, 600], 0.4, 0.05)]:
        sizes_arr, P = _check_blocks(sizes, None, p_in, p_out)
        tracemalloc.start()
        sbm(sizes, p_in=p_in, p_out=p_out, random_state=0)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        with memory.memory_limit(peak):  # the estimate is at least the measured peak
            with pytest.raises(ValueError, match="sampling"):
                _check_sample_size(sizes_arr, P, False, "sbm")
