"""Hierarchy, V-cycle, composite and preconditioner against scipy and pyamg references."""
import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from pyamg.aggregation.tentative import fit_candidates
from scipy.sparse.linalg import cg, lobpcg

from graphclust.amg import CompositeSolver, build_hierarchy, laplacian_spd
from graphclust.amg.aggregation import coarsen
from graphclust.amg.prolongation import aggregates_of
from graphclust.operators import as_operator


def sbm_laplacian(n=600, k=4, seed=0):
    G = nx.planted_partition_graph(k, n // k, 0.05, 0.005, seed=seed)
    return laplacian_spd(nx.to_scipy_sparse_array(G))


def test_laplacian_spd_disconnected():
    A = sp.block_diag([nx.to_scipy_sparse_array(nx.path_graph(5)), nx.to_scipy_sparse_array(nx.cycle_graph(4)),
                       sp.csr_array((1, 1))])
    L = laplacian_spd(A).toarray()
    assert np.linalg.eigvalsh(L).min() > 1e-3
    assert np.allclose(L, L.T)


def test_prolongator_carries_w_and_matches_fit_candidates():
    L = sbm_laplacian()
    w = np.random.default_rng(1).uniform(0.5, 1.5, L.shape[0])
    lvl = coarsen(L, w, passes=2)
    P = lvl.P
    assert np.allclose((P.T @ P).toarray(), np.eye(P.shape[1]))
    assert np.allclose(P @ (P.T @ w), w)
    agg = aggregates_of(P)
    assert np.bincount(agg[agg >= 0]).max() <= 4
    AggOp = sp.csr_array((np.ones(len(agg)), (np.arange(len(agg)), agg)), shape=(len(agg), P.shape[1]))
    Q, R = fit_candidates(AggOp, w[:, None])
    assert np.allclose(abs(Q.toarray()), abs(P.toarray()))  # same columns up to sign
    assert np.allclose(sp.csr_array(P.T @ L @ P).toarray(), lvl.A.toarray())


def test_vcycle_reduces_error_and_kernel_matches_python():
    L = sbm_laplacian()
    n = L.shape[0]
    h_fast = build_hierarchy(L, np.ones(n), coarse_solver="gauss_seidel")
    h_ref = build_hierarchy(L, np.ones(n), coarse_solver="gauss_seidel", compiled=False)
    assert h_fast.operator_complexity < 2 and len(h_fast.levels) >= 3
    x0 = np.random.default_rng(0).standard_normal(n)
    xa, xb, b = x0.copy(), x0.copy(), np.zeros(n)
    for _ in range(5):
        h_fast.vcycle(xa, b)
        h_ref.vcycle(xb, b)
    assert np.allclose(xa, xb, rtol=1e-10, atol=1e-12)
    energy = lambda x: float(x @ (L @ x))
    assert energy(xa) < 0.5 * energy(x0)


@pytest.mark.parametrize("compiled", [True, False])
def test_preconditioner_in_cg_and_lobpcg(compiled):
    L = sbm_laplacian(800)
    n = L.shape[0]
    M = build_hierarchy(L, np.ones(n), compiled=compiled).as_preconditioner()
    b = np.random.default_rng(0).standard_normal(n)
    it_plain, it_amg = [0], [0]
    x, info = cg(L, b, rtol=1e-8, maxiter=2000, callback=lambda _: it_plain.__setitem__(0, it_plain[0] + 1))
    y, info2 = cg(L, b, rtol=1e-8, M=M, maxiter=2000, callback=lambda _: it_amg.__setitem__(0, it_amg[0] + 1))
    assert info == info2 == 0
    assert np.allclose(x, y, atol=1e-5 * np.abs(x).max())
    assert it_amg[0] < it_plain[0]
    X = np.random.default_rng(1).standard_normal((n, 4))
    w_ref = np.linalg.eigvalsh(L.toarray())[:4]
    w, _ = lobpcg(L, X, M=M, largest=False, tol=1e-8, maxiter=200)
    assert np.allclose(np.sort(w), w_ref, rtol=1e-4, atol=1e-8)
    op = as_operator(M)
    assert op.shape == (n, n) and np.allclose(op.matmat(X[:, :2]), M @ X[:, :2])


def test_composite_symmetrized_is_symmetric():
    L = sbm_laplacian(300)
    n = L.shape[0]
    H = [build_hierarchy(L, np.ones(n)), build_hierarchy(L, np.random.default_rng(0).uniform(1, 2, n))]
    M = CompositeSolver(H, "symmetrized").as_preconditioner()
    E = M @ np.eye(n)
    assert np.allclose(E, E.T, atol=1e-8)
    assert np.linalg.eigvalsh((E + E.T) / 2).min() > 0


def test_gpu_namespace_path_l1_jacobi_and_locally_dominant():
    # the GPU path (l1-Jacobi, locally-dominant matching, Python cycle) run with numpy
    L = sbm_laplacian()
    n = L.shape[0]
    h = build_hierarchy(L, np.ones(n), smoother="l1_jacobi", matching="locally_dominant")
    assert h._packed is None
    x0 = np.random.default_rng(0).standard_normal(n)
    x = x0.copy()
    for _ in range(5):
        h.vcycle(x, np.zeros(n))
    assert float(x @ (L @ x)) < 0.5 * float(x0 @ (L @ x0))


def test_bad_options():
    L = sbm_laplacian(100)
    with pytest.raises(ValueError, match="smoother"):
        build_hierarchy(L, np.ones(100), smoother="jacobi")
    with pytest.raises(ValueError, match="coarse_solver"):
        build_hierarchy(L, np.ones(100), coarse_solver="lu")


def test_single_level_hierarchy_solves_exactly():
    """With one level the V-cycle is the coarsest solve: the Cholesky inverse of A itself,
    checked against scipy's sparse direct solver (and a semi-definite matrix falls back to
    the pseudo-inverse, which still solves consistent systems)."""
    from scipy.sparse.linalg import spsolve

    L = sbm_laplacian(n=400)
    b = np.random.default_rng(3).standard_normal(L.shape[0])
    M = build_hierarchy(L, np.ones(L.shape[0]), max_levels=1).as_preconditioner()
    assert np.allclose(M @ b, spsolve(sp.csc_matrix(L), b), rtol=1e-9, atol=1e-12)
    G = nx.to_scipy_sparse_array(nx.cycle_graph(12))
    Lsing = sp.csr_array(sp.diags_array(np.asarray(G.sum(axis=1)).ravel()) - G)  # singular: null vector 1
    rhs = np.random.default_rng(4).standard_normal(12)
    rhs -= rhs.mean()
    x = build_hierarchy(Lsing, np.ones(12), max_levels=1).as_preconditioner() @ rhs
    assert np.allclose(Lsing @ x, rhs, atol=1e-10)
