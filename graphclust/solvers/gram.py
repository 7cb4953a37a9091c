"""Solvers for operators ``F C F^T`` and ``F``, run in the column space of a tall dense ``F``.

When ``F`` is ``n x d`` with ``d`` much smaller than the work of applying it many times (the
smoothed attributes of S2CAG: ``n`` nodes, ``d`` attributes), every iterate of a subspace
iteration on ``B = F C F^T`` and of a randomized range finder on ``F`` is ``F M`` for a small
``d x b`` block ``M``. With the Gram matrix ``K = F^T F`` (one BLAS-3 product, ``n d^2 / 2``
multiply-adds) each step then costs ``O(d^2 b)`` instead of ``O(n d b)``: the ``tau`` steps of
the official S2CAG / M-S2CAG loops run in the ``d``-space and only the first and the last
products touch ``F``.

Exactness. The returned blocks are, in exact arithmetic, the ones of the ``n``-space loops
(:func:`graphclust.solvers.subspace.subspace_iteration`,
:func:`graphclust.solvers.randomized.randomized_svd`), bases included:

* subspace iteration keeps ``Q_j = F M_j`` orthonormal by a Cholesky QR in the ``K`` inner
  product (``M <- M L^{-T}`` with ``L L^T = M^T K M``, twice, as in CholeskyQR2). That is a
  right factor that is upper triangular, so ``Q_j`` spans the same nested subspaces as the
  Householder QR of the ``n``-space loop, and the last block is formed in the ``n``-space and
  QR-ed by Householder (LAPACK ``geqrf``, whose Q does not depend on the column signs or on any
  upper-triangular right factor of its input): the result is the ``n``-space loop's ``Q``,
  signs included. Where the Cholesky factorisation breaks down (a rank-deficient block), the
  remaining steps run in the ``n``-space.
* the range finder without re-orthonormalisation computes ``F (K^q G)``, the same product as
  ``F (F^T F)^q G`` of the official loop. Its rounding differs (and where the official loop is
  rounding noise, e.g. S2CAG on amazon_photo, so is this one); with ``renormalize=True`` the
  ``d``-space block is QR-ed after every step (same span, stable).

The ``d x d`` algebra always runs in float64 on the host (it is small); ``F`` may be float32
(the products with ``F`` then run in float32, and ``K`` is accumulated by BLAS in float32).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import scipy.linalg

from ..backend import namespace_of, single_thread
from ..operators import FunctionOperator
from .randomized import range_svd, relative_singular_values, tall_qr, tall_qr_with_r
from .subspace import subspace_iteration

__all__ = ["gram", "factored_subspace_iteration", "factored_randomized_svd"]

# CholeskyQR2 is orthonormal to ~eps while cond(block) < ~1e8; past that it is not, and the loss
# shows in ||M^T K M - I||, which is checked (k x k, free) before the block is trusted
_ORTHONORMALITY_TOL = 1e-8


def gram(F: Any) -> np.ndarray:
    """``F^T F`` as a float64 host array (``d x d``), by one BLAS-3 product in ``F``'s dtype.

    Parameters
    ----------
    F : array or sparse matrix of shape (n, d)
        The factor.

    Returns
    -------
    numpy.ndarray of float64, shape (d, d)

    Examples
    --------
    >>> F = np.arange(6.0).reshape(3, 2)
    >>> gram(F)
    array([[20., 26.],
           [26., 35.]])
    """
    ns = namespace_of(F)
    K = ns.to_numpy(F.T @ F).astype(np.float64, copy=False)
    return (K + K.T) * 0.5  # exactly symmetric (BLAS may round the two triangles apart)


def _k_orthonormalize(N: np.ndarray, KN: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """``(M, K M)`` with ``M = N R^{-1}``, ``R`` upper triangular, ``M^T K M = I``.

    CholeskyQR2 in the ``K`` inner product, given ``KN = K N``: ``K M = (K N) R^{-1}`` follows
    without another product with ``K``. None when the Gram of the block is not numerically
    positive definite, or too ill-conditioned for two passes to reach orthonormality (the block
    of a nearly rank-deficient operator): the caller then falls back to Householder QR.
    """
    M, KM = N, KN
    for _ in range(2):
        S = M.T @ KM
        try:
            L = np.linalg.cholesky((S + S.T) * 0.5)
        except np.linalg.LinAlgError:
            return None
        if not np.all(np.isfinite(L)):
            return None
        M = scipy.linalg.solve_triangular(L, M.T, lower=True, check_finite=False).T
        KM = scipy.linalg.solve_triangular(L, KM.T, lower=True, check_finite=False).T
    if np.abs(M.T @ KM - np.eye(M.shape[1])).max() > _ORTHONORMALITY_TOL:
        return None
    return M, KM


def factored_subspace_iteration(
    F: Any,
    K: np.ndarray,
    inner: Callable[[np.ndarray], np.ndarray],
    start: Any,
    n_iter: int,
    *,
    verbose: bool = False,
) -> Any:
    """Subspace iteration ``Q <- qr(F C F^T Q)`` run in the column space of ``F``.

    Parameters
    ----------
    F : dense array (n, d), numpy or cupy, float32 or float64
    K : ndarray (d, d)
        ``F^T F`` (:func:`gram`), float64 on the host.
    inner : callable
        ``M -> C @ M`` for the symmetric ``d x d`` middle operator ``C`` (host float64 arrays
        of shape (d, b)).
    start : dense array (n, b)
        Start block on ``F``'s device; QR-ed first (as
        :func:`graphclust.solvers.subspace.subspace_iteration` does by default).
    n_iter : int
        Number of steps.
    verbose : bool
        tqdm bar over the steps.

    Returns
    -------
    Q : dense array (n, b) on ``F``'s device, dtype of the QR of ``F``'s products: what
    ``subspace_iteration(lambda Q: F @ C @ F.T @ Q, start, n_iter)`` returns, to rounding.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> F = rng.standard_normal((200, 6)) * np.array([5.0, 4.0, 3.0, 1.0, 0.5, 0.1])
    >>> G = rng.standard_normal((200, 2))
    >>> Q = factored_subspace_iteration(F, gram(F), lambda M: M, G, 30)
    >>> from graphclust.solvers.subspace import subspace_iteration
    >>> R = subspace_iteration(lambda X: F @ (F.T @ X), G, 30)
    >>> bool(np.allclose(Q, R, atol=1e-8))
    True
    """
    ns = namespace_of(F, start)
    n_iter = int(n_iter)
    if n_iter < 0:
        raise ValueError(f"n_iter must be >= 0, got {n_iter}.")
    if K.shape != (F.shape[1], F.shape[1]):
        raise ValueError(f"K must be {F.shape[1]} x {F.shape[1]} (F^T F), got shape {K.shape}.")
    Q0 = tall_qr(ns, start)
    if n_iter == 0:
        return Q0
    steps = range(n_iter - 1)
    if verbose:
        from tqdm.auto import tqdm

        steps = tqdm(steps, desc="subspace iteration (Gram)", leave=False)
    # Q_1 = qr(F C F^T Q_0) is represented by N = C F^T Q_0 (Q_1 = F N R^{-1})
    N = inner(ns.to_numpy(F.T @ Q0.astype(F.dtype, copy=False)).astype(np.float64))
    with single_thread():  # d x b products: OpenBLAS thread wake-ups cost more than the work
        for done in steps:
            found = _k_orthonormalize(N, K @ N)  # the one d x d x b product of the step
            if found is None:
                break
            N = inner(found[1])
        else:
            done = n_iter - 1
    if done < n_iter - 1:  # rank-deficient block: finish in the n-space, where QR copes
        Q = tall_qr(ns, F @ ns.asarray(N.astype(F.dtype)))
        return subspace_iteration(
            lambda X: F @ ns.asarray(inner(ns.to_numpy(F.T @ X).astype(np.float64)).astype(F.dtype)),
            Q,
            n_iter - 1 - done,
            orthonormalize_start=False,
        )
    return tall_qr(ns, F @ ns.asarray(N.astype(F.dtype)))


def factored_randomized_svd(
    F: Any,
    K: np.ndarray,
    start: Any,
    n_iter: int,
    *,
    renormalize: bool = True,
    flip_sign: bool = True,
    verbose: bool = False,
    info: dict | None = None,
) -> tuple[Any, Any, Any]:
    """Randomized SVD of a tall dense ``F`` whose power steps run on its Gram ``K = F^T F``.

    The range finder computes ``Y = F (K^q G)`` (``q = n_iter``) with the ``d x b`` block in
    float64 (QR-ed after every step when ``renormalize``), then ``Q = qr(Y)``, then the SVD of
    ``Q^T F`` as in :func:`graphclust.solvers.randomized.randomized_svd`, which gives the same
    result in exact arithmetic.

    Parameters
    ----------
    F : dense array (n, d)
    K : ndarray (d, d), float64, ``F^T F``
    start : array (d, b), the start block ``G`` (host or device)
    n_iter : int
        Power steps ``q``.
    renormalize : bool, default True
        QR the ``d x b`` block after every step (stable); False reproduces the official S2CAG
        loop (no re-orthonormalisation): ``W = K^q G`` in float64, then ``Y = F W``. With a
        float32 ``F`` the collapsed ``W`` is not rounded to float32 (that would keep none of
        its trailing directions): ``W = Q_W R_W`` is QR-ed in float64 first and ``Y = (F Q_W)
        R_W`` is QR-ed as ``F Q_W``, whose Householder ``Q`` is the same in exact arithmetic
        (``R_W`` is upper triangular), so the float32 products only round an orthonormal block.
    flip_sign, verbose
        As in :func:`graphclust.solvers.randomized.randomized_svd`.
    info : dict, optional
        Receives ``"block_singular_values"``, the singular values of ``Y = F W`` relative to
        the largest (as :func:`graphclust.solvers.randomized.randomized_range_finder`).

    Returns
    -------
    U : (n, b), s : (b,), Vt : (b, d) on ``F``'s device.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> F = rng.standard_normal((100, 8)) @ np.diag([10, 5, 3, 1, .1, .1, .1, .1])
    >>> U, s, Vt = factored_randomized_svd(F, gram(F), rng.standard_normal((8, 5)), 4)
    >>> bool(np.allclose(s[:3], np.linalg.svd(F, compute_uv=False)[:3]))
    True
    """
    ns = namespace_of(F)
    n_iter = int(n_iter)
    if n_iter < 0:
        raise ValueError(f"n_iter must be >= 0, got {n_iter}.")
    W = np.asarray(ns.to_numpy(start), dtype=np.float64)
    steps = range(n_iter)
    if verbose:
        from tqdm.auto import tqdm

        steps = tqdm(steps, desc="range finder (Gram)", leave=False)
    with single_thread():  # d x b products: thread wake-ups cost more than the work
        for _ in steps:
            W = K @ W
            if renormalize:
                W = np.linalg.qr(W)[0]
    R = None
    if renormalize or F.dtype == np.float64:
        Y = F @ ns.asarray(W.astype(F.dtype))
        if info is None:
            Q = tall_qr(ns, Y)
        else:
            Q, R = tall_qr_with_r(ns, Y)
    else:
        with single_thread():
            W, R_W = np.linalg.qr(W)
        Q, R_F = tall_qr_with_r(ns, F @ ns.asarray(W.astype(F.dtype)))
        R = ns.to_numpy(R_F).astype(np.float64) @ R_W
    if info is not None:
        info["block_singular_values"] = relative_singular_values(R)
    adjoint = FunctionOperator(F.shape, lambda M: F @ M, lambda M: F.T @ M.astype(F.dtype, copy=False), dtype=F.dtype,
                               device=ns.name)
    return range_svd(Q, adjoint, flip_sign=flip_sign)
