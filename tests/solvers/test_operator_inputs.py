"""Every solver gives the same result on a CSR matrix, on it as a scipy LinearOperator, and on
a weighted sum of two halves of it (upper triangle + strict lower triangle)."""
import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from graphclust.operators import WeightedSum
from graphclust.solvers.eigen import chebyshev_filter, eigenpairs, estimate_spectrum_bounds, top_eigenvectors
from graphclust.solvers.propagate import propagate, propagate_adjoint, sparse_product
from graphclust.solvers.randomized import randomized_range_finder, randomized_svd
from graphclust.solvers.subspace import subspace_iteration

FORMS = ["csr", "linear_operator", "weighted_sum"]


def _as(form, A):
    """A in one of the three forms (the weighted sum splits it into two halves by entries)."""
    A = sp.csr_array(A)
    if form == "csr":
        return A
    if form == "linear_operator":
        return spla.aslinearoperator(A)
    if A.shape[0] == A.shape[1]:
        halves = [sp.triu(A, format="csr"), sp.tril(A, k=-1, format="csr")]
    else:  # rectangular: split the entries by parity of their position in storage
        C = A.tocoo()
        even = np.arange(C.nnz) % 2 == 0
        halves = [sp.csr_array((C.data[m], (C.row[m], C.col[m])), shape=A.shape) for m in (even, ~even)]
    # weights 2 and 2 of halves scaled by 1/2: the weights are really applied
    return WeightedSum([0.5 * halves[0], 0.5 * halves[1]], weights=[2.0, 2.0])


