"""Preprocessing of the official S2CAG code: propagation matrix and attribute normalisation.

Defaults reproduce ``HKBU-LAGAS/S2CAG`` (inherited from SAGSC); every step is an option so
that features that are not bag-of-words (signed embeddings, already normalised vectors) can
switch it off.

1. Propagation matrix (two self-loop additions)::

       A_tilde = D1^{-1/2} (A + I) D1^{-1/2},   D1 = diag((A + I) 1)
       P       = D2^{-1} (A_tilde + I),         D2 = diag((A_tilde + I) 1)

   ``P`` is row-stochastic and not symmetric. Zero degrees map to zero rows.
2. TF-IDF with l2 rows (scikit-learn ``TfidfTransformer(norm="l2")`` defaults: smooth idf,
   raw term frequencies), computed here on the sparse matrix so it stays sparse and runs on
   either device.
3. Attribute-degree normalisation: ``deg = X (X^T 1)`` (row sums of ``X X^T`` without forming
   it), zeros replaced by 1, ``X_hat = diag(deg)^{-1/2} X``.

Signed features: with negative entries ``deg`` can be negative and the official code takes
the square root of a negative number (NaN labels). :func:`normalize_attributes` checks the
features first: ``signed_features="raise"`` (default) raises a ValueError naming the fix,
``"fallback"`` skips TF-IDF (meaningless for signed values) and uses row-L2 normalisation
instead of the degree step (the choice of PyAGC's re-implementation), with a warning.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..backend import namespace_of
from ..sparse import add_self_loops, degrees, diag_scale, inverse_power

__all__ = ["propagation_matrix", "tfidf", "attribute_degree_normalize", "normalize_attributes"]


def propagation_matrix(
    A: Any,
    *,
    symmetric_self_loops: float = 1.0,
    symmetric_normalization: bool = True,
    self_loops: float = 1.0,
) -> Any:
    """The official S2CAG propagation matrix ``P`` (row-stochastic CSR, same device as A).

    Parameters
    ----------
    A : CSR matrix (n, n)
        Symmetric adjacency (weights and existing self-loops are kept: a node with a
        self-loop gets ``1 + 1`` on the diagonal, as in the official code).
    symmetric_self_loops : float, default 1.0
        Weight of the identity added before the symmetric normalisation (0 to skip).
    symmetric_normalization : bool, default True
        Apply ``D^{-1/2} (A + s I) D^{-1/2}``. False skips the step (and its self-loops),
        giving ``P = D^{-1} (A + self_loops I)``, the single-normalisation variant of PyAGC.
    self_loops : float, default 1.0
        Weight of the identity added before the row normalisation (0 to skip).

    Returns
    -------
    P : CSR matrix (n, n), rows sum to 1 (zero rows for isolated nodes without self-loops).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> P = propagation_matrix(sp.csr_array([[0.0, 1.0], [1.0, 0.0]]))
    >>> P.toarray()
    array([[0.75, 0.25],
           [0.25, 0.75]])
    """
    if A.shape[0] != A.shape[1]:
        raise ValueError(f"A must be square, got shape {A.shape}.")
    M = A
    if symmetric_normalization:
        if symmetric_self_loops:
            M = add_self_loops(M, float(symmetric_self_loops))
        d = inverse_power(degrees(M), -0.5)
        M = diag_scale(M, d, d)
    if self_loops:
        M = add_self_loops(M, float(self_loops))
    return diag_scale(M, inverse_power(degrees(M), -1.0))


def _is_sparse(X: Any) -> bool:
    return hasattr(X, "indptr") and hasattr(X, "indices")


def _has_negative(X: Any) -> bool:
    data = X.data if _is_sparse(X) else X
    return bool((data < 0).any()) if data.size else False


def _row_sums_of_squares(X: Any) -> Any:
    """Row sums of the squared entries of a CSR matrix.

    The same numbers as ``degrees(X.multiply(X))`` (squares summed in storage order) without
    the element-wise sparse product, which re-merges the two index lists (65 ms on the
    35 %-dense amazon_photo attributes, against a few ms here).
    """
    if X.has_canonical_format:  # the squares on X's own index arrays (no copy of them)
        return degrees(type(X)((X.data * X.data, X.indices, X.indptr), shape=X.shape))
    sq = X.copy()
    sq.sum_duplicates()  # duplicates are summed before squaring, as multiply does
    sq.data = sq.data * sq.data
    return degrees(sq)


def tfidf(X: Any) -> Any:
    """TF-IDF with l2-normalised rows, as ``sklearn TfidfTransformer(norm="l2")``.

    ``idf_j = ln((1 + n) / (1 + df_j)) + 1`` with ``df_j`` the number of rows with a stored
    non-zero in column j; rows are then scaled to unit Euclidean norm (zero rows stay zero).
    A sparse input stays sparse (CSR); a dense input gives a dense output.

    Parameters
    ----------
    X : array_like or sparse matrix of shape (n, d)
        Non-negative counts (one row per node).

    Returns
    -------
    array or scipy.sparse.csr_array of shape (n, d)

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> X = sp.csr_array([[1.0, 0.0], [1.0, 2.0]])
    >>> tfidf(X).toarray().round(4)
    array([[1.    , 0.    ],
           [0.3352, 0.9422]])
    """
    xp = namespace_of(X).xp
    n, d = X.shape
    if _is_sparse(X):
        X = X.tocsr(copy=True)
        X.data = X.data.astype(xp.float64)
        df = xp.bincount(X.indices, minlength=d).astype(xp.float64)
    else:
        X = xp.array(X, dtype=xp.float64, copy=True)
        df = (X != 0).sum(axis=0).astype(xp.float64)
    idf = xp.log((1.0 + n) / (1.0 + df)) + 1.0
    if _is_sparse(X):
        X = diag_scale(X, None, idf)
        norms = xp.sqrt(_row_sums_of_squares(X))
        return diag_scale(X, inverse_power(norms, -1.0))
    X *= idf[None, :]
    norms = xp.sqrt((X * X).sum(axis=1))
    norms[norms == 0] = 1.0
    X /= norms[:, None]
    return X


def _row_scale(X: Any, scale: Any) -> Any:
    if _is_sparse(X):
        return diag_scale(X, scale)
    return X * scale[:, None]


def attribute_degree_normalize(X: Any) -> Any:
    """``diag(deg)^{-1/2} X`` with ``deg = X (X^T 1)`` (zeros replaced by 1), official step.

    Raises ValueError when some ``deg`` is negative (signed features), where the official code
    would produce NaN.

    Parameters
    ----------
    X : array_like or sparse matrix of shape (n, d)
        Node attributes, non-negative.

    Returns
    -------
    array or sparse matrix of shape (n, d)

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [1.0, 1.0]])
    >>> attribute_degree_normalize(X).round(4)
    array([[0.7071, 0.    ],
           [0.5774, 0.5774]])
    """
    xp = namespace_of(X).xp
    colsum = xp.asarray(X.sum(axis=0)).ravel()
    deg = X @ colsum
    deg = xp.asarray(deg).ravel().astype(xp.float64)
    if bool((deg < 0).any()):
        raise ValueError(
            "attribute-degree normalisation needs non-negative row sums of X X^T, but "
            f"{int((deg < 0).sum())} rows have a negative one (signed features); use "
            "attribute_norm='l2' or signed_features='fallback'."
        )
    deg[deg == 0] = 1.0
    return _row_scale(X, 1.0 / xp.sqrt(deg))


def _tfidf_degree_inplace(X: Any) -> Any:
    """:func:`tfidf` then :func:`attribute_degree_normalize` of a host CSR matrix, on one copy.

    The same operations in the same order as the two functions (hence the same bits: tested),
    but each scaling multiplies the copy's values in place instead of copying the matrix
    again (four copies of a 2M-entry matrix fewer on amazon_photo).
    """
    n, d = X.shape
    X = X.tocsr(copy=True)
    X.data = X.data.astype(np.float64, copy=False)
    idf = np.log((1.0 + n) / (1.0 + np.bincount(X.indices, minlength=d).astype(np.float64))) + 1.0
    X.data *= idf[X.indices]
    rows = np.diff(X.indptr)
    X.data *= np.repeat(inverse_power(np.sqrt(_row_sums_of_squares(X)), -1.0), rows)
    deg = np.asarray(X @ np.asarray(X.sum(axis=0)).ravel()).ravel().astype(np.float64)
    if bool((deg < 0).any()):  # impossible after TF-IDF of non-negative counts; kept as a guard
        raise ValueError("attribute-degree normalisation needs non-negative row sums of X X^T.")
    deg[deg == 0] = 1.0
    X.data *= np.repeat(1.0 / np.sqrt(deg), rows)
    return X


def _l2_rows(X: Any) -> Any:
    xp = namespace_of(X).xp
    if _is_sparse(X):
        norms = xp.sqrt(_row_sums_of_squares(X))
    else:
        norms = xp.sqrt((X * X).sum(axis=1))
    return _row_scale(X, inverse_power(norms, -1.0))


def normalize_attributes(
    X: Any,
    *,
    tfidf_transform: bool = True,
    attribute_norm: str | None = "degree",
    signed_features: str = "raise",
) -> Any:
    """The official attribute pipeline: TF-IDF (l2 rows), then attribute-degree normalisation.

    Parameters
    ----------
    X : dense array or CSR matrix (n, d)
        Node attributes; a sparse matrix stays sparse.
    tfidf_transform : bool, default True
        Apply :func:`tfidf` first (meant for bag-of-words counts).
    attribute_norm : {"degree", "l2", None}, default "degree"
        ``"degree"``: :func:`attribute_degree_normalize` (official); ``"l2"``: unit rows;
        None: no row scaling.
    signed_features : {"raise", "fallback"}, default "raise"
        What to do when X has negative entries and TF-IDF or the degree step is asked for:
        raise a ValueError, or skip TF-IDF and use l2 rows instead (with a warning).

    Returns
    -------
    X_hat : float64 array or CSR matrix (n, d), a new object (X is not modified).
    """
    if attribute_norm not in ("degree", "l2", None):
        raise ValueError(f"attribute_norm must be 'degree', 'l2' or None, got {attribute_norm!r}.")
    if signed_features not in ("raise", "fallback"):
        raise ValueError(f"signed_features must be 'raise' or 'fallback', got {signed_features!r}.")
    xp = namespace_of(X).xp
    if (tfidf_transform or attribute_norm == "degree") and _has_negative(X):
        if signed_features == "raise":
            raise ValueError(
                "features have negative entries (signed features): TF-IDF and the attribute-degree "
                "normalisation assume non-negative bag-of-words and would produce NaN. Pass "
                "tfidf=False, attribute_norm='l2' (or None), or signed_features='fallback'."
            )
        warnings.warn(
            "signed features: skipping TF-IDF and using l2 row normalisation instead of the "
            "attribute-degree normalisation (signed_features='fallback').",
            UserWarning,
            stacklevel=3,
        )
        tfidf_transform, attribute_norm = False, "l2"
    if tfidf_transform and attribute_norm == "degree" and _is_sparse(X) and not namespace_of(X).is_gpu:
        return _tfidf_degree_inplace(X)
    if tfidf_transform:
        X = tfidf(X)
    elif _is_sparse(X):
        X = X.tocsr(copy=True)
        X.data = X.data.astype(xp.float64)
    else:
        X = xp.array(X, dtype=xp.float64, copy=True)
    if attribute_norm == "degree":
        X = attribute_degree_normalize(X)
    elif attribute_norm == "l2":
        X = _l2_rows(X)
    return X
