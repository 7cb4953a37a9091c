"""Horner propagation against explicit matrix powers (dense numpy on small inputs)."""
import numpy as np
import pytest
import scipy.sparse as sp

from graphclust.solvers.propagate import geometric_coefficients, propagate, propagate_adjoint


def _random_walk(n=40, density=0.15, seed=0):
    A = sp.random(n, n, density=density, random_state=seed, format="csr")
    A = A + A.T + sp.eye(n)
    return sp.csr_array(sp.diags(1.0 / np.asarray(A.sum(1)).ravel()) @ A)


def _dense_poly(M, Y, c):
    out = np.zeros_like(Y)
    Pt = np.eye(M.shape[0])
    for ct in c:
        out += ct * Pt @ Y
        Pt = Pt @ M
    return out


@pytest.mark.parametrize("coeffs", [[1.0], [0.2, 0.5, 0.3], list(np.linspace(1, 0.1, 12))])
def test_propagate_equals_matrix_powers(coeffs):
    P = _random_walk()
    Y = np.random.default_rng(1).standard_normal((40, 5))
    Y0 = Y.copy()
    got = propagate(P, Y, coeffs)
    np.testing.assert_allclose(got, _dense_poly(P.toarray(), Y, coeffs), rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(Y, Y0)  # input untouched


def test_adjoint_and_vector_input():
    P = _random_walk(seed=3)
    c = geometric_coefficients(6, 0.8)
    y = np.random.default_rng(2).standard_normal(40)
    got = propagate_adjoint(P, y, c)
    assert got.shape == (40,)
    np.testing.assert_allclose(got, _dense_poly(P.toarray().T, y[:, None], c)[:, 0], rtol=1e-12)
    # <propagate(P) u, v> == <u, propagate_adjoint(P) v>
    u = np.random.default_rng(4).standard_normal(40)
    assert np.isclose(propagate(P, u, c) @ y, u @ got)


def test_series_coefficients_match_official_horner_loop():
    # official implicit path: Q0 = Y; repeat T: Q = alpha P Q + Q0; times factor
    P = _random_walk(seed=5)
    Y = np.random.default_rng(6).standard_normal((40, 3))
    for T, alpha in [(10, 0.9), (6, 1.7), (4, 1.0)]:
        Q = Y.copy()
        for _ in range(T):
            Q = alpha * (P @ Q) + Y
        factor = T if alpha == 1.0 else (1 - alpha) / (1 - alpha ** (T + 1))
        np.testing.assert_allclose(propagate(P, Y, geometric_coefficients(T, alpha)), factor * Q, rtol=1e-11)


def test_power_iteration_coefficients_match_official_loop():
    # official explicit path (PowerIteration): f = X; repeat T: f = alpha (P f + X); times factor
    P = _random_walk(seed=7)
    X = np.random.default_rng(8).random((40, 4))
    for T, alpha in [(10, 0.9), (15, 0.8), (9, 1.5), (0, 0.5)]:
        f = X.copy()
        for _ in range(T):
            f = alpha * (P @ f + X)
        factor = T if alpha == 1.0 else (1 - alpha) / (1 - alpha ** (T + 1))
        got = propagate(P, X, geometric_coefficients(T, alpha, "power_iteration"))
        np.testing.assert_allclose(got, factor * f, rtol=1e-11)


def test_float32_block_with_float64_matrix():
    P = _random_walk(seed=9)
    Y = np.random.default_rng(0).standard_normal((40, 3)).astype(np.float32)
    got = propagate(P, Y, [0.5, 0.3, 0.2])
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, _dense_poly(P.toarray(), Y.astype(float), [0.5, 0.3, 0.2]), rtol=1e-6)


def test_series_weights_sum_to_one():
    assert np.isclose(geometric_coefficients(12, 1.7).sum(), 1.0)
    assert np.isclose(geometric_coefficients(10, 0.9).sum(), 1.0)


def test_bad_inputs():
    P = _random_walk()
    with pytest.raises(ValueError, match="coeffs"):
        propagate(P, np.ones((40, 2)), [])
    with pytest.raises(ValueError, match="square"):
        propagate(P, np.ones((39, 2)), [1.0, 1.0])
    with pytest.raises(ValueError, match="T must be"):
        geometric_coefficients(-1, 0.5)
    with pytest.raises(ValueError, match="variant"):
        geometric_coefficients(3, 0.5, "nope")
    with pytest.raises(ValueError, match="PT must"):
        propagate_adjoint(P, np.ones(40), [1.0], PT=sp.csr_array((3, 3)))


