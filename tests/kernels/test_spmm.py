"""The SpMM kernels against scipy's ``A @ X`` (independent reference) on random CSR inputs."""
from __future__ import annotations

import sys

import numba
import numpy as np
import pytest
import scipy.sparse as sp

from graphclust.kernels.cpu import spmm as K
from graphclust.kernels.cpu.rows import balanced_bounds


def _random_csr(n_rows, n_cols, density, rng, *, index_dtype=np.int32, dtype=np.float64, empty_rows=0.2):
    A = sp.random(n_rows, n_cols, density=density, format="csr", random_state=rng, dtype=np.float64)
    if empty_rows and n_rows:
        keep = rng.random(n_rows) >= empty_rows  # zero out whole rows -> empty rows in CSR
        A = sp.csr_array(sp.diags(keep.astype(float)) @ A)
        A.eliminate_zeros()
    A = sp.csr_array(A)
    A.data = (A.data - 0.3).astype(dtype)  # mixed signs: cancellation makes the check stricter
    A.indices = A.indices.astype(index_dtype)
    A.indptr = A.indptr.astype(index_dtype)
    return A


def _rel_err(Y, R):
    scale = max(np.abs(R).max(), np.finfo(float).tiny) if R.size else 1.0
    return np.abs(np.asarray(Y, dtype=np.float64) - R).max() / scale if R.size else 0.0


@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
@pytest.mark.parametrize("data_dtype", [np.float32, np.float64])
@pytest.mark.parametrize("x_dtype", [np.float32, np.float64])
@pytest.mark.parametrize("k", [1, 7, 16, 33])
def test_matches_scipy(index_dtype, data_dtype, x_dtype, k):
    rng = np.random.default_rng(k)
    A = _random_csr(300, 250, 0.03, rng, index_dtype=index_dtype, dtype=data_dtype)
    assert np.any(np.diff(A.indptr) == 0)  # the case of empty rows is exercised
    X = rng.standard_normal((250, k)).astype(x_dtype)
    Y = K.csr_spmm(A.indptr, A.indices, A.data, X)
    R = A @ X
    assert Y.dtype == np.result_type(data_dtype, x_dtype) == R.dtype
    assert Y.shape == (300, k) and Y.flags.c_contiguous
    tol = 1e-12 if Y.dtype == np.float64 else 1e-5
    assert _rel_err(Y, R.astype(np.float64)) <= tol


def _force_plan(monkeypatch, plan):
    """Every product of the test runs ``plan`` (form, prefetch distance): no probe, no cache."""
    monkeypatch.setattr(K, "_PLANS", {})
    monkeypatch.setattr(K, "_probe", lambda *args: None)
    monkeypatch.setattr(K, "_DEFAULT_PLAN", plan)


@pytest.mark.parametrize("serial", [True, False])
@pytest.mark.parametrize("x_dtype", [np.float32, np.float64])
@pytest.mark.parametrize("k", [1, 7, 16, 40, 64])
def test_every_variant_gives_the_same_bits(monkeypatch, serial, x_dtype, k):
    # the variants the probe chooses between differ in speed only: same sums in the same order
    monkeypatch.setattr(K, "_SERIAL_WORK", 1 << 62 if serial else 0)
    rng = np.random.default_rng(100 + k)
    A = _random_csr(400, 300, 0.05, rng)
    X = rng.standard_normal((300, k)).astype(x_dtype)
    R = A @ X
    cands = K._candidates(k, X.itemsize)
    assert (0, 0) in cands and any(d > 0 for _, d in cands)  # no-prefetch and prefetch
    assert ((1, 0) in cands) == (k >= 16)  # register blocks of 16 columns need 16 columns
    assert ((2, 0) in cands) == (k >= 8)  # vector steps of 8 columns need 8
    results = []
    for plan in cands:
        _force_plan(monkeypatch, plan)
        results.append(K.csr_spmm(A.indptr, A.indices, A.data, X))
        bad = A.indices.copy()
        bad[0] = -1
        with pytest.raises(ValueError, match="indices must lie"):
            K.csr_spmm(A.indptr, bad, A.data, X)
    assert _rel_err(results[0], R) <= 1e-12
    for Y in results[1:]:
        np.testing.assert_array_equal(Y, results[0])


