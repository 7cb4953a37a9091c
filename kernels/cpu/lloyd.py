"""Numba kernels of one Lloyd step of k-means, with the rounding of its numpy form.

:func:`graphclust.amg.restarts.kmeans_restarts` runs the official BCMatch4Graphs restarts (up
to 100 restarts of 10 Lloyd steps); in numpy each step built four ``n x k`` temporaries for
the distances and a sparse membership matrix for the centre sums, about 65 ms at 1M rows
and ``k = d = 5``. Here the BLAS product ``X @ C^T`` stays with the caller (its summation
order is BLAS's), and the rest of the step is two passes over the rows:

* :func:`assign` finds the nearest live centre of every row from the same expression numpy
  evaluates, ``(|x|^2 - 2 x.c) + |c|^2`` rounded at each operation (``2 x.c`` is exact), the
  first minimum winning a tie, and counts the rows that changed label (parallel over rows:
  rows are independent);
* :func:`cluster_sums` adds every row into its cluster's sum in ascending row order, the
  order of the sparse membership product it replaces, so the sums are the same to the bit.
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = ["assign", "cluster_sums"]


@njit(parallel=True, cache=True)
def _assign(G, x_sq, c_sq, alive, labels, changed):
    n, k = G.shape
    for i in prange(n):
        best = -1
        best_d = np.inf
        for j in range(k):
            if not alive[j]:
                continue
            d = (x_sq[i] - 2.0 * G[i, j]) + c_sq[j]
            if best < 0 or d < best_d:
                best = j
                best_d = d
        changed[i] = 1 if labels[i] != best else 0
        labels[i] = best


def assign(G: np.ndarray, x_sq: np.ndarray, c_sq: np.ndarray, alive: np.ndarray, labels: np.ndarray) -> int:
    """Nearest live centre of every row, written into ``labels``; returns how many changed.

    Parameters
    ----------
    G : float64 array (n, k)
        ``X @ C^T``, the inner products of the rows with the centres.
    x_sq : float64 array (n,)
        Squared norms of the rows.
    c_sq : float64 array (k,)
        Squared norms of the centres.
    alive : bool array (k,)
        Centres that may be chosen (at least one).
    labels : int64 array (n,)
        The previous labels (any value, e.g. -1, before the first step), overwritten.

    Returns
    -------
    int
        Rows whose label changed.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0], [0.9, 1.0]]); C = np.array([[0.0, 0.0], [1.0, 1.0]])
    >>> labels = np.full(3, -1)
    >>> assign(X @ C.T, (X * X).sum(1), (C * C).sum(1), np.ones(2, bool), labels), labels.tolist()
    (3, [0, 1, 1])
    """
    G = np.ascontiguousarray(G, dtype=np.float64)
    n, k = G.shape
    if x_sq.shape != (n,) or c_sq.shape != (k,) or alive.shape != (k,) or labels.shape != (n,):
        raise ValueError("assign: G is n x k, x_sq and labels have n entries, c_sq and alive k.")
    if labels.dtype != np.int64 or not labels.flags.c_contiguous or not labels.flags.writeable:
        raise ValueError("assign: labels must be a writeable C-contiguous int64 array.")
    if not alive.any():
        raise ValueError("assign: at least one centre must be alive.")
    changed = np.empty(n, dtype=np.uint8)
    _assign(G, np.ascontiguousarray(x_sq, dtype=np.float64), np.ascontiguousarray(c_sq, dtype=np.float64),
            np.ascontiguousarray(alive, dtype=np.bool_), labels, changed)
    return int(changed.sum(dtype=np.int64))


@njit(cache=True)
def _cluster_sums(X, labels, counts, sums):
    n, d = X.shape
    for i in range(n):
        j = labels[i]
        counts[j] += 1
        for c in range(d):
            sums[j, c] += X[i, c]


def cluster_sums(X: np.ndarray, labels: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows per cluster and the sum of each cluster's rows, added in ascending row order.

    Parameters
    ----------
    X : float64 array (n, d)
    labels : int64 array (n,), values in ``[0, k)``
    k : int

    Returns
    -------
    counts : int64 array (k,)
    sums : float64 array (k, d)

    Examples
    --------
    >>> import numpy as np
    >>> counts, sums = cluster_sums(np.array([[1.0], [2.0], [4.0]]), np.array([1, 0, 1]), 2)
    >>> counts.tolist(), sums.ravel().tolist()
    ([1, 2], [2.0, 5.0])
    """
    X = np.ascontiguousarray(X, dtype=np.float64)
    labels = np.ascontiguousarray(labels, dtype=np.int64)
    if labels.shape != (X.shape[0],):
        raise ValueError(f"cluster_sums: labels must have {X.shape[0]} entries, got shape {labels.shape}.")
    if labels.size and (int(labels.min()) < 0 or int(labels.max()) >= k):
        raise ValueError(f"cluster_sums: labels must lie in [0, {k}).")
    counts = np.zeros(k, dtype=np.int64)
    sums = np.zeros((k, X.shape[1]), dtype=np.float64)
    _cluster_sums(X, labels, counts, sums)
    return counts, sums