def test_large_block_uses_kernel_path_consistently():
    # big enough to go through graphclust.sparse.spmm's compiled kernel
    n = 3000
    A = sp.random(n, n, density=0.01, random_state=0, format="csr")
    A = A + A.T
    P = sp.csr_array(sp.diags(1.0 / np.maximum(np.asarray(A.sum(1)).ravel(), 1e-12)) @ A)
    Y = np.random.default_rng(0).standard_normal((n, 16))
    c = geometric_coefficients(5, 0.9)
    ref = Y * c[5]
    for t in range(4, -1, -1):
        ref = P @ ref + c[t] * Y
    np.testing.assert_allclose(propagate(P, Y, c), ref, rtol=1e-10, atol=1e-12)


@pytest.mark.gpu
def test_propagate_gpu_matches_cpu():
    import cupy
    import cupyx.scipy.sparse as csp

    P = _random_walk()
    Y = np.random.default_rng(1).standard_normal((40, 5))
    c = geometric_coefficients(5, 0.9)
    got = propagate(csp.csr_matrix(sp.csr_matrix(P)), cupy.asarray(Y), c).get()
    np.testing.assert_allclose(got, propagate(P, Y, c), rtol=1e-10)


def test_sparse_product_serial_and_kernel_paths_agree_bit_for_bit(monkeypatch):
    # the serial (scipy) and parallel (numba) paths must give the same bits, so the switch
    # between them never changes a label (S2CAG's faithful loop amplifies rounding)
    import graphclust.solvers.propagate as prop
    from graphclust.solvers.propagate import sparse_product

    A = sp.random(300, 200, density=0.2, random_state=3, format="csr")
    M = np.random.default_rng(2).standard_normal((200, 7))
    serial = sparse_product(A, M)
    monkeypatch.setattr(prop, "_SERIAL_MAX_WORK", 0)
    monkeypatch.setattr(prop, "_NARROW_SERIAL_MAX_WORK", 0)
    out = np.empty((300, 7))
    kernel = sparse_product(A, M, out=out)
    assert kernel is out
    np.testing.assert_array_equal(serial, kernel)
    np.testing.assert_array_equal(serial, A @ M)


# --------------------------------------------- bit-identity of the fused and tiled Horner paths
def _reference_horner(P, Y, c):
    """The plain loop in scipy: ``Q = c_T Y; Q = P @ Q + c_t Y`` in the working dtype."""
    dtype = np.result_type(P.dtype, Y.dtype)
    if dtype not in (np.float32, np.float64):
        dtype = np.dtype(np.float64)
    Y = np.asarray(Y, dtype=dtype)
    T = len(c) - 1
    Q = Y * dtype.type(c[T])
    for t in range(T - 1, -1, -1):
        Q = np.asarray(P @ Q)
        if c[t] != 0.0:
            tmp = Y * dtype.type(c[t])
            Q += tmp
    return Q


def _force_paths(monkeypatch, *, fused, tiled, tile_columns=16):
    import graphclust.kernels.cpu.spmm as K
    import graphclust.solvers.propagate as prop
    import graphclust.sparse as gs

    if fused:  # every product through the numba kernel (parallel twin), with the addend
        monkeypatch.setattr(prop, "_SERIAL_MAX_WORK", 0)
        monkeypatch.setattr(prop, "_NARROW_SERIAL_MAX_WORK", 0)
        monkeypatch.setattr(gs, "_SPMM_KERNEL_MIN_WORK", 0)
        monkeypatch.setattr(K, "_SERIAL_WORK", 0)
    else:  # every product through scipy's serial product and the separate scaled addition
        monkeypatch.setattr(prop, "_SERIAL_MAX_WORK", 1 << 62)
    if tiled:
        monkeypatch.setattr(prop, "_TILE_MIN_COLUMNS", 8)
        monkeypatch.setattr(prop, "_TILE_BYTES", 300 * 8 * tile_columns)
        monkeypatch.setattr(prop, "_TILE_MAX_BYTES", 1 << 62)
    else:
        monkeypatch.setattr(prop, "_TILE_MAX_BYTES", 0)
    calls = {"fused": 0, "loops": 0}
    real, real_horner = prop.spmm, prop._horner

    def spy(*args, **kw):
        calls["fused"] += kw.get("addend") is not None
        return real(*args, **kw)

    def spy_horner(*args, **kw):
        calls["loops"] += 1
        return real_horner(*args, **kw)

    monkeypatch.setattr(prop, "spmm", spy)
    monkeypatch.setattr(prop, "_horner", spy_horner)
    return calls