def test_probe_chooses_once_per_shape_class_and_keeps_the_bits(monkeypatch):
    # a small product made to look large enough to probe: the rows computed by the timed
    # candidates and by the winner together give the same bits as one plain pass
    monkeypatch.setattr(K, "_PLANS", {})
    monkeypatch.setattr(K, "_PROBE_SLICE_WORK", 1 << 10)
    monkeypatch.setattr(K, "_PROBE_MIN_SLICE_WORK", 1 << 6)
    rng = np.random.default_rng(40)
    A = _random_csr(3000, 2500, 0.004, rng)
    X = rng.standard_normal((2500, 16))
    Y = K.csr_spmm(A.indptr, A.indices, A.data, X)
    plans = K.spmm_plans()
    key = (A.data.dtype.str, A.indices.dtype.str, X.dtype.str, 16, numba.get_num_threads(),
           K._regime(X.nbytes))
    assert list(plans) == [key]
    cands = K._candidates(16, 8)
    assert len(plans[key]["scores"]) == len(cands)
    assert plans[key]["form"] in ("row", "vector", "blocked") and plans[key]["distance"] >= 0
    best = min(plans[key]["scores"], key=plans[key]["scores"].get)
    assert best == f"{plans[key]['form']}/{plans[key]['distance']}"
    before = numba.get_num_threads()
    with monkeypatch.context() as m:
        m.setattr(K, "_probe", lambda *args: pytest.fail("probed twice"))  # the choice is kept
        Z = K.csr_spmm(A.indptr, A.indices, A.data, X)
    _force_plan(monkeypatch, (0, 0))
    np.testing.assert_array_equal(Y, K.csr_spmm(A.indptr, A.indices, A.data, X))
    np.testing.assert_array_equal(Z, Y)
    assert _rel_err(Y, A @ X) <= 1e-12
    assert numba.get_num_threads() == before


def test_probe_finds_bad_indices_in_its_slices_and_after(monkeypatch):
    monkeypatch.setattr(K, "_PROBE_SLICE_WORK", 1 << 10)
    monkeypatch.setattr(K, "_PROBE_MIN_SLICE_WORK", 1 << 6)
    A = _random_csr(3000, 2500, 0.004, np.random.default_rng(41), empty_rows=0.0)
    X = np.ones((2500, 16))
    for pos in (0, A.nnz - 1):  # in the first probe slice, in the rows after the probe
        monkeypatch.setattr(K, "_PLANS", {})
        indices = A.indices.copy()
        indices[pos] = 2500
        with pytest.raises(ValueError, match="indices must lie"):
            K.csr_spmm(A.indptr, indices, A.data, X)


def test_cache_regimes():
    l2, llc = K._cache_sizes()
    assert l2 >= 0 and llc >= 0
    if llc:
        assert K._regime(1) == 0 and K._regime(llc + 1) == 2
    else:
        assert K._regime(1) == -1


def test_float32_block_with_float64_weights_is_float64_accurate():
    # X is read as float32 but accumulated in float64: same numbers as scipy's upcast product
    rng = np.random.default_rng(0)
    A = _random_csr(500, 500, 0.02, rng)
    X = rng.standard_normal((500, 12)).astype(np.float32)
    Y = K.csr_spmm(A.indptr, A.indices, A.data, X)
    R = A @ X.astype(np.float64)
    assert Y.dtype == np.float64
    assert _rel_err(Y, R) <= 1e-12


