"""Parallel CSR-by-dense products (SpMM) on CPU with numba.

``csr_spmm`` computes ``Y = A @ X`` for a CSR matrix ``A`` given by its three arrays and a
dense block ``X``; ``csr_spmm_t`` computes ``A^T @ X``; ``locality_order`` and
``permute_symmetric`` renumber the nodes of a graph so that the rows of ``X`` gathered together
lie close in memory.

Why the kernel looks like it does
---------------------------------
On a large sparse graph the product is bound by memory latency, not arithmetic: every nonzero
``A[i, j]`` gathers the row ``X[j, :]`` from a random place of a block far larger than the
caches (1M x 64 float64 is 512 MB), and the FMAs are nearly free. So the kernel

* runs over rows in parallel (``prange``), splitting them into chunks of equal *work*
  (nonzeros + rows), not equal row counts, so a few heavy rows cannot leave one thread idle;
* can issue software prefetches for the ``X`` rows needed some nonzeros ahead, which keeps
  more cache-line misses in flight per thread than the out-of-order window does alone;
* has three forms of the row loop: "row", each row summed in its output row (L1-resident; an
  axpy per nonzero, as scipy's ``csr_matvecs``); "vector", the same with the columns taken 8
  at a time as one explicit vector multiply and add (LLVM does not vectorise the scalar loop,
  as it cannot rule out that ``out`` and ``X`` overlap; a fixed vector type also makes the
  width independent of the vectoriser's cost model); and "blocked", 16 columns at a time summed
  in registers over the row's nonzeros (no load and store of the output per nonzero, fewer
  instructions per gathered line, so more gathers fit in the out-of-order window; the row's
  indices are re-read from L1 for each block), the ``k % 16`` other columns as in "row";
* sums a single column (``k = 1``) in a register;
* reads a float32 ``X`` as float32 and accumulates in the result dtype: with float64 weights the
  result is float64 (as scipy's ``A @ X``) while the gathers move half the bytes;
* checks the CSR structure inside the same pass (a column index out of range or a decreasing
  ``indptr`` sets a flag and the caller raises ``ValueError``), so validation costs no extra
  sweep over ``indices``.

Which form and which prefetch distance are fastest depends on the CPU (how many misses a core
keeps in flight, how its hardware prefetchers and page walkers treat gathers: on the AMD EPYC
where the kernel was written a prefetch 8 nonzeros ahead doubled the speed at 16 columns, on an
Intel Xeon the same constants were slower than scipy on one thread). No constant is tuned to
one CPU: the first large product of each shape class (dtypes, ``k``, thread count, whether
``X`` fits in L2 / the last-level cache) times every candidate (the forms x prefetch depths of
0, 8, 16 and 32 cache lines ahead) on slices of its own rows, by CPU time, interleaved, and
keeps the fastest for the rest of the process (:func:`spmm_plans` lists the choices). All
variants sum every row in the same order, so the choice changes the speed, never the bits, and
the probe is part of that product rather than extra work. Products too small to probe use the
plain "row" loop without prefetch (scipy's loop) unless their class was decided already.

Column tiling (several passes over ``A``, each gathering a narrow slice of ``X`` that fits in
the last-level cache) was tried and was 7-9x *slower* than the single pass on the 1M-node
benchmark graph: every pass re-reads ``A`` and rewrites a strided slice of every output row.
It is therefore not used. (Wide blocks of small graphs are another regime: there
``graphclust.solvers.propagate`` runs a whole Horner loop per cache-resident column tile, so
``A`` is re-read once per product as it would be anyway.)

``csr_spmm(..., addend=Y, beta=c)`` fuses a Horner step ``A @ Q + c Y``: each finished row gets
``c Y[i]`` added while it is still in L1, bit for bit as numpy's two-step update.
"""
from __future__ import annotations

import functools
import time
from pathlib import Path
from typing import Any

import numba
import numpy as np
from llvmlite import ir
from numba import njit, prange, types
from numba.core import cgutils
from numba.extending import intrinsic

from .rows import balanced_bounds, range_bounds

__all__ = [
    "csr_spmm",
    "csr_spmm_t",
    "csr_transpose",
    "locality_order",
    "permute_symmetric",
    "spmm_plans",
]

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_CACHE_LINE = 64


# --------------------------------------------------------------------------- prefetch intrinsic
@intrinsic
def _prefetch(typingctx, arr, i, c):
    """Prefetch the cache line holding ``arr[i, c]`` (read, keep in all cache levels)."""
    sig = types.void(arr, i, c)

    def codegen(context, builder, signature, args):
        aryty, ity, cty = signature.args
        ary = context.make_array(aryty)(context, builder, args[0])
        ii = context.cast(builder, args[1], ity, types.intp)
        cc = context.cast(builder, args[2], cty, types.intp)
        ptr = cgutils.get_item_pointer2(
            context,
            builder,
            ary.data,
            cgutils.unpack_tuple(builder, ary.shape),
            cgutils.unpack_tuple(builder, ary.strides),
            aryty.layout,
            [ii, cc],
            wraparound=False,
            boundscheck=False,
        )
        i8p = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
        # llvm.prefetch(ptr, rw=0 (read), locality=3 (keep), cache type=1 (data)); LLVM >= 15
        # uses opaque pointers, hence the ".p0" suffix.
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0")
        builder.call(
            fn,
            [builder.bitcast(ptr, i8p), ir.Constant(i32, 0), ir.Constant(i32, 3), ir.Constant(i32, 1)],
        )
        return context.get_dummy_value()

    return sig, codegen


_LANES = 8  # columns per vector step of the "row" form (legalised to the CPU's vector width)


