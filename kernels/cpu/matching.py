"""Numba kernel: half-approximate maximum-weight matching by the Suitor algorithm.

Suitor (Manne & Halappanavar, IPDPS 2014) lets every vertex propose to its heaviest neighbour
that would accept it (whose current suitor is lighter); a displaced suitor proposes again.
Each vertex is displaced at most deg times, so the work is O(nnz) in practice, and the result
is the same matching as the greedy algorithm on edges sorted by weight (hence at least half
the maximum weight), provided ties are broken by one total order on the edges: here by
weight, then by the larger endpoint, then by the smaller endpoint. The array-namespace
locally-dominant matching of :mod:`graphclust.amg.matching` uses the same order, so both
give the same matching.

The sequential kernel is used on CPU: it runs in a few tens of milliseconds on a million
vertices, below the Galerkin products it feeds, so threading it is not worth the locks that
a parallel Suitor needs.

Conventions: CSR arrays ``indptr`` (int64), ``indices`` (int32 or int64), ``weight``
(float64) of a symmetric weight graph without diagonal entries; weights are compared only
with each other (any sign); an edge of weight ``-inf`` is never matched.
"""
from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["suitor_matching"]


@njit(cache=True, inline="always")
def _heavier(w1, a1, b1, w2, a2, b2):
    """Is edge (a1, b1) of weight w1 after edge (a2, b2) of weight w2 in the total order?"""
    if w1 != w2:
        return w1 > w2
    hi1 = max(a1, b1)
    hi2 = max(a2, b2)
    if hi1 != hi2:
        return hi1 > hi2
    return min(a1, b1) > min(a2, b2)


@njit(cache=True)
def suitor_matching(indptr, indices, weight):
    """Half-approximate maximum-weight matching of a symmetric weighted graph.

    Returns ``mate`` (int64, n): the partner of each vertex, -1 when unmatched.

    Parameters
    ----------
    indptr, indices : numpy.ndarray
        CSR structure of the graph.
    weight : numpy.ndarray of float64
        Weight of every stored edge (symmetric).
    """
    n = indptr.shape[0] - 1
    suitor = np.full(n, -1, dtype=np.int64)
    ws = np.full(n, -np.inf)
    for u in range(n):
        current = u
        while current != -1:
            partner = -1
            heaviest = -np.inf
            for p in range(indptr[current], indptr[current + 1]):
                v = np.int64(indices[p])
                if v == current:
                    continue
                w = weight[p]
                if w == -np.inf:
                    continue
                # v accepts current only if current beats v's present suitor
                s = suitor[v]
                if s != -1 and not _heavier(w, current, v, ws[v], s, v):
                    continue
                if partner == -1 or _heavier(w, current, v, heaviest, current, partner):
                    partner = v
                    heaviest = w
            if partner == -1:
                break
            displaced = suitor[partner]
            suitor[partner] = current
            ws[partner] = heaviest
            current = displaced
    mate = np.full(n, -1, dtype=np.int64)
    for u in range(n):
        v = suitor[u]
        if v != -1 and suitor[v] == u:
            mate[u] = v
    return mate