def test_vector_and_out():
    rng = np.random.default_rng(1)
    A = _random_csr(80, 60, 0.1, rng)
    x = rng.standard_normal(60)
    y = K.csr_spmm(A.indptr, A.indices, A.data, x)
    assert y.shape == (80,)
    assert _rel_err(y, A @ x) <= 1e-12
    out = np.full((80, 3), np.nan)  # garbage in out must be overwritten, not accumulated
    X = rng.standard_normal((60, 3))
    res = K.csr_spmm(A.indptr, A.indices, A.data, X, out=out)
    assert res is out
    assert _rel_err(out, A @ X) <= 1e-12
    out1 = np.full(80, np.nan)
    assert K.csr_spmm(A.indptr, A.indices, A.data, x, out=out1) is out1
    assert _rel_err(out1, A @ x) <= 1e-12


def test_non_contiguous_blocks_are_copied_not_modified():
    rng = np.random.default_rng(2)
    A = _random_csr(120, 90, 0.05, rng)
    base = rng.standard_normal((90, 10))
    for X in (np.asfortranarray(base), base[:, ::2], base[::-1]):
        X_before = X.copy()
        Y = K.csr_spmm(A.indptr, A.indices, A.data, X)
        assert _rel_err(Y, A @ X) <= 1e-12
        np.testing.assert_array_equal(X, X_before)


def test_inputs_not_modified():
    rng = np.random.default_rng(3)
    A = _random_csr(50, 50, 0.1, rng)
    arrays = [A.indptr.copy(), A.indices.copy(), A.data.copy()]
    X = rng.standard_normal((50, 4))
    X0 = X.copy()
    K.csr_spmm(A.indptr, A.indices, A.data, X)
    for a, b in zip(arrays, (A.indptr, A.indices, A.data)):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(X, X0)


def test_unsorted_and_duplicate_indices_are_summed_like_scipy():
    indptr = np.array([0, 4, 4, 7])
    indices = np.array([3, 0, 3, 1, 2, 2, 0])
    data = np.array([1.0, 2.0, -4.0, 0.5, 1.5, 2.5, 3.0])
    X = np.arange(12.0).reshape(4, 3)
    R = sp.csr_array((data, indices, indptr), shape=(3, 4)) @ X
    Y = K.csr_spmm(indptr, indices, data, X)
    np.testing.assert_allclose(Y, R, rtol=1e-14)


def test_integer_inputs_give_float64():
    rng = np.random.default_rng(4)
    A = _random_csr(40, 30, 0.2, rng)
    data = np.rint(A.data * 10).astype(np.int64)
    X = rng.integers(-3, 4, size=(30, 2))
    Y = K.csr_spmm(A.indptr, A.indices, data, X)
    assert Y.dtype == np.float64
    np.testing.assert_array_equal(Y, sp.csr_array((data, A.indices, A.indptr), shape=A.shape) @ X)


def test_degenerate_shapes():
    # no rows, no nonzeros, no columns of X
    Y = K.csr_spmm(np.array([0]), np.array([], dtype=np.int32), np.array([]), np.ones((5, 3)))
    assert Y.shape == (0, 3)
    Y = K.csr_spmm(np.zeros(4, dtype=np.int64), np.array([], dtype=np.int64), np.array([]), np.ones((5, 2)))
    np.testing.assert_array_equal(Y, np.zeros((3, 2)))
    A = _random_csr(10, 5, 0.5, np.random.default_rng(0))
    Y = K.csr_spmm(A.indptr, A.indices, A.data, np.ones((5, 0)))
    assert Y.shape == (10, 0)


