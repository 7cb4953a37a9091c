"""eigenpairs: smallest and largest, preconditioned and generalized, against scipy."""
import numpy as np
import pytest
import scipy.linalg
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from graphclust.memory import MemoryLimitError, memory_limit
from graphclust.solvers.eigen import eigenpairs


def _laplacian(n=2000, seed=0):
    """Graph Laplacian D - A of a connected planted-partition graph."""
    from graphclust.datasets.sbm import sbm

    g = sbm([n // 4] * 4, p_in=20 / (n // 4), p_out=1.0 / n, random_state=seed)
    A = sp.csr_array(g.adjacency, dtype=np.float64)
    d = np.asarray(A.sum(axis=1)).ravel()
    return sp.csr_array(sp.diags_array(d) - A), A, d


def _sin_angle(U, V):
    s = np.linalg.svd(np.linalg.qr(U)[0].T @ np.linalg.qr(V)[0], compute_uv=False)
    return float(np.sqrt(max(0.0, 1 - s.min() ** 2)))


def _reference_smallest(L, k):
    # shift-invert about a point below the spectrum: robust for the smallest of a Laplacian
    w, V = spla.eigsh(L, k=k, sigma=-1e-3, which="LM", tol=1e-12)
    order = np.argsort(w)
    return w[order], V[:, order]


@pytest.mark.parametrize("precond", ["jacobi", "pyamg", "callable"])
def test_smallest_with_a_preconditioner_agree_with_eigsh_on_a_laplacian(precond):
    L, _, d = _laplacian()
    k = 5
    w_ref, V_ref = _reference_smallest(L, k)
    n = L.shape[0]
    if precond == "jacobi":
        M = spla.LinearOperator((n, n), matvec=lambda x: np.ravel(x) / d, matmat=lambda X: X / d[:, None], dtype=np.float64)
    elif precond == "callable":
        def M(X):
            return X / (d[:, None] if X.ndim == 2 else d)
    else:
        pyamg = pytest.importorskip("pyamg")
        # an AMG cycle of the (slightly shifted, so non-singular) Laplacian as the preconditioner
        ml = pyamg.smoothed_aggregation_solver(sp.csr_matrix(L + 1e-3 * sp.eye(n)))
        M = ml.aspreconditioner()
    w, V = eigenpairs(L, k, which="smallest", M=M, tol=1e-9, max_iter=500, random_state=0)
    np.testing.assert_allclose(w, w_ref, atol=1e-6)
    assert np.all(np.diff(w) >= 0)  # ascending
    assert _sin_angle(V, V_ref) < 1e-4
    assert np.abs(L @ V - V * w).max() < 1e-4


def test_preconditioner_speeds_lobpcg_up():
    L, _, d = _laplacian()
    n = L.shape[0]
    M = spla.LinearOperator((n, n), matvec=lambda x: np.ravel(x) / d, matmat=lambda X: X / d[:, None], dtype=np.float64)
    w_ref, _ = _reference_smallest(L, 4)
    # with a budget of 20 iterations only the preconditioned run reaches 1e-12
    w_pre, _ = eigenpairs(L, 4, which="smallest", M=M, method="lobpcg", tol=1e-8, max_iter=20, random_state=0)
    with pytest.warns(UserWarning):  # scipy: not converged
        w_raw, _ = eigenpairs(L, 4, which="smallest", method="lobpcg", tol=1e-8, max_iter=20, random_state=0)
    assert np.abs(w_pre - w_ref).max() < 1e-12 < np.abs(w_raw - w_ref).max()


@pytest.mark.parametrize("method", ["dense", "lobpcg", "arpack"])
@pytest.mark.parametrize("which", ["smallest", "largest"])
def test_generalized_problem_against_scipy_eigh(method, which):
    # L x = lambda D x (the random-walk Laplacian's spectrum), small enough for a dense reference
    L, _, d = _laplacian(400, seed=1)
    B = sp.diags_array(d, format="csr")
    w_ref, V_ref = scipy.linalg.eigh(L.toarray(), B.toarray())
    k = 4
    sel = slice(0, k) if which == "smallest" else slice(-1, -k - 1, -1)
    w, V = eigenpairs(L, k, which=which, B=B, method=method, tol=1e-10, max_iter=2000, random_state=0)
    np.testing.assert_allclose(w, w_ref[sel], atol=1e-7)
    assert _sin_angle(V, V_ref[:, sel]) < 1e-5
    np.testing.assert_allclose(V.T @ (B @ V), np.eye(k), atol=1e-6)  # B-orthonormal


def test_generalized_dense_matches_eigh_on_dense_inputs():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((30, 30)); A = A + A.T
    R = rng.standard_normal((30, 30)); B = R @ R.T + 30 * np.eye(30)
    w_ref, V_ref = scipy.linalg.eigh(A, B)
    w, V = eigenpairs(A, 3, which="smallest", B=B)
    np.testing.assert_allclose(w, w_ref[:3], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(np.abs(V), np.abs(V_ref[:, :3]), atol=1e-10)
    w, _ = eigenpairs(A, 3, which="largest", B=spla.aslinearoperator(B))
    np.testing.assert_allclose(w, w_ref[::-1][:3], rtol=1e-12, atol=1e-12)


def test_chebyshev_smallest_and_arpack_agree_on_a_bethe_hessian():
    from graphclust.hierarchy.bethe_hessian import bethe_hessian_matrix

    _, A, d = _laplacian(1200, seed=2)
    H = bethe_hessian_matrix(A, np.sqrt(d @ d / d.sum() - 1))
    w_a, V_a = eigenpairs(H, 4, which="smallest", method="arpack", random_state=0)
    w_c, V_c = eigenpairs(H, 4, which="smallest", method="chebyshev", random_state=0)
    np.testing.assert_allclose(w_c, w_a, atol=1e-4)
    assert _sin_angle(V_c, V_a) < 1e-2
    assert np.sum(w_a < 0) == 4  # four communities


def test_auto_choices_and_orders():
    L, _, _ = _laplacian(200, seed=3)
    ref = np.linalg.eigvalsh(L.toarray())
    w, V = eigenpairs(L, 3, which="smallest")  # n <= 300: dense
    np.testing.assert_allclose(w, ref[:3], atol=1e-10)
    w, V = eigenpairs(L, 3, which="largest", dtype=np.float32)
    np.testing.assert_allclose(w, ref[::-1][:3], rtol=1e-10)
    assert V.dtype == np.float32
    w, _ = eigenpairs(L, 200, which="largest")  # k = n: the whole spectrum, dense
    np.testing.assert_allclose(w, ref[::-1], atol=1e-10)


def test_warm_start_X0():
    L, _, _ = _laplacian(1000, seed=4)
    w, V = eigenpairs(L, 3, which="smallest", method="arpack", random_state=0)
    w2, V2 = eigenpairs(L, 3, which="smallest", method="arpack", X0=V, random_state=1)
    np.testing.assert_allclose(w2, w, atol=1e-9)
    w3, _ = eigenpairs(L, 3, which="smallest", method="chebyshev", X0=V, max_iter=2, random_state=1)
    np.testing.assert_allclose(w3, w, atol=1e-6)


def test_dense_path_goes_through_the_memory_guard():
    L, _, _ = _laplacian(400)
    with memory_limit(1 << 20):  # 1 MiB: a 400 x 400 float64 matrix needs 1.2 MiB
        with pytest.raises(MemoryLimitError, match="dense matrix of the eigenproblem"):
            eigenpairs(L, 3, method="dense")


def test_errors():
    L, _, _ = _laplacian(400)
    M = sp.eye(400, format="csr")
    with pytest.raises(ValueError, match="which"):
        eigenpairs(L, 3, which="middle")
    with pytest.raises(ValueError, match="method"):
        eigenpairs(L, 3, method="qr")
    with pytest.raises(ValueError, match="neither M nor B"):
        eigenpairs(L, 3, M=M, method="chebyshev")
    with pytest.raises(ValueError, match="neither M nor B"):
        eigenpairs(L, 3, B=M, method="chebyshev")
    with pytest.raises(ValueError, match="no preconditioner"):
        eigenpairs(L, 3, M=M, method="arpack")
    with pytest.raises(ValueError, match="B must be of shape"):
        eigenpairs(L, 3, B=sp.eye(5), method="lobpcg")
    with pytest.raises(ValueError, match="M must be of shape"):
        eigenpairs(L, 3, M=sp.eye(5), method="lobpcg")
    with pytest.raises(ValueError, match="k"):
        eigenpairs(L, 401)
    with pytest.raises(ValueError, match="method='dense'"):
        eigenpairs(L, 400, method="arpack")
    with pytest.raises(ValueError, match="square"):
        eigenpairs(sp.random(4, 5, density=0.5), 1)
    with pytest.raises(TypeError, match="A:"):
        eigenpairs("matrix", 1)
    with pytest.raises(ValueError, match="X0"):
        eigenpairs(L, 3, method="chebyshev", X0=np.ones((5, 2)))
    with pytest.raises(ValueError, match="dtype"):
        eigenpairs(L, 3, dtype=np.int64)
    data = L.data.copy()
    eigenpairs(L, 3, which="smallest", method="chebyshev", random_state=0)
    np.testing.assert_array_equal(L.data, data)  # the input is never rewritten


@pytest.mark.parametrize("initial_cut", [None, 5.0, 30.0])
def test_chebyshev_smallest_options_are_in_the_coordinates_of_A(initial_cut):
    L, _, _ = _laplacian(1000, seed=5)
    w_ref = np.linalg.eigvalsh(L.toarray())[:4]
    hi = float(abs(L).sum(axis=1).max())  # Gershgorin: the spectrum lies in [0, hi]
    w, _ = eigenpairs(L, 4, which="smallest", method="chebyshev", bounds=(-0.1, hi), initial_cut=initial_cut,
                      tol=1e-8, random_state=0)
    np.testing.assert_allclose(w, w_ref, atol=1e-6)
    with pytest.raises(ValueError, match="initial_cut"):
        eigenpairs(L, 4, which="smallest", method="chebyshev", bounds=(-0.1, hi), initial_cut=hi + 1)