def _graph(n=400, seed=0):
    from graphclust.datasets.sbm import sbm

    g = sbm([n // 4] * 4, p_in=0.12, p_out=0.01, random_state=seed)
    return sp.csr_array(g.adjacency, dtype=np.float64)


def _normalized(n=400, seed=0):
    from graphclust.sparse import normalize_symmetric

    return sp.csr_array(normalize_symmetric(_graph(n, seed)))


def _laplacian(n=400, seed=0):
    A = _graph(n, seed)
    return sp.csr_array(sp.diags_array(np.asarray(A.sum(axis=1)).ravel()) - A)


def _sin_angle(U, V):
    s = np.linalg.svd(np.linalg.qr(U)[0].T @ np.linalg.qr(V)[0], compute_uv=False)
    return float(np.sqrt(max(0.0, 1 - s.min() ** 2)))


@pytest.mark.parametrize("form", FORMS)
def test_propagate_and_adjoint(form):
    S = _normalized()
    P = sp.csr_array(S @ sp.diags_array(np.linspace(0.5, 1.5, S.shape[0])))  # not symmetric
    rng = np.random.default_rng(0)
    Y = rng.standard_normal((S.shape[0], 5))
    c = [0.4, 0.3, 0.2, 0.1]
    ref = propagate(P, Y, c)
    np.testing.assert_allclose(propagate(_as(form, P), Y, c), ref, rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(propagate(_as(form, P), Y[:, 0], c), ref[:, 0], rtol=1e-11, atol=1e-13)
    ref_adj = propagate_adjoint(P, Y, c)
    np.testing.assert_allclose(propagate_adjoint(_as(form, P), Y, c), ref_adj, rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(sparse_product(_as(form, P), Y), P @ Y, rtol=1e-12, atol=1e-13)
    # float32 in, float32 out (the weighted sum's parts are cast, a LinearOperator's results)
    Y32 = Y.astype(np.float32)
    got = propagate(_as(form, P.astype(np.float32)), Y32, c)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-5)


def test_propagate_adjoint_needs_an_adjoint():
    from graphclust.operators import FunctionOperator

    S = _normalized(80)
    op = FunctionOperator(S.shape, lambda X: S @ X)
    with pytest.raises(TypeError, match="rmatmat"):
        propagate_adjoint(op, np.ones(80), [1.0, 1.0])
    np.testing.assert_allclose(propagate_adjoint(op, np.ones(80), [1.0, 1.0], PT=S.T), propagate(S.T, np.ones(80), [1, 1]))


@pytest.mark.parametrize("form", FORMS)
def test_subspace_iteration(form):
    S = _normalized()
    G = np.random.default_rng(1).standard_normal((S.shape[0], 4))
    ref = subspace_iteration(S, G, 6)
    np.testing.assert_allclose(subspace_iteration(_as(form, S), G, 6), ref, atol=1e-9)
    # the function form is the same loop
    np.testing.assert_allclose(subspace_iteration(lambda Q: S @ Q, G, 6), ref, atol=1e-12)


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("renormalize", [True, False])
def test_randomized_range_finder_and_svd(form, renormalize):
    rng = np.random.default_rng(2)
    # four strong rank-one blocks over weak sparse noise: a clear gap after the 4th singular value
    blocks = [s * np.outer(rng.random(75), rng.random(10)) for s in (8.0, 4.0, 2.0, 1.0)]
    Z = sp.csr_array(sp.block_diag(blocks) + sp.random(300, 40, density=0.05, random_state=2) * 0.01)
    G = np.random.default_rng(3).standard_normal((40, 8))
    Q_ref = randomized_range_finder(Z, G, 2, renormalize=renormalize)
    # the leading columns (without renormalisation the trailing ones are rounding noise by design)
    Q = randomized_range_finder(_as(form, Z), G, 2, renormalize=renormalize)
    np.testing.assert_allclose(Q[:, :4], Q_ref[:, :4], atol=1e-9)
    U, s, Vt = randomized_svd(_as(form, Z), G, 2, renormalize=renormalize)
    U_ref, s_ref, Vt_ref = randomized_svd(Z, G, 2, renormalize=renormalize)
    np.testing.assert_allclose(s[:4], s_ref[:4], rtol=1e-10)
    np.testing.assert_allclose(U[:, :4], U_ref[:, :4], atol=1e-8)
    # and it is the SVD of Z
    np.testing.assert_allclose(s[:4], np.linalg.svd(Z.toarray(), compute_uv=False)[:4], rtol=1e-6)


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("method", ["chebyshev", "lobpcg", "arpack"])
def test_top_eigenvectors(form, method):
    S = _normalized()
    w_ref, V_ref = np.linalg.eigh(S.toarray())
    w, V = top_eigenvectors(_as(form, S), 4, method=method, dtype=np.float64, tol=1e-9, max_iter=500,
                            bounds=(-1.0, 1.0), random_state=0)
    np.testing.assert_allclose(w, w_ref[::-1][:4], atol=1e-7)
    assert _sin_angle(V, V_ref[:, -4:]) < 1e-5


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("method", ["chebyshev", "lobpcg", "arpack", "dense"])
@pytest.mark.parametrize("which", ["largest", "smallest"])
def test_eigenpairs(form, method, which):
    L = _laplacian()
    w_ref, V_ref = np.linalg.eigh(L.toarray())
    sel = slice(0, 4) if which == "smallest" else slice(-1, -5, -1)
    w, V = eigenpairs(_as(form, L), 4, which=which, method=method, tol=1e-10, max_iter=2000, random_state=0)
    np.testing.assert_allclose(w, w_ref[sel], atol=1e-6 * abs(w_ref).max())
    assert _sin_angle(V, V_ref[:, sel]) < 1e-4


@pytest.mark.parametrize("form", FORMS)
def test_chebyshev_filter_and_bounds(form):
    S = _normalized()
    X = np.random.default_rng(4).standard_normal((S.shape[0], 3))
    ref = chebyshev_filter(S, X, 7, -1.0, 0.5, 1.0)
    np.testing.assert_allclose(chebyshev_filter(_as(form, S), X, 7, -1.0, 0.5, 1.0), ref, rtol=1e-10, atol=1e-12)
    lo, hi = estimate_spectrum_bounds(_as(form, S), random_state=0)
    lo_ref, hi_ref = estimate_spectrum_bounds(S, random_state=0)
    assert np.isclose(lo, lo_ref, rtol=1e-8) and np.isclose(hi, hi_ref, rtol=1e-8)
