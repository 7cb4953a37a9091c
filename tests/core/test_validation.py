"""Tests of graphclust.validation: random states and the small shared checks."""
from __future__ import annotations

import numpy as np
import pytest

from graphclust.validation import (
    check_choice,
    check_features,
    check_n_clusters,
    check_node_vector,
    check_random_state,
    check_scalar,
    check_seeds,
    seed_from,
)

# --------------------------------------------------------------------------- random state


def test_same_seed_same_stream():
    a = check_random_state(42).standard_normal(20)
    b = check_random_state(42).standard_normal(20)
    np.testing.assert_array_equal(a, b)
    # an int seeds numpy's default generator (PCG64), so the stream is numpy's own
    np.testing.assert_array_equal(a, np.random.default_rng(42).standard_normal(20))
    assert not np.array_equal(a, check_random_state(43).standard_normal(20))
    np.testing.assert_array_equal(check_random_state(np.int64(7)).random(3), np.random.default_rng(7).random(3))


def test_generator_passthrough_shares_the_stream():
    rng = np.random.default_rng(0)
    assert check_random_state(rng) is rng
    first = check_random_state(rng).random()
    second = check_random_state(rng).random()
    ref = np.random.default_rng(0).random(2)
    assert [first, second] == ref.tolist()


def test_none_and_randomstate():
    g = check_random_state(None)
    assert isinstance(g, np.random.Generator)
    rs1, rs2 = np.random.RandomState(3), np.random.RandomState(3)
    np.testing.assert_array_equal(check_random_state(rs1).random(5), check_random_state(rs2).random(5))
    assert isinstance(check_random_state(rs1), np.random.Generator)


@pytest.mark.parametrize("bad", [1.5, "0", [1], True, object()])
def test_bad_random_state_type(bad):
    with pytest.raises(TypeError, match="random_state must be"):
        check_random_state(bad)


def test_negative_seed():
    with pytest.raises(ValueError, match="random_state must be a non-negative integer"):
        check_random_state(-1)


def test_seed_from():
    s = seed_from(np.random.default_rng(5))
    assert isinstance(s, int) and 0 <= s < 2**31 - 1
    assert s == seed_from(np.random.default_rng(5))


# --------------------------------------------------------------------------- scalars


def test_check_scalar_values():
    assert check_scalar(0.5, "alpha", low=0, high=1) == 0.5
    assert isinstance(check_scalar(np.float32(2), "beta"), float)
    assert check_scalar(3.0, "T", kind=int) == 3 and isinstance(check_scalar(3.0, "T", kind=int), int)
    assert check_scalar(np.int64(4), "T", kind=int, low=1) == 4
    assert check_scalar(0.0, "x", low=0) == 0.0
    assert check_scalar(1.0, "x", high=1) == 1.0


def test_check_scalar_errors():
    with pytest.raises(ValueError, match=r"alpha must be <= 1, got 1.5"):
        check_scalar(1.5, "alpha", low=0, high=1)
    with pytest.raises(ValueError, match=r"alpha must be >= 0"):
        check_scalar(-0.1, "alpha", low=0)
    with pytest.raises(ValueError, match=r"alpha must be > 0"):
        check_scalar(0, "alpha", low=0, low_inclusive=False)
    with pytest.raises(ValueError, match=r"alpha must be < 1"):
        check_scalar(1, "alpha", high=1, high_inclusive=False)
    with pytest.raises(ValueError, match="alpha must be finite"):
        check_scalar(np.nan, "alpha")
    with pytest.raises(ValueError, match="alpha must be finite"):
        check_scalar(np.inf, "alpha")
    with pytest.raises(TypeError, match="T must be an integer"):
        check_scalar(2.5, "T", kind=int)
    for bad in ("1", None, True, [1]):
        with pytest.raises(TypeError, match="alpha must be a float"):
            check_scalar(bad, "alpha")


