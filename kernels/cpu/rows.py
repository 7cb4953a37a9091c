"""Numba helpers: cut the rows of a CSR matrix into chunks of about equal work.

The parallel kernels (:mod:`graphclust.kernels.cpu.spmm`, :mod:`graphclust.kernels.cpu.symmetry`)
hand each thread a run of rows in storage order; a chunk's work is its stored entries plus
its rows (an empty row still costs a visit).
"""
from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["range_bounds", "balanced_bounds"]


@njit(cache=True)
def range_bounds(indptr, r0, r1, n_chunks):
    """Row boundaries of ``n_chunks`` chunks of ``[r0, r1)`` of about equal work
    ``nnz(rows) + rows``.

    Binary search on the virtual cumulative cost ``indptr[r] + r`` (never materialised);
    the boundaries are made non-decreasing even if ``indptr`` is not (the kernels flag that).
    Chunks may be empty.

    Parameters
    ----------
    indptr : int ndarray (n_rows + 1,)
        CSR row pointers.
    r0, r1 : int
        The row range, ``0 <= r0 <= r1 <= n_rows``.
    n_chunks : int
        Number of chunks, at least 1.

    Returns
    -------
    int64 ndarray (n_chunks + 1,)
        Non-decreasing boundaries from ``r0`` to ``r1``.

    Examples
    --------
    >>> import numpy as np
    >>> range_bounds(np.array([0, 3, 3, 4, 8]), 0, 4, 2).tolist()
    [0, 3, 4]
    """
    base = np.int64(indptr[r0]) + r0
    total = np.int64(indptr[r1]) + r1 - base
    bounds = np.empty(n_chunks + 1, dtype=np.int64)
    bounds[0] = r0
    for t in range(1, n_chunks):
        target = base + total * t // n_chunks
        lo = r0
        hi = r1
        while lo < hi:  # first r with indptr[r] + r >= target
            mid = (lo + hi) // 2
            if np.int64(indptr[mid]) + mid < target:
                lo = mid + 1
            else:
                hi = mid
        bounds[t] = min(max(lo, bounds[t - 1]), r1)
    bounds[n_chunks] = r1
    return bounds


@njit(cache=True)
def balanced_bounds(indptr, n_chunks):
    """Row boundaries of ``n_chunks`` chunks of all rows, of about equal work (:func:`range_bounds`).

    Parameters
    ----------
    indptr : int ndarray (n_rows + 1,)
        CSR row pointers.
    n_chunks : int
        Number of chunks, at least 1.

    Returns
    -------
    int64 ndarray (n_chunks + 1,)
        Non-decreasing boundaries from 0 to ``n_rows``.

    Examples
    --------
    >>> import numpy as np
    >>> balanced_bounds(np.array([0, 3, 3, 4, 8]), 2).tolist()
    [0, 3, 4]
    """
    return range_bounds(indptr, 0, indptr.size - 1, n_chunks)
