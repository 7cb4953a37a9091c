"""The H-step of DEMM: ``(1/(1+alpha)) (I - a A)^{-1} X`` by a truncated Neumann series.

With ``a = alpha / (1 + alpha) < 1`` and ``||A||_2 <= 1`` the inverse is the Neumann series
``sum_l a^l A^l``. The paper's Eq. 15 keeps ``L`` terms and estimates the tail
``sum_{l > L} a^l A^l X / (1 + alpha)`` by ``a^{L+1} A^L X`` (the official code's
``H = F_L / (1+alpha) + a (F_L - F_{L-1})``); as a polynomial in ``A`` that is the
coefficients :func:`neumann_coefficients`, evaluated by Horner's rule with ``L`` products of
the operator with an n x d block, never forming a power of ``A`` or the inverse.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..operators import as_operator

__all__ = ["neumann_coefficients", "neumann_series"]


def neumann_coefficients(alpha: float, n_terms: int, *, tail: bool = True) -> np.ndarray:
    """Coefficients ``c_0..c_L`` of the truncated series ``H = sum_l c_l A^l X``.

    ``c_l = a^l / (1 + alpha)`` with ``a = alpha / (1 + alpha)``; with ``tail`` the last one
    also carries the tail estimate ``a^{L+1}`` (Eq. 15).

    Parameters
    ----------
    alpha : float
        > 0.
    n_terms : int
        ``L >= 0``, the highest power of ``A``.
    tail : bool, default=True
        Add the tail estimate ``a^{L+1} A^L X`` (paper Eq. 15 and official code; the
        "without the tail term" ablation of Table 8 sets it False).

    Returns
    -------
    ndarray of shape (L + 1,)

    Examples
    --------
    >>> neumann_coefficients(1.0, 2).tolist()     # a = 1/2: [1/2, 1/4, 1/8 + 1/8]
    [0.5, 0.25, 0.25]
    """
    a = alpha / (1.0 + alpha)
    c = a ** np.arange(int(n_terms) + 1, dtype=np.float64) / (1.0 + alpha)
    if tail:
        c[-1] += a ** (int(n_terms) + 1)
    return c


def neumann_series(A: Any, X: Any, alpha: float, n_terms: int, *, tail: bool = True) -> Any:
    """``sum_l c_l A^l X`` for the coefficients of :func:`neumann_coefficients`, by Horner.

    ``A`` is any operator of :mod:`graphclust.operators` (here DEMM's fused adjacency, whose
    weights change between calls); ``graphclust.solvers.propagate`` takes a CSR matrix only,
    so the Horner loop is written against ``matmat`` here.

    Parameters
    ----------
    A : operator or matrix, (n, n)
    X : dense array (n, d), on A's device
    alpha : float
    n_terms : int
    tail : bool, default=True

    Returns
    -------
    dense array (n, d), a new array

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.csr_array(np.array([[0.0, 1.0], [1.0, 0.0]])) * 0.5
    >>> H = neumann_series(A, np.eye(2), 1.0, 60)
    >>> bool(np.allclose(H, 0.5 * np.linalg.inv(np.eye(2) - 0.5 * A.toarray())))
    True
    """
    op = as_operator(A)
    c = neumann_coefficients(alpha, n_terms, tail=tail)
    Q = X * X.dtype.type(c[-1])
    for t in range(c.size - 2, -1, -1):
        Q = op.matmat(Q)
        Q += X * Q.dtype.type(c[t])
    return Q