@intrinsic
def _axpy_lanes(typingctx, out, i, c, v, X, j):
    """``out[i, c:c + 8] += v * X[j, c:c + 8]`` as one vector multiply and one vector add.

    Both operands are converted to ``out``'s dtype first and the product is rounded before the
    add (no FMA contraction), exactly as numba's scalar ``out[i, c] += v * X[j, c]``: the bits
    are those of the scalar loop. numba cannot tell LLVM that ``out`` and ``X`` do not overlap,
    so LLVM leaves the scalar loop unvectorised; an explicit vector type makes the width
    independent of the vectoriser's cost model (LLVM splits it into the CPU's registers:
    one zmm, two ymm or four xmm). The caller guarantees ``c + 8 <= k`` and valid rows.
    """
    sig = types.void(out, i, c, v, X, j)

    def codegen(context, builder, signature, args):
        oty, ity, cty, vty, xty, jty = signature.args

        def pointer(aryty, ary_val, row, rowty):
            ary = context.make_array(aryty)(context, builder, ary_val)
            return cgutils.get_item_pointer2(
                context,
                builder,
                ary.data,
                cgutils.unpack_tuple(builder, ary.shape),
                cgutils.unpack_tuple(builder, ary.strides),
                aryty.layout,
                [context.cast(builder, row, rowty, types.intp), context.cast(builder, args[2], cty, types.intp)],
                wraparound=False,
                boundscheck=False,
            )

        o_elem = context.get_value_type(oty.dtype)
        x_elem = context.get_value_type(xty.dtype)
        o_vec = ir.VectorType(o_elem, _LANES)
        x_vec = ir.VectorType(x_elem, _LANES)
        optr = builder.bitcast(pointer(oty, args[0], args[1], ity), o_vec.as_pointer())
        xptr = builder.bitcast(pointer(xty, args[4], args[5], jty), x_vec.as_pointer())
        xv = builder.load(xptr, align=xty.dtype.bitwidth // 8)
        if xty.dtype != oty.dtype:
            xv = builder.fpext(xv, o_vec)
        vs = context.cast(builder, args[3], vty, oty.dtype)
        undef = ir.Constant(o_vec, ir.Undefined)
        vs = builder.insert_element(undef, vs, ir.Constant(ir.IntType(32), 0))
        vs = builder.shuffle_vector(vs, undef, ir.Constant(ir.VectorType(ir.IntType(32), _LANES), [0] * _LANES))
        ov = builder.load(optr, align=oty.dtype.bitwidth // 8)
        builder.store(builder.fadd(ov, builder.fmul(vs, xv)), optr, align=oty.dtype.bitwidth // 8)
        return context.get_dummy_value()

    return sig, codegen


# --------------------------------------------------------------------------------- the kernels
@njit(fastmath=False, cache=True)
def _rows_single(indptr, indices, data, X, out, r0, r1, distance, addend, beta, zero):
    """``k = 1``: each row summed in a register (``out`` and ``X`` may alias as far as LLVM
    knows, so a sum kept in ``out[i, 0]`` would go through memory at every nonzero)."""
    n_cols = X.shape[0]
    nnz = indptr[indptr.size - 1]
    error = 0
    for i in range(r0, r1):
        out[i, 0] = zero
        acc = zero
        start = indptr[i]
        stop = indptr[i + 1]
        if start > stop or start < 0 or stop > nnz:
            error = 1
            continue
        for jj in range(start, stop):
            if distance > 0 and jj + distance < nnz:
                jp = indices[jj + distance]
                if jp >= 0 and jp < n_cols:
                    _prefetch(X, jp, 0)
            j = indices[jj]
            if j < 0 or j >= n_cols:
                error = 2
                continue
            acc += data[jj] * X[j, 0]
        if addend is not None:
            acc += addend[i, 0] * beta
        out[i, 0] = acc
    return error


# The hot loops below repeat the prefetch and the index check inline rather than calling a
# helper: with the helper numba/LLVM kept a call in the loop body and the loop ran 1.5x slower.
@njit(fastmath=False, cache=True)
def _rows_inplace(indptr, indices, data, X, out, r0, r1, c0, distance, step, vector, addend, beta, zero):
    """Columns ``c0:k`` of rows ``r0:r1``, each row summed in its output row (an axpy per
    nonzero, as scipy's ``csr_matvecs``), by scalar steps or (``vector``) by explicit vector
    steps of 8 columns (:func:`_axpy_lanes`) and scalar ones for the rest; prefetch (the whole
    row of ``X``, ``distance`` nonzeros ahead) when ``distance > 0``."""
    n_cols = X.shape[0]
    k = X.shape[1]
    nnz = indptr[indptr.size - 1]
    error = 0
    for i in range(r0, r1):
        for c in range(c0, k):
            out[i, c] = zero
        start = indptr[i]
        stop = indptr[i + 1]
        if start > stop or start < 0 or stop > nnz:
            error = 1
            continue
        for jj in range(start, stop):
            if distance > 0 and jj + distance < nnz:
                jp = indices[jj + distance]
                if jp >= 0 and jp < n_cols:
                    for c in range(0, k, step):
                        _prefetch(X, jp, c)
                    _prefetch(X, jp, k - 1)  # rows need not start on a line boundary
            j = indices[jj]
            if j < 0 or j >= n_cols:
                error = 2
                continue
            v = data[jj]
            if vector:
                c = c0
                while c + _LANES <= k:
                    _axpy_lanes(out, i, c, v, X, j)
                    c += _LANES
                for c in range(c, k):
                    out[i, c] += v * X[j, c]
            else:
                for c in range(c0, k):
                    out[i, c] += v * X[j, c]
        if addend is not None:
            for c in range(c0, k):
                out[i, c] += addend[i, c] * beta
    return error


@njit(fastmath=False, cache=True)
def _rows_blocked(indptr, indices, data, X, out, r0, r1, distance, step, addend, beta, zero):
    """Rows ``r0:r1`` with the columns in blocks of 16, each block summed in 16 scalars over
    the row's nonzeros (the row's indices and weights are re-read from L1 per block); the
    ``k % 16`` remaining columns as in :func:`_rows_inplace`. The prefetch runs in the first
    block's pass and covers the whole row of ``X``. Per column the sum is the same as in
    :func:`_rows_inplace` (zero, then the nonzeros in CSR order): the bits are identical."""
    n_cols = X.shape[0]
    k = X.shape[1]
    kb = k - k % 16
    nnz = indptr[indptr.size - 1]
    error = 0
    for i in range(r0, r1):
        start = indptr[i]
        stop = indptr[i + 1]
        if start > stop or start < 0 or stop > nnz:
            for c in range(k):
                out[i, c] = zero
            error = 1
            continue
        for c0 in range(0, kb, 16):
            d = distance if c0 == 0 else 0
            a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = zero
            b0 = b1 = b2 = b3 = b4 = b5 = b6 = b7 = zero
            for jj in range(start, stop):
                if d > 0 and jj + d < nnz:
                    jp = indices[jj + d]
                    if jp >= 0 and jp < n_cols:
                        for c in range(0, k, step):
                            _prefetch(X, jp, c)
                        _prefetch(X, jp, k - 1)
                j = indices[jj]
                if j < 0 or j >= n_cols:
                    error = 2
                    continue
                v = data[jj]
                a0 += v * X[j, c0]
                a1 += v * X[j, c0 + 1]
                a2 += v * X[j, c0 + 2]
                a3 += v * X[j, c0 + 3]
                a4 += v * X[j, c0 + 4]
                a5 += v * X[j, c0 + 5]
                a6 += v * X[j, c0 + 6]
                a7 += v * X[j, c0 + 7]
                b0 += v * X[j, c0 + 8]
                b1 += v * X[j, c0 + 9]
                b2 += v * X[j, c0 + 10]
                b3 += v * X[j, c0 + 11]
                b4 += v * X[j, c0 + 12]
                b5 += v * X[j, c0 + 13]
                b6 += v * X[j, c0 + 14]
                b7 += v * X[j, c0 + 15]
            if addend is not None:
                a0 += addend[i, c0] * beta
                a1 += addend[i, c0 + 1] * beta
                a2 += addend[i, c0 + 2] * beta
                a3 += addend[i, c0 + 3] * beta
                a4 += addend[i, c0 + 4] * beta
                a5 += addend[i, c0 + 5] * beta
                a6 += addend[i, c0 + 6] * beta
                a7 += addend[i, c0 + 7] * beta
                b0 += addend[i, c0 + 8] * beta
                b1 += addend[i, c0 + 9] * beta
                b2 += addend[i, c0 + 10] * beta
                b3 += addend[i, c0 + 11] * beta
                b4 += addend[i, c0 + 12] * beta
                b5 += addend[i, c0 + 13] * beta
                b6 += addend[i, c0 + 14] * beta
                b7 += addend[i, c0 + 15] * beta
            out[i, c0] = a0
            out[i, c0 + 1] = a1
            out[i, c0 + 2] = a2
            out[i, c0 + 3] = a3
            out[i, c0 + 4] = a4
            out[i, c0 + 5] = a5
            out[i, c0 + 6] = a6
            out[i, c0 + 7] = a7
            out[i, c0 + 8] = b0
            out[i, c0 + 9] = b1
            out[i, c0 + 10] = b2
            out[i, c0 + 11] = b3
            out[i, c0 + 12] = b4
            out[i, c0 + 13] = b5
            out[i, c0 + 14] = b6
            out[i, c0 + 15] = b7
        if kb < k:
            e = _rows_inplace(
                indptr, indices, data, X, out, i, i + 1, kb, distance if kb == 0 else 0, step,
                False, addend, beta, zero,
            )
            error = max(error, e)
    return error


@njit(fastmath=False, cache=True)
def _spmm_rows(indptr, indices, data, X, out, r0, r1, form, distance, step, addend, beta, zero):
    """``out[r0:r1] = A[r0:r1] @ X`` (``+ beta * addend[r0:r1]`` unless ``addend`` is None);
    returns 0, or an error code for bad CSR structure (1: ``indptr``, 2: a column index).

    ``form``: 0 sums each row in its output row by scalar steps, 2 the same by vector steps of
    8 columns, 1 in registers by blocks of 16 columns (all give identical bits); ``distance``: prefetch distance in nonzeros (0: no prefetch);
    ``step``: elements of ``X`` per cache line; ``zero``: 0 in the dtype of ``out``.
    The product ``data[jj] * X[j, c]`` is formed in ``result_type(data, X)``, the dtype of
    ``out``; each row is summed in CSR order (as scipy does), whatever the chunking and the
    form. With an ``addend``, the finished row then gets ``addend[i, c] * beta`` (rounded in
    ``out``'s dtype) added while it is still in L1 or in registers: the same two roundings as
    numpy's ``tmp = addend * beta; out += tmp``, without two more sweeps over the block.
    ``addend=None`` compiles a specialisation in which numba prunes the ``addend is not None``
    branches (its dead-branch pruning on arguments typed None).
    """
    if X.shape[1] == 1:
        return _rows_single(indptr, indices, data, X, out, r0, r1, distance, addend, beta, zero)
    if form == 1:
        return _rows_blocked(indptr, indices, data, X, out, r0, r1, distance, step, addend, beta, zero)
    return _rows_inplace(
        indptr, indices, data, X, out, r0, r1, 0, distance, step, form == 2, addend, beta, zero
    )


@njit(parallel=True, fastmath=False, cache=True)
def _spmm_kernel(indptr, indices, data, X, out, bounds, form, distance, step, errors, addend, beta, zero):
    """Row chunks ``bounds[c]:bounds[c + 1]`` in parallel; chunk errors into ``errors``."""
    for ch in prange(bounds.size - 1):
        errors[ch] = _spmm_rows(
            indptr, indices, data, X, out, bounds[ch], bounds[ch + 1], form, distance, step,
            addend, beta, zero,
        )


# the same loop without the thread pool, for small products: waking the pool costs tens of
# microseconds on an idle machine and milliseconds on a busy one, more than a small product
@njit(fastmath=False, cache=True)
def _spmm_kernel_serial(indptr, indices, data, X, out, bounds, form, distance, step, errors, addend, beta, zero):
    """Serial twin of :func:`_spmm_kernel` (a distinct function, so numba's cache keeps both)."""
    for ch in range(bounds.size - 1):
        errors[ch] = _spmm_rows(
            indptr, indices, data, X, out, bounds[ch], bounds[ch + 1], form, distance, step,
            addend, beta, zero,
        )


_SERIAL_WORK = 1 << 17  # (nnz + n_rows) * k below which one thread is used


@njit(fastmath=False, cache=True)
def _scatter_columns(indptr, indices, data, M, buf, zero):
    """``buf = A^T @ M`` for one column slice ``M`` (C-contiguous, as wide as ``buf``): each
    nonzero ``A[i, f]`` adds ``data * M[i]`` to ``buf[f]``, rows ``i`` ascending and each row's
    nonzeros in storage order (the order of scipy's CSC product ``A.T @ M``). Returns 0 or
    the error code of :func:`_spmm_rows`."""
    n_out = buf.shape[0]
    w = buf.shape[1]
    for f in range(n_out):
        for c in range(w):
            buf[f, c] = zero
    nnz = indptr[indptr.size - 1]
    error = 0
    for i in range(indptr.size - 1):
        start = indptr[i]
        stop = indptr[i + 1]
        if start > stop or start < 0 or stop > nnz:
            error = 1
            continue
        for jj in range(start, stop):
            f = indices[jj]
            if f < 0 or f >= n_out:
                error = 2
                continue
            v = data[jj]
            c = 0
            while c + _LANES <= w:
                _axpy_lanes(buf, f, c, v, M, i)
                c += _LANES
            for c in range(c, w):
                buf[f, c] += v * M[i, c]
    return error


@njit(fastmath=False, cache=True)
def _scatter_slice(indptr, indices, data, M, out, c0, c1, zero):
    """``out[:, c0:c1] = A^T @ M[:, c0:c1]`` through a copy of the slice zero-padded to whole
    vector steps and a private result block (no cache line of ``out`` is written by two
    threads while they run). A zero column adds nothing to the others: padding changes no bit,
    and it replaces the scalar read-modify-writes of a ragged tail (S2CAG's 27-column blocks:
    wiki 13.6 ms through scipy, 6.4 ms here; unpadded slices 8.2 ms)."""
    width = -(-(c1 - c0) // _LANES) * _LANES
    Ms = np.zeros((M.shape[0], width), dtype=M.dtype)
    Ms[:, : c1 - c0] = M[:, c0:c1]
    buf = np.empty((out.shape[0], width), dtype=out.dtype)
    error = _scatter_columns(indptr, indices, data, Ms, buf, zero)
    out[:, c0:c1] = buf[:, : c1 - c0]
    return error


@njit(parallel=True, fastmath=False, cache=True)
def _scatter_kernel(indptr, indices, data, M, out, col_bounds, errors, zero):
    """``out = A^T @ M`` by column slices ``col_bounds[s]:col_bounds[s + 1]`` in parallel."""
    for s in prange(col_bounds.size - 1):
        errors[s] = _scatter_slice(indptr, indices, data, M, out, col_bounds[s], col_bounds[s + 1], zero)


@njit(cache=True)
def _transpose_kernel(indptr, indices, data, n_cols, t_indptr, t_indices, t_data):
    """Counting-sort transpose; rows are visited in order, so each output row stays sorted."""
    n_rows = indptr.size - 1
    nnz = indptr[n_rows]
    counts = np.zeros(n_cols + 1, dtype=np.int64)
    for jj in range(nnz):
        j = indices[jj]
        if j < 0 or j >= n_cols:
            return False
        counts[j + 1] += 1
    for j in range(n_cols):
        counts[j + 1] += counts[j]
    for j in range(n_cols + 1):
        t_indptr[j] = counts[j]
    for i in range(n_rows):
        for jj in range(indptr[i], indptr[i + 1]):
            j = indices[jj]
            dest = counts[j]
            t_indices[dest] = i
            t_data[dest] = data[jj]
            counts[j] = dest + 1
    return True


@njit(parallel=True, cache=True)
def _permute_kernel(indptr, indices, data, perm, inv, new_indptr, new_indices, new_data):
    """Rows ``perm`` of ``A`` with columns renamed by ``inv``, each row sorted again."""
    n = perm.size
    for r in prange(n):
        old = perm[r]
        s = indptr[old]
        e = indptr[old + 1]
        d = new_indptr[r]
        m = e - s
        cols = np.empty(m, dtype=np.int64)
        for t in range(m):
            cols[t] = inv[indices[s + t]]
        order = np.argsort(cols, kind="mergesort")
        for t in range(m):
            new_indices[d + t] = cols[order[t]]
            new_data[d + t] = data[s + order[t]]


# ------------------------------------------------------------------------------ public helpers
def _check_csr_arrays(indptr: Any, indices: Any, data: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    indptr = np.asarray(indptr)
    indices = np.asarray(indices)
    data = np.asarray(data)
    for name, arr in (("indptr", indptr), ("indices", indices)):
        if arr.ndim != 1 or arr.dtype.kind not in "iu":
            raise TypeError(f"{name} must be a 1-D integer array, got {arr.dtype} with shape {arr.shape}.")
    if data.ndim != 1:
        raise ValueError(f"data must be 1-D, got shape {data.shape}.")
    if data.dtype.kind not in "biuf":
        raise TypeError(f"data must hold real numbers, got dtype {data.dtype}.")
    if indptr.size < 1:
        raise ValueError("indptr must have at least one entry (n_rows + 1 entries).")
    if indices.size != data.size:
        raise ValueError(f"indices and data differ in length ({indices.size} != {data.size}).")
    if int(indptr[0]) != 0 or int(indptr[-1]) > indices.size:
        raise ValueError(
            f"indptr must start at 0 and end at most at nnz={indices.size}, "
            f"got indptr[0]={int(indptr[0])}, indptr[-1]={int(indptr[-1])}."
        )
    # numba compiles one specialisation per dtype; keep that set small and canonical
    if indptr.dtype not in (np.int32, np.int64):
        indptr = indptr.astype(np.int64)
    if indices.dtype not in (np.int32, np.int64):
        indices = indices.astype(np.int64)
    return indptr, indices, data


def _check_block(X: Any, name: str = "X") -> tuple[np.ndarray, bool]:
    X = np.asarray(X)
    if X.ndim not in (1, 2):
        raise ValueError(f"{name} must be 1-D or 2-D, got {X.ndim} dimensions.")
    if X.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {X.dtype}.")
    vector = X.ndim == 1
    if vector:
        X = X[:, None]
    return X, vector


def _result_dtype(data: np.ndarray, X: np.ndarray) -> np.dtype:
    dtype = np.result_type(data.dtype, X.dtype)
    # integer or bool inputs (and float16) compute in float64, as scipy does for them
    return dtype if dtype in _FLOATS else np.dtype(np.float64)


# ------------------------------------------------------------------- choosing the loop variant
# The best loop differs between CPUs (how many cache misses one core keeps in flight, how its
# hardware prefetchers and page walkers treat gathers), so nothing below is tuned to one CPU:
# the candidates span a range, and the first large product for a given shape class times them
# on its own rows and keeps the fastest for the rest of the process (see :func:`_probe`).
_PREFETCH_LINES = (0, 8, 16, 32)  # candidate prefetch depths, in cache lines of X ahead
_PROBE_ROUNDS = 3  # every candidate is timed this many times (interleaved); the median counts
_PROBE_SLICE_WORK = 1 << 21  # (nnz + rows) * k of one probe slice per thread, at most ...
_PROBE_MIN_SLICE_WORK = 1 << 17  # ... and at least (a shorter slice times mostly the call)
_DEFAULT_PLAN = (0, 0)  # no decision yet and too small to probe: scipy's own loop
_PLANS: dict = {}


@functools.lru_cache(maxsize=1)
def _cache_sizes() -> tuple[int, int]:
    """(L2 bytes of one core, last-level cache bytes) read from sysfs; 0 where unknown."""
    sizes = {}
    for d in Path("/sys/devices/system/cpu/cpu0/cache").glob("index*"):
        try:
            if (d / "type").read_text().strip() == "Instruction":
                continue
            level = int((d / "level").read_text())
            text = (d / "size").read_text().strip().upper()
        except (OSError, ValueError):
            continue
        mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(text[-1:], 1)
        try:
            sizes[level] = int(text.rstrip("KMG")) * mult
        except ValueError:
            continue
    return sizes.get(2, 0), sizes[max(sizes)] if sizes else 0


def _regime(x_bytes: int) -> int:
    """Where the block ``X`` lives: 0 in a core's L2, 1 in the last-level cache, 2 beyond
    (-1 when the cache sizes are unknown): one decision per regime."""
    l2, llc = _cache_sizes()
    if not llc:
        return -1
    return 0 if x_bytes <= l2 else (1 if x_bytes <= llc else 2)


def _candidates(k: int, itemsize: int) -> list[tuple[int, int]]:
    """``(form, prefetch distance in nonzeros)`` pairs to try for ``k`` columns."""
    lines = -(-k * itemsize // _CACHE_LINE)
    dists = sorted({max(1, -(-depth // lines)) if depth else 0 for depth in _PREFETCH_LINES})
    forms = (0,) + ((2,) if k >= _LANES else ()) + ((1,) if k >= 16 else ())
    return [(f, d) for f in forms for d in dists]


def spmm_plans() -> dict:
    """The loop variants chosen so far in this process, one per shape class.

    Returns
    -------
    plans : dict
        ``{(data dtype, index dtype, X dtype, k, threads, regime): {"form", "distance",
        "scores"}}``: ``form`` ``"row"`` (each row summed in its output row), ``"vector"``
        (the same by explicit 8-column vector steps) or ``"blocked"`` (16 columns at a time
        summed in registers), ``distance`` the prefetch distance in
        nonzeros (0: none), ``scores`` the median seconds per unit of work of each candidate
        in the probe; ``regime`` 0/1/2 means ``X`` fits in L2 / the last-level cache / neither.

    Examples
    --------
    >>> isinstance(spmm_plans(), dict)
    True
    """
    names = {0: "row", 1: "blocked", 2: "vector"}
    return {
        key: {
            "form": names[p[0]],
            "distance": p[1],
            "scores": {f"{names[f]}/{d}": s for (f, d), s in scores.items()},
        }
        for key, (p, scores) in _PLANS.items()
    }


def _run(args: tuple, r0: int, r1: int, plan: tuple[int, int], n_threads: int) -> int:
    """Rows ``r0:r1`` with ``plan``; returns the error code (0: none)."""
    indptr, indices, data, X, out, step, addend, beta, zero = args
    form, distance = plan
    if n_threads > 1:
        # several chunks per thread: prange hands each thread a contiguous run of chunks, and
        # the chunks have equal work, so the runs do too; more only add scheduling overhead
        n_chunks = int(max(1, min(r1 - r0, 8 * n_threads)))
        bounds = range_bounds(indptr, r0, r1, n_chunks)
        kernel = _spmm_kernel
    else:
        bounds = np.array([r0, r1], dtype=np.int64)
        kernel = _spmm_kernel_serial
    errors = np.zeros(bounds.size - 1, dtype=np.int8)
    kernel(indptr, indices, data, X, out, bounds, form, distance, step, errors, addend, beta, zero)
    return int(errors.max())


def _probe(args: tuple, n_rows: int, k: int, n_threads: int, cands: list) -> tuple:
    """Time the candidates on the first rows of the product itself and keep the fastest.

    The leading rows are cut into ``len(cands) * _PROBE_ROUNDS`` slices of equal work, and
    each slice is computed by one candidate (round-robin, the order rotated each round, so
    load from other processes and drift along the rows hit all alike); the score of a
    candidate is its median time per unit of work. The time is the CPU time of the process
    (all its threads), not the wall clock: on a loaded machine the threads are preempted at
    random, which the wall clock charges to whichever candidate was running, while the CPU time
    counts the cycles the candidate spent (memory stalls included). Every variant gives the same bits, so
    the probe is part of the product, not extra work: it costs only the time the slower
    candidates lose on their slices. Returns ``(plan, scores, first row not yet computed,
    error code)``, or None when the product is too small to cut into slices worth timing.
    """
    indptr = args[0]
    total = (int(indptr[-1]) + n_rows) * k
    n_slices = len(cands) * _PROBE_ROUNDS
    slice_work = min(_PROBE_SLICE_WORK * n_threads, total // (2 * n_slices))
    if slice_work < _PROBE_MIN_SLICE_WORK * n_threads or n_rows < 2 * n_slices:
        return None
    cuts = balanced_bounds(indptr, max(2 * n_slices, total // slice_work))
    times: dict = {c: [] for c in cands}
    code = 0
    for s in range(n_slices):
        r, v = divmod(s, len(cands))
        cand = cands[(v + r) % len(cands)]
        r0, r1 = int(cuts[s]), int(cuts[s + 1])
        work = int(indptr[r1]) + r1 - int(indptr[r0]) - r0
        t0 = time.process_time()
        code = max(code, _run(args, r0, r1, cand, n_threads))
        dt = time.process_time() - t0
        if work > 0:
            times[cand].append(dt / (work * k))
    scores = {c: float(np.median(t)) for c, t in times.items() if t}
    plan = min(scores, key=scores.get) if scores else None
    return plan, scores, int(cuts[n_slices]), code


# Padding a ragged block (k > 8 columns, k % 8 != 0) to whole vector steps costs two copies,
# O((n_rows + n_cols) k); the scalar read-modify-writes of the tail cost O(nnz (k % 8)).
# Measured (float64, 27 columns padded to 32, 2-core EPYC): S2CAG's attribute products
# X @ M, 200-650 non-zeros per row, 10.1 -> 6.2 ms (amazon_photo) and 8.9 -> 6.2 ms (wiki),
# copies included; graph products with a few non-zeros per row gain nothing. Hence padding
# only for rows of at least _PAD_MIN_ROW_NNZ non-zeros on average.
_PAD_MIN_ROW_NNZ = 32


def _pads(k: int, nnz: int, n_rows: int, n_cols: int) -> bool:
    """Whether :func:`csr_spmm` computes a ``k``-column product on a zero-padded copy."""
    return k > _LANES and k % _LANES != 0 and nnz >= _PAD_MIN_ROW_NNZ * (n_rows + n_cols)


def _check_addend(addend: Any, beta: Any, dtype: np.dtype, n_rows: int, k: int, out: Any):
    """The addend as a C-contiguous ``(n_rows, k)`` block of ``dtype`` and ``beta`` as a
    ``dtype`` scalar (see :func:`csr_spmm` for the rules)."""
    if not isinstance(beta, (int, float, np.integer, np.floating)) or isinstance(beta, (bool, np.bool_)):
        raise TypeError(f"beta must be a real number, got {type(beta).__name__}.")
    if not np.isfinite(beta):
        raise ValueError(f"beta must be finite, got {beta}.")
    if not isinstance(addend, np.ndarray):
        raise TypeError(f"addend must be a numpy array, got {type(addend).__name__}.")
    if addend.dtype not in _FLOATS:
        raise TypeError(f"addend must be float32 or float64, got dtype {addend.dtype}.")
    if not np.can_cast(addend.dtype, dtype, "safe"):
        raise TypeError(
            f"addend has dtype {addend.dtype}, which the result dtype {dtype} cannot hold exactly."
        )
    if addend.shape == (n_rows, k):
        add2 = addend
    elif k == 1 and addend.shape == (n_rows,):
        add2 = addend[:, None]
    else:
        raise ValueError(f"addend has shape {addend.shape}, the result has shape {(n_rows, k)}.")
    if out is not None and np.may_share_memory(add2, out):
        raise ValueError("addend must not share memory with out (out is zeroed before the addend is read).")
    # a float32 addend with a float64 result converts exactly, as numpy's promotion does
    add2 = np.ascontiguousarray(add2, dtype=dtype)
    return add2, dtype.type(beta)


def csr_spmm(
    indptr: Any,
    indices: Any,
    data: Any,
    X: Any,
    out: Any = None,
    *,
    addend: Any = None,
    beta: float = 0.0,
) -> np.ndarray:
    """``Y = A @ X (+ beta * addend)`` for a CSR matrix ``A = (data, indices, indptr)`` and a
    dense block ``X``.

    A parallel numba kernel over chunks of rows of equal work; its loop form and software
    prefetch distance are chosen at first use by a short probe (see the module docstring).

    Parameters
    ----------
    indptr, indices, data : ndarray
        The CSR arrays of ``A`` with ``n_rows + 1``, ``nnz`` and ``nnz`` entries. ``indices``
        and ``indptr`` may be int32 or int64; unsorted or duplicate column indices are fine
        (duplicates are summed, as in scipy).
    X : ndarray of shape (n_cols, k) or (n_cols,)
        Dense block; ``n_cols`` is taken from ``X.shape[0]``. float32 and float64 blocks are
        used as they are; other real dtypes are converted to the result dtype. A block that is
        not C-contiguous is copied to a C-contiguous one (the kernel gathers whole rows).
    out : ndarray of shape (n_rows, k), optional
        C-contiguous array of the result dtype that receives the result (it is overwritten, not
        accumulated into). It must not share memory with ``X`` or ``addend``.
    addend : ndarray of shape (n_rows, k), optional
        A float32 or float64 block (of the result's shape; ``(n_rows,)`` for a 1-D ``X``) whose
        dtype the result dtype holds exactly. Each finished row of ``A @ X`` gets
        ``addend[i, c] * beta`` added, the product rounded in the result dtype first: the
        result is bit-identical to numpy's ``Y = A @ X; tmp = addend * dtype.type(beta);
        Y += tmp`` (a fused Horner step ``P @ Q + c Y``, without the two extra sweeps over the
        block). It may share memory with ``X`` (both are only read), not with ``out`` (each
        row of ``out`` is zeroed before its addend is read). With an addend, ``beta * addend``
        is added even when ``beta == 0`` (as the two-step formula does: ``-0.0`` becomes
        ``+0.0`` and a NaN in ``addend`` propagates); leave ``addend=None`` to skip it.
    beta : float
        Finite scale of ``addend``, rounded to the result dtype (ignored without an addend).

    Returns
    -------
    Y : ndarray of shape (n_rows, k) (or (n_rows,) for a 1-D ``X``)
        ``A @ X (+ beta * addend)`` with dtype ``result_type(data, X)`` (float64 for integer
        inputs). The products and sums are done in that dtype: float32 ``X`` with float64
        ``data`` reads ``X`` as float32 (half the memory traffic) and accumulates in float64,
        which gives scipy's float64 result to rounding. Sums run over each row in CSR order,
        as scipy's.

    Raises
    ------
    TypeError
        Non-integer index arrays, complex or non-numeric values; an addend that is not a
        float32/float64 numpy array or that the result dtype cannot hold; a non-real ``beta``.
    ValueError
        Inconsistent lengths, a decreasing ``indptr``, a column index outside
        ``[0, X.shape[0])``, a bad ``out``, an addend of the wrong shape or sharing memory with
        ``out``, a non-finite ``beta``.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> A = sp.random(100, 80, density=0.05, format="csr", random_state=0)
    >>> X = np.random.default_rng(0).standard_normal((80, 4))
    >>> Y = csr_spmm(A.indptr, A.indices, A.data, X)
    >>> bool(np.allclose(Y, A @ X, rtol=1e-12, atol=0))
    True
    >>> B = np.ones((100, 4))
    >>> Z = csr_spmm(A.indptr, A.indices, A.data, X, addend=B, beta=0.5)
    >>> bool(np.array_equal(Z, (A @ X) + B * 0.5))
    True
    """
    indptr, indices, data = _check_csr_arrays(indptr, indices, data)
    n_rows = indptr.size - 1
    X, vector = _check_block(X)
    n_cols = X.shape[0]
    dtype = _result_dtype(data, X)
    if X.dtype not in _FLOATS:
        X = X.astype(dtype)
    if not X.flags.c_contiguous:
        X = np.ascontiguousarray(X)
    if data.dtype not in _FLOATS:
        data = data.astype(dtype)
    k = X.shape[1]

    if out is None:
        out2 = np.empty((n_rows, k), dtype=dtype)
    else:
        if not isinstance(out, np.ndarray):
            raise TypeError(f"out must be a numpy array, got {type(out).__name__}.")
        if out.dtype != dtype:
            raise ValueError(f"out has dtype {out.dtype}, the result dtype is {dtype}.")
        if out.shape == (n_rows, k):
            out2 = out
        elif k == 1 and out.shape == (n_rows,):
            out2 = out[:, None]
        else:
            raise ValueError(f"out has shape {out.shape}, the result has shape {(n_rows, k)}.")
        if not out2.flags.c_contiguous or not out2.flags.writeable:
            raise ValueError("out must be a writeable C-contiguous array.")
        if np.may_share_memory(out2, X):  # bounds test only: O(1)
            raise ValueError("out must not share memory with X (it is written while X is read).")
    fuse = addend is not None
    if fuse:
        add2, beta_ = _check_addend(addend, beta, dtype, n_rows, k, out)
    else:
        add2, beta_ = None, dtype.type(0)
    if _pads(k, int(indptr[-1]), n_rows, n_cols):
        # a ragged block of long rows: compute on a copy zero-padded to whole vector steps (a
        # zero column adds nothing to the others, so the bits are the same)
        width = -(-k // _LANES) * _LANES
        Xp = np.zeros((n_cols, width), dtype=X.dtype)
        Xp[:, :k] = X
        addp = None
        if fuse:
            addp = np.zeros((n_rows, width), dtype=dtype)
            addp[:, :k] = add2
        Yp = csr_spmm(indptr, indices, data, Xp, addend=addp, beta=beta_)
        out2[...] = Yp[:, :k]
        return _finish(out, out2, vector)
    if n_rows == 0 or k == 0:
        out2[...] = 0
        if fuse:
            out2 += add2 * beta_
        return _finish(out, out2, vector)

    work = (int(indptr[-1]) + n_rows) * k
    n_threads = numba.get_num_threads() if work >= _SERIAL_WORK else 1
    args = (indptr, indices, data, X, out2, max(1, _CACHE_LINE // X.itemsize), add2, beta_, dtype.type(0))
    key = (data.dtype.str, indices.dtype.str, X.dtype.str, k, n_threads, _regime(X.nbytes))
    code, r0 = 0, 0
    entry = _PLANS.get(key)
    if entry is None:
        probed = _probe(args, n_rows, k, n_threads, _candidates(k, X.itemsize))
        if probed is not None and probed[0] is not None:
            plan, scores, r0, code = probed
            _PLANS[key] = entry = (plan, scores)
        elif probed is not None:  # nothing could be timed: the rows done stay done
            r0, code = probed[2], probed[3]
    plan = entry[0] if entry is not None else _DEFAULT_PLAN
    code = max(code, _run(args, r0, n_rows, plan, n_threads))
    if code == 1:
        raise ValueError("indptr must be non-decreasing and within [0, nnz].")
    if code == 2:
        raise ValueError(f"indices must lie in [0, {n_cols}) (the number of rows of X).")
    return _finish(out, out2, vector)


def _finish(out: Any, out2: np.ndarray, vector: bool) -> np.ndarray:
    if out is not None:
        return out
    return out2[:, 0] if vector else out2


def csr_transpose(
    indptr: Any, indices: Any, data: Any, n_cols: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR arrays of ``A^T`` (an O(nnz + n) counting sort; indices come out sorted).

    Parameters
    ----------
    indptr, indices, data : ndarray
        CSR arrays of ``A`` (``n_rows`` x ``n_cols``).
    n_cols : int
        Number of columns of ``A`` (rows of ``A^T``).

    Returns
    -------
    t_indptr, t_indices, t_data : ndarray
        CSR arrays of ``A^T``, with the index dtype of ``indices`` (int64 when ``nnz`` or the
        dimensions need it).

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> A = sp.random(5, 3, density=0.5, format="csr", random_state=1)
    >>> p, i, d = csr_transpose(A.indptr, A.indices, A.data, 3)
    >>> bool(np.allclose(sp.csr_array((d, i, p), shape=(3, 5)).toarray(), A.T.toarray()))
    True
    """
    indptr, indices, data = _check_csr_arrays(indptr, indices, data)
    n_cols = int(n_cols)
    if n_cols < 0:
        raise ValueError(f"n_cols must be non-negative, got {n_cols}.")
    n_rows = indptr.size - 1
    nnz = int(indptr[-1])
    if np.any(np.diff(indptr) < 0):
        raise ValueError("indptr must be non-decreasing.")
    big = max(nnz, n_rows, n_cols) > np.iinfo(np.int32).max
    idx_dtype = np.int64 if big else indices.dtype
    t_indptr = np.empty(n_cols + 1, dtype=idx_dtype)
    t_indices = np.empty(nnz, dtype=idx_dtype)
    t_data = np.empty(nnz, dtype=data.dtype)
    if not _transpose_kernel(indptr, indices, data, n_cols, t_indptr, t_indices, t_data):
        raise ValueError(f"indices must lie in [0, {n_cols}) (n_cols).")
    return t_indptr, t_indices, t_data


def _column_slices(k: int, n_threads: int) -> np.ndarray:
    """Column boundaries of the slices of a ``k``-column block, one per thread at most, cut at
    multiples of the vector width (only the last slice can have a ragged tail)."""
    units = -(-k // _LANES)
    n_slices = max(1, min(n_threads, units))
    per = -(-units // n_slices)
    return np.unique(np.minimum(np.arange(0, units + per, per, dtype=np.int64) * _LANES, k))


def csr_spmm_t(indptr: Any, indices: Any, data: Any, X: Any, n_cols: int) -> np.ndarray:
    """``A^T @ X`` for a CSR matrix ``A`` (``n_rows`` x ``n_cols``) and a block ``X`` with
    ``n_rows`` rows, without forming ``A^T``.

    A scatter over the nonzeros (``Y[indices[jj]] += data[jj] * X[i]``, rows ``i`` ascending,
    the order of scipy's CSC product ``A.T @ X``, so the result is the same to the bit), in
    parallel over column slices of ``X`` cut at multiples of 8 columns: each thread copies its
    slice of ``X`` (zero-padded to whole vector steps: a zero column changes no other) and
    scatters into a private ``n_cols x width`` block, so threads never write the same cache
    line and no transpose is built. Each thread reads all of ``A``. Measured on
    the 2-core EPYC (S2CAG's attribute products, ``X^T M`` with 27 columns, float64; wiki's
    2,405 x 4,973 attributes with 1.56M nonzeros): about half the time of scipy's CSC
    product, and as fast as :func:`csr_spmm` on an explicit transpose, which itself costs a
    few products' time (``benchmarks/attribute_products.py``). Callers that multiply by ``A^T`` many times with
    the same narrow block may still prefer the transpose once and :func:`csr_spmm`; for a
    symmetric ``A`` (undirected graphs) ``A^T @ X`` is ``csr_spmm(indptr, indices, data, X)``.
    Extra memory: about the size of ``X`` and of the result.

    Parameters
    ----------
    indptr, indices, data : array_like
        CSR arrays of ``A``.
    X : numpy.ndarray of shape (n_rows, k) or (n_rows,)
        Dense block (float32 / float64 used as they are; other real dtypes converted to the
        result dtype).
    n_cols : int
        Number of columns of ``A``.

    Returns
    -------
    numpy.ndarray of shape (n_cols, k) or (n_cols,)
        dtype ``result_type(data, X)`` (float64 for integer inputs).

    Raises
    ------
    ValueError
        ``X`` without ``n_rows`` rows, a negative ``n_cols``, a decreasing ``indptr`` or a
        column index outside ``[0, n_cols)``.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> A = sp.random(30, 20, density=0.2, format="csr", random_state=2)
    >>> X = np.ones((30, 2))
    >>> bool(np.allclose(csr_spmm_t(A.indptr, A.indices, A.data, X, 20), A.T @ X))
    True
    """
    indptr_, indices_, data_ = _check_csr_arrays(indptr, indices, data)
    n_rows = indptr_.size - 1
    Xa, vector = _check_block(X)
    if Xa.shape[0] != n_rows:
        raise ValueError(f"X must have n_rows={n_rows} rows (1-D or 2-D), got shape {np.shape(X)}.")
    n_cols = int(n_cols)
    if n_cols < 0:
        raise ValueError(f"n_cols must be non-negative, got {n_cols}.")
    dtype = _result_dtype(data_, Xa)
    if Xa.dtype not in _FLOATS:
        Xa = Xa.astype(dtype)
    if data_.dtype not in _FLOATS:
        data_ = data_.astype(dtype)
    k = Xa.shape[1]
    out = np.empty((n_cols, k), dtype=dtype)
    if k and n_rows:
        work = (int(indptr_[-1]) + n_rows) * k
        n_threads = numba.get_num_threads() if work >= _SERIAL_WORK else 1
        bounds = _column_slices(k, n_threads)
        if bounds.size > 2:
            errors = np.zeros(bounds.size - 1, dtype=np.int8)
            _scatter_kernel(indptr_, indices_, data_, Xa, out, bounds, errors, dtype.type(0))
            code = int(errors.max())
        elif k % _LANES == 0 or k < _LANES:  # one slice, no ragged tail worth padding: no copy
            code = _scatter_columns(indptr_, indices_, data_, np.ascontiguousarray(Xa), out, dtype.type(0))
        else:  # one slice, without waking the thread pool
            code = _scatter_slice(indptr_, indices_, data_, Xa, out, 0, k, dtype.type(0))
        if code == 1:
            raise ValueError("indptr must be non-decreasing and within [0, nnz].")
        if code == 2:
            raise ValueError(f"indices must lie in [0, {n_cols}) (n_cols).")
    else:
        out[...] = 0
    return out[:, 0] if vector else out


# ------------------------------------------------------------------------------ node orderings
def locality_order(A: Any, method: str = "rcm") -> np.ndarray:
    """A node order that puts the rows gathered together close in memory.

    Parameters
    ----------
    A : scipy.sparse matrix or array, square
        The adjacency (structure only is used). For ``"rcm"`` it should be structurally
        symmetric (an undirected graph); for a directed graph, pass ``A + A.T``.
    method : {"rcm", "degree"}
        ``"rcm"``: reverse Cuthill-McKee (``scipy.sparse.csgraph.reverse_cuthill_mckee``), a
        BFS order that narrows the band of ``A``, so the rows of ``X`` touched by neighbouring
        rows are neighbours too; it pays on graphs with geometric or community structure.
        ``"degree"``: nodes by decreasing degree (ties by index), which packs the most
        gathered rows ("hubs") into a small, cache-resident part of ``X``; it pays on
        heavy-tailed degree distributions. Neither helps on a uniformly random graph, where no
        order has locality.

    Returns
    -------
    perm : int64 ndarray of shape (n,)
        ``perm[new] = old``. Use with :func:`permute_symmetric`: with ``B = P A P^T`` and
        ``Xp = X[perm]``, ``(A @ X)[perm] == B @ Xp``.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> A = sp.random(40, 40, density=0.1, format="csr", random_state=0)
    >>> A = (A + A.T).tocsr()
    >>> perm = locality_order(A)
    >>> sorted(perm.tolist()) == list(range(40))
    True
    """
    import scipy.sparse as sp

    if not sp.issparse(A):
        raise TypeError(f"A must be a scipy sparse matrix or array, got {type(A).__name__}.")
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"A must be square, got shape {A.shape}.")
    A = sp.csr_array(A)
    if method == "rcm":
        from scipy.sparse.csgraph import reverse_cuthill_mckee

        return np.asarray(reverse_cuthill_mckee(A, symmetric_mode=True), dtype=np.int64)
    if method == "degree":
        deg = np.diff(A.indptr)
        return np.argsort(-deg, kind="stable").astype(np.int64)
    raise ValueError(f"method must be 'rcm' or 'degree', got {method!r}.")


def permute_symmetric(
    indptr: Any, indices: Any, data: Any, perm: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR arrays of ``P A P^T`` (rows and columns renumbered by ``perm[new] = old``).

    Column indices come out sorted within each row. The input arrays are not modified.

    Parameters
    ----------
    indptr, indices, data : array_like
        CSR arrays of the square matrix ``A``.
    perm : array_like of int
        The new order: ``perm[new] = old``.

    Returns
    -------
    indptr, indices, data : numpy.ndarray

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> A = sp.random(6, 6, density=0.4, format="csr", random_state=3)
    >>> perm = np.array([5, 3, 1, 0, 2, 4])
    >>> p, i, d = permute_symmetric(A.indptr, A.indices, A.data, perm)
    >>> B = sp.csr_array((d, i, p), shape=(6, 6))
    >>> bool(np.allclose(B.toarray(), A.toarray()[perm][:, perm]))
    True
    """
    indptr, indices, data = _check_csr_arrays(indptr, indices, data)
    n = indptr.size - 1
    perm = np.asarray(perm)
    if perm.shape != (n,) or perm.dtype.kind not in "iu":
        raise ValueError(f"perm must be an integer array of shape ({n},), got {perm.dtype} {perm.shape}.")
    perm = perm.astype(np.int64)
    inv = np.full(n, -1, dtype=np.int64)
    if n and (perm.min() < 0 or perm.max() >= n):
        raise ValueError("perm must be a permutation of 0..n-1.")
    inv[perm] = np.arange(n, dtype=np.int64)
    if np.any(inv < 0):
        raise ValueError("perm must be a permutation of 0..n-1.")
    if np.any(np.diff(indptr) < 0):
        raise ValueError("indptr must be non-decreasing.")
    if indices.size and (indices.min() < 0 or indices.max() >= n):
        raise ValueError(f"indices must lie in [0, {n}) for a square matrix.")
    row_nnz = np.diff(indptr)[perm]
    new_indptr = np.zeros(n + 1, dtype=indptr.dtype)
    np.cumsum(row_nnz, out=new_indptr[1:])
    nnz = int(new_indptr[-1])
    new_indices = np.empty(nnz, dtype=indices.dtype)
    new_data = np.empty(nnz, dtype=data.dtype)
    _permute_kernel(indptr, indices, data, perm, inv, new_indptr, new_indices, new_data)
    return new_indptr, new_indices, new_data
