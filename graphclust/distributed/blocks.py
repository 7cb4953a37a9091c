"""A tall dense block (``n x k``) held as row blocks on the workers that own those rows.

:class:`BlockVector` offers the few operations the solvers need, each one task per block
on the block's worker: ``X.T @ Y`` and column sums of squares reduced to the client
(``k x k`` only), ``X @ S`` for a small ``S``, linear combinations, a Cholesky-QR2 / SVQB
orthonormalization (the ``k x k`` factor on the client, the multiply on the workers), and a
random fill that does not depend on the number of workers: the rows are drawn in fixed
global chunks (:func:`graphclust.seeding.normal_rows`), chunk ``c`` from its own child of the seed.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from ..seeding import normal_rows

__all__ = ["BlockVector", "expand_rows"]

# ---------------------------------------------------------------- worker-side functions


def _gram(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    return X.astype(np.float64, copy=False).T @ Y.astype(np.float64, copy=False)


def _matmul(S: np.ndarray, X: np.ndarray) -> np.ndarray:
    return X @ S.astype(X.dtype, copy=False)


def _combine(coeffs: Sequence[float], *blocks: np.ndarray) -> np.ndarray:
    out = blocks[0] * blocks[0].dtype.type(coeffs[0])
    for c, B in zip(coeffs[1:], blocks[1:]):
        out += B * out.dtype.type(c)
    return out


def _columns(cols: Any, X: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(X[:, cols])


def _signed_column_max(X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per column: largest |entry|, its signed value and its row (first among equals)."""
    idx = np.argmax(np.abs(X), axis=0)
    vals = X[idx, np.arange(X.shape[1])]
    return np.abs(vals), vals, idx


