"""Sparse symmetric eigensolvers, checked against dense eigh and scipy's eigsh."""
import numpy as np
import pytest
import scipy.sparse as sp
from numpy.polynomial import chebyshev as C

from graphclust.solvers.eigen import chebyshev_filter, estimate_spectrum_bounds, orthonormalize, top_eigenvectors


def _random_symmetric(n=400, density=0.03, seed=0):
    A = sp.random(n, n, density=density, random_state=seed, format="csr")
    return sp.csr_array(A + A.T)


def _normalized_sbm(seed=0):
    from graphclust.datasets.sbm import sbm
    from graphclust.sparse import normalize_symmetric

    g = sbm([150, 150, 150, 150], p_in=0.1, p_out=0.01, random_state=seed)
    return normalize_symmetric(g.adjacency)


def _subspace_sin(U, V):
    """Sine of the largest principal angle between two orthonormal column spaces."""
    s = np.linalg.svd(U.T @ V, compute_uv=False)
    return float(np.sqrt(max(0.0, 1 - s.min() ** 2)))


@pytest.mark.parametrize("method", ["chebyshev", "lobpcg", "arpack"])
def test_matches_dense_eigh_float64(method):
    A = _random_symmetric()
    w_ref, V_ref = np.linalg.eigh(A.toarray())
    w, V = top_eigenvectors(A, 5, method=method, dtype=np.float64, tol=1e-9, max_iter=500, random_state=0)
    np.testing.assert_allclose(w, w_ref[::-1][:5], rtol=1e-7, atol=1e-7)
    assert V.shape == (400, 5)
    np.testing.assert_allclose(V.T @ V, np.eye(5), atol=1e-7)
    assert np.abs(A @ V - V * w).max() < 1e-5


def test_normalized_adjacency_float32_subspace():
    S = _normalized_sbm()
    w_ref, V_ref = np.linalg.eigh(S.toarray())
    w, V = top_eigenvectors(S, 4, bounds=(-1.0, 1.0), tol=1e-4, random_state=0)
    assert V.dtype == np.float32
    np.testing.assert_allclose(w, w_ref[::-1][:4], atol=1e-4)
    assert _subspace_sin(V_ref[:, -4:], V.astype(np.float64)) < 1e-3


@pytest.mark.parametrize("initial_cut", [0.3, 0.95, -0.5])
def test_initial_cut_guess_good_or_bad_still_converges(initial_cut):
    # 0.95 lies above the wanted eigenvalues: one wasted step, then Ritz cuts take over.
    S = _normalized_sbm(seed=2)
    w_ref, V_ref = np.linalg.eigh(S.toarray())
    w, V = top_eigenvectors(S, 4, bounds=(-1, 1), initial_cut=initial_cut, start_degree=12, tol=1e-5,
                            dtype=np.float64, random_state=0)
    np.testing.assert_allclose(w, w_ref[::-1][:4], atol=1e-6)
    assert _subspace_sin(V_ref[:, -4:], V) < 1e-4


def test_degenerate_top_eigenvalue_of_disconnected_graph():
    # Three components: eigenvalue 1 three times; the solver must return the whole space.
    blocks = [np.ones((m, m)) - np.eye(m) for m in (30, 40, 50)]
    A = sp.csr_array(sp.block_diag(blocks))
    from graphclust.sparse import normalize_symmetric

    S = normalize_symmetric(A)
    w, V = top_eigenvectors(S, 3, bounds=(-1.0, 1.0), dtype=np.float64, tol=1e-8, random_state=1)
    np.testing.assert_allclose(w, 1.0, atol=1e-8)
    d = np.sqrt(A.sum(axis=1))
    ind = np.zeros((120, 3))
    for j, (a, b) in enumerate([(0, 30), (30, 70), (70, 120)]):
        ind[a:b, j] = d[a:b] / np.linalg.norm(d[a:b])
    assert _subspace_sin(ind, V) < 1e-6


def test_seed_reproducible_and_x0_used():
    S = _normalized_sbm(seed=1)
    a = top_eigenvectors(S, 4, bounds=(-1, 1), random_state=5)[1]
    b = top_eigenvectors(S, 4, bounds=(-1, 1), random_state=5)[1]
    np.testing.assert_array_equal(a, b)
    # Starting from the exact eigenvectors converges at once to the same space.
    w_ref, V_ref = np.linalg.eigh(S.toarray())
    w, V = top_eigenvectors(S, 4, bounds=(-1, 1), X0=V_ref[:, -4:], max_iter=1, dtype=np.float64, random_state=0)
    assert _subspace_sin(V_ref[:, -4:], V) < 1e-6


