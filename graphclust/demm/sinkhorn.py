"""Two-factor Sinkhorn-Knopp: make ``S = Z Z^T`` doubly stochastic without forming it.

DEMM+ (paper Algorithm 3) keeps two copies of the feature matrix, ``S = Z_l Z_r^T``, and
alternately rescales the rows of ``Z_l`` so that the row sums of ``S`` are 1, then the rows of
``Z_r`` so that its column sums are 1. A row sum of ``S`` is ``Z_l (Z_r^T 1)``: each half-step
costs O(n D), and no n x n matrix is ever made. The k-means of stage II runs on ``Z_r``
(Theorem 4.6: for a doubly stochastic ``S = Z Z^T``, the Dirichlet-energy clustering of S
is k-means on the rows of Z).
"""
from __future__ import annotations

from typing import Any

__all__ = ["sinkhorn_factors"]


def sinkhorn_factors(Z: Any, n_iter: int) -> tuple[Any, Any]:
    """``n_iter`` rounds of two-factor Sinkhorn-Knopp on ``S = Z Z^T``.

    Parameters
    ----------
    Z : dense array (n, D)
        With ``Z Z^T`` entrywise positive (random features of a Gaussian kernel of wide
        bandwidth are, up to sampling noise).
    n_iter : int
        Rounds (each: rows of ``Z_l``, then rows of ``Z_r``). The official code runs 2 on
        small graphs, 10 on large ones.

    Returns
    -------
    Z_l, Z_r : dense arrays (n, D)
        ``Z_l Z_r^T`` has unit column sums after every round, and row sums that converge to 1.

    Examples
    --------
    >>> import numpy as np
    >>> Z = np.random.default_rng(0).random((6, 3)) + 0.1
    >>> Zl, Zr = sinkhorn_factors(Z, 200)
    >>> bool(np.allclose((Zl @ Zr.T).sum(1), 1) and np.allclose((Zl @ Zr.T).sum(0), 1))
    True
    """
    Zl = Z.copy()
    Zr = Z.copy()
    for _ in range(int(n_iter)):
        Zl /= (Zl @ Zr.sum(axis=0))[:, None]
        Zr /= (Zr @ Zl.sum(axis=0))[:, None]
    return Zl, Zr