def _local_qr(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.linalg.qr(X, mode="reduced")


def _local_r(qr: tuple) -> np.ndarray:
    return qr[1]


def _tsqr_apply(Q2: np.ndarray, qr: tuple) -> np.ndarray:
    return qr[0] @ Q2.astype(qr[0].dtype, copy=False)


def _scale_columns(scale: np.ndarray, X: np.ndarray) -> np.ndarray:
    return X * scale.astype(X.dtype)[None, :]


def _sumsq(X: np.ndarray) -> np.ndarray:
    X64 = X.astype(np.float64, copy=False)
    return (X64 * X64).sum(axis=0)


def _colsum(X: np.ndarray) -> np.ndarray:
    return X.astype(np.float64, copy=False).sum(axis=0)


def _power(p: float, X: np.ndarray) -> np.ndarray:
    return X ** X.dtype.type(p)


class BlockVector:
    """An ``n x k`` dense block held as row blocks on the workers of a :class:`DistributedGraph`.

    Parameters
    ----------
    graph : DistributedGraph
        Gives the row ranges and the worker of each block.
    parts : list of distributed.Future
        Block ``i``'s rows, an ndarray of shape ``(rows_i, k)`` on worker ``i``.
    n_cols : int
    dtype : numpy dtype
    """

    def __init__(self, graph: Any, parts: list, n_cols: int, dtype: Any) -> None:
        self.graph = graph
        self.parts = parts
        self.shape = (graph.n_nodes, int(n_cols))
        self.dtype = np.dtype(dtype)

    ndim = 2  # numpy's attribute, read by the operator protocol's shape checks

    # ------------------------------------------------------------ construction
    @classmethod
    def random(cls, graph: Any, k: int, seed: int, dtype: Any = np.float64) -> "BlockVector":
        """Standard normal ``n x k`` block of ``seed``, drawn by each worker for its rows
        (in the partition order: the same rows whatever the number of blocks).

        Parameters
        ----------
        graph : DistributedGraph
            The partition.
        k : int
            Number of columns.
        seed : int
            Seed of the block.
        dtype : numpy dtype, default float64
            dtype of the block.
        """
        client = graph.client
        parts = [
            client.submit(normal_rows, int(seed), int(graph.bounds[i]), int(graph.bounds[i + 1]), int(k), dtype,
                          workers=[graph.workers[i]], allow_other_workers=False, pure=False)
            for i in range(graph.n_parts)
        ]
        return cls(graph, parts, k, dtype)

    @classmethod
    def from_numpy(cls, graph: Any, X: np.ndarray) -> "BlockVector":
        """Scatter a host block (rows in the partition order) to the workers (tests, small inputs).

        Parameters
        ----------
        graph : DistributedGraph
            The partition.
        X : numpy.ndarray of shape (n, k)
            Host block, rows in the partition order.
        """
        X = np.asarray(X)
        X2 = X[:, None] if X.ndim == 1 else X
        parts = []
        for i in range(graph.n_parts):
            [fut] = graph.client.scatter([np.ascontiguousarray(X2[graph.bounds[i]:graph.bounds[i + 1]])],
                                         workers=[graph.workers[i]], hash=False)
            parts.append(fut)
        return cls(graph, parts, X2.shape[1], X2.dtype)

    def to_numpy(self) -> np.ndarray:
        """Gather the whole block to the client (partition order): for results and tests."""
        return np.vstack(self.graph.client.gather(self.parts))

    # ------------------------------------------------------------ blockwise work
    def _submit(self, func: Callable, *args: Any, others: Sequence["BlockVector"] = (), n_cols: int | None = None,
                dtype: Any = None) -> "BlockVector":
        # func(*args, X_i, *others_i): parameters first, then the blocks
        client = self.graph.client
        parts = [
            client.submit(func, *args, self.parts[i], *[o.parts[i] for o in others],
                          workers=[self.graph.workers[i]], allow_other_workers=False, pure=False)
            for i in range(self.graph.n_parts)
        ]
        return BlockVector(self.graph, parts, self.shape[1] if n_cols is None else n_cols,
                           self.dtype if dtype is None else dtype)

    def map_blocks(self, func: Callable, *others: "BlockVector", n_cols: int | None = None,
                   dtype: Any = None) -> "BlockVector":
        """``func(X_i, *others_i)`` on every block's worker: a new BlockVector.

        Parameters
        ----------
        func : callable
            Must be importable by the workers (a module-level function).
        *others : BlockVector
            Blocks of the same partition, passed after ``X_i``.
        n_cols, dtype : optional
            Of the result (default: those of ``self``).
        """
        return self._submit(func, others=others, n_cols=n_cols, dtype=dtype)

    def gram(self, other: "BlockVector | None" = None) -> np.ndarray:
        """``self.T @ other`` (float64, ``k1 x k2``, on the client): one partial per block, summed.

        Parameters
        ----------
        other : BlockVector, optional
            Right factor (default: ``self``).
        """
        other = self if other is None else other
        client = self.graph.client
        partials = [
            client.submit(_gram, self.parts[i], other.parts[i], workers=[self.graph.workers[i]],
                          allow_other_workers=False, pure=False)
            for i in range(self.graph.n_parts)
        ]
        return np.sum(client.gather(partials), axis=0)

    def _reduce(self, func: Callable) -> np.ndarray:
        client = self.graph.client
        partials = [client.submit(func, p, workers=[w], allow_other_workers=False, pure=False)
                    for p, w in zip(self.parts, self.graph.workers)]
        return np.sum(client.gather(partials), axis=0)

    def column_sumsq(self) -> np.ndarray:
        """Squared column norms (float64, on the client)."""
        return self._reduce(_sumsq)

    def sum(self, axis: int | None = None) -> Any:
        """Column sums (``axis=0``, float64 ``k``-vector) or the sum of all entries (``None``,
        a float), reduced to the client from one partial per block (numpy's ``sum``).

        Parameters
        ----------
        axis : {None, 0}, default=None
            0 for the column sums, None for the sum of all entries.
        """
        if axis not in (None, 0):
            raise ValueError("a BlockVector sums over its rows (axis=0) or over everything (axis=None).")
        cols = self._reduce(_colsum)
        return cols if axis == 0 else float(cols.sum())

    @property
    def T(self) -> "_Transposed":
        """``X.T``, only to be multiplied by a BlockVector of the same partition: ``X.T @ Y`` is
        :meth:`gram` (``k1 x k2`` on the client), so code written for arrays runs on blocks."""
        return _Transposed(self)

    def __pow__(self, p: float) -> "BlockVector":
        if np.ndim(p) != 0:
            raise TypeError("a BlockVector is raised to a scalar power only.")
        return self._submit(_power, float(p))

    def __matmul__(self, S: np.ndarray) -> "BlockVector":
        S = np.asarray(S)
        return self._submit(_matmul, S, n_cols=S.shape[1])

    def columns(self, cols: Any) -> "BlockVector":
        """The block of the given columns (a slice or an index array).

        Parameters
        ----------
        cols : slice or array_like of int
            The columns.
        """
        width = len(range(self.shape[1])[cols]) if isinstance(cols, slice) else len(cols)
        return self._submit(_columns, cols, n_cols=width)

    def combine(self, coeffs: Sequence[float], *others: "BlockVector") -> "BlockVector":
        """``coeffs[0] * self + sum_j coeffs[j] * others[j-1]`` (axpy and friends).

        Parameters
        ----------
        coeffs : sequence of float
            One coefficient for ``self`` and one for each of ``others``.
        *others : BlockVector
            Blocks of the same partition and width.
        """
        coeffs = [float(c) for c in coeffs]
        if len(coeffs) != 1 + len(others):
            raise ValueError("combine needs one coefficient per block.")
        return self._submit(_combine, coeffs, others=others)

    def scale_columns(self, scale: np.ndarray) -> "BlockVector":
        """Columns multiplied by ``scale`` (a host vector of length ``k``).

        Parameters
        ----------
        scale : numpy.ndarray of shape (k,)
            Factor of every column.
        """
        return self._submit(_scale_columns, np.asarray(scale))

    def column_signs(self) -> np.ndarray:
        """Sign of the entry of largest absolute value in each column (+1 for a zero column),
        the first such entry in row order: the rule of :func:`graphclust.solvers.randomized.svd_flip`."""
        g = self.graph
        futs = [g.client.submit(_signed_column_max, p, workers=[w], allow_other_workers=False, pure=False)
                for p, w in zip(self.parts, g.workers)]
        best_abs = np.full(self.shape[1], -1.0)
        best_val = np.zeros(self.shape[1])
        for absval, val, _ in g.client.gather(futs):  # blocks in row order: strict > keeps the first
            better = absval > best_abs
            best_abs[better], best_val[better] = absval[better], val[better]
        signs = np.sign(best_val)
        return np.where(signs == 0, 1.0, signs)

    # numpy-style arithmetic, so generic block code (Horner steps, axpy) runs on row blocks
    def __add__(self, other: "BlockVector") -> "BlockVector":
        return self.combine([1.0, 1.0], other)

    def __sub__(self, other: "BlockVector") -> "BlockVector":
        return self.combine([1.0, -1.0], other)

    def __mul__(self, scalar: float) -> "BlockVector":
        if isinstance(scalar, BlockVector) or np.ndim(scalar) != 0:
            raise TypeError("a BlockVector multiplies by a scalar (use scale_columns or @ for blocks).")
        return self.combine([float(scalar)])

    __rmul__ = __mul__

    def __truediv__(self, scalar: float) -> "BlockVector":
        return self * (1.0 / float(scalar))

    def astype(self, dtype: Any, copy: bool = True) -> "BlockVector":
        """The block in ``dtype`` (converted on the workers).

        Parameters
        ----------
        dtype : numpy dtype
            Target dtype.
        copy : bool, default True
            Convert even when the dtype already matches.
        """
        dtype = np.dtype(dtype)
        if dtype == self.dtype and not copy:
            return self
        return self._submit(_cast, dtype, dtype=dtype)

    def tsqr(self) -> "BlockVector":
        """Orthonormal factor of a Householder QR of the block, by TSQR (Demmel et al. 2012).

        Each worker factors its rows (``X_i = Q_i R_i``); the client factors the stacked
        ``R_i`` (``P b x b``); each worker multiplies its ``Q_i`` by its slice of that factor.
        As stable as Householder QR of the whole block (unlike Gram-based methods), so it serves
        ill-conditioned blocks too; columns agree with a single QR up to their signs.
        """
        g = self.graph
        local = [g.client.submit(_local_qr, p, workers=[w], allow_other_workers=False, pure=False)
                 for p, w in zip(self.parts, g.workers)]
        Rs = g.client.gather([g.client.submit(_local_r, f, workers=[w], allow_other_workers=False, pure=False)
                              for f, w in zip(local, g.workers)])
        Q2, _ = np.linalg.qr(np.vstack(Rs), mode="reduced")
        offsets = np.cumsum([0] + [R.shape[0] for R in Rs])
        parts = [g.client.submit(_tsqr_apply, Q2[offsets[i]:offsets[i + 1]], local[i], workers=[g.workers[i]],
                                 allow_other_workers=False, pure=False) for i in range(g.n_parts)]
        return BlockVector(g, parts, Q2.shape[1], self.dtype)

    def orthonormalize(self) -> "BlockVector":
        """Orthonormal basis of the columns by SVQB run twice (``k x k`` factor on the client).

        ``G = X^T X = U S U^T``; ``X <- X U S^{-1/2}``. Directions with ``S`` below
        ``1e-12 max S`` are dropped and refilled with random columns before the second pass
        (as the single-machine solver does), so a rank-deficient block still gives a full basis.
        """
        X = self
        for rnd in range(3):
            s, U = np.linalg.eigh(X.gram())
            floor = max(float(s[-1]), 1e-300) * 1e-12
            weak = s <= floor
            scale = 1.0 / np.sqrt(np.where(weak, 1.0, s))
            X = X @ (U * scale[None, :])
            if weak.any():
                fill = BlockVector.random(self.graph, int(weak.sum()), 1_000_003 + int(weak.sum()), self.dtype)
                keep = np.flatnonzero(~weak)
                X = _hstack(X.columns(keep), fill.combine([1.0 / np.sqrt(self.shape[0])]))
            elif rnd >= 1:
                break
        return X

    def __repr__(self) -> str:
        return f"BlockVector(shape={self.shape}, dtype={self.dtype}, n_parts={self.graph.n_parts})"


class _Transposed:
    """``X.T`` of a :class:`BlockVector`: ``X.T @ Y`` is ``X.gram(Y)``."""

    def __init__(self, X: BlockVector) -> None:
        self.X = X
        self.shape = X.shape[::-1]

    def __matmul__(self, Y: BlockVector) -> np.ndarray:
        if not isinstance(Y, BlockVector):
            raise TypeError("X.T of a BlockVector multiplies a BlockVector of the same partition only.")
        return self.X.gram(Y)


def _cast(dtype: Any, X: np.ndarray) -> np.ndarray:
    return X.astype(dtype)


def _hstack_blocks(*blocks: np.ndarray) -> np.ndarray:
    return np.hstack(blocks)


def _hstack(*vectors: BlockVector) -> BlockVector:
    """Columns of several BlockVectors of one partition side by side."""
    first = vectors[0]
    return first._submit(_hstack_blocks, others=vectors[1:], n_cols=sum(v.shape[1] for v in vectors))


def _take(rows: np.ndarray, X: np.ndarray) -> np.ndarray:
    return X[rows]


def _assemble(n_rows: int, n_cols: int, dtype: Any, positions: list, *pieces: np.ndarray) -> np.ndarray:
    out = np.zeros((n_rows, n_cols), dtype=dtype)
    for pos, piece in zip(positions, pieces):
        out[pos, :piece.shape[1]] = piece
    return out


def expand_rows(X: BlockVector, graph: Any, nodes: np.ndarray, n_cols: int | None = None) -> BlockVector:
    """A BlockVector of a subgraph's partition, moved onto a partition of the whole graph.

    Node ``s`` of the subgraph (``X.graph``, in its input order) is node ``nodes[s]`` of
    ``graph``'s input; its row of ``X`` becomes that node's row, the other rows (and columns
    past ``X``'s) are zero. The rows travel worker to worker (one task per pair of blocks that
    share rows), never through the client.

    Parameters
    ----------
    X : BlockVector
        On the subgraph's partition.
    graph : DistributedGraph
        The partition of the whole graph.
    nodes : array of int, shape (X.shape[0],)
        The subgraph's nodes, as nodes of ``graph``'s input.
    n_cols : int, optional
        Columns of the result (at least ``X``'s; default: ``X``'s).

    Returns
    -------
    BlockVector of shape (graph.n_nodes, n_cols)

    Examples
    --------
    >>> V = expand_rows(V_sub, dg, keep, n_cols=7)   # doctest: +SKIP
    """
    sub = X.graph
    nodes = np.asarray(nodes, dtype=np.int64)
    n_cols = X.shape[1] if n_cols is None else int(n_cols)
    if nodes.shape != (sub.n_nodes,) or n_cols < X.shape[1]:
        raise ValueError(f"nodes must hold one node of graph per row of X ({sub.n_nodes}), and n_cols at least "
                         f"X's {X.shape[1]} columns; got {nodes.shape} and {n_cols}.")
    src_rows = np.arange(sub.n_nodes) if sub.order is None else np.argsort(sub.order)  # partition rows of X
    dst_rows = nodes if graph.order is None else np.argsort(graph.order)[nodes]
    src = np.searchsorted(sub.bounds, src_rows, side="right") - 1
    dst = np.searchsorted(graph.bounds, dst_rows, side="right") - 1
    client = graph.client
    parts = []
    for i in range(graph.n_parts):
        mine = dst == i
        positions, pieces = [], []
        for j in np.unique(src[mine]):
            sel = mine & (src == j)
            pieces.append(client.submit(_take, src_rows[sel] - sub.bounds[j], X.parts[j], workers=[sub.workers[j]],
                                        allow_other_workers=False, pure=False))
            positions.append(dst_rows[sel] - graph.bounds[i])
        parts.append(client.submit(_assemble, graph.rows(i), n_cols, X.dtype, positions, *pieces,
                                   workers=[graph.workers[i]], allow_other_workers=False, pure=False))
    return BlockVector(graph, parts, n_cols, X.dtype)