def test_check_n_clusters():
    assert check_n_clusters(3, 10) == 3
    assert check_n_clusters(10, 10) == 10
    with pytest.raises(ValueError, match="n_clusters must be >= 1"):
        check_n_clusters(0, 10)
    with pytest.raises(ValueError, match="n_clusters must be <= 10"):
        check_n_clusters(11, 10)
    with pytest.raises(TypeError, match="n_clusters"):
        check_n_clusters("3", 10)
    with pytest.raises(TypeError, match="n_clusters"):
        check_n_clusters(None, 10)
    with pytest.raises(TypeError, match="n_clusters must be an integer"):
        check_n_clusters(2.5, 10)


def test_check_choice():
    assert check_choice("a", "mode", ("a", "b")) == "a"
    with pytest.raises(ValueError, match="mode must be one of 'a', 'b'; got 'c'"):
        check_choice("c", "mode", ("a", "b"))


# --------------------------------------------------------------------------- seeds and vectors


def test_check_seeds():
    np.testing.assert_array_equal(check_seeds(3, 10), [3])
    out = check_seeds([4, 1, 4], 10)
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out, [4, 1, 4])
    np.testing.assert_array_equal(check_seeds(np.array([2.0, 5.0]), 10), [2, 5])
    seeds = np.array([1, 2], dtype=np.int32)
    check_seeds(seeds, 5)
    assert seeds.dtype == np.int32  # input untouched


def test_check_seeds_errors():
    with pytest.raises(ValueError, match=r"seeds out of range: \[10\] not in \[0, 10\)"):
        check_seeds([1, 10], 10)
    with pytest.raises(ValueError, match="seeds out of range"):
        check_seeds(-1, 10)
    with pytest.raises(ValueError, match="seeds is empty"):
        check_seeds([], 10)
    with pytest.raises(ValueError, match="seeds must be a node index or a 1-D sequence"):
        check_seeds([[1, 2]], 10)
    with pytest.raises(TypeError, match="seeds must be integer node indices"):
        check_seeds([1.5], 10)
    with pytest.raises(TypeError, match="seeds must be integer node indices"):
        check_seeds(["a"], 10)
    with pytest.raises(TypeError, match="seeds must be integer node indices"):
        check_seeds([True, False], 10)
    with pytest.raises(ValueError, match="nodes out of range"):
        check_seeds([99], 10, name="nodes")


def test_check_node_vector():
    x = [1, 2, 3]
    out = check_node_vector(x, 3, "weights")
    assert out.dtype == np.float64
    arr = np.array([1.0, 2.0])
    out = check_node_vector(arr, 2, "weights")
    out[0] = 9
    assert arr[0] == 1.0  # a copy
    with pytest.raises(ValueError, match=r"weights must be a 1-D array with one entry per node \(3\)"):
        check_node_vector([1.0, 2.0], 3, "weights")
    with pytest.raises(ValueError, match="weights has non-finite entries"):
        check_node_vector([1.0, np.nan], 2, "weights")


def test_check_features():
    import scipy.sparse as sp

    assert check_features(None, 3) is None
    X = np.arange(6).reshape(3, 2)
    out = check_features(X, 3)
    assert out.dtype == np.float64 and out.shape == (3, 2)
    out[0, 0] = 99
    assert X[0, 0] == 0  # a copy
    assert check_features(np.ones(3, dtype=np.float32), 3).shape == (3, 1)
    S = check_features(sp.coo_matrix(np.eye(3)), 3)
    assert isinstance(S, sp.csr_array) and S.dtype == np.float64
    with pytest.raises(ValueError, match="features has 2 rows but the graph has 3 nodes"):
        check_features(np.ones((2, 2)), 3)
    with pytest.raises(ValueError, match="features has non-finite entries"):
        check_features(np.array([[1.0], [np.nan], [0.0]]), 3)
    with pytest.raises(TypeError, match="features must be numeric"):
        check_features(np.array([["a"], ["b"], ["c"]]), 3)


def test_check_scalar_refuses_integers_beyond_int64():
    # Found by the property tests: max_iters=1e308 passed the check and overflowed in a kernel.
    from graphclust.validation import check_scalar

    with pytest.raises(ValueError, match="64-bit"):
        check_scalar(1e308, "max_iters", kind=int, low=1)
    assert check_scalar(2**62, "max_iters", kind=int, low=1) == 2**62
