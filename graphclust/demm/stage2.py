"""Stage II of DEMM+ (SSKC, Algorithm 3): random features, Sinkhorn-Knopp, k-means.

The rows of ``H`` are centred (paper Eq. 13: centred and re-normalised; the official code
divides the centred row by the norm of the row before centring, which is 1 for DEMM+'s unit
rows, so it only centres them), mapped
to random Fourier features ``Z`` of a Gaussian kernel, ``S = Z Z^T`` is made doubly
stochastic with two factors, and k-means clusters the rows of the right factor.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..seeding import check_random_state
from ..sparse import row_normalize
from .random_features import projection_matrix, random_fourier_features
from .sinkhorn import sinkhorn_factors

__all__ = ["center_rows", "sskc", "nearest_centroid"]


def center_rows(H: Any, renormalize: bool = False) -> Any:
    """``(H_i - mean(H_i)) / ||H_i||`` for every row (the official ``pcc_norm``), or with
    ``renormalize`` ``(H_i - mean(H_i)) / ||H_i - mean(H_i)||`` (paper Eq. 13).

    The official code divides the centred row by the norm of the row *before* centring: for
    DEMM+'s unit rows that only centres them; for DEMM-NA's eigenvector rows (not
    normalised in the official small-graph module) it also scales them to about unit norm.
    Zero rows stay zero.

    Parameters
    ----------
    H : array of shape (n, d)
        Rows to center.
    renormalize : bool, default False
        Scale every centered row to unit L2 norm (zero rows stay zero).

    Returns
    -------
    array of shape (n, d)

    Examples
    --------
    >>> center_rows(np.array([[1.0, 3.0]])).round(4).tolist()      # norm of [1, 3]: sqrt(10)
    [[-0.3162, 0.3162]]
    >>> center_rows(np.array([[0.6, 0.8]])).round(4).tolist()      # a unit row: only centred
    [[-0.1, 0.1]]
    """
    from ..backend import namespace_of

    xp = namespace_of(H).xp
    Hc = H - H.mean(axis=1, keepdims=True)
    if renormalize:
        return row_normalize(Hc, copy=False)
    norm = xp.sqrt((H * H).sum(axis=1, keepdims=True))
    Hc /= xp.where(norm > 0, norm, H.dtype.type(1.0))
    return Hc


def sskc(
    H: Any, n_clusters: int, *, gamma: float, variant: str = "demm_code", sinkhorn_iters: int = 2,
    renormalize_rows: bool = False, center: bool = True, n_components: int | None = None, n_init: int = 1, random_state: Any = None, device: str | None = None,
) -> tuple[np.ndarray, Any]:
    """Cluster the rows of ``H`` by SSKC; returns ``(labels, Z_r)``.

    Parameters
    ----------
    H : dense array (n, d)
    n_clusters : int
    gamma : float
        Kernel ``exp(-gamma ||x - y||^2)``.
    variant : {"demm_code", "orf", "rff"}, default="demm_code"
        Random-feature construction (:mod:`graphclust.demm.random_features`).
    sinkhorn_iters : int, default=2
    renormalize_rows : bool, default=False
        Re-normalise the centred rows (paper Eq. 13) instead of dividing them by the norm of
        the row before centring (official ``pcc_norm``; only centres unit rows).
    center : bool, default=True
        Centre the rows first (official and paper); False feeds ``H`` as it is.
    n_components : int, optional
        Number of random frequencies ``D`` (None: ``d``, official); ``Z_r`` has ``2 D`` columns.
    n_init : int, default=1
        k-means++ starts (official: scikit-learn's default, one start since 1.4).
    random_state : None, int, FixedSeed or Generator
        Draws the projection, then seeds k-means (``FixedSeed(42)`` hands 42 to scikit-learn,
        as the official ``KMeans(random_state=42)``).
    device : str, optional

    Returns
    -------
    labels : int64 ndarray (n,)
    Z_r : dense array (n, 2D), the matrix k-means clustered

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> H = np.r_[rng.normal(0, .05, (20, 4)) + [1, 0, 0, 0], rng.normal(0, .05, (20, 4)) + [0, 0, 1, 0]]
    >>> labels, Z = sskc(H, 2, gamma=1.0, random_state=0)
    >>> len(set(labels[:20].tolist())), labels[0] != labels[-1]
    (1, np.True_)
    """
    from ..solvers.kmeans import init_sample_size, kmeans

    rng = check_random_state(random_state)
    Hc = center_rows(H, renormalize_rows) if center else H
    W = projection_matrix(Hc.shape[1], gamma, rng, variant, n_components)
    Z = random_fourier_features(Hc, W)
    _, Zr = sinkhorn_factors(Z, sinkhorn_iters)
    # Past max(20000, 1000 k) rows the k-means++ seeding runs on a uniform sample of that many
    # rows and Lloyd's steps on all of them: the scheme of SpectralClustering and of the
    # distributed k-means, so a Dask fit gives these labels (smaller graphs, and so every
    # published dataset, are seeded on all rows).
    sample = init_sample_size(n_clusters)
    labels, _, _ = kmeans(Zr, n_clusters, n_init=n_init, random_state=rng, device=device,
                          init_sample=None if sample >= Zr.shape[0] else sample)
    return np.asarray(labels.get() if hasattr(labels, "get") else labels, dtype=np.int64), Zr


def nearest_centroid(H: Any, labels: np.ndarray, rows: np.ndarray, n_clusters: int) -> np.ndarray:
    """Labels of all rows of ``H``: ``labels`` for ``rows``, the nearest cluster mean of ``H``
    (over ``rows``) for the others.

    Parameters
    ----------
    H : array of shape (n, d)
        The representation of every node.
    labels : numpy.ndarray of int, shape (len(rows),)
        Cluster of each row of ``rows``.
    rows : numpy.ndarray of int
        Rows whose cluster is known.
    n_clusters : int
        Number of clusters.

    Returns
    -------
    numpy.ndarray of int64, shape (n,)

    Examples
    --------
    >>> H = np.array([[0.0], [0.1], [1.0], [0.9]])
    >>> nearest_centroid(H, np.array([0, 1]), np.array([0, 2]), 2).tolist()
    [0, 0, 1, 1]
    """
    out = np.empty(H.shape[0], dtype=np.int64)
    out[rows] = labels
    rest = np.setdiff1d(np.arange(H.shape[0]), rows)
    if rest.size:
        Hh = np.asarray(H.get() if hasattr(H, "get") else H, dtype=np.float64)
        C = np.array([Hh[rows][labels == c].mean(axis=0) if np.any(labels == c) else np.full(Hh.shape[1], np.inf)
                      for c in range(n_clusters)])
        out[rest] = ((Hh[rest][:, None, :] - C[None]) ** 2).sum(-1).argmin(axis=1)
    return out
