"""k-means on both devices: scikit-learn on CPU, one array-namespace implementation elsewhere.

:func:`kmeans` is the entry point. On CPU it runs :class:`sklearn.cluster.KMeans` seeded from
our Generator (fast, multithreaded Cython). :func:`lloyd_kmeans` is a plain k-means++ plus
Lloyd written against an array namespace ``xp`` only (``xp.argmin``, ``xp.bincount``,
``xp.searchsorted``, matrix products); CuPy runs it on the GPU, and the tests run the very
same code with numpy as ``xp``.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from ..backend import get_namespace, namespace_of, single_thread
from ..validation import check_choice, check_random_state, check_scalar, seed_from

__all__ = ["kmeans", "lloyd_kmeans", "cluster_sums", "init_sample_size", "INITS"]

# Rows per chunk when computing point-to-center distances, to bound the n x k work array.
_CHUNK_ELEMENTS = 1 << 24


def init_sample_size(n_clusters: int) -> int:
    """Rows the k-means++ seeding is run on past that size: ``max(20000, 1000 k)``.

    The one rule of :class:`~graphclust.SpectralClustering`, DEMM+'s stage II and the
    distributed k-means (:mod:`graphclust.distributed`), so that a Dask fit draws the same
    sample, and gives the same labels, as one machine. Smaller inputs are seeded on all rows.

    Parameters
    ----------
    n_clusters : int
        Number of clusters ``k``.

    Returns
    -------
    int

    Examples
    --------
    >>> init_sample_size(8), init_sample_size(50)
    (20000, 50000)
    """
    return max(20_000, 1_000 * int(n_clusters))


def kmeans(
    X: Any,
    n_clusters: int,
    *,
    n_init: int = 10,
    max_iter: int = 300,
    tol: float = 1e-4,
    random_state: Any = None,
    device: str | None = None,
    method: str = "auto",
    init_sample: int | None = None,
    init: Any = "k-means++",
    score: Callable[[Any], float] | None = None,
) -> tuple[Any, Any, float]:
    """Cluster the rows of a dense array with k-means (best of ``n_init`` starts).

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
        Dense numpy or cupy array (float32 stays float32).
    n_clusters : int
        Number of clusters, in ``[1, n_samples]``.
    n_init : int, default=10
        Number of k-means++ starts; the run with the lowest inertia wins.
    max_iter : int, default=300
        Lloyd iterations per start.
    tol : float, default=1e-4
        Stop when the squared shift of the centers is at most ``tol`` times the mean
        per-feature variance of ``X`` (scikit-learn's convention).
    random_state : None, int or numpy.random.Generator
        Seed. scikit-learn gets an int drawn from it; the namespace implementation draws
        all its random numbers on the host from it.
    device : {"cpu", "cuda", "auto"} or None, default=None
        Where to run; None follows ``X`` (a cupy array runs on the GPU).
    method : {"auto", "sklearn", "lloyd"}, default="auto"
        ``"auto"`` is scikit-learn on CPU and :func:`lloyd_kmeans` on GPU; ``"lloyd"``
        forces the namespace implementation on either device.
    init_sample : int, optional
        When given and smaller than ``n_samples``, the ``n_init`` k-means++ starts and
        their Lloyd runs use a uniform random subset of that many rows (without
        replacement); the best centers then seed one Lloyd run on all rows. The result
        is a local minimum of the full k-means objective, found at a fraction of the
        cost when ``n_samples`` is large (the restarts, not the final run, dominate).
    init : {"k-means++", "random"} or array of shape (n_clusters, n_features)
        How each start chooses its centres: greedy k-means++ (default), ``n_clusters``
        distinct rows drawn uniformly (scikit-learn's ``"random"``), or given centres (one
        Lloyd run from them; ``n_init`` and ``init_sample`` are then ignored).
    score : callable, optional
        ``score(labels) -> float``, higher is better. When given, the ``n_init`` starts are
        run one by one and the one of highest score is kept (the first among equals),
        instead of the one of lowest inertia: a method that selects its restarts by another
        criterion (modularity on the original graph, say) passes it here.

    Seeding: every draw comes from ``random_state``; scikit-learn receives integer seeds
    from :func:`graphclust.seeding.seed_from`, so ``random_state=FixedSeed(42)`` reproduces
    official code that calls ``KMeans(random_state=42)``.

    Returns
    -------
    labels : int64 array of shape (n_samples,)
        On the device of the computation.
    centers : array of shape (n_clusters, n_features)
    inertia : float
        Sum of squared distances of the points to their centers.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.r_[np.zeros((5, 2)), np.ones((5, 2))]
    >>> labels, centers, inertia = kmeans(X, 2, random_state=0)
    >>> len(set(labels[:5].tolist())), labels[0] != labels[-1], inertia
    (1, np.True_, 0.0)
    """
    rng = check_random_state(random_state)
    ns = namespace_of(X) if device is None else get_namespace(device)
    check_choice(method, "method", ("auto", "sklearn", "lloyd"))
    X = ns.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (n_samples, n_features), got {X.ndim} dimension(s).")
    if X.dtype not in (np.float32, np.float64):
        X = X.astype(np.float64)
    n = X.shape[0]
    n_clusters = check_scalar(n_clusters, "n_clusters", kind=int, low=1, high=n)
    n_init = check_scalar(n_init, "n_init", kind=int, low=1)
    max_iter = check_scalar(max_iter, "max_iter", kind=int, low=1)
    tol = check_scalar(tol, "tol", low=0)
    if not bool(ns.xp.all(ns.xp.isfinite(X))):
        raise ValueError("X contains NaN or infinite values.")
    if method == "sklearn" and ns.is_gpu:
        raise ValueError("method='sklearn' runs on CPU only; use method='lloyd' or 'auto' on the GPU.")
    use_lloyd = method == "lloyd" or (method == "auto" and ns.is_gpu)
    if score is not None and not callable(score):
        raise TypeError(f"score must be a callable score(labels) -> float, got {type(score).__name__}.")
    if isinstance(init, str):
        check_choice(init, "init", INITS)
        centers = None
    else:
        centers = ns.asarray(init, dtype=X.dtype)
        if centers.shape != (n_clusters, X.shape[1]):
            raise ValueError(f"init centres must have shape ({n_clusters}, {X.shape[1]}), got {tuple(centers.shape)}.")
        if not bool(ns.xp.all(ns.xp.isfinite(centers))):
            raise ValueError("init centres contain NaN or infinite values.")
        init = "k-means++"
    if centers is None and init_sample is not None:
        init_sample = check_scalar(init_sample, "init_sample", kind=int, low=n_clusters)
        if init_sample < n:
            rows = ns.xp.asarray(np.sort(rng.choice(n, size=init_sample, replace=False)))
            _, centers, _ = _run(X[rows], n_clusters, n_init, max_iter, tol, rng, ns.xp, use_lloyd, None, init)
    if score is None or centers is not None:
        return _run(X, n_clusters, n_init, max_iter, tol, rng, ns.xp, use_lloyd, centers, init)
    best, best_score = None, -np.inf
    for _ in range(n_init):
        run = _run(X, n_clusters, 1, max_iter, tol, rng, ns.xp, use_lloyd, None, init)
        value = float(score(run[0]))
        if best is None or value > best_score:
            best, best_score = run, value
    return best


# Largest block (rows x columns) clustered with scikit-learn's Lloyd on one thread: tiny blocks
# (cora's 2708 x 7) only pay for waking threads, which on a busy machine cost seconds; the
# 20,000-row seeding sample of a 1M-node, K = 20 fit (400k entries) is 2x faster on two threads
# of a quiet machine (2^20 made the 1M-node spectral fit 1.19x slower).
_SINGLE_THREAD_MAX = 1 << 17

#: Start rules of :func:`kmeans`.
INITS = ("k-means++", "random")


def _run(
    X: Any, k: int, n_init: int, max_iter: int, tol: float, rng: np.random.Generator, xp: Any, use_lloyd: bool,
    centers: Any, init: str,
) -> tuple[Any, Any, float]:
    """One k-means call: from ``centers`` when given (one run), else ``n_init`` starts by ``init``."""
    if use_lloyd:
        return lloyd_kmeans(X, k, n_init=n_init, max_iter=max_iter, tol=tol, rng=rng, xp=xp, init=centers,
                            start=init)
    from sklearn.cluster import KMeans

    if centers is None:
        km = KMeans(k, init=init, n_init=n_init, max_iter=max_iter, tol=tol, random_state=seed_from(rng))
    else:
        km = KMeans(k, init=np.asarray(centers, dtype=X.dtype), n_init=1, max_iter=max_iter, tol=tol,
                    random_state=seed_from(rng))
    if X.shape[0] * X.shape[1] <= _SINGLE_THREAD_MAX:
        # Small blocks: scikit-learn's OpenMP Lloyd gains little from threads here and was
        # measured 100x slower on a busy 2-core machine (cora's 2708 x 7 embedding: 28 s
        # against 0.2 s on one thread, load average 13).
        with single_thread(None):
            km.fit(X)
    else:
        km.fit(X)
    return km.labels_.astype(np.int64), km.cluster_centers_, float(km.inertia_)


def lloyd_kmeans(
    X: Any,
    n_clusters: int,
    *,
    n_init: int = 10,
    max_iter: int = 300,
    tol: float = 1e-4,
    rng: np.random.Generator,
    xp: Any = np,
    init: Any = None,
    start: str = "k-means++",
) -> tuple[Any, Any, float]:
    """k-means++ (greedy, ``2 + log k`` local trials) then Lloyd, in the array namespace ``xp``.

    Same law as scikit-learn's ``KMeans(algorithm="lloyd")``: greedy k-means++ seeding,
    Lloyd steps until the squared center shift is at most ``tol * mean(var(X, axis=0))``,
    empty clusters re-seeded at the points farthest from their centers, and a final
    assignment step so labels, centers and inertia agree. All random numbers come from the
    host generator ``rng`` (the same seed gives the same numbers on both devices).

    Parameters
    ----------
    X : array of shape (n, d), float32 or float64, in namespace ``xp``
    n_clusters, n_init, max_iter, tol
        As in :func:`kmeans` (not validated again here).
    rng : numpy.random.Generator
    xp : module, default=numpy
        ``numpy`` or ``cupy``.
    init : array of shape (k, d), optional
        Starting centers: one Lloyd run from them instead of ``n_init`` starts.
    start : {"k-means++", "random"}, default="k-means++"
        How each of the ``n_init`` starts picks its centres (see :func:`kmeans`).

    Returns
    -------
    labels : int64 array (n,), centers : array (k, d), inertia : float

    Examples
    --------
    >>> import numpy as np
    >>> X = np.r_[np.zeros((4, 1)), np.full((4, 1), 5.0)]
    >>> labels, centers, inertia = lloyd_kmeans(X, 2, n_init=2, rng=np.random.default_rng(0))
    >>> sorted(centers.ravel().tolist()), inertia
    ([0.0, 5.0], 0.0)
    """
    x_sq = xp.einsum("ij,ij->i", X, X)
    tol_abs = float(tol * xp.mean(xp.var(X, axis=0)))
    if init is not None:
        return _lloyd(X, x_sq, xp.asarray(init, dtype=X.dtype).copy(), max_iter, tol_abs, xp)
    best = None
    for _ in range(n_init):
        if start == "random":
            centers = X[xp.asarray(np.sort(rng.choice(X.shape[0], size=n_clusters, replace=False)))].copy()
        else:
            centers = _kmeans_plusplus(X, x_sq, n_clusters, rng, xp)
        labels, centers, inertia = _lloyd(X, x_sq, centers, max_iter, tol_abs, xp)
        if best is None or inertia < best[2]:
            best = (labels, centers, inertia)
    return best


def _sq_dist_argmin(X: Any, x_sq: Any, centers: Any, xp: Any) -> tuple[Any, Any]:
    """Nearest center and squared distance to it for every row, computed in row chunks."""
    n, k = X.shape[0], centers.shape[0]
    c_sq = xp.einsum("ij,ij->i", centers, centers)
    labels = xp.empty(n, dtype=xp.int64)
    dist = xp.empty(n, dtype=X.dtype)
    step = max(1, _CHUNK_ELEMENTS // max(k, 1))
    for start in range(0, n, step):
        stop = min(n, start + step)
        # ||x - c||^2 = ||x||^2 - 2 x.c + ||c||^2 with one GEMM per chunk.
        D = c_sq[None, :] - 2.0 * (X[start:stop] @ centers.T)
        lab = xp.argmin(D, axis=1)
        labels[start:stop] = lab
        d = D[xp.arange(stop - start), lab] + x_sq[start:stop]
        dist[start:stop] = xp.maximum(d, 0)  # clip rounding below zero
    return labels, dist


def _kmeans_plusplus(X: Any, x_sq: Any, k: int, rng: np.random.Generator, xp: Any) -> Any:
    """Greedy k-means++ seeding (Arthur & Vassilvitskii 2007; scikit-learn's variant)."""
    n = X.shape[0]
    n_trials = 2 + int(math.log(k))
    first = int(rng.integers(n))
    centers = xp.empty((k, X.shape[1]), dtype=X.dtype)
    centers[0] = X[first]
    closest = xp.maximum(x_sq - 2.0 * (X @ X[first]) + x_sq[first], 0)
    potential = float(closest.sum())
    for c in range(1, k):
        if potential <= 0:
            # Fewer distinct points than clusters: any point is as good as another.
            cand = xp.asarray(rng.integers(n, size=n_trials))
        else:
            cum = xp.cumsum(closest.astype(xp.float64))
            u = xp.asarray(rng.random(n_trials) * potential)
            cand = xp.minimum(xp.searchsorted(cum, u), n - 1)
        # Distances of all points to every candidate: n x n_trials.
        Xc = X[cand]
        d = xp.maximum(x_sq[:, None] - 2.0 * (X @ Xc.T) + x_sq[cand][None, :], 0)
        d = xp.minimum(d, closest[:, None])
        pots = d.sum(axis=0)
        j = int(xp.argmin(pots))
        centers[c] = Xc[j]
        closest = d[:, j]
        potential = float(pots[j])
    return centers


def cluster_sums(X: Any, labels: Any, k: int, xp: Any = np) -> tuple[Any, Any]:
    """Rows per cluster and the float64 sum of each cluster's rows, added in ascending row order.

    Every sum has the rounding of ``bincount(labels, weights=X[:, c])`` column by column. On
    the host the numba pass of :func:`graphclust.kernels.cpu.lloyd.cluster_sums` (no
    temporary); on a GPU one weighted bincount over the bins ``labels[i] * d + c``.

    Parameters
    ----------
    X : array (n, d), in namespace ``xp``
    labels : int array (n,), values in ``[0, k)``
    k : int
        Number of clusters.
    xp : module, default=numpy
        ``numpy`` or ``cupy``.

    Returns
    -------
    counts : int64 array (k,), sums : float64 array (k, d)

    Examples
    --------
    >>> counts, sums = cluster_sums(np.array([[1.0], [2.0], [4.0]]), np.array([1, 0, 1]), 2)
    >>> counts.tolist(), sums.ravel().tolist()
    ([1, 2], [2.0, 5.0])
    """
    if xp is np:
        from ..kernels.cpu.lloyd import cluster_sums as host_cluster_sums  # numba: on first use only

        return host_cluster_sums(X, labels, k)
    width = X.shape[1]
    bins = (labels[:, None] * width + xp.arange(width)[None, :]).ravel()
    sums = xp.bincount(bins, weights=X.ravel(), minlength=k * width).reshape(k, width)
    return xp.bincount(labels, minlength=k), sums


def _lloyd(X: Any, x_sq: Any, centers: Any, max_iter: int, tol_abs: float, xp: Any) -> tuple[Any, Any, float]:
    """Lloyd iterations from ``centers``; returns labels, centers, inertia."""
    k = centers.shape[0]
    for _ in range(max_iter):
        labels, dist = _sq_dist_argmin(X, x_sq, centers, xp)
        counts, sums = cluster_sums(X, labels, k, xp)
        empty = xp.flatnonzero(counts == 0)
        new = (sums / xp.maximum(counts, 1)[:, None]).astype(X.dtype)
        if empty.size:
            # Re-seed empty clusters at the points farthest from their current centers.
            far = xp.argsort(-dist)[: int(empty.size)]
            new[empty] = X[far]
        shift = float(((new - centers) ** 2).sum())
        centers = new
        if shift <= tol_abs:
            break
    labels, dist = _sq_dist_argmin(X, x_sq, centers, xp)
    return labels, centers, float(dist.sum())