def test_skewed_rows_balanced_chunks_and_thread_count_invariance():
    # one hub row holding half the nonzeros: the chunks split by work must still cover all rows
    rng = np.random.default_rng(5)
    n = 2000
    A = _random_csr(n, n, 0.002, rng, empty_rows=0.0).tolil()
    A[7, :] = rng.random(n)
    A = sp.csr_array(A)
    bounds = balanced_bounds(A.indptr, 16)
    assert bounds[0] == 0 and bounds[-1] == n and np.all(np.diff(bounds) >= 0)
    X = rng.standard_normal((n, 16))
    assert (A.nnz + n) * 16 >= K._SERIAL_WORK  # large enough for the parallel kernel
    before = numba.get_num_threads()
    try:
        results = []
        for t in sorted({1, before}):
            numba.set_num_threads(t)
            results.append(K.csr_spmm(A.indptr, A.indices, A.data, X))
    finally:
        numba.set_num_threads(before)
    assert _rel_err(results[0], A @ X) <= 1e-12
    # each row is summed in CSR order whatever the chunking: bitwise equal across thread counts
    np.testing.assert_array_equal(results[0], results[-1])


@pytest.mark.parametrize(
    "mutate, exc, match",
    [
        (lambda p, i, d, X: (p, i.astype(float), d, X), TypeError, "indices"),
        (lambda p, i, d, X: (p.astype(float), i, d, X), TypeError, "indptr"),
        (lambda p, i, d, X: (p, i, d.astype(complex), X), TypeError, "data"),
        (lambda p, i, d, X: (p, i, d, X.astype(complex)), TypeError, "X"),
        (lambda p, i, d, X: (p, i, d[:-1], X), ValueError, "differ in length"),
        (lambda p, i, d, X: (p, i, d, X[:-1]), ValueError, "indices must lie"),
        (lambda p, i, d, X: (p, np.where(np.arange(i.size) == 0, -1, i), d, X), ValueError, "indices must lie"),
        (lambda p, i, d, X: (p + 1, i, d, X), ValueError, "indptr must start"),
        (lambda p, i, d, X: (np.r_[p[:2], p[1] - 1, p[3:]], i, d, X), ValueError, "non-decreasing"),
        (lambda p, i, d, X: (p, i, d, X[None]), ValueError, "1-D or 2-D"),
        (lambda p, i, d, X: (p, i, d, X[:-1, 0]), ValueError, "indices must lie"),
        (lambda p, i, d, X: (np.r_[p[:2], p[1] - 1, p[3:]], i, d, X[:, :1]), ValueError, "non-decreasing"),
    ],
)
def test_bad_input(mutate, exc, match):
    A = _random_csr(20, 20, 0.3, np.random.default_rng(6), empty_rows=0.0)
    X = np.ones((20, 3))
    args = mutate(A.indptr, A.indices, A.data, X)
    with pytest.raises(exc, match=match):
        K.csr_spmm(*args)


def test_bad_index_found_by_parallel_kernel():
    A = _random_csr(3000, 3000, 0.01, np.random.default_rng(11), empty_rows=0.0)
    X = np.ones((3000, 8))
    assert (A.nnz + 3000) * 8 >= K._SERIAL_WORK
    indices = A.indices.copy()
    indices[-1] = 3000  # the very last entry, in the last chunk
    with pytest.raises(ValueError, match="indices must lie"):
        K.csr_spmm(A.indptr, indices, A.data, X)


def test_bad_out():
    A = _random_csr(20, 20, 0.3, np.random.default_rng(7))
    X = np.ones((20, 3))
    call = lambda out: K.csr_spmm(A.indptr, A.indices, A.data, X, out=out)  # noqa: E731
    with pytest.raises(ValueError, match="dtype"):
        call(np.empty((20, 3), dtype=np.float32))
    with pytest.raises(ValueError, match="shape"):
        call(np.empty((20, 4)))
    with pytest.raises(ValueError, match="C-contiguous"):
        call(np.empty((20, 3), order="F"))
    with pytest.raises(ValueError, match="share memory"):
        K.csr_spmm(A.indptr, A.indices, A.data, X, out=X)
    with pytest.raises(TypeError, match="out"):
        call([[0.0] * 3] * 20)


