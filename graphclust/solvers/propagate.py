"""Polynomial propagation ``sum_t c_t P^t Y`` by Horner's rule, never forming ``P^t``.

Graph filters of the form ``Z = sum_{t=0..T} c_t P^t X`` (personalized PageRank series,
the normalised smoothed representation of S2CAG, heat-kernel truncations) are applied to a
dense block ``Y`` with ``T`` sparse-times-dense products (``graphclust.sparse.spmm``) and
``T`` scaled additions::

    Q = c_T Y;   for t = T-1, ..., 0:   Q = P @ Q + c_t Y

so the cost is ``O(T nnz(P) b)`` for a block of ``b`` columns and the memory two blocks. On
CPU each step ``P @ Q + c_t Y`` is a single sweep of the SpMM kernel (the scaled ``Y`` is added
to each finished row), and a wide block of a small graph runs the loop column tile by column
tile, each tile cache-resident (see ``_TILE_BYTES``); neither changes a bit of the result.
The same code runs on CPU (scipy CSR, numba kernel) and GPU (cupyx CSR) because every array
operation goes through the array's own namespace.

``P`` may be any operator of :mod:`graphclust.operators` (a weighted sum of relations, a
``LinearOperator``, ...): sparse matrices and :class:`~graphclust.operators.SparseOperator` s
take the fused and tiled CSR path above, every other operator a plain Horner loop over its
``matmat`` (``rmatmat`` for the adjoint).

Products with ``P^T`` (needed by adjoint operators, e.g. ``Z^T M``) use an explicit CSR copy
of the transpose (:func:`graphclust.sparse.transpose_csr`, one O(nnz) conversion) instead of
the CSC view ``P.T``, whose products are much slower; callers that apply the adjoint many times
build it once and pass it as ``PT``.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..backend import get_namespace, is_cupy_array, namespace_of
from ..operators import FunctionOperator, apply, as_operator, operator_astype, sparse_matrix_of
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

# Column tiling of wide blocks: the whole Horner loop runs on one contiguous column tile at a
# time, so that the tile's three working blocks (Y, Q, the next Q) and P stay in the last-level
# cache (32 MB on the 2-core EPYC) across the T products instead of streaming from memory.
# Measured on amazon_photo (n = 7650, 745 columns, T = 9; interleaved, best of 5, under load):
# float64 untiled 0.51-1.14 s, tiles of 64-192 columns (4-12 MB) 0.34-0.76 s, all within noise
# of each other, 384 columns slower; float32 untiled 0.20-0.24 s, tiles of 192-256 columns
# (6-8 MB) 0.15-0.23 s, 64 columns slower than untiled. coauthor_cs (n = 18,333, first 1024
# columns): float64 untiled 0.93 s, 64-96 columns 0.83-0.86 s, 128 0.91; float32 untiled 0.41,
# 128 columns 0.36. Hence tiles of about _TILE_BYTES, at least _TILE_MIN_COLUMNS columns, and
# no tiling when even that narrowest tile exceeds _TILE_MAX_BYTES (half the L3: large graphs,
# where a tile cannot stay cached and every tile would only re-read P). Blocks of at most
# _TILE_MIN_COLUMNS columns are never tiled (the 1M-node narrow-block regime of
# docs/benchmarks/spmm.md keeps the single pass).
_TILE_MIN_COLUMNS = 64
_TILE_BYTES = 8 << 20
_TILE_MAX_BYTES = 16 << 20


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
    changes the result. Any other operator (see :func:`graphclust.operators.as_operator`) is
    applied by its ``matmat``.

    Parameters
    ----------
    A : sparse matrix or operator
        CSR matrix (scipy or cupyx) or any operator of the protocol.
    Q : array of shape (A.shape[1], k)
        Dense block.
    out : array of shape (A.shape[0], k), optional
        Where to write the product.

    Returns
    -------
    array of shape (A.shape[0], k)

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> sparse_product(sp.csr_array([[1.0, 2.0]]), np.ones((2, 1)))
    array([[3.]])
    """
    M = sparse_matrix_of(A)
    if M is None:
        return as_operator(A).matmat(Q, out=out)
    return _product(M, Q, out)


