"""The row-partitioned operator: the core protocol's ``matmat`` with a halo exchange."""
from __future__ import annotations

from typing import Any

import numpy as np

from .blocks import BlockVector

__all__ = ["DistributedOperator", "DistributedWeightedSum"]


def _extract(X: np.ndarray, index: np.ndarray) -> np.ndarray:
    """On the owner's worker: the rows another block needs (only those travel)."""
    return X[index]


def _local_product(block: Any, X: np.ndarray, *halos: np.ndarray) -> np.ndarray:
    """On block ``i``'s worker: ``A_i @ [X_i; halo rows]`` with the compact columns."""
    from ..sparse import spmm

    Xc = np.vstack((X,) + halos) if halos else X
    return spmm(block.matrix, np.ascontiguousarray(Xc))


def _weighted_product(weights: list, n_halos: int, X: np.ndarray, *rest: Any) -> np.ndarray:
    """On block ``i``'s worker: ``sum_r w_r A_r,i @ [X_i; halo rows]``, one halo for all terms
    (the blocks share the compact columns of the union pattern)."""
    from ..sparse import spmm

    halos, blocks = rest[:n_halos], rest[n_halos:]
    Xc = np.ascontiguousarray(np.vstack((X,) + halos) if halos else X)
    out = None
    for w, block in zip(weights, blocks):
        if w == 0.0:
            continue
        term = spmm(block.matrix, Xc)
        if out is None:
            out = term if w == 1.0 else term * term.dtype.type(w)
        else:
            out += term * term.dtype.type(w) if w != 1.0 else term
    if out is None:
        out = np.zeros((blocks[0].matrix.shape[0], X.shape[1]), dtype=np.result_type(blocks[0].matrix.dtype, X.dtype))
    return out


def _row_sums(block: Any) -> np.ndarray:
    return np.asarray(block.matrix.sum(axis=1), dtype=np.float64).ravel()[:, None]


def _scale_block(block: Any, left: np.ndarray, right: np.ndarray) -> Any:
    """``diag(left) A_i diag(right)`` with ``right`` over the compact columns."""
    import dataclasses

    import scipy.sparse as sp

    M = block.matrix
    rows = np.repeat(np.arange(M.shape[0]), np.diff(M.indptr))
    data = M.data * left[rows, 0] * right[M.indices, 0]
    return dataclasses.replace(block, matrix=sp.csr_array((data, M.indices, M.indptr), shape=M.shape))


def _stack(X: np.ndarray, *halos: np.ndarray) -> np.ndarray:
    return np.vstack((X,) + halos) if halos else X


class DistributedOperator:
    """A square sparse matrix held as row blocks on Dask workers (the core operator protocol).

    ``matmat(X)`` takes and returns a :class:`BlockVector` of the same partition. For every
    pair of blocks ``(i, j)`` with a non-empty halo, a task on worker ``j`` extracts the rows
    block ``i`` needs; the product task on worker ``i`` receives them (worker to worker), so
    each worker gets only those rows and nothing of size ``n`` passes through the client.
    :attr:`bytes_per_column` is what one product ships per column of ``X``.

    Parameters
    ----------
    graph : DistributedGraph
    blocks : list of Futures, optional
        Row blocks to apply (default: the graph's adjacency blocks).

    Examples
    --------
    >>> op = DistributedOperator(dgraph)            # doctest: +SKIP
    >>> Y = op.matmat(BlockVector.random(dgraph, 4, seed=0))   # doctest: +SKIP
    """

    device = "cpu"

    def __init__(self, graph: Any, blocks: list | None = None) -> None:
        self.graph = graph
        self.blocks = list(graph.blocks if blocks is None else blocks)
        self.shape = (graph.n_nodes, graph.n_nodes)
        self.dtype = np.dtype(graph.dtype)

    @property
    def halo_rows(self) -> int:
        """Rows shipped between workers per product (the partition's halo)."""
        return int(self.graph.halo_sizes.sum())

    def _halo_parts(self, X: BlockVector, i: int, block_owners: list) -> list:
        g = self.graph
        return [g.client.submit(_extract, X.parts[j], g.halo_index[(i, j)], workers=[g.workers[j]],
                                allow_other_workers=False, pure=False)
                for j in block_owners]

    def matmat(self, X: BlockVector, out: Any = None) -> BlockVector:
        """``A @ X`` for a BlockVector ``X`` of the same partition (``out`` is not used).

        Parameters
        ----------
        X : BlockVector
            Block of the same partition.
        out : None
            Not used (the result is a new BlockVector).
        """
        return self._blockwise(X, _local_product, lambda i, halos: (self.blocks[i], X.parts[i], *halos))

    def _blockwise(self, X: BlockVector, task: Any, arguments: Any) -> BlockVector:
        """One ``task`` per row block ``i`` on its worker, called with ``arguments(i, halos)``
        (``halos``: the futures of the rows of ``X`` that block ``i`` needs from the others)."""
        g = self.graph
        if not isinstance(X, BlockVector) or not g.same_rows(X.graph):
            raise TypeError(f"{type(self).__name__}.matmat takes a BlockVector of the same partition.")
        parts = []
        for i in range(g.n_parts):
            owners = [j for j in range(g.n_parts) if g.halo_sizes[i, j] > 0]
            halos = self._halo_parts(X, i, owners)
            parts.append(g.client.submit(task, *arguments(i, halos), workers=[g.workers[i]],
                                         allow_other_workers=False, pure=False))
        return BlockVector(g, parts, X.shape[1], np.result_type(self.dtype, X.dtype))

    def row_sums(self) -> BlockVector:
        """Row sums (weighted degrees for an adjacency) as an ``n x 1`` BlockVector."""
        g = self.graph
        parts = [g.client.submit(_row_sums, b, workers=[w], allow_other_workers=False, pure=False)
                 for b, w in zip(self.blocks, g.workers)]
        return BlockVector(g, parts, 1, np.float64)

    def scaled(self, left: BlockVector, right: BlockVector) -> "DistributedOperator":
        """``diag(left) A diag(right)`` built on the workers (``right``'s halo shipped once).

        Parameters
        ----------
        left, right : BlockVector
            Row and column scales (``n x 1``), of the same partition.
        """
        g = self.graph
        blocks = []
        for i in range(g.n_parts):
            owners = [j for j in range(g.n_parts) if g.halo_sizes[i, j] > 0]
            halos = self._halo_parts(right, i, owners)
            cols = g.client.submit(_stack, right.parts[i], *halos, workers=[g.workers[i]],
                                   allow_other_workers=False, pure=False)
            blocks.append(g.client.submit(_scale_block, self.blocks[i], left.parts[i], cols,
                                          workers=[g.workers[i]], allow_other_workers=False, pure=False))
        return DistributedOperator(g, blocks)

    def astype(self, dtype: Any) -> "DistributedOperator":
        """The operator with its blocks converted to ``dtype`` on the workers.

        Parameters
        ----------
        dtype : numpy dtype
            Target dtype.
        """
        dtype = np.dtype(dtype)
        if dtype == self.dtype:
            return self
        g = self.graph
        blocks = [g.client.submit(_cast_block, b, dtype, workers=[w], allow_other_workers=False, pure=False)
                  for b, w in zip(self.blocks, g.workers)]
        op = DistributedOperator(g, blocks)
        op.dtype = dtype
        return op


