"""Attribute preprocessing of DEMM: row normalisation, column standardisation, PCA to d.

The official pipeline (BMGC's loaders, then DEMM's ``main.py``): each dataset's loader
normalises the attribute rows (L2 for ACM3025, row sums for DBLP), then ``StandardScaler``
standardises the columns and ``PCA(n_components=dim, random_state=6)`` reduces them.

Sparse attributes stay sparse: PCA centres the columns itself, so the standardisation only
needs the column scaling (``StandardScaler(with_mean=False)`` divides by the same standard
deviation), and the PCA of a sparse matrix is a randomized SVD of the implicitly centred
matrix (the algorithm of scikit-learn's randomized PCA). The result, n x d, is dense.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from ..backend import is_cupy_array

__all__ = ["reduce_attributes", "ROW_NORMS"]

ROW_NORMS = ("l2", "l1", None)


def reduce_attributes(
    X: Any, dim: int, *, row_norm: str | None = "l2", standardize: bool = True, random_state: int = 6
) -> np.ndarray:
    """Row-normalise, standardise and PCA-reduce node attributes (host arrays).

    Parameters
    ----------
    X : dense array or sparse matrix (n, D)
        A device array is copied to the host first.
    dim : int
        Number of principal components; clipped to ``min(n, D)`` (the whole space; then the
        PCA only rotates).
    row_norm : {"l2", "l1", None}, default="l2"
        Row normalisation before standardising ("l1" is a row-sum normalisation for
        non-negative attributes).
    standardize : bool, default=True
        Scale every column to unit variance (``StandardScaler``).
    random_state : int, default=6
        Seed of scikit-learn's PCA (the official code uses 6).

    Returns
    -------
    ndarray of shape (n, min(dim, n, D)), float64

    Examples
    --------
    >>> X = np.random.default_rng(0).random((20, 6))
    >>> reduce_attributes(X, 3).shape
    (20, 3)
    """
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import StandardScaler, normalize

    if is_cupy_array(X):
        X = X.get()
    sparse = sp.issparse(X)
    X = sp.csr_matrix(X, dtype=np.float64) if sparse else np.asarray(X, dtype=np.float64)
    if row_norm is not None:
        X = normalize(X, norm=row_norm)
    if standardize:
        X = StandardScaler(with_mean=not sparse).fit_transform(X)
    n, D = X.shape
    k = int(min(dim, n, D))
    if sparse:
        return _sparse_pca(sp.csr_array(X), k, random_state)
    return np.ascontiguousarray(PCA(n_components=k, random_state=random_state).fit_transform(X), dtype=np.float64)


def _sparse_pca(X: Any, k: int, random_state: int) -> np.ndarray:
    """PCA scores ``X_c V_k`` of a sparse matrix, centred implicitly (never densified).

    The randomized SVD of scikit-learn's PCA (``k + 10`` columns, 7 power steps below
    ``k < 0.1 min(n, D)``, else 4), applied to ``X - 1 mu^T`` through products with ``X`` and
    its transpose.
    """
    from ..operators import FunctionOperator
    from ..solvers.randomized import randomized_svd
    from ..sparse import transpose_csr

    n, D = X.shape
    mu = np.asarray(X.mean(axis=0)).ravel()
    XT = transpose_csr(X)
    b = min(k + 10, min(n, D))
    n_iter = 7 if k < 0.1 * min(n, D) else 4

    def matvec(M: np.ndarray) -> np.ndarray:
        return X @ M - np.outer(np.ones(n), mu @ M)

    def rmatvec(M: np.ndarray) -> np.ndarray:
        return XT @ M - np.outer(mu, M.sum(axis=0))

    start = np.random.default_rng(random_state).standard_normal((D, b))
    U, s, _ = randomized_svd(FunctionOperator((n, D), matvec, rmatvec), start, n_iter)
    return np.ascontiguousarray(U[:, :k] * s[:k], dtype=np.float64)
