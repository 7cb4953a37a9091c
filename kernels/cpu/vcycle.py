"""Numba kernel: one whole V-cycle of a matching-aggregation AMG hierarchy.

The bootstrap applies tens of thousands of V-cycles (about 7.5 J² for J hierarchies, 15 per
hierarchy per step), most of them on small coarse levels where a Python-level cycle spends
its time in call overhead: on a 400-vertex graph the Python cycle took 25 times longer than
the official C code. This kernel runs the cycle in one call.

Layout (built by :mod:`graphclust.amg.hierarchy`): the finest matrix is passed as scipy's own
arrays (shared by all the hierarchies of a bootstrap, never copied); the CSR matrices of the
coarser levels are concatenated; level ``l`` has ``n[l] = row_off[l+1] - row_off[l]`` rows, its indptr (local, starting at 0)
at ``indptr[ptr_off[l] : ptr_off[l] + n[l] + 1]`` and its entries from ``nnz_off[l]``. Every
prolongator has at most one non-zero per row (matching aggregation), so level ``l``'s
prolongator is ``agg`` (coarse index or -1) and ``pval`` at ``row_off[l] + i``. ``xs`` and
``bs`` are workspaces of ``row_off[-1]`` entries. The coarsest level is solved by
``coarse_iters`` forward Gauss-Seidel sweeps (``coarse_inv`` empty) or by the dense
``coarse_inv`` (row-major ``nc x nc``).

Smoothing: forward Gauss-Seidel before the coarse correction, backward after, as in
BootCMatch (pyamg's ``gauss_seidel`` does the same arithmetic in the same order).
"""
from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["vcycle"]


@njit(cache=True, inline="always")
def _gs(indptr, p0, indices, data, z0, x, b, o, n, forward):
    """One Gauss-Seidel sweep on level rows ``o .. o+n`` of the workspaces."""
    for t in range(n):
        i = t if forward else n - 1 - t
        s = b[o + i]
        diag = 0.0
        for p in range(indptr[p0 + i], indptr[p0 + i + 1]):
            j = indices[z0 + p]
            a = data[z0 + p]
            if j == i:
                diag = a
            else:
                s -= a * x[o + j]
        if diag != 0.0:
            x[o + i] = s / diag


@njit(cache=True, inline="always")
def _restrict(indptr, p0, indices, data, z0, xs, bs, o, n, oc, agg, pval):
    """``b_coarse += Pᵀ (b - A x)`` for the level at rows ``o .. o+n``."""
    for i in range(n):
        c = agg[o + i]
        if c < 0:
            continue
        r = bs[o + i]
        for p in range(indptr[p0 + i], indptr[p0 + i + 1]):
            r -= data[z0 + p] * xs[o + indices[z0 + p]]
        bs[oc + c] += pval[o + i] * r


@njit(cache=True)
def vcycle(x, b, ip0, ix0, dt0, row_off, ptr_off, nnz_off, indptr, indices, data, agg, pval, coarse_inv,
           coarse_iters, xs, bs):
    """One V-cycle on ``A x = b`` from ``x``; ``x`` is updated in place.

    The finest matrix is passed apart (``ip0, ix0, dt0``, scipy's own arrays, shared by every
    hierarchy of a bootstrap); ``indptr, indices, data`` hold levels 1.. (their offsets at
    ``ptr_off[l], nnz_off[l]``; entries for level 0 unused).

    Parameters
    ----------
    x : numpy.ndarray
        Current iterate, updated in place.
    b : numpy.ndarray
        Right-hand side.
    ip0, ix0, dt0 : numpy.ndarray
        CSR arrays of the finest matrix.
    row_off, ptr_off, nnz_off : numpy.ndarray of int64
        Offsets of every level in the packed arrays.
    indptr, indices, data : numpy.ndarray
        Packed CSR arrays of the coarser levels.
    agg : numpy.ndarray of int64
        Aggregate of every fine unknown, per level (packed).
    pval : numpy.ndarray of float64
        The prolongator's value of every fine unknown, per level (packed).
    coarse_inv : numpy.ndarray
        Dense inverse of the coarsest matrix (empty for the Gauss-Seidel coarse solver).
    coarse_iters : int
        Gauss-Seidel sweeps on the coarsest level when it is not solved directly.
    xs, bs : numpy.ndarray
        Workspace for the iterates and right-hand sides of the coarser levels.
    """
    L = row_off.shape[0] - 1
    n0 = row_off[1]
    for i in range(n0):
        xs[i] = x[i]
        bs[i] = b[i]
    for l in range(L - 1):
        o, n = row_off[l], row_off[l + 1] - row_off[l]
        oc, nc = row_off[l + 1], row_off[l + 2] - row_off[l + 1]
        for i in range(nc):
            bs[oc + i] = 0.0
            xs[oc + i] = 0.0
        if l == 0:
            _gs(ip0, 0, ix0, dt0, 0, xs, bs, o, n, True)
            _restrict(ip0, 0, ix0, dt0, 0, xs, bs, o, n, oc, agg, pval)
        else:
            _gs(indptr, ptr_off[l], indices, data, nnz_off[l], xs, bs, o, n, True)
            _restrict(indptr, ptr_off[l], indices, data, nnz_off[l], xs, bs, o, n, oc, agg, pval)
    # coarsest level
    o, n = row_off[L - 1], row_off[L] - row_off[L - 1]
    if coarse_inv.shape[0] > 0:
        for i in range(n):
            s = 0.0
            for j in range(n):
                s += coarse_inv[i * n + j] * bs[o + j]
            xs[o + i] = s
    else:
        for i in range(n):
            xs[o + i] = 0.0  # zero initial guess (already so below the finest level)
        for _ in range(coarse_iters):
            if L == 1:
                _gs(ip0, 0, ix0, dt0, 0, xs, bs, o, n, True)
            else:
                _gs(indptr, ptr_off[L - 1], indices, data, nnz_off[L - 1], xs, bs, o, n, True)
    for l in range(L - 2, -1, -1):
        o, n = row_off[l], row_off[l + 1] - row_off[l]
        oc = row_off[l + 1]
        for i in range(n):
            c = agg[o + i]
            if c >= 0:
                xs[o + i] += pval[o + i] * xs[oc + c]
        if l == 0:
            _gs(ip0, 0, ix0, dt0, 0, xs, bs, o, n, False)
        else:
            _gs(indptr, ptr_off[l], indices, data, nnz_off[l], xs, bs, o, n, False)
    for i in range(n0):
        x[i] = xs[i]
