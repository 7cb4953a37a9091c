"""Stage I pieces against dense references: sketched vs exact energy, Neumann series vs the
exact inverse, the fused operator vs its dense matrix, weights changed in place."""
import numpy as np
import pytest
import scipy.sparse as sp

from graphclust.demm.energy import exact_energy, sketched_energies, sketched_incidence
from graphclust.demm.fused import FusedAdjacency
from graphclust.demm.neumann import neumann_coefficients, neumann_series
from graphclust.demm.relations import normalized_relations, strip_diagonal
from graphclust.demm.weights import update_weights


def random_graph(n=60, density=0.15, seed=0, weighted=False):
    rng = np.random.default_rng(seed)
    U = np.triu(rng.random((n, n)) < density, 1).astype(float)
    if weighted:
        U *= rng.uniform(0.5, 2.0, size=(n, n))
    return sp.csr_array(U + U.T)


def dense_incidence(A):
    """Oriented incidence (n x M), column (-sqrt(w) at i, +sqrt(w) at j) per edge i < j, CSR order."""
    A = sp.csr_array(A)
    cols = []
    n = A.shape[0]
    for i in range(n):
        for p in range(A.indptr[i], A.indptr[i + 1]):
            j = A.indices[p]
            if j > i:
                e = np.zeros(n)
                e[i], e[j] = -np.sqrt(A.data[p]), np.sqrt(A.data[p])
                cols.append(e)
    return np.array(cols).T


@pytest.mark.parametrize("weighted", [False, True])
def test_sketch_equals_dense_countsketch_of_the_incidence(weighted):
    A = random_graph(weighted=weighted)
    m = 7
    E = dense_incidence(A)
    d = A.sum(axis=1)
    # the same hash drawn by the same generator, applied as a dense CountSketch matrix
    rng = np.random.default_rng(3)
    bucket = rng.integers(0, m, E.shape[1])
    sign = rng.choice(np.array([1.0, -1.0]), E.shape[1])
    S = np.zeros((m, E.shape[1]))
    S[bucket, np.arange(E.shape[1])] = sign
    ref = (E / np.sqrt(d)[:, None]) @ S.T
    got = sketched_incidence(A, m, np.random.default_rng(3))
    np.testing.assert_allclose(got, ref, atol=1e-12)
    # E E^T = D - A: the unsketched incidence gives the exact energy
    H = np.random.default_rng(1).standard_normal((A.shape[0], 4))
    Ahat = A.toarray() / np.sqrt(np.outer(d, d))
    exact = np.trace(H.T @ (np.eye(A.shape[0]) - Ahat) @ H)
    assert np.isclose(exact_energy(H, sp.csr_array(Ahat)), exact)
    assert np.isclose(((H.T @ (E / np.sqrt(d)[:, None])) ** 2).sum(), exact)


@pytest.mark.parametrize("self_loop", [0.0, 1.0])
def test_sketched_energy_is_unbiased(self_loop):
    A = random_graph(n=80, density=0.2, seed=4)
    if self_loop:   # the energy of A_hat = D~^{-1/2} (A + I) D~^{-1/2}, the matrix DEMM propagates with
        Ahat = normalized_relations([A])[0][0]
    else:
        d = A.sum(axis=1)
        Ahat = sp.csr_array(A.toarray() / np.sqrt(np.outer(d, d)))
    H = np.random.default_rng(2).standard_normal((80, 3))
    exact = exact_energy(H, Ahat)
    est = [sketched_energies(H, [sketched_incidence(A, 10, np.random.default_rng(s), self_loop=self_loop)])[0]
           for s in range(400)]
    # mean of 400 sketches within 3 standard errors of the exact energy
    assert abs(np.mean(est) - exact) < 3 * np.std(est) / np.sqrt(len(est))
    assert abs(np.mean(est) - exact) / exact < 0.05


def test_isolated_nodes_give_zero_rows_and_no_nan():
    A = sp.block_diag([random_graph(n=10, density=0.5), sp.csr_array((3, 3))], format="csr")
    E = sketched_incidence(A, 4, np.random.default_rng(0))
    assert np.all(np.isfinite(E)) and np.all(E[10:] == 0)


