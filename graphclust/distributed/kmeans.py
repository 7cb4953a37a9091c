"""k-means on a distributed embedding: seeded on a sample, Lloyd steps reduced to the client.

The centres start from :func:`graphclust.solvers.kmeans.kmeans` (k-means++, best of
``n_init``) on a uniform sample of rows gathered to the client (``sample`` rows of ``k``
columns); Lloyd iterations then run on all rows: every block returns its ``k x d`` partial
sums, counts and inertia, the client forms the new centres. The seeding stays graphclust's
(the sample rows and the k-means++ draws come from ``random_state``), which dask-ml's
k-means|| would not give us, and the partials are a few lines. This is the scheme the
single-machine :class:`~graphclust.SpectralClustering` uses past ``kmeans_sample`` rows.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..seeding import check_random_state
from ..validation import check_scalar
from .blocks import BlockVector

__all__ = ["kmeans"]


def _take_rows(X: np.ndarray, rows: np.ndarray) -> np.ndarray:
    return X[rows]


def _partials(centers: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    X64 = X.astype(np.float64, copy=False)
    D = (X64 * X64).sum(1)[:, None] - 2.0 * X64 @ centers.T + (centers * centers).sum(1)[None, :]
    lab = D.argmin(axis=1)
    k = centers.shape[0]
    sums = np.zeros_like(centers)
    np.add.at(sums, lab, X64)
    counts = np.bincount(lab, minlength=k)
    return sums, counts, float(np.maximum(D[np.arange(X.shape[0]), lab], 0).sum())


def _assign(centers: np.ndarray, X: np.ndarray) -> np.ndarray:
    X64 = X.astype(np.float64, copy=False)
    D = -2.0 * X64 @ centers.T + (centers * centers).sum(1)[None, :]
    return D.argmin(axis=1).astype(np.int64)


def kmeans(X: BlockVector, n_clusters: int, *, n_init: int = 10, max_iter: int = 300, tol: float = 1e-4,
           sample: int = 20_000, random_state: Any = None) -> tuple[np.ndarray, np.ndarray, float]:
    """k-means of the rows of a :class:`BlockVector`.

    Parameters
    ----------
    X : BlockVector of shape (n, d)
    n_clusters : int
    n_init : int, default=10
        k-means++ starts on the sample.
    max_iter : int, default=300
        Lloyd steps on all rows.
    tol : float, default=1e-4
        Stop when the squared centre shift is at most ``tol`` times the mean per-feature
        variance of the sample (scikit-learn's convention).
    sample : int, default=20000
        Rows gathered to seed the centres. When ``n`` is not larger, all rows are gathered and
        the result is the single-process :func:`graphclust.solvers.kmeans.kmeans` of them.
    random_state : None, int or Generator

    Returns
    -------
    labels : int64 ndarray of shape (n,), partition order, on the client
    centers : ndarray of shape (n_clusters, d)
    inertia : float
    """
    from ..solvers.kmeans import kmeans as host_kmeans

    rng = check_random_state(random_state)
    g = X.graph
    n = X.shape[0]
    k = check_scalar(n_clusters, "n_clusters", kind=int, low=1, high=n)
    m = min(n, max(int(sample), k))
    # The sample is drawn, and stacked, in the input node order (what one process sees): a METIS
    # partition reorders the rows, but not the sample nor the k-means++ draws on it.
    rows = np.sort(rng.choice(n, size=m, replace=False)) if m < n else np.arange(n)
    pos = rows if g.order is None else np.argsort(g.order)[rows]  # their rows in the partition order
    by_pos = np.argsort(pos, kind="stable")
    owner = np.searchsorted(g.bounds, pos[by_pos], side="right") - 1
    parts = [g.client.submit(_take_rows, X.parts[i], pos[by_pos][owner == i] - g.bounds[i], workers=[g.workers[i]],
                             allow_other_workers=False, pure=False) for i in range(g.n_parts)]
    S = np.empty((m, X.shape[1]), dtype=X.dtype)
    S[by_pos] = np.vstack(g.client.gather(parts))
    host_labels, centers, host_inertia = host_kmeans(S, k, n_init=n_init, max_iter=max_iter, tol=tol,
                                                     random_state=rng)
    if m == n:
        # the sample is every row: that run is the single-process k-means itself (more Lloyd
        # steps from its centres could only move rows it left at a tie); back to partition order
        labels = np.asarray(host_labels, dtype=np.int64)
        return (labels if g.order is None else labels[g.order]), np.asarray(centers, dtype=np.float64), \
            float(host_inertia)
    centers = np.asarray(centers, dtype=np.float64)
    tol_abs = float(tol * np.mean(np.var(S.astype(np.float64), axis=0)))
    inertia = np.inf
    for _ in range(max_iter):
        futs = [g.client.submit(_partials, centers, p, workers=[w], allow_other_workers=False, pure=False)
                for p, w in zip(X.parts, g.workers)]
        out = g.client.gather(futs)
        sums = np.sum([o[0] for o in out], axis=0)
        counts = np.sum([o[1] for o in out], axis=0)
        inertia = float(sum(o[2] for o in out))
        new = centers.copy()
        full = counts > 0
        new[full] = sums[full] / counts[full, None]  # an empty cluster keeps its centre
        shift = float(((new - centers) ** 2).sum())
        centers = new
        if shift <= tol_abs:
            break
    futs = [g.client.submit(_assign, centers, p, workers=[w], allow_other_workers=False, pure=False)
            for p, w in zip(X.parts, g.workers)]
    labels = np.concatenate(g.client.gather(futs))
    return labels, centers, inertia
