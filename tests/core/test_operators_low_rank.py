"""LowRankOperator: U diag(s) V^T applied from its factors, against the dense product."""
import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.linalg import eigsh

from graphclust.operators import LowRankOperator, SparseOperator, WeightedSum, to_linear_operator
from graphclust.solvers.eigen import top_eigenvectors


def test_matches_dense_product():
    rng = np.random.default_rng(0)
    U, V = rng.standard_normal((7, 2)), rng.standard_normal((5, 2))
    op = LowRankOperator(U, [2.0, -0.5], V)
    dense = U @ np.diag([2.0, -0.5]) @ V.T
    X = rng.standard_normal((5, 3))
    np.testing.assert_allclose(op.matmat(X), dense @ X)
    np.testing.assert_allclose(op.matmat(X[:, 0]), dense @ X[:, 0])
    np.testing.assert_allclose(op.rmatmat(rng.standard_normal((7, 2))).shape, (5, 2))
    np.testing.assert_allclose(op.diagonal(), np.diag(dense))
    out = np.empty((7, 3))
    assert op.matmat(X, out=out) is out
    assert op.astype(np.float32).matmat(X.astype(np.float32)).dtype == np.float32


def test_bad_factors_raise():
    with pytest.raises(ValueError, match="columns"):
        LowRankOperator(np.ones((3, 2)), None, np.ones((3, 1)))
    with pytest.raises(ValueError, match="finite weights"):
        LowRankOperator(np.ones(3), [np.inf])
    with pytest.raises(ValueError, match="cannot multiply"):
        LowRankOperator(np.ones(3)).matmat(np.ones(4))


def test_sparse_plus_rank_one_eigenpairs():
    # The top eigenpairs of S + c u u^T, through the Chebyshev solver and through ARPACK on
    # the adapter, equal those of the dense matrix.
    A = sp.random(200, 200, density=0.05, random_state=0, format="csr")
    A = sp.csr_array(A + A.T)
    u = np.random.default_rng(1).random(200)
    u /= np.linalg.norm(u)
    op = WeightedSum([SparseOperator(A), LowRankOperator(u, [0.3])])
    ref = np.linalg.eigvalsh(A.toarray() + 0.3 * np.outer(u, u))[::-1][:3]
    w, _ = top_eigenvectors(op, 3, dtype=np.float64, tol=1e-9, max_iter=2000, random_state=0)
    np.testing.assert_allclose(w, ref, rtol=1e-6)
    w2, _ = top_eigenvectors(op, 3, method="arpack", random_state=0)
    np.testing.assert_allclose(w2, ref, rtol=1e-8)
    w3 = eigsh(to_linear_operator(op), 3, which="LA")[0][::-1]
    np.testing.assert_allclose(w3, ref, rtol=1e-8)
