"""A multi-relational graph cut into row blocks: one row partition shared by every relation.

Every relation is cut by the same row ranges onto the same workers, and every relation's
block uses the compact columns of the *union* of the relations' patterns: the block's own
rows, then the halo of the union (the rows of other blocks that any relation's non-zeros
touch). A weighted sum of relations (DEMM+'s fused adjacency) then costs one halo exchange
per product, of the union's rows, instead of one per relation
(:class:`~graphclust.distributed.DistributedWeightedSum`). Node features stay on the client
with the source graph; methods scatter the rows they use.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from .partition import DistributedGraph, _Block, _split_block, cut_rows

__all__ = ["DistributedMultiplexGraph"]


@dataclass(repr=False)
class DistributedMultiplexGraph(DistributedGraph):
    """Relations over one node set, cut into shared row blocks on the workers of a Dask client.

    Build it with :func:`graphclust.distributed.partition` from a
    :class:`~graphclust.MultiplexGraph`. The fields of :class:`DistributedGraph` describe the
    shared partition (``halo_index`` / ``halo_sizes`` are those of the union pattern, ``nnz`` the
    union's stored entries per block); ``blocks`` are relation 0's.

    Attributes
    ----------
    client, n_nodes, bounds, workers, blocks, halo_index, halo_sizes, order, nnz, dtype, name, meta, source, \
order_kind, metis_seed
        As in :class:`DistributedGraph` (of the shared partition).
    relation_blocks : list of lists of Futures
        ``relation_blocks[r][i]``: relation ``r``'s rows of block ``i``, compact union columns.
    relation_names : list of str
    halo_columns : list of ndarray
        Per block, the sorted rows (partition order) of its union halo, kept on the client to
        cut further matrices of the same pattern (:meth:`scatter_relation`).

    Examples
    --------
    >>> import graphclust as gc, graphclust.distributed as gd           # doctest: +SKIP
    >>> dmg = gd.partition(gc.datasets.load("acm_multiplex"), client)     # doctest: +SKIP
    >>> labels = gc.DEMMPlus(3, random_state=0).fit_predict(dmg)         # doctest: +SKIP
    """

    relation_blocks: list = field(default_factory=list)
    relation_names: list = field(default_factory=list)
    halo_columns: list = field(default_factory=list, repr=False)

    @property
    def n_parts(self) -> int:
        return int(self.bounds.size - 1)

    @property
    def n_relations(self) -> int:
        return len(self.relation_blocks)

    def relation_operator(self, r: int) -> Any:
        """Relation ``r`` as a :class:`DistributedOperator` (it exchanges the union's halo).

        Parameters
        ----------
        r : int
        """
        from .operator import DistributedOperator

        return DistributedOperator(self, self.relation_blocks[r])

    def weighted_sum(self, weights: Any = None, terms: list | None = None, dtype: Any = None) -> Any:
        """``sum_r w_r A_r`` as a :class:`DistributedWeightedSum` (one halo exchange per product).

        Parameters
        ----------
        weights : sequence of float, optional
        terms : list of lists of Futures, optional
            Blocks of the same layout (default: the relations themselves).
        dtype : numpy dtype, optional
        """
        from .operator import DistributedWeightedSum

        return DistributedWeightedSum(self, self.relation_blocks if terms is None else terms, weights, dtype=dtype)

    def scatter_relation(self, matrix: Any) -> list:
        """Cut an ``n x n`` matrix (input order) whose pattern lies inside the union's into the
        partition's row blocks, in the union's compact columns, on the blocks' workers.

        Parameters
        ----------
        matrix : sparse matrix of shape (n, n)

        Returns
        -------
        list of Futures (one ``_Block`` per part)
        """
        M = sp.csr_array(matrix)
        if M.shape != (self.n_nodes, self.n_nodes):
            raise ValueError(f"matrix must have shape {(self.n_nodes, self.n_nodes)}, got {M.shape}.")
        if self.order is not None:
            M = sp.csr_array(M[self.order][:, self.order])
        return [self.client.scatter([self._compact_block(M, i)], workers=[self.workers[i]], hash=False)[0]
                for i in range(self.n_parts)]

    def _compact_block(self, M: sp.csr_array, i: int) -> _Block:
        lo, hi = int(self.bounds[i]), int(self.bounds[i + 1])
        rows = sp.csr_array(M[lo:hi])
        cols = rows.indices.astype(np.int64)
        halo = self.halo_columns[i]
        own = (cols >= lo) & (cols < hi)
        compact = np.empty_like(cols)
        compact[own] = cols[own] - lo
        pos = np.searchsorted(halo, cols[~own])
        if pos.size and (np.any(pos >= halo.size) or np.any(halo[np.minimum(pos, halo.size - 1)] != cols[~own])):
            raise ValueError("the matrix has entries outside the union pattern the graph was partitioned with.")
        compact[~own] = (hi - lo) + pos
        B = sp.csr_array((rows.data, compact, rows.indptr), shape=(hi - lo, hi - lo + halo.size))
        B.sort_indices()
        owners = [j for j in range(self.n_parts) if self.halo_sizes[i, j] > 0]
        return _Block(B, owners, [int(self.halo_sizes[i, j]) for j in owners])

    def __repr__(self) -> str:
        return (f"DistributedMultiplexGraph(n_nodes={self.n_nodes}, n_relations={self.n_relations}, "
                f"n_parts={self.n_parts}, halo_fraction={self.halo_report()['halo_fraction']:.3f})")


def partition_multiplex(g: Any, client: Any, n_parts: int, order: str, random_state: int,
                        workers: list) -> DistributedMultiplexGraph:
    """The multiplex case of :func:`graphclust.distributed.partition` (arguments validated there).

    Parameters
    ----------
    g : MultiplexGraph
        On the CPU.
    client : distributed.Client
    n_parts : int
    order : {"balanced", "metis"}
        Of the union of the relations' patterns.
    random_state : int
        Seed of METIS.
    workers : list of str
        Sorted worker addresses (blocks are assigned round-robin).
    """
    mats = [sp.csr_array(A) for A in g.relations]
    union = sp.csr_array(sum(abs(A) for A in mats))
    union.sum_duplicates()
    n = union.shape[0]
    union, perm, bounds = cut_rows(union, n_parts, order, int(random_state))
    assigned = [workers[i % len(workers)] for i in range(n_parts)]
    halo_index, halo_columns = {}, []
    halo_sizes = np.zeros((n_parts, n_parts), dtype=np.int64)
    nnz = np.zeros(n_parts, dtype=np.int64)
    for i in range(n_parts):
        block, needs = _split_block(union, bounds, i)
        nnz[i] = block.matrix.nnz
        cols = [np.empty(0, dtype=np.int64)]
        for j, idx in needs.items():  # owners in increasing order: the halo columns come out sorted
            [halo_index[(i, j)]] = client.scatter([idx], workers=[assigned[j]], hash=False)
            halo_sizes[i, j] = idx.size
            cols.append(idx + bounds[j])
        halo_columns.append(np.concatenate(cols))
    dg = DistributedMultiplexGraph(client, n, bounds, assigned, [], halo_index, halo_sizes, perm, nnz,
                                   dtype=np.result_type(*[A.dtype for A in mats]), name=g.name,
                                   relation_names=list(g.relation_names), halo_columns=halo_columns)
    dg.source = g
    dg.relation_blocks = [dg.scatter_relation(A) for A in mats]
    dg.blocks = dg.relation_blocks[0]
    return dg
