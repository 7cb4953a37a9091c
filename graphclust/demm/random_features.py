"""Random Fourier features of the Gaussian kernel ``exp(-gamma ||x - y||^2)`` (DEMM+ stage II).

``Z = [cos(H W), sin(H W)] / sqrt(D)`` (n x 2D) with the columns of ``W`` (d x D) of law
``N(0, 2 gamma I)`` satisfies ``E[Z Z^T] = K``, the Gaussian kernel matrix, so ``K`` is
never formed. DEMM+ uses orthogonal random features (ORF, Yu et al. 2016; ``D = d``):
``W`` built from the orthogonal factor ``Q`` of a Gaussian d x d matrix and chi(d)-distributed
lengths ``s``, which lowers the variance of the estimate.

Variants (``variant``):

- ``"demm_code"`` (default; the official code, which produced the published numbers): its
  port of pyrfm's ORF forms ``W = sqrt(2 gamma) (Q diag(s))^T``, i.e. it scales the
  coordinates of ``x`` by ``s`` before rotating, ``x diag(s) Q^T``;
- ``"orf"``: textbook ORF, projection rows ``s_j q_j``: ``x Q^T diag(s)``;
- ``"rff"``: plain random Fourier features, ``W`` Gaussian.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..backend import namespace_of

__all__ = ["VARIANTS", "projection_matrix", "random_fourier_features"]

VARIANTS = ("demm_code", "orf", "rff")


def projection_matrix(
    d: int, gamma: float, rng: np.random.Generator, variant: str = "demm_code", n_components: int | None = None
) -> np.ndarray:
    """The d x D projection ``W`` of the random features (host float64, drawn from ``rng``).

    Parameters
    ----------
    d : int
        Input dimension (and number of frequencies).
    gamma : float
        Kernel parameter, > 0.
    rng : numpy.random.Generator
    variant : {"demm_code", "orf", "rff"}
    n_components : int, optional
        ``D``, the number of frequencies (None: ``d``, the official choice). Above ``d`` the
        orthogonal variants stack independent d x d blocks (the usual ORF construction);
        more frequencies approximate the kernel better (error ~ ``D^{-1/2}``).

    Returns
    -------
    ndarray of shape (d, D)

    Examples
    --------
    >>> W = projection_matrix(4, 0.5, np.random.default_rng(0), "orf")
    >>> W.shape
    (4, 4)
    """
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(map(repr, VARIANTS))}; got {variant!r}.")
    D = d if n_components is None else int(n_components)
    scale = np.sqrt(2.0 * gamma)
    if variant == "rff":
        return scale * rng.standard_normal((d, D))
    blocks = []
    for _ in range(-(-D // d)):
        Q = np.linalg.qr(rng.standard_normal((d, d)))[0]
        s = np.sqrt(rng.chisquare(d, size=d))
        if variant == "demm_code":
            blocks.append((Q * s[None, :]).T)        # x W = x diag(s) Q^T
        else:
            blocks.append((s[:, None] * Q).T)        # x W = x Q^T diag(s)
    return scale * np.hstack(blocks)[:, :D]


def random_fourier_features(H: Any, W: Any) -> Any:
    """``[cos(H W), sin(H W)] / sqrt(D)`` for ``W`` of shape (d, D); n x 2D on H's device.

    Parameters
    ----------
    H : array of shape (n, d)
        Points, one per row.
    W : array of shape (d, D)
        Random projection.

    Returns
    -------
    array of shape (n, 2D)

    Examples
    --------
    >>> H = np.zeros((3, 2)); Z = random_fourier_features(H, np.ones((2, 2)))
    >>> (Z @ Z.T).round(6).tolist()[0]     # identical points: kernel 1
    [1.0, 1.0, 1.0]
    """
    xp = namespace_of(H).xp
    P = H @ xp.asarray(W, dtype=H.dtype)
    D = P.shape[1]
    Z = xp.empty((H.shape[0], 2 * D), dtype=H.dtype)
    xp.cos(P, out=Z[:, :D])
    xp.sin(P, out=Z[:, D:])
    Z *= Z.dtype.type(1.0 / np.sqrt(D))
    return Z