@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
def test_transpose(index_dtype):
    rng = np.random.default_rng(8)
    A = _random_csr(70, 40, 0.1, rng, index_dtype=index_dtype)
    p, i, d = K.csr_transpose(A.indptr, A.indices, A.data, 40)
    T = sp.csr_array((d, i, p), shape=(40, 70))
    assert T.has_sorted_indices
    np.testing.assert_array_equal(T.toarray(), A.T.toarray())
    with pytest.raises(ValueError, match="indices must lie"):
        K.csr_transpose(A.indptr, A.indices, A.data, 10)


@pytest.mark.parametrize("n_threads", [1, 2])
@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
@pytest.mark.parametrize("data_dtype, x_dtype", [(np.float64, np.float64), (np.float32, np.float32),
                                                 (np.float64, np.float32), (np.float32, np.float64)])
@pytest.mark.parametrize("k", [1, 3, 8, 13, 27, 64])
def test_spmm_t_is_scipys_csc_product_to_the_bit(monkeypatch, n_threads, index_dtype, data_dtype, x_dtype, k):
    # the scatter adds each entry in the order of scipy's A.T @ X (rows ascending), whatever
    # the column slices, their zero padding and the thread count
    monkeypatch.setattr(K, "_SERIAL_WORK", 0)  # small inputs still take the parallel slices
    rng = np.random.default_rng(40 + k)
    A = _random_csr(120, 90, 0.08, rng, index_dtype=index_dtype, dtype=data_dtype)
    X = rng.standard_normal((120, k)).astype(x_dtype)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(min(n_threads, numba.config.NUMBA_NUM_THREADS))
        Y = K.csr_spmm_t(A.indptr, A.indices, A.data, X, 90)
    finally:
        numba.set_num_threads(before)
    R = A.T @ X
    assert Y.dtype == R.dtype and Y.shape == (90, k)
    np.testing.assert_array_equal(Y, R)
    y = K.csr_spmm_t(A.indptr, A.indices, A.data, X[:, 0], 90)
    assert y.shape == (90,)
    np.testing.assert_array_equal(y, A.T @ X[:, 0])


def test_column_slices_cover_the_block_at_vector_boundaries():
    for k in (1, 3, 8, 9, 27, 64, 100):
        for t in (1, 2, 3, 16):
            b = K._column_slices(k, t)
            assert b[0] == 0 and b[-1] == k and np.all(np.diff(b) > 0)
            assert b.size - 1 <= max(1, t) and np.all(b[1:-1] % K._LANES == 0)


def test_spmm_t_unsorted_duplicates_and_bad_input():
    # unsorted and duplicate column indices: summed in storage order, as scipy's CSC product
    indptr = np.array([0, 3, 5, 5])
    indices = np.array([2, 0, 2, 1, 1])
    data = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    A = sp.csr_array((data, indices, indptr), shape=(3, 4))
    X = np.arange(30.0).reshape(3, 10) - 7.5
    np.testing.assert_array_equal(K.csr_spmm_t(indptr, indices, data, X, 4), A.T @ X)
    assert K.csr_spmm_t(indptr, indices, data, X[:, :0], 4).shape == (4, 0)
    with pytest.raises(ValueError, match="rows"):
        K.csr_spmm_t(indptr, indices, data, X[:-1], 4)
    with pytest.raises(ValueError, match="indices must lie"):
        K.csr_spmm_t(indptr, indices, data, X, 2)
    with pytest.raises(ValueError, match="non-decreasing"):
        K.csr_spmm_t(np.array([0, 3, 2, 5]), indices, data, X, 4)
    with pytest.raises(ValueError, match="n_cols"):
        K.csr_spmm_t(indptr, indices, data, X, -1)
    with pytest.raises(TypeError, match="X"):
        K.csr_spmm_t(indptr, indices, data, X.astype(complex), 4)