def _product(A: Any, Q: Any, out: Any) -> Any:
    """:func:`sparse_product` for a CSR matrix (the inner loops call it directly)."""
    if _serial(A, Q):
        if out is None:
            return np.asarray(A @ Q)
        out[...] = A @ Q
        return out
    return spmm(A, Q, out=out)


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
    if not np.isfinite(alpha) or alpha <= 0:
        raise ValueError(f"alpha must be a finite number > 0, got {alpha!r}.")
    if alpha > 1.0 and np.log(alpha) * (T + 1) > 700.0:
        # alpha ** (T + 1) overflows float64: the same weights, scaled by alpha ** -(T + 1)
        # (w alpha^t = (alpha - 1) alpha^(t - T - 1) / (1 - alpha^-(T + 1)), all finite)
        w = (alpha - 1.0) / (1.0 - alpha ** -(T + 1))
        powers = alpha ** (np.arange(T + 1, dtype=np.float64) - (T + 1))
    else:
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


def tiles_stay_cached(n_rows: int, itemsize: int) -> bool:
    """Whether :func:`propagate` runs a wide block of ``n_rows`` rows in cache-resident tiles.

    The rule of ``_tile_width`` below, for callers that estimate costs (S2CAG's layout choice).

    Examples
    --------
    >>> tiles_stay_cached(7650, 8), tiles_stay_cached(10**6, 4)
    (True, False)
    """
    return _TILE_MIN_COLUMNS * int(n_rows) * int(itemsize) <= _TILE_MAX_BYTES


