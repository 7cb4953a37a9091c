"""Stage II of DEMM+ (SSKC, Algorithm 3): random features, Sinkhorn-Knopp, k-means.

The rows of ``H`` are centred (paper Eq. 13: centred and re-normalised; the official code
only centres, since it divides by the norm of the row before centring, which is 1), mapped
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
    """``H_i - mean(H_i)`` for every row, optionally scaled to unit L2 norm (Eq. 13).

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
    >>> center_rows(np.array([[1.0, 3.0]])).tolist()
    [[-1.0, 1.0]]
    """
    Hc = H - H.mean(axis=1, keepdims=True)
    return row_normalize(Hc, copy=False) if renormalize else Hc


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
        Re-normalise the centred rows (paper Eq. 13) instead of only centring them (official).
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
    from ..solvers.kmeans import kmeans

    rng = check_random_state(random_state)
    Hc = center_rows(H, renormalize_rows) if center else H
    W = projection_matrix(Hc.shape[1], gamma, rng, variant, n_components)
    Z = random_fourier_features(Hc, W)
    _, Zr = sinkhorn_factors(Z, sinkhorn_iters)
    labels, _, _ = kmeans(Zr, n_clusters, n_init=n_init, random_state=rng, device=device)
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