@pytest.mark.parametrize("x_dtype", [np.float64, np.float32])
@pytest.mark.parametrize("k", [9, 27, 45])
def test_padded_ragged_blocks_give_the_same_bits(monkeypatch, k, x_dtype):
    # rows long enough that a ragged block (k % 8 != 0) is computed on a zero-padded copy
    rng = np.random.default_rng(50 + k)
    A = _random_csr(400, 48, 1.0, rng, empty_rows=0.05)
    X = rng.standard_normal((48, k)).astype(x_dtype)
    assert K._pads(k, A.nnz, 400, 48)
    B = rng.standard_normal((400, k))
    out = np.full((400, k), np.nan)
    assert K.csr_spmm(A.indptr, A.indices, A.data, X, out=out) is out
    np.testing.assert_array_equal(out, A @ X)
    np.testing.assert_array_equal(K.csr_spmm(A.indptr, A.indices, A.data, X, addend=B, beta=0.3), _two_step(A, X, B, 0.3))
    # and the same bits as the unpadded loop
    monkeypatch.setattr(K, "_PAD_MIN_ROW_NNZ", 1 << 40)
    assert not K._pads(k, A.nnz, 400, 48)
    np.testing.assert_array_equal(K.csr_spmm(A.indptr, A.indices, A.data, X), out)


def _bandwidth(B):
    B = sp.coo_array(B)
    return int(np.abs(B.row - B.col).max())


@pytest.mark.parametrize("method", ["rcm", "degree"])
def test_locality_order_and_permutation(method):
    rng = np.random.default_rng(9)
    n = 400
    # a banded graph hidden behind a random relabelling: RCM must find a narrow band again
    band = sp.diags([np.ones(n - k) for k in (1, 2, 3)], [1, 2, 3], shape=(n, n))
    band = band + band.T
    shuffle = rng.permutation(n)
    A = sp.csr_array(band.tocsr()[shuffle][:, shuffle])
    A.sort_indices()
    perm = K.locality_order(A, method=method)
    assert perm.dtype == np.int64
    np.testing.assert_array_equal(np.sort(perm), np.arange(n))
    p, i, d = K.permute_symmetric(A.indptr, A.indices, A.data, perm)
    B = sp.csr_array((d, i, p), shape=(n, n))
    assert B.has_sorted_indices
    np.testing.assert_array_equal(B.toarray(), A.toarray()[perm][:, perm])
    X = rng.standard_normal((n, 4))
    Y = np.empty_like(X)
    Y[perm] = K.csr_spmm(p, i, d, X[perm])  # undo the renumbering on the way out
    assert _rel_err(Y, A @ X) <= 1e-12
    if method == "rcm":
        assert _bandwidth(B) <= 2 * 3 < _bandwidth(A)
    else:
        deg = np.diff(B.indptr)
        assert np.all(np.diff(deg) <= 0)


def test_locality_order_bad_input():
    with pytest.raises(TypeError, match="sparse"):
        K.locality_order(np.eye(3))
    with pytest.raises(ValueError, match="square"):
        K.locality_order(sp.csr_array(np.ones((2, 3))))
    with pytest.raises(ValueError, match="method"):
        K.locality_order(sp.csr_array(np.eye(3)), method="bfs")
    A = sp.csr_array(np.eye(3))
    with pytest.raises(ValueError, match="permutation"):
        K.permute_symmetric(A.indptr, A.indices, A.data, np.array([0, 0, 1]))


def test_cuda_module_imports_without_cupy(monkeypatch):
    import importlib

    monkeypatch.setitem(sys.modules, "cupy", None)  # makes `import cupy` raise ImportError
    mod = importlib.import_module("graphclust.kernels.cuda.spmm")
    with pytest.raises(ImportError, match="CuPy"):
        mod.csr_spmm(sp.csr_array(np.eye(2)), np.ones((2, 1)))


