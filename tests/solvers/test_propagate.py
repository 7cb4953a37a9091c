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