def _cast_block(block: Any, dtype: Any) -> Any:
    import dataclasses

    return dataclasses.replace(block, matrix=block.matrix.astype(dtype))


class DistributedWeightedSum(DistributedOperator):
    """``sum_r w_r A_r`` over row blocks that share one compact column layout (the union of
    the terms' patterns, :class:`~graphclust.distributed.DistributedMultiplexGraph`): one halo
    exchange per product for all terms, then the weighted sum of the local products on each
    worker. The weights live in a float64 array changed in place (:meth:`set_weights`), as in
    :class:`graphclust.operators.WeightedSum`; a term of weight 0 is skipped.

    Parameters
    ----------
    graph : DistributedGraph
        Its halo lists are those of the union pattern.
    terms : list of lists of Futures
        ``terms[r][i]``: term ``r``'s row block ``i`` in the union's compact columns.
    weights : sequence of float, optional
        Default: all ones.
    dtype : numpy dtype, optional
        Of the terms (default: the graph's).

    Examples
    --------
    >>> op = dmg.weighted_sum([0.5, 0.3, 0.2])          # doctest: +SKIP
    >>> op.set_weights([0.6, 0.2, 0.2]); Y = op.matmat(BlockVector.random(dmg, 8, seed=0))  # doctest: +SKIP
    """

    def __init__(self, graph: Any, terms: list, weights: Any = None, dtype: Any = None) -> None:
        super().__init__(graph, terms[0])
        if dtype is not None:
            self.dtype = np.dtype(dtype)
        self.terms = [list(t) for t in terms]
        self.weights = np.ones(len(self.terms))
        if weights is not None:
            self.set_weights(weights)

    def set_weights(self, weights: Any) -> None:
        """Replace the weights in place (finite reals, one per term).

        Parameters
        ----------
        weights : sequence of float
        """
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != self.weights.shape or not np.all(np.isfinite(w)):
            raise ValueError(f"weights must be {self.weights.size} finite numbers, got {w.tolist()}.")
        self.weights[...] = w

    def term(self, r: int) -> DistributedOperator:
        """Term ``r`` alone (it exchanges the union's halo).

        Parameters
        ----------
        r : int
            Index of the term (relation).
        """
        return DistributedOperator(self.graph, self.terms[r])

    def matmat(self, X: BlockVector, out: Any = None) -> BlockVector:
        """``sum_r w_r A_r @ X`` for a BlockVector of the same partition (``out`` is not used).

        Parameters
        ----------
        X : BlockVector
            Block of the same partition.
        out : None
            Not used (the result is a new BlockVector).
        """
        w = self.weights.tolist()  # the weights of this call, whatever set_weights does later
        return self._blockwise(X, _weighted_product, lambda i, halos: (
            w, len(halos), X.parts[i], *halos, *[t[i] for t in self.terms]))
