"""Prolongators from a matching and the current smooth vector (one non-zero per row).

For a matched pair ``(i, j)`` with ``r = sqrt(w_i² + w_j²) > eps`` one coarse unknown gets
``P_i = w_i / r``, ``P_j = w_j / r``; an unmatched ``i`` with ``|w_i| > eps`` becomes a
singleton with ``P_i = sign(w_i)``; an unmatched ``i`` with ``|w_i| <= eps`` gets a zero row
(a "fine-only" unknown). Hence ``PᵀP = I`` and ``w`` lies in the range of ``P`` exactly
(``w = P (Pᵀ w)``). Composing the passes of one level gives, on every aggregate, the column
``w_agg / ||w_agg||``: the tentative prolongator of smoothed aggregation for the single
candidate ``w`` (pyamg's ``fit_candidates``; the tests check the two agree).

Coarse unknowns are numbered by the smallest fine index of their aggregate.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..backend import namespace_of

__all__ = ["pairwise_prolongator", "aggregates_of"]

_EPS = float(np.finfo(np.float64).eps)


def pairwise_prolongator(mate: Any, w: Any) -> Any:
    """Prolongator of one pairwise pass.

    Parameters
    ----------
    mate : int array (n,)
        Partner of each unknown, -1 if unmatched (a matching: ``mate[mate[i]] == i``).
    w : array (n,)
        Current smooth vector.

    Returns
    -------
    P : CSR matrix (n, n_coarse), scipy on CPU, cupyx on the GPU

    Examples
    --------
    >>> import numpy as np
    >>> P = pairwise_prolongator(np.array([1, 0, -1]), np.array([3.0, 4.0, -2.0]))
    >>> P.toarray().round(2).tolist()
    [[0.6, 0.0], [0.8, 0.0], [0.0, -1.0]]
    """
    ns = namespace_of(mate, w)
    xp = ns.xp
    w = xp.asarray(w, dtype=xp.float64)
    mate = xp.asarray(mate, dtype=xp.int64)
    n = int(w.shape[0])
    idx = xp.arange(n, dtype=xp.int64)
    paired = mate >= 0
    partner_w = xp.where(paired, w[xp.where(paired, mate, 0)], 0.0)
    r = xp.sqrt(w**2 + partner_w**2)
    # the representative of an aggregate is its smaller member
    rep = xp.where(paired, xp.minimum(idx, mate), idx)
    keep = r > _EPS
    # an unmatched kept unknown has r = |w_i|, so w_i / r = sign(w_i): one formula for both
    vals = xp.where(keep, w / xp.where(keep, r, 1.0), 0.0)
    is_rep = keep & (rep == idx)
    col_of_rep = xp.cumsum(is_rep) - 1
    n_coarse = int(is_rep.sum())
    rows = idx[keep]
    cols = col_of_rep[rep[keep]]
    P = ns.sparse.coo_matrix((vals[keep], (rows, cols)), shape=(n, n_coarse)).tocsr()
    if ns.is_gpu:
        return P
    import scipy.sparse as sp

    return sp.csr_array(P)


def aggregates_of(P: Any) -> np.ndarray:
    """Aggregate index of every fine unknown of a one-non-zero-per-row prolongator (-1: none).

    Parameters
    ----------
    P : sparse matrix
        Prolongator with at most one non-zero per row.

    Returns
    -------
    numpy.ndarray of int64

    Examples
    --------
    >>> import numpy as np
    >>> aggregates_of(pairwise_prolongator(np.array([1, 0, -1]), np.array([1.0, 1.0, 0.0]))).tolist()
    [0, 0, -1]
    """
    P = P.tocsr()
    counts = np.diff(np.asarray(P.indptr))
    out = np.full(P.shape[0], -1, dtype=np.int64)
    out[counts > 0] = np.asarray(P.indices)
    return out
