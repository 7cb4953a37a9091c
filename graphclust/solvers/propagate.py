"""Polynomial propagation ``sum_t c_t P^t Y`` by Horner's rule, never forming ``P^t``.

Graph filters of the form ``Z = sum_{t=0..T} c_t P^t X`` (personalized PageRank series,
the normalised smoothed representation of S2CAG, heat-kernel truncations) are applied to a
dense block ``Y`` with ``T`` sparse-times-dense products (``graphclust.sparse.spmm``) and
``T`` scaled additions::

    Q = c_T Y;   for t = T-1, ..., 0:   Q = P @ Q + c_t Y

so the cost is ``O(T nnz(P) b)`` for a block of ``b`` columns and the memory two blocks.
The same code runs on CPU (scipy CSR, numba kernel) and GPU (cupyx CSR) because every array
operation goes through the array's own namespace.

Products with ``P^T`` (needed by adjoint operators, e.g. ``Z^T M``) use an explicit CSR copy
of the transpose (:func:`graphclust.sparse.transpose_csr`, one O(nnz) conversion) instead of
the CSC view ``P.T``, whose products are much slower; callers that apply the adjoint many times
build it once and pass it as ``PT``.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..backend import is_cupy_array, namespace_of
from ..sparse import spmm, transpose_csr

__all__ = ["geometric_coefficients", "propagate", "propagate_adjoint", "sparse_product"]

# A Horner loop makes T products back to back, each of a few columns. Which product is faster
# depends on the block width and on the load of this shared 2-core machine (A/B of whole fits,
# best of 3, interleaved): with 8 columns (M-S2CAG) scipy's serial product beat the 2-thread
# numba kernel (amazon_photo M-S2CAG 2.9 vs 3.3 s; P 1.0 vs 1.4 ms per product under load), with
# 18 columns (S2CAG) the kernel won on coauthor_cs (fit 0.91 vs 1.17 s) and tied on
# amazon_photo. The serial product also cannot stall on a descheduled worker thread (10-25 ms
# per product with numba's default OpenMP wait policy). Both accumulate every output entry in
# the same order, so the switch changes no bit of the result. Hence: serial below
# _SERIAL_MAX_WORK multiply-adds, and for blocks of at most _NARROW_COLUMNS columns below
# _NARROW_SERIAL_MAX_WORK.
_SERIAL_MAX_WORK = 1_000_000
_NARROW_COLUMNS = 8
_NARROW_SERIAL_MAX_WORK = 64_000_000


def _serial(A: Any, Q: Any) -> bool:
    if is_cupy_array(A):
        return False
    b = Q.shape[1] if Q.ndim > 1 else 1
    work = A.nnz * b
    return work < _SERIAL_MAX_WORK or (b <= _NARROW_COLUMNS and work < _NARROW_SERIAL_MAX_WORK)


def sparse_product(A: Any, Q: Any, out: Any = None) -> Any:
    """``A @ Q`` for a CSR matrix ``A`` and a dense block ``Q`` (into ``out`` when given).

    Small products (below 1M multiply-adds, or below 64M for blocks of at most 8 columns) use
    scipy's serial product; larger ones, and GPU arrays, :func:`graphclust.sparse.spmm`. Both
    sum each output entry over the row's non-zeros in storage order, so the choice never
    changes the result.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> sparse_product(sp.csr_array([[1.0, 2.0]]), np.ones((2, 1)))
    array([[3.]])
    """
    if _serial(A, Q):
        if out is None:
            return np.asarray(A @ Q)
        out[...] = A @ Q
        return out
    return spmm(A, Q, out=out)


def _product(P: Any, Q: Any, out: Any) -> Any:
    return sparse_product(P, Q, out)


def geometric_coefficients(T: int, alpha: float, variant: str = "series") -> np.ndarray:
    """Coefficients ``c_0..c_T`` of the S2CAG smoothing polynomials (official code).

    Parameters
    ----------
    T : int
        Order (number of propagation steps), ``T >= 0``.
    alpha : float
        Weight ratio between consecutive orders; ``alpha > 1`` is allowed (favours far hops).
    variant : {"series", "power_iteration"}
        ``"series"``: ``c_t = w alpha^t`` with ``w = (1-alpha) / (1-alpha^(T+1))`` (the official
        implicit path, ``subspace_svd``); the weights sum to 1.
        ``"power_iteration"``: the closed form of the official explicit path
        (``PowerIteration``: ``f <- alpha (P f + X)`` repeated T times from ``f = X``, times
        ``w``), i.e. ``c_t = w alpha^(t+1)`` for ``t < T`` and ``c_T = w alpha^T``.
        For ``alpha == 1`` the official code uses ``w = T`` (not ``1/(T+1)``); kept as is.

    Returns
    -------
    ndarray of shape (T + 1,)

    Examples
    --------
    >>> geometric_coefficients(2, 0.5).round(4)
    array([0.5714, 0.2857, 0.1429])
    """
    T = int(T)
    if T < 0:
        raise ValueError(f"T must be >= 0, got {T}.")
    alpha = float(alpha)
    w = float(T) if alpha == 1.0 else (1.0 - alpha) / (1.0 - alpha ** (T + 1))
    powers = alpha ** np.arange(T + 1, dtype=np.float64)
    if variant == "series":
        return w * powers
    if variant == "power_iteration":
        c = w * alpha * powers
        if T > 0:
            c[T] = w * powers[T]
        else:
            c[0] = w  # T = 0: PowerIteration returns w * X
        return c
    raise ValueError(f"variant must be 'series' or 'power_iteration', got {variant!r}.")


def _check_coefficients(coeffs: Sequence[float]) -> np.ndarray:
    c = np.asarray(coeffs, dtype=np.float64).ravel()
    if c.size == 0:
        raise ValueError("coeffs must hold at least one coefficient (c_0).")
    if not np.all(np.isfinite(c)):
        raise ValueError("coeffs must be finite.")
    return c


def propagate(P: Any, Y: Any, coeffs: Sequence[float], *, verbose: bool = False) -> Any:
    """Return ``sum_t coeffs[t] * P^t @ Y`` without forming any power of ``P``.

    Parameters
    ----------
    P : CSR matrix (scipy or cupyx), shape (n, n)
    Y : dense array, shape (n,) or (n, b), on P's device
    coeffs : sequence of float
        ``c_0, ..., c_T``; ``len(coeffs) - 1`` sparse products are made.
    verbose : bool
        Show a tqdm bar over the T products.

    Returns
    -------
    dense array of Y's shape, dtype ``result_type(P, Y)`` (float64 unless both are float32), a
    new array (Y is not modified).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> P = sp.csr_array([[0.5, 0.5], [0.0, 1.0]])
    >>> Y = np.array([[1.0], [2.0]])
    >>> propagate(P, Y, [1.0, 1.0, 1.0]).ravel()   # (I + P + P^2) Y
    array([4.25, 6.  ])
    """
    c = _check_coefficients(coeffs)
    xp = namespace_of(P, Y).xp
    Y = xp.asarray(Y)
    # one working dtype for the whole loop: the product's (float32 only if P and Y both are)
    dtype = xp.result_type(P.dtype, Y.dtype)
    if dtype not in (xp.float32, xp.float64):
        dtype = xp.float64
    Y = Y.astype(dtype, copy=False)
    if P.shape[0] != P.shape[1] or P.shape[1] != Y.shape[0]:
        raise ValueError(f"P must be square with as many columns as Y has rows; got {P.shape} and {Y.shape}.")
    vector = Y.ndim == 1
    if vector:
        Y = Y[:, None]
    T = c.size - 1
    Q = Y * Y.dtype.type(c[T])
    buf = xp.empty_like(Q)
    tmp = xp.empty_like(Q)  # c_t Y, rounded before the add exactly as ``buf += c_t * Y``
    steps = range(T - 1, -1, -1)
    if verbose:
        from tqdm.auto import tqdm

        steps = tqdm(steps, total=T, desc="propagate", leave=False)
    for t in steps:
        # ping-pong between two blocks: no allocation per step
        buf = _product(P, Q, buf)
        if c[t] != 0.0:
            xp.multiply(Y, Y.dtype.type(c[t]), out=tmp)
            buf += tmp
        Q, buf = buf, Q
    return Q[:, 0] if vector else Q


def propagate_adjoint(P: Any, Y: Any, coeffs: Sequence[float], *, PT: Any = None, verbose: bool = False) -> Any:
    """Return ``sum_t coeffs[t] * (P^T)^t @ Y`` (the adjoint of :func:`propagate`).

    ``PT`` is an explicit CSR transpose of ``P`` (:func:`graphclust.sparse.transpose_csr`);
    pass it when the adjoint is applied repeatedly, otherwise it is built here (O(nnz)).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> P = sp.csr_array([[0.5, 0.5], [0.0, 1.0]])
    >>> propagate_adjoint(P, np.array([1.0, 0.0]), [0.0, 1.0])   # P^T e_0
    array([0.5, 0.5])
    """
    if PT is None:
        PT = transpose_csr(P)
    elif PT.shape != (P.shape[1], P.shape[0]):
        raise ValueError(f"PT must have shape {(P.shape[1], P.shape[0])}, got {PT.shape}.")
    return propagate(PT, Y, coeffs, verbose=verbose)