@pytest.mark.gpu
@pytest.mark.parametrize("x_dtype", [np.float32, np.float64])
def test_cuda_spmm_matches_scipy(x_dtype):
    import cupy
    import cupyx.scipy.sparse as csp

    from graphclust.kernels.cuda import spmm as C

    rng = np.random.default_rng(10)
    A = _random_csr(500, 400, 0.02, rng)
    X = rng.standard_normal((400, 8)).astype(x_dtype)
    R = A @ X
    tol = 1e-12 if R.dtype == np.float64 else 1e-5
    Yd = C.csr_spmm(csp.csr_matrix(sp.csr_matrix(A)), cupy.asarray(X))
    assert Yd.dtype == R.dtype
    assert _rel_err(cupy.asnumpy(Yd), R) <= tol
    Yh = C.csr_spmm(A, X)  # host inputs are moved to the device
    assert _rel_err(cupy.asnumpy(Yh), R) <= tol
    Xt = rng.standard_normal((500, 3)).astype(x_dtype)
    Yt = C.csr_spmm_t(A, cupy.asarray(Xt))
    assert _rel_err(cupy.asnumpy(Yt), A.T @ Xt) <= tol


# ----------------------------------------------------------------------- fused addend (Horner)
def _two_step(A, X, addend, beta):
    """numpy's ``Y = A @ X; tmp = addend * dtype(beta); Y += tmp`` (the reference bits)."""
    Y = np.asarray(A @ X)
    tmp = addend * Y.dtype.type(beta)
    Y += tmp
    return Y


@pytest.mark.parametrize("plan", [(0, 0), (1, 3), (2, 2)])
@pytest.mark.parametrize("serial", [True, False])
@pytest.mark.parametrize("data_dtype", [np.float32, np.float64])
@pytest.mark.parametrize("x_dtype", [np.float32, np.float64])
@pytest.mark.parametrize("k", [1, 5, 40])
def test_addend_is_bit_identical_to_two_step_update(monkeypatch, plan, serial, data_dtype, x_dtype, k):
    _force_plan(monkeypatch, plan)  # both loop forms, with and without prefetch
    monkeypatch.setattr(K, "_SERIAL_WORK", 1 << 62 if serial else 0)
    rng = np.random.default_rng(20 + k)
    A = _random_csr(400, 300, 0.05, rng, dtype=data_dtype)
    X = rng.standard_normal((300, k)).astype(x_dtype)
    rdt = np.result_type(data_dtype, x_dtype)
    for add_dtype in {np.dtype(np.float32), rdt}:
        B = rng.standard_normal((400, k)).astype(add_dtype)
        for beta in (0.7310585786300049, -3.0, 0.0):
            Y = K.csr_spmm(A.indptr, A.indices, A.data, X, addend=B, beta=beta)
            R = _two_step(A, X, B, beta)
            assert Y.dtype == R.dtype == rdt
            np.testing.assert_array_equal(Y, R)
    # 1-D block, 1-D addend, into out
    x = X[:, 0].copy()
    b = rng.standard_normal(400).astype(rdt)
    out = np.full(400, np.nan, dtype=rdt)
    assert K.csr_spmm(A.indptr, A.indices, A.data, x, out=out, addend=b, beta=1.5) is out
    np.testing.assert_array_equal(out, _two_step(A, x, b, 1.5))


