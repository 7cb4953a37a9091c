"""Numba kernel: is a canonical CSR matrix exactly symmetric, in one sequential pass?

Checking ``A == A^T`` through scipy (``A - A.T``) converts the transpose to CSR, a scatter
over all ``nnz`` entries in random order: 0.25 s of a 1M-node, 10M-entry graph's validation,
more than every other check together. Here each thread reads a run of rows in storage order
and sums two 64-bit hashes of every off-diagonal entry ``(min(i, j), max(i, j), bits of the
value)``: once over the entries above the diagonal and once over those below. A matrix without
duplicate entries is symmetric exactly when the two sets agree, and then the sums agree; when
the sets differ, the sums of two independent hashes agree with probability about ``2^-128``.
So a ``True`` answer is as good as a proof in practice, and a ``False`` answer is certain
(the caller then measures the asymmetry exactly, e.g. to allow a rounding tolerance).
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange

from .rows import balanced_bounds

__all__ = ["exactly_symmetric"]

_U = np.uint64
_M1 = _U(0xBF58476D1CE4E5B9)  # splitmix64 finaliser constants
_M2 = _U(0x94D049BB133111EB)
_S1 = _U(0x9E3779B97F4A7C15)  # seeds of the two hashes
_S2 = _U(0xD1B54A32D192ED03)
_S30 = _U(30)
_S27 = _U(27)
_S31 = _U(31)
_S32 = _U(32)


@njit(inline="always")
def _mix(z):
    """splitmix64's finaliser: a bijection of uint64 whose output bits all depend on all input bits."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(parallel=True, cache=True)
def _fingerprints(indptr, indices, bits, bounds, sums):
    """``sums[c] = (upper hash 1, upper hash 2, lower hash 1, lower hash 2, error)`` over the
    rows ``bounds[c]:bounds[c + 1]``; error 1 marks a bad ``indptr`` or column index."""
    n = indptr.size - 1
    nnz = indptr[n]
    for ch in prange(bounds.size - 1):
        u1 = _U(0)
        u2 = _U(0)
        l1 = _U(0)
        l2 = _U(0)
        error = _U(0)
        for i in range(bounds[ch], bounds[ch + 1]):
            start = indptr[i]
            stop = indptr[i + 1]
            if start < 0 or start > stop or stop > nnz:
                error = _U(1)
                continue
            for jj in range(start, stop):
                j = indices[jj]
                if j < 0 or j >= n:
                    error = _U(1)
                    continue
                if j == i:
                    continue
                lo = min(i, j)
                hi = max(i, j)
                key = (_U(lo) << _S32) | _U(hi)  # injective for n < 2^32 (checked by the caller)
                v = bits[jj]
                h1 = _mix(_mix(key ^ _S1) ^ v)
                h2 = _mix(_mix(key + _S2) + _mix(v ^ _S2))
                if j > i:
                    u1 += h1
                    u2 += h2
                else:
                    l1 += h1
                    l2 += h2
        sums[ch, 0] = u1
        sums[ch, 1] = u2
        sums[ch, 2] = l1
        sums[ch, 3] = l2
        sums[ch, 4] = error


@njit(cache=True)
def _agree(sums):
    """Whether no chunk saw an error and the wrapped totals of the upper and lower hashes agree."""
    u1 = _U(0)
    u2 = _U(0)
    l1 = _U(0)
    l2 = _U(0)
    for c in range(sums.shape[0]):
        if sums[c, 4] != _U(0):
            return False
        u1 += sums[c, 0]
        u2 += sums[c, 1]
        l1 += sums[c, 2]
        l2 += sums[c, 3]
    return u1 == l1 and u2 == l2


def exactly_symmetric(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, n_chunks: int = 64) -> bool:
    """Whether the square CSR matrix ``(data, indices, indptr)`` equals its transpose exactly.

    Parameters
    ----------
    indptr, indices : ndarray of int32 or int64
        CSR structure of an ``n x n`` matrix without duplicate entries (canonical CSR, e.g.
        after ``sum_duplicates``); the order of the indices within a row does not matter.
    data : ndarray of float32 or float64
        Finite values, no explicit zeros (as after ``eliminate_zeros``): ``0.0`` and ``-0.0``
        are different bits here.
    n_chunks : int, default 64
        Row ranges of about equal work (:func:`graphclust.kernels.cpu.rows.balanced_bounds`) summed in parallel.

    Returns
    -------
    bool
        True when every off-diagonal entry ``(i, j, v)`` has its mirror ``(j, i, v)`` with the
        same bits (wrong with probability about 2^-128, see the module docstring); False when
        not, or when the structure is malformed or ``n >= 2^32`` (no claim is made: check
        another way).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.csr_array([[0.0, 2.0], [2.0, 1.0]])
    >>> exactly_symmetric(A.indptr, A.indices, A.data)
    True
    >>> B = sp.csr_array([[0.0, 2.0], [3.0, 1.0]])
    >>> exactly_symmetric(B.indptr, B.indices, B.data)
    False
    """
    indptr = np.asarray(indptr)
    indices = np.asarray(indices)
    data = np.ascontiguousarray(data)
    n = indptr.size - 1
    if n < 0 or n >= 1 << 32 or data.dtype not in (np.float32, np.float64):
        return False
    nnz = int(indptr[-1]) if n else 0
    if indices.size < nnz or data.size < nnz:
        return False
    # a float32 value widens exactly to float64: the bits of the float64 are a function of it
    bits = data[:nnz].astype(np.float64, copy=False).view(np.uint64)
    bounds = balanced_bounds(indptr, max(1, int(n_chunks)))
    sums = np.zeros((bounds.size - 1, 5), dtype=np.uint64)
    _fingerprints(indptr, indices, bits, bounds, sums)
    return bool(_agree(sums))