@pytest.mark.parametrize("tail", [True, False])
def test_neumann_series_against_the_dense_inverse(tail):
    A = random_graph(n=40, density=0.2, seed=5)
    Ahat, _, _ = normalized_relations([A])
    P = Ahat[0].toarray()
    X = np.random.default_rng(0).standard_normal((40, 5))
    alpha = 2.0
    a = alpha / (1 + alpha)
    exact = np.linalg.solve(np.eye(40) - a * P, X) / (1 + alpha)
    # the truncation error of Eq. 15 shrinks geometrically with L
    errs = [np.linalg.norm(neumann_series(Ahat[0], X, alpha, L, tail=tail) - exact) for L in (2, 8, 30, 80)]
    assert errs[-1] < 1e-10 * np.linalg.norm(exact)
    assert errs[0] > errs[1] > errs[2]
    # and the polynomial is the one of Eq. 15
    L = 4
    c = neumann_coefficients(alpha, L, tail=tail)
    ref = sum(c[t] * np.linalg.matrix_power(P, t) @ X for t in range(L + 1))
    direct = sum(a ** t * np.linalg.matrix_power(P, t) @ X for t in range(L + 1)) / (1 + alpha)
    if tail:
        direct = direct + a ** (L + 1) * np.linalg.matrix_power(P, L) @ X
    np.testing.assert_allclose(neumann_series(Ahat[0], X, alpha, L, tail=tail), ref, atol=1e-12)
    np.testing.assert_allclose(ref, direct, atol=1e-12)


def test_fused_operator_matches_its_dense_matrix_and_weights_change_in_place():
    rels = [random_graph(seed=s) for s in range(3)]
    Ahat, _, fro = normalized_relations(rels)
    dense = [M.toarray() for M in Ahat]
    np.testing.assert_allclose(fro, [(M ** 2).sum() for M in dense])
    X = np.random.default_rng(0).standard_normal((60, 4))
    op = FusedAdjacency(Ahat, [0.2, 0.3, 0.5])
    weights_array = op.weights
    matrices = [o.matrix for o in op.weighted_sum.operators]
    for w in ([0.2, 0.3, 0.5], [0.7, 0.0, 0.3]):
        op.set_weights(w)
        B = sum(wi * M for wi, M in zip(w, dense))
        s = 1 / np.sqrt(B.sum(axis=1))
        np.testing.assert_allclose(op.matmat(X), (B * np.outer(s, s)) @ X, atol=1e-12)
    # the same weight array and the same matrices: nothing was re-summed or copied
    assert op.weights is weights_array and np.array_equal(weights_array, [0.7, 0.0, 0.3])
    assert all(o.matrix is M for o, M in zip(op.weighted_sum.operators, matrices))
    plain = FusedAdjacency(Ahat, [0.5, 0.25, 0.25], renormalize=False)
    np.testing.assert_allclose(plain.matmat(X), (0.5 * dense[0] + 0.25 * dense[1] + 0.25 * dense[2]) @ X)


def test_normalized_relations_strip_the_diagonal_then_add_one_self_loop():
    A = random_graph(n=20, seed=6)
    with_loops = A + sp.eye(20, format="csr") * 3.0
    a, plain, _ = normalized_relations([with_loops])
    b, _, _ = normalized_relations([A])
    np.testing.assert_allclose(a[0].toarray(), b[0].toarray())
    assert strip_diagonal(with_loops).diagonal().sum() == 0 and plain[0].nnz == A.nnz


def test_weight_update_closed_form():
    c = np.array([1.0, 2.0, 4.0])
    w = update_weights(c)
    np.testing.assert_allclose(w, c ** -2 / (c ** -2).sum())
    # the closed form maximises sum_r sqrt(w_r) / c_r on the simplex (Cauchy-Schwarz)
    rng = np.random.default_rng(0)
    best = (np.sqrt(w) / c).sum()
    for _ in range(200):
        v = rng.dirichlet(np.ones(3))
        assert (np.sqrt(v) / c).sum() <= best + 1e-12
    with pytest.raises(ValueError, match="beta"):
        update_weights(np.array([0.0, 1.0]))