def test_addend_may_alias_x_and_zero_beta_follows_two_step_rule():
    rng = np.random.default_rng(30)
    A = _random_csr(200, 200, 0.05, rng)
    X = rng.standard_normal((200, 6))
    X0 = X.copy()
    # A X + beta X = (A + beta I) X: the addend is the block itself (both only read)
    Y = K.csr_spmm(A.indptr, A.indices, A.data, X, addend=X, beta=0.25)
    np.testing.assert_array_equal(Y, _two_step(A, X, X, 0.25))
    np.testing.assert_allclose(Y, (A + 0.25 * sp.eye(200)) @ X, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(X, X0)
    # beta == 0 still adds 0 * addend (as the two-step formula does): a NaN propagates
    B = np.zeros((200, 6))
    B[3, 2] = np.nan
    Y = K.csr_spmm(A.indptr, A.indices, A.data, X, addend=B, beta=0.0)
    assert np.isnan(Y[3, 2]) and np.isnan(_two_step(A, X, B, 0.0)[3, 2])
    assert np.isfinite(np.delete(Y.ravel(), 3 * 6 + 2)).all()


def test_addend_degenerate_rows():
    Y = K.csr_spmm(np.zeros(4, dtype=np.int64), np.array([], dtype=np.int64), np.array([]), np.ones((5, 2)),
                   addend=np.full((3, 2), 2.0), beta=0.5)
    np.testing.assert_array_equal(Y, np.ones((3, 2)))


def test_bad_addend():
    A = _random_csr(20, 20, 0.3, np.random.default_rng(12))
    X = np.ones((20, 3))
    call = lambda **kw: K.csr_spmm(A.indptr, A.indices, A.data, X, **kw)  # noqa: E731
    with pytest.raises(ValueError, match="addend has shape"):
        call(addend=np.ones((20, 4)), beta=1.0)
    with pytest.raises(ValueError, match="addend has shape"):
        call(addend=np.ones(20), beta=1.0)
    with pytest.raises(TypeError, match="addend must be float32 or float64"):
        call(addend=np.ones((20, 3), dtype=np.int64), beta=1.0)
    with pytest.raises(TypeError, match="addend must be a numpy array"):
        call(addend=[[1.0] * 3] * 20, beta=1.0)
    with pytest.raises(TypeError, match="cannot hold"):  # float64 addend, float32 result
        K.csr_spmm(A.indptr, A.indices, A.data.astype(np.float32), X.astype(np.float32),
                   addend=np.ones((20, 3)), beta=1.0)
    out = np.empty((20, 3))
    with pytest.raises(ValueError, match="addend must not share memory with out"):
        call(out=out, addend=out, beta=1.0)
    with pytest.raises(TypeError, match="beta"):
        call(addend=np.ones((20, 3)), beta="1")
    with pytest.raises(ValueError, match="beta must be finite"):
        call(addend=np.ones((20, 3)), beta=np.inf)


@pytest.mark.parametrize("kernel_path", [True, False])
def test_sparse_spmm_addend_on_both_paths(monkeypatch, kernel_path):
    import graphclust.sparse as gs

    monkeypatch.setattr(gs, "_SPMM_KERNEL_MIN_WORK", 0 if kernel_path else 1 << 62)
    rng = np.random.default_rng(13)
    A = _random_csr(150, 120, 0.05, rng)
    for x_dtype in (np.float32, np.float64):
        X = rng.standard_normal((120, 9)).astype(x_dtype)
        B = rng.standard_normal((150, 9))
        np.testing.assert_array_equal(gs.spmm(A, X, addend=B, beta=0.3), _two_step(A, X, B, 0.3))
        out = np.empty((150, 9))
        assert gs.spmm(A, X, out=out, addend=B, beta=-2.0) is out
        np.testing.assert_array_equal(out, _two_step(A, X, B, -2.0))
        x = X[:, 1]
        np.testing.assert_array_equal(gs.spmm(A, x, addend=B[:, 1], beta=0.3), _two_step(A, x, B[:, 1], 0.3))
    with pytest.raises(ValueError, match="addend has shape"):
        gs.spmm(A, X, addend=np.ones((150, 2)), beta=1.0)
    with pytest.raises(TypeError, match="addend must be float32 or float64"):
        gs.spmm(A, X, addend=np.ones((150, 9), dtype=int), beta=1.0)
    out = np.empty((150, 9))
    with pytest.raises(ValueError, match="share memory with out"):
        gs.spmm(A, X.astype(float), out=out, addend=out, beta=1.0)