@pytest.mark.parametrize("cut, m", [(0.3, 7), (0.3, 1), (-0.5, 30)])
def test_chebyshev_filter_equals_the_scaled_polynomial(cut, m):
    # (-0.5, 30): T_30 at the normalisation point is ~1e34, so the in-loop rescaling runs.
    lam = np.linspace(-1, 1, 41)
    A = sp.diags_array([lam], offsets=[0], format="csr")  # lam = 0 is not stored
    lower, upper = -1.0, 1.0
    X = np.ones((41, 1))
    Y = chebyshev_filter(A, X, m, lower, cut, upper)
    np.testing.assert_array_equal(X, 1.0)
    c, e = (cut + lower) / 2, (cut - lower) / 2
    coef = np.zeros(m + 1)
    coef[m] = 1.0
    expected = C.chebval((lam - c) / e, coef) / C.chebval((upper - c) / e, coef)
    np.testing.assert_allclose(Y[:, 0], expected, rtol=1e-9, atol=1e-12)
    if m > 1:
        assert np.abs(expected[lam <= cut]).max() < 1e-2 * expected[-1]


def test_spectrum_bounds_contain_the_spectrum():
    for seed in range(3):
        A = _random_symmetric(n=300, seed=seed)
        w = np.linalg.eigvalsh(A.toarray())
        lo, hi = estimate_spectrum_bounds(A, random_state=seed)
        assert lo <= w[0] and hi >= w[-1]
        assert hi - lo < 3 * (w[-1] - w[0])


def test_orthonormalize_rank_deficient_block():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((500, 6))
    X[:, 4] = X[:, 0] + X[:, 1]
    X[:, 5] = 0.0
    Q = orthonormalize(X)
    np.testing.assert_allclose(Q.T @ Q, np.eye(6), atol=1e-10)
    # The span of the independent columns is kept.
    P = Q @ Q.T
    np.testing.assert_allclose(P @ X[:, :4], X[:, :4], atol=1e-8)
    Q32 = orthonormalize(X.astype(np.float32))
    assert Q32.dtype == np.float32
    np.testing.assert_allclose(Q32.T @ Q32, np.eye(6), atol=1e-5)


def test_input_not_modified():
    A = _random_symmetric()
    A0 = A.copy()
    top_eigenvectors(A, 3, random_state=0)
    assert (A != A0).nnz == 0 and A.dtype == np.float64


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        (dict(k=0), ValueError, "k"),
        (dict(k=400), ValueError, "k"),
        (dict(k=3, method="eigh"), ValueError, "method"),
        (dict(k=3, tol=0), ValueError, "tol"),
        (dict(k=3, block_size=2), ValueError, "block_size"),
        (dict(k=3, dtype=np.int64), ValueError, "dtype"),
        (dict(k=3, bounds=(1.0, -1.0)), ValueError, "bounds"),
        (dict(k=3, X0=np.ones((10, 2))), ValueError, "X0"),
        (dict(k=3, bounds=(-20.0, 20.0), initial_cut=25.0), ValueError, "initial_cut"),
        (dict(k=3, start_degree=0), ValueError, "start_degree"),
    ],
)
def test_bad_input(kwargs, err, match):
    with pytest.raises(err, match=match):
        top_eigenvectors(_random_symmetric(), **kwargs)


def test_non_square_rejected():
    with pytest.raises(ValueError, match="square"):
        top_eigenvectors(sp.csr_array(np.ones((3, 4))), 1)


@pytest.mark.gpu
def test_cupy_matches_numpy():
    import cupyx.scipy.sparse as csp

    S = _normalized_sbm()
    w_cpu, V_cpu = top_eigenvectors(S, 4, bounds=(-1, 1), tol=1e-4, random_state=0)
    w_gpu, V_gpu = top_eigenvectors(csp.csr_matrix(S), 4, bounds=(-1, 1), tol=1e-4, random_state=0)
    np.testing.assert_allclose(w_gpu, w_cpu, atol=1e-4)
    assert _subspace_sin(V_cpu.astype(np.float64), V_gpu.get().astype(np.float64)) < 1e-3