def _tile_width(P: Any, Y: Any, T: int) -> int:
    """Columns per tile of the Horner loop, or 0 to run it on the whole block (see above)."""
    if T < 1 or is_cupy_array(P) or is_cupy_array(Y):
        return 0
    n, b = Y.shape
    row = n * Y.itemsize  # bytes of one column
    if b <= _TILE_MIN_COLUMNS or not tiles_stay_cached(n, Y.itemsize):
        return 0
    line = max(1, 64 // Y.itemsize)  # tile rows of whole cache lines
    w = max(_TILE_MIN_COLUMNS, _TILE_BYTES // max(1, row) // line * line)
    if w >= b:
        return 0
    n_tiles = -(-b // w)
    # equal tiles (rounded up to whole cache lines) rather than w, w, ..., and a narrow rest
    return int(-(-(-(-b // n_tiles)) // line) * line)


def _horner(P: Any, Y: Any, c: np.ndarray, xp: Any, bar: Any) -> Any:
    """``sum_t c[t] P^t Y`` for a 2-D block ``Y`` already in the working dtype.

    ``P`` is a CSR matrix (fused kernel sweeps where they pay) or an operator without one
    (``matmat`` products, then the scaled addition).
    """
    T = c.size - 1
    Q = Y * Y.dtype.type(c[T])
    buf = xp.empty_like(Q)
    tmp = None  # c_t Y for the unfused steps, rounded before the add exactly as ``buf += c_t * Y``
    csr = sparse_matrix_of(P) is P
    fused = csr and not (is_cupy_array(P) or _serial(P, Q))
    product = _product if csr else (lambda op, Q, out: apply(op, Q, out=out))
    for t in range(T - 1, -1, -1):
        # ping-pong between two blocks: no allocation per step
        if c[t] == 0.0:
            buf = product(P, Q, buf)
        elif fused:
            # P @ Q + c_t Y in one sweep: the kernel adds the rounded c_t Y[i] to each finished
            # row, bit for bit what the two-step update below does
            buf = spmm(P, Q, out=buf, addend=Y, beta=c[t])
        else:
            buf = product(P, Q, buf)
            if tmp is None:
                tmp = xp.empty_like(Q)
            xp.multiply(Y, Y.dtype.type(c[t]), out=tmp)
            buf += tmp
        Q, buf = buf, Q
        if bar is not None:
            bar.update(1)
    return Q


def propagate(P: Any, Y: Any, coeffs: Sequence[float], *, verbose: bool = False) -> Any:
    """Return ``sum_t coeffs[t] * P^t @ Y`` without forming any power of ``P``.

    Each Horner step ``Q = P @ Q + c_t Y`` is one sweep of the SpMM kernel, which adds the
    rounded ``c_t Y`` to each finished row (:func:`graphclust.sparse.spmm` with an addend);
    small and narrow products use scipy's serial product and a separate scaled addition. A
    wide block (more than 64 columns) of a graph small enough that a 64-column tile takes at
    most 16 MB is processed in contiguous column tiles of about 8 MB each (at least 64
    columns), each running the whole loop while its working blocks stay in the last-level
    cache; no product mixes columns, so the tiling
    changes no bit of the result. Whatever the path, every entry is computed with the same
    operations in the same order: the result is bit-identical to the plain loop
    ``Q = c_T Y; Q = P @ Q + c_t Y`` in the working dtype.

    Parameters
    ----------
    P : operator or matrix, shape (n, n)
        A CSR matrix (scipy or cupyx) or :class:`~graphclust.operators.SparseOperator` takes
        the fused and tiled path described above; any other operator of
        :func:`graphclust.operators.as_operator` a plain Horner loop over its ``matmat``.
    Y : dense array, shape (n,) or (n, b), on P's device
    coeffs : sequence of float
        ``c_0, ..., c_T``; ``len(coeffs) - 1`` sparse products are made (per column tile).
    verbose : bool
        Show a tqdm bar over the T products (T times the number of column tiles).

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
    M = sparse_matrix_of(P)
    op = None
    if M is None:
        op = as_operator(P)
        xp = get_namespace(op.device).xp
    else:
        P = M
        xp = namespace_of(P, Y).xp
    Y = xp.asarray(Y)
    # one working dtype for the whole loop: the product's (float32 only if P and Y both are)
    dtype = xp.result_type(P.dtype if op is None else op.dtype, Y.dtype)
    if dtype not in (xp.float32, xp.float64):
        dtype = xp.float64
    # C order: the products write C-contiguous blocks and gather whole rows of Q and Y
    Y = xp.ascontiguousarray(Y.astype(dtype, copy=False))
    shape = P.shape if op is None else op.shape
    if shape[0] != shape[1] or shape[1] != Y.shape[0]:
        raise ValueError(f"P must be square with as many columns as Y has rows; got {tuple(shape)} and {Y.shape}.")
    vector = Y.ndim == 1
    if vector:
        Y = Y[:, None]
    T = c.size - 1
    width = 0 if op is not None else _tile_width(P, Y, T)
    b = Y.shape[1]
    n_tiles = -(-b // width) if width else 1
    bar = None
    if verbose and T > 0:
        from tqdm.auto import tqdm

        bar = tqdm(total=T * n_tiles, desc="propagate", leave=False)
    try:
        if op is not None:
            Q = _horner(operator_astype(op, dtype), Y, c, xp, bar)
        elif not width:
            Q = _horner(P, Y, c, xp, bar)
        else:
            Q = xp.empty(Y.shape, dtype=dtype)
            for s in range(0, b, width):
                # a contiguous copy of the tile: the kernel gathers whole rows of it
                Q[:, s : s + width] = _horner(P, xp.ascontiguousarray(Y[:, s : s + width]), c, xp, bar)
    finally:
        if bar is not None:
            bar.close()
    return Q[:, 0] if vector else Q


def propagate_adjoint(P: Any, Y: Any, coeffs: Sequence[float], *, PT: Any = None, verbose: bool = False) -> Any:
    """Return ``sum_t coeffs[t] * (P^T)^t @ Y`` (the adjoint of :func:`propagate`).

    ``PT`` is an explicit CSR transpose of ``P`` (:func:`graphclust.sparse.transpose_csr`);
    pass it when the adjoint is applied repeatedly, otherwise it is built here (O(nnz)). For
    an operator without a sparse matrix, ``PT`` (an operator) defaults to its ``rmatmat``.

    Parameters
    ----------
    P : operator or matrix, shape (n, n)
    Y : dense array, shape (n,) or (n, b)
    coeffs : sequence of float
    PT : CSR matrix or operator, optional
    verbose : bool

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> P = sp.csr_array([[0.5, 0.5], [0.0, 1.0]])
    >>> propagate_adjoint(P, np.array([1.0, 0.0]), [0.0, 1.0])   # P^T e_0
    array([0.5, 0.5])
    """
    M = sparse_matrix_of(P)
    if M is None:
        if PT is not None:
            PT = as_operator(PT)
        else:
            op = as_operator(P)
            rmatmat = getattr(op, "rmatmat", None)
            if rmatmat is None:
                raise TypeError(f"P ({type(op).__name__}) has no rmatmat: pass its adjoint as PT.")
            PT = FunctionOperator((op.shape[1], op.shape[0]), rmatmat, op.matmat, dtype=op.dtype, device=op.device)
        if PT.shape != (P.shape[1], P.shape[0]):
            raise ValueError(f"PT must have shape {(P.shape[1], P.shape[0])}, got {PT.shape}.")
        return propagate(PT, Y, coeffs, verbose=verbose)
    if PT is None:
        PT = transpose_csr(M)
    elif PT.shape != (P.shape[1], P.shape[0]):
        raise ValueError(f"PT must have shape {(P.shape[1], P.shape[0])}, got {PT.shape}.")
    return propagate(PT, Y, coeffs, verbose=verbose)
