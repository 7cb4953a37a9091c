"""Top eigenpairs of a distributed symmetric operator by Chebyshev-filtered subspace iteration.

The single-machine solver of :func:`graphclust.solvers.eigen.top_eigenvectors` (CheFSI with
SVQB orthonormalization and Rayleigh-Ritz steps), run on :class:`BlockVector` s: the sparse
products are halo-exchanging :meth:`DistributedOperator.matmat` calls, the Gram products
reduce ``b x b`` partials to the client, where the small eigenproblems are solved, and the
rotations run on the workers. Same filter, same cuts, same stopping rule.
"""
from __future__ import annotations

import functools
from typing import Any

import numpy as np

from ..solvers.eigen import filter_step
from ..validation import check_scalar
from .blocks import BlockVector

__all__ = ["top_eigenvectors", "chebyshev_filter"]


def _rayleigh_ritz(X: BlockVector, AX: BlockVector) -> tuple[np.ndarray, BlockVector, BlockVector]:
    H = X.gram(AX)
    H = (H + H.T) / 2
    theta, V = np.linalg.eigh(H)
    order = np.argsort(theta)[::-1]
    theta, V = theta[order], V[:, order]
    return theta, X @ V, AX @ V


def chebyshev_filter(op: Any, X: BlockVector, AX: BlockVector, degree: int, lower: float, cut: float,
                     upper: float) -> BlockVector:
    """``p(A) X`` with the scaled Chebyshev polynomial damping ``[lower, cut]``, on BlockVectors.

    The same three-term recurrence as :func:`graphclust.solvers.eigen.chebyshev_filter`:
    ``Y_{j+1} = (2/e)(A Y_j - c Y_j) - Y_{j-1}``, normalised by ``T_j`` at the top of the
    spectrum, rescaled when it grows past 1e8.

    Parameters
    ----------
    op : DistributedOperator
    X, AX : BlockVector
        The block and ``op.matmat(X)``.
    degree : int
    lower, cut, upper : float

    Returns
    -------
    BlockVector
    """
    e = (cut - lower) / 2.0
    c = (cut + lower) / 2.0
    t0 = (upper - c) / e
    Y = AX.combine([1.0 / e, -c / e], X)
    if degree == 1:
        return Y.combine([1.0 / t0])
    rho_prev, rho = 1.0, t0
    prev = X
    for _ in range(2, degree + 1):
        AY = op.matmat(Y)
        # out = (2/e) A Y - (2c/e) Y - prev
        out = AY.combine([2.0 / e, -2.0 * c / e, -1.0], Y, prev)
        rho_prev, rho = rho, 2.0 * t0 * rho - rho_prev
        prev, Y = Y, out
        if rho > 1e8:
            Y = Y.combine([1.0 / rho])
            prev = prev.combine([1.0 / rho])
            rho_prev, rho = rho_prev / rho, 1.0
    return Y.combine([1.0 / rho])


def top_eigenvectors(op: Any, k: int, *, block_size: int | None = None, degree: int = 8,
                     start_degree: int | None = None, tol: float = 1e-3, max_iter: int = 100,
                     bounds: tuple[float, float] = (-1.0, 1.0), X0: BlockVector | None = None,
                     initial_cut: float | None = None, dtype: Any = np.float32, seed: int = 0,
                     verbose: bool = False) -> tuple[np.ndarray, BlockVector]:
    """The ``k`` largest eigenpairs of a symmetric :class:`DistributedOperator`.

    Parameters
    ----------
    op : DistributedOperator
        Symmetric, spectrum inside ``bounds``.
    k : int
    block_size : int, optional
        Default ``k + max(4, k // 4)``, as on one machine.
    degree, start_degree, tol, max_iter, initial_cut, dtype
        As in :func:`graphclust.solvers.eigen.top_eigenvectors`.
    bounds : (float, float), default=(-1, 1)
        An interval holding the spectrum (a normalized adjacency's).
    X0 : BlockVector, optional
        Starting columns; the rest are Gaussian (:meth:`BlockVector.random` of ``seed``).
    seed : int, default=0
        Seed of the random columns (the same numbers whatever the number of workers).
    verbose : bool, default=False
        tqdm bar over the outer steps.

    Returns
    -------
    eigenvalues : ndarray of shape (k,), descending
    eigenvectors : BlockVector of shape (n, k)
    """
    n = op.shape[0]
    k = check_scalar(k, "k", kind=int, low=1, high=n - 1)
    if block_size is None:
        block_size = min(n, k + max(4, k // 4))
    block_size = check_scalar(block_size, "block_size", kind=int, low=k, high=n)
    start_degree = degree if start_degree is None else int(start_degree)
    lower, upper = float(bounds[0]), float(bounds[1])
    op = op.astype(dtype) if hasattr(op, "astype") else op
    X = BlockVector.random(op.graph, block_size, seed, dtype)
    if X0 is not None:
        from .blocks import _hstack

        start = X0.map_blocks(functools.partial(_as_dtype, dtype=np.dtype(dtype)), dtype=dtype)
        X = _hstack(start, X.columns(slice(X0.shape[1], None)))
    rho = max(abs(lower), abs(upper))
    X = X.orthonormalize()
    AX = op.matmat(X)
    bar = None
    if verbose:
        from tqdm.auto import tqdm

        bar = tqdm(total=max_iter, desc="distributed chebyshev subspace", unit="step")
    try:
        for it in range(max_iter + 1):
            theta, X, AX = _rayleigh_ritz(X, AX)
            res = float(np.sqrt(_residual_norms(AX, X, theta[:k], k)).max()) / rho
            if bar is not None:
                bar.set_postfix(residual=f"{res:.2e}")
            if res <= tol or it == max_iter:
                break
            deg, cut = filter_step(it, float(theta[-1]), lower, upper, degree, start_degree, initial_cut)
            Y = chebyshev_filter(op, X, AX, deg, lower, cut, upper)
            X = Y.orthonormalize()
            AX = op.matmat(X)
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return theta[:k].astype(np.float64), X.columns(slice(0, k))


def _as_dtype(X: np.ndarray, dtype: Any) -> np.ndarray:
    return X.astype(dtype)


def _residual_sumsq(theta: np.ndarray, k: int, AX: np.ndarray, X: np.ndarray) -> np.ndarray:
    R = AX[:, :k].astype(np.float64) - X[:, :k].astype(np.float64) * theta[None, :]
    return (R * R).sum(axis=0)


def _residual_norms(AX: BlockVector, X: BlockVector, theta: np.ndarray, k: int) -> np.ndarray:
    """Squared residual norms ``||A x_j - theta_j x_j||^2`` of the first ``k`` Ritz pairs."""
    g = X.graph
    partials = [g.client.submit(_residual_sumsq, theta, k, AX.parts[i], X.parts[i], workers=[g.workers[i]],
                                allow_other_workers=False, pure=False) for i in range(g.n_parts)]
    return np.sum(g.client.gather(partials), axis=0)