@pytest.mark.parametrize("fused", [True, False])
@pytest.mark.parametrize("tiled", [True, False])
@pytest.mark.parametrize("p_dtype, y_dtype", [
    (np.float64, np.float64), (np.float32, np.float32), (np.float64, np.float32), (np.float32, np.float64),
])
def test_fused_and_tiled_paths_are_bit_identical_to_plain_horner(monkeypatch, fused, tiled, p_dtype, y_dtype):
    calls = _force_paths(monkeypatch, fused=fused, tiled=tiled)
    P = _random_walk(n=300, density=0.03, seed=11).astype(p_dtype)
    Y = np.random.default_rng(12).standard_normal((300, 45)).astype(y_dtype)
    Y0 = Y.copy()
    for c in ([0.3, 0.0, 0.5, 0.0, 0.2], [0.2, 0.5, 0.0], geometric_coefficients(9, 1.5 / 0.9, "power_iteration"), [0.7]):
        before = calls["loops"]
        got = propagate(P, Y, c)
        assert (calls["loops"] - before > 1) == (tiled and len(c) > 1)  # one Horner loop per tile
        ref = _reference_horner(P, Y, c)
        assert got.dtype == ref.dtype == np.result_type(p_dtype, y_dtype)
        assert got.flags.c_contiguous
        np.testing.assert_array_equal(got, ref)
        got1 = propagate(P, Y[:, 3], c)  # 1-D block: never tiled, same bits as its column
        assert got1.shape == (300,)
        np.testing.assert_array_equal(got1, ref[:, 3])
    np.testing.assert_array_equal(Y, Y0)
    assert (calls["fused"] > 0) == fused


def test_tiled_path_with_fortran_block_and_verbose(monkeypatch, capsys):
    _force_paths(monkeypatch, fused=True, tiled=True)
    P = _random_walk(n=300, density=0.03, seed=13)
    Y = np.asfortranarray(np.random.default_rng(14).standard_normal((300, 40)))
    c = geometric_coefficients(4, 0.9)
    got = propagate(P, Y, c, verbose=True)
    np.testing.assert_array_equal(got, _reference_horner(P, Y, c))
    assert "propagate" in capsys.readouterr().err


def test_tile_width_rule():
    import graphclust.solvers.propagate as prop

    def block(n, b, dtype=np.float64):  # shape and dtype only, no memory
        return np.lib.stride_tricks.as_strided(np.empty(1, dtype=dtype), (n, b), (0, 0))

    P = sp.csr_array((7650, 7650))
    # amazon_photo-sized blocks: 745 columns of 7650 rows are tiled, float64 and float32
    for dtype in (np.float64, np.float32):
        Y = block(7650, 745, dtype)
        w = prop._tile_width(P, Y, 9)
        line = 64 // Y.itemsize
        assert prop._TILE_MIN_COLUMNS <= w < 745 and w % line == 0
        assert 7650 * w * Y.itemsize <= prop._TILE_BYTES  # one tile within the cache budget
        assert prop._tile_width(P, Y, 0) == 0  # T = 0: no product, nothing to tile
    # tiles are about equal: no narrow rest
    w = prop._tile_width(P, block(7650, 300), 9)
    assert 300 - (-(-300 // w) - 1) * w >= w // 2
    # narrow blocks (<= 64 columns) are never tiled, nor a block that fits in one tile
    assert prop._tile_width(P, block(7650, 64), 9) == 0
    assert prop._tile_width(sp.csr_array((100, 100)), block(100, 745), 9) == 0
    # so many rows that even a 64-column tile misses the cache budget: not tiled
    n = 1_000_000
    assert prop._tile_width(sp.csr_array((n, n)), block(n, 256), 9) == 0
    # in between, the narrowest tile (64 columns) is used
    assert prop._tile_width(sp.csr_array((18_333, 18_333)), block(18_333, 6805), 9) == 64
