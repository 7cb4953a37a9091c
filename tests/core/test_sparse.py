"""Tests of graphclust.sparse: degrees, self-loops, normalizations, row normalization and a
light check of spmm against scipy (the numba kernel has its own tests).

References are dense numpy formulas on small matrices.
"""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from graphclust import sparse as S


def random_graph(n=15, density=0.25, seed=0, isolated=(3, 9)):
    """Symmetric weighted sparse matrix with some isolated nodes (zero degree)."""
    rng = np.random.default_rng(seed)
    D = np.triu(np.where(rng.random((n, n)) < density, rng.uniform(0.1, 2.0, (n, n)), 0.0), 1)
    D = D + D.T
    D[list(isolated), :] = 0
    D[:, list(isolated)] = 0
    return D


def snapshot(A):
    return A.data.copy(), A.indices.copy(), A.indptr.copy()


def assert_unchanged(A, snap):
    for a, b in zip(snapshot(A), snap):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kind", [sp.csr_array, sp.csr_matrix])
def test_degrees(kind):
    D = random_graph()
    d = S.degrees(kind(D))
    assert d.ndim == 1 and d.shape == (15,)
    np.testing.assert_allclose(d, D.sum(axis=1))
    assert d[3] == 0 and d[9] == 0


def test_inverse_power():
    d = np.array([4.0, 0.0, 0.25, 1.0])
    d0 = d.copy()
    np.testing.assert_allclose(S.inverse_power(d, -0.5), [0.5, 0.0, 2.0, 1.0])
    np.testing.assert_allclose(S.inverse_power(d, -1), [0.25, 0.0, 4.0, 1.0])
    np.testing.assert_array_equal(d, d0)
    out = S.inverse_power(np.array([2, 0]), -1.0)  # integer degrees
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, [0.5, 0.0])
    assert np.all(np.isfinite(S.inverse_power(np.zeros(3), -0.5)))


@pytest.mark.parametrize("value", [1.0, 0.5, 2.0])
def test_add_self_loops(value):
    D = random_graph()
    D[0, 0] = 1.5  # one existing diagonal entry, incremented
    A = sp.csr_array(D)
    snap = snapshot(A)
    out = S.add_self_loops(A, value)
    np.testing.assert_allclose(out.toarray(), D + value * np.eye(15))
    assert out.format == "csr" and out.has_sorted_indices
    assert out.dtype == np.float64
    assert_unchanged(A, snap)
    # on a csr_matrix too
    np.testing.assert_allclose(S.add_self_loops(sp.csr_matrix(D), value).toarray(), D + value * np.eye(15))


def test_add_self_loops_integer_matrix():
    A = sp.csr_array(np.array([[0, 1], [1, 0]]))
    np.testing.assert_array_equal(S.add_self_loops(A).toarray(), [[1, 1], [1, 1]])


def test_normalize_symmetric():
    D = random_graph()
    A = sp.csr_array(D)
    snap = snapshot(A)
    N = S.normalize_symmetric(A)
    d = D.sum(1)
    with np.errstate(divide="ignore"):
        s = np.where(d > 0, 1 / np.sqrt(d), 0.0)
    np.testing.assert_allclose(N.toarray(), s[:, None] * D * s[None, :], rtol=1e-14)
    assert np.all(np.isfinite(N.data))
    assert N.toarray()[3].sum() == 0  # isolated node: zero row, no NaN
    np.testing.assert_allclose(N.toarray(), N.toarray().T, rtol=1e-14)
    # eigenvalues of D^-1/2 A D^-1/2 lie in [-1, 1] and 1 is one of them
    ev = np.linalg.eigvalsh(N.toarray())
    assert ev.max() == pytest.approx(1.0) and ev.min() >= -1 - 1e-12
    assert_unchanged(A, snap)
    assert N.nnz == A.nnz  # same sparsity pattern


