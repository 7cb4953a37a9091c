"""k-means restarts as BCMatch4Graphs runs them, kept by a score (modularity).

The official loop (``Test/clustering_*Graph.c``, ``bcm_kmeansblock.c``): each restart takes
``k`` rows drawn uniformly *with replacement* as centres and runs at most ``max_iter`` Lloyd
iterations (ties to the lower cluster index, stop when no label changes). A cluster that
ends up empty (two equal centres, say) keeps no centre and stays empty, so a restart may use
fewer than ``k`` clusters; the restart of highest score wins. With the score the modularity
this lets the selection prefer a coarser partition: the official Lazega output uses 2 of
its 4 labels. ``empty="relocate"`` instead runs :func:`graphclust.solvers.kmeans.kmeans`
(scikit-learn, empty clusters relocated, always ``k`` clusters).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..memory import check_dense

__all__ = ["kmeans_restarts"]


def _lloyd_keep_empty(X: np.ndarray, x_sq: np.ndarray, centres: np.ndarray, max_iter: int) -> np.ndarray:
    """At most ``max_iter`` Lloyd steps from ``centres``; an emptied cluster has no centre
    (NaN in the official code) and stays empty. The distances and sums have the rounding of
    the numpy form ``x_sq - 2 X C^T + |C|^2`` and of the membership-matrix sums
    (:mod:`graphclust.kernels.cpu.lloyd`), so the labels are those of that form."""
    from ..kernels.cpu.lloyd import assign, cluster_sums

    k = centres.shape[0]
    alive = np.ones(k, dtype=bool)
    labels = np.full(X.shape[0], -1, dtype=np.int64)
    for _ in range(max_iter):
        if assign(X @ centres.T, x_sq, (centres * centres).sum(axis=1), alive, labels) == 0:
            break
        counts, sums = cluster_sums(X, labels, k)
        alive = counts > 0
        centres = np.where(alive[:, None], sums / np.maximum(counts, 1)[:, None], centres)
    return labels


def kmeans_restarts(
    X: Any,
    n_clusters: int,
    *,
    n_restarts: int = 100,
    max_iter: int = 10,
    score: Callable[[np.ndarray], float],
    empty: str = "keep",
    random_state: Any = None,
) -> np.ndarray:
    """Labels of the k-means restart of highest ``score``.

    Parameters
    ----------
    X : array (n, d)
    n_clusters : int
    n_restarts : int, default=100
    max_iter : int, default=10
    score : callable ``score(labels) -> float``
        Higher is better (first among equals kept).
    empty : {"keep", "relocate"}, default="keep"
        ``"keep"``: the official restarts (centres drawn with replacement, empty clusters
        stay empty); ``"relocate"``: scikit-learn k-means, ``k`` distinct starting rows.
    random_state : None, int or Generator

    Returns
    -------
    labels : int64 array (n,), values in ``[0, n_clusters)`` (some may be unused with "keep")

    Examples
    --------
    >>> import numpy as np
    >>> X = np.r_[np.zeros((5, 2)), np.ones((5, 2))]
    >>> lab = kmeans_restarts(X, 2, n_restarts=5, score=lambda l: len(set(l.tolist())), random_state=0)
    >>> sorted(set(lab.tolist()))
    [0, 1]
    """
    from ..seeding import check_random_state

    rng = check_random_state(random_state)
    X = np.ascontiguousarray(X, dtype=np.float64)
    if empty == "relocate":
        from ..solvers.kmeans import kmeans

        labels, _, _ = kmeans(X, n_clusters, n_init=n_restarts, max_iter=max_iter, tol=0.0, init="random",
                              random_state=rng, score=score)
        return np.asarray(labels, dtype=np.int64)
    if empty != "keep":
        raise ValueError(f"empty must be 'keep' or 'relocate', got {empty!r}.")
    check_dense((X.shape[0], n_clusters), np.float64, what="the k-means distance block")
    from ..backend import single_thread

    x_sq = (X * X).sum(axis=1)
    best, best_score = None, -np.inf
    # one BLAS thread: the products are n x d by d x k with small d and k, where threaded
    # OpenBLAS was measured 10-100x slower on a shared machine (graphclust.backend)
    with single_thread():
        for _ in range(n_restarts):
            idx = rng.integers(0, X.shape[0], size=n_clusters)
            labels = _lloyd_keep_empty(X, x_sq, X[idx].copy(), max_iter)
            value = float(score(labels))
            if best is None or value > best_score:
                best, best_score = labels, value
    return best