def test_normalize_random_walk():
    D = random_graph(seed=4)
    A = sp.csr_matrix(D)
    snap = snapshot(A)
    P = S.normalize_random_walk(A)
    rows = np.asarray(P.sum(axis=1)).ravel()
    deg = D.sum(1)
    np.testing.assert_allclose(rows[deg > 0], 1.0)
    np.testing.assert_array_equal(rows[deg == 0], 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ref = np.where(deg[:, None] > 0, D / deg[:, None], 0.0)
    np.testing.assert_allclose(P.toarray(), ref, rtol=1e-14)
    assert_unchanged(A, snap)


def test_normalizations_of_integer_matrices():
    # integer input must not truncate the fractional scales to zero
    A = sp.csr_array(np.array([[0, 1, 1], [1, 0, 0], [1, 0, 0]]))
    np.testing.assert_allclose(S.normalize_random_walk(A).toarray(), [[0, 0.5, 0.5], [1, 0, 0], [1, 0, 0]])
    s = 1 / np.sqrt(2)
    np.testing.assert_allclose(S.normalize_symmetric(A).toarray(), [[0, s, s], [s, 0, 0], [s, 0, 0]])


def test_diag_scale():
    rng = np.random.default_rng(1)
    D = random_graph(seed=2)
    l, r = rng.random(15), rng.random(15)
    A = sp.csr_array(D)
    np.testing.assert_allclose(S.diag_scale(A, l, r).toarray(), l[:, None] * D * r[None, :])
    np.testing.assert_allclose(S.diag_scale(A, l).toarray(), l[:, None] * D)
    np.testing.assert_allclose(S.diag_scale(A, right=r).toarray(), D * r[None, :])
    np.testing.assert_array_equal(A.toarray(), D)


def test_transpose_csr():
    rng = np.random.default_rng(3)
    M = sp.random(20, 20, density=0.2, format="csr", random_state=rng)
    T = S.transpose_csr(M)
    assert T.format == "csr" and T.has_sorted_indices
    np.testing.assert_array_equal(T.toarray(), M.toarray().T)


def test_row_normalize():
    X = np.array([[3.0, 4.0], [0.0, 0.0], [-1.0, 1.0]])
    X0 = X.copy()
    Y = S.row_normalize(X)
    np.testing.assert_allclose(Y, [[0.6, 0.8], [0, 0], [-1 / np.sqrt(2), 1 / np.sqrt(2)]])
    np.testing.assert_array_equal(X, X0)  # copy=True by default
    Y1 = S.row_normalize(X, norm="l1")
    np.testing.assert_allclose(Y1, [[3 / 7, 4 / 7], [0, 0], [-0.5, 0.5]])
    # against scikit-learn's normalize
    from sklearn.preprocessing import normalize

    Z = np.random.default_rng(0).standard_normal((50, 6))
    np.testing.assert_allclose(S.row_normalize(Z), normalize(Z, norm="l2"), rtol=1e-12)
    np.testing.assert_allclose(S.row_normalize(Z, "l1"), normalize(Z, norm="l1"), rtol=1e-12)
    # integer input becomes float; float32 stays float32
    assert S.row_normalize(np.array([[1, 1]])).dtype == np.float64
    assert S.row_normalize(Z.astype(np.float32)).dtype == np.float32
    # in place when asked
    W = Z.copy()
    S.row_normalize(W, copy=False)
    np.testing.assert_allclose(np.linalg.norm(W, axis=1), 1.0)
    with pytest.raises(ValueError, match="norm must be 'l2' or 'l1'"):
        S.row_normalize(X, norm="max")


def test_spmm_matches_scipy_small():
    rng = np.random.default_rng(0)
    A = sp.random(40, 40, density=0.1, format="csr", random_state=rng)
    X = rng.standard_normal((40, 5))
    np.testing.assert_allclose(S.spmm(A, X), A @ X, rtol=1e-12, atol=1e-14)
    x = rng.standard_normal(40)
    y = S.spmm(A, x)
    assert y.shape == (40,)
    np.testing.assert_allclose(y, A @ x, rtol=1e-12, atol=1e-14)
    out = np.empty((40, 5))
    res = S.spmm(A, X, out=out)
    np.testing.assert_allclose(out, A @ X, rtol=1e-12, atol=1e-14)
    assert res is out or np.shares_memory(res, out)
    # a 1-D out for a 1-D x
    out1 = np.empty(40)
    res1 = S.spmm(A, x, out=out1)
    np.testing.assert_allclose(out1, A @ x, rtol=1e-12, atol=1e-14)
    assert res1.shape == (40,) and np.shares_memory(res1, out1)


def test_spmm_kernel_path_matches_scipy():
    # large enough to take the numba kernel (skipped while that kernel does not exist yet)
    pytest.importorskip("graphclust.kernels.cpu.spmm")
    rng = np.random.default_rng(1)
    A = sp.random(3000, 3000, density=0.01, format="csr", random_state=rng, dtype=np.float64)
    A = sp.csr_array(A)
    X = rng.standard_normal((3000, 16))
    assert A.nnz * X.shape[1] >= S._SPMM_KERNEL_MIN_WORK
    Y = S.spmm(A, X)
    ref = A @ X
    np.testing.assert_allclose(Y, ref, rtol=1e-12, atol=1e-12 * np.abs(ref).max())


@pytest.mark.parametrize("kind", [sp.csr_array, sp.csr_matrix])
@pytest.mark.parametrize("shape, k", [((40, 30), 5), ((3000, 2000), 27)])
def test_spmm_t_is_the_csc_product(kind, shape, k):
    # small products fall back to scipy, large ones take the kernel: both give A.T @ X exactly
    rng = np.random.default_rng(2)
    A = kind(sp.random(*shape, density=0.01, format="csr", random_state=rng))
    X = rng.standard_normal((shape[0], k))
    np.testing.assert_array_equal(S.spmm_t(A, X), A.T @ X)
    np.testing.assert_array_equal(S.spmm_t(A, X[:, 0]), A.T @ X[:, 0])
    assert S.spmm_t(A, X).shape == (shape[1], k)


def test_product_nnz_bound_and_guarded_spgemm():
    import scipy.sparse as sp

    from graphclust import memory
    from graphclust.sparse import product_nnz_bound, spgemm

    rng = np.random.default_rng(0)
    for seed in range(5):
        A = sp.random_array((50, 40), density=0.1, random_state=seed, format="csr")
        B = sp.random_array((40, 60), density=0.1, random_state=seed + 10, format="csr")
        exact = (A @ B).nnz
        bound = product_nnz_bound(A, B)
        assert exact <= bound <= 50 * 60
        np.testing.assert_allclose(spgemm(A, B).toarray(), (A @ B).toarray())
    # no cancellation-free overlap: a permutation times anything is exact
    P = sp.csr_array(np.eye(30)[rng.permutation(30)])
    assert product_nnz_bound(P, B[:30]) == (P @ B[:30]).nnz
    with memory.memory_limit(1000):
        with pytest.raises(memory.MemoryLimitError, match="sparse product"):
            spgemm(sp.csr_array(np.ones((40, 40))), sp.csr_array(np.ones((40, 40))))
    with pytest.raises(ValueError, match="multiply"):
        product_nnz_bound(A, A)
