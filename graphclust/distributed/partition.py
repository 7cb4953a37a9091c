"""Row partitions of a graph over the workers of a Dask cluster, with their halos.

A partition cuts the (possibly reordered) node set into ``P`` contiguous row ranges. Block
``i`` holds the rows of its range of the adjacency, with the columns renumbered into a
compact local space: first the block's own rows, then, owner by owner, the *halo*: the
rows of other blocks that its non-zeros touch. Per pair ``(i, j)`` the halo list (the
sorted positions, inside block ``j``, of the rows block ``i`` needs) is computed once here
and stored on worker ``j``, so a product only ever ships those rows.

``order="balanced"`` keeps the node order and balances the stored non-zeros per block
(cheap; on graphs without locality the halo is nearly all of ``X``); ``order="metis"``
partitions with METIS (``pymetis``, optional) to shrink the edge cut, relabels the nodes so
that each part is a contiguous range, and keeps the permutation to map results back.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..validation import check_choice, check_scalar

__all__ = ["DistributedGraph", "partition", "ORDERS"]

ORDERS = ("balanced", "metis")


@dataclass
class DistributedGraph:
    """A graph split into row blocks that live on the workers of a Dask client.

    Build it with :func:`partition`.

    Attributes
    ----------
    client : distributed.Client
    n_nodes : int
    bounds : ndarray of int64, shape (P + 1,)
        Block ``i`` owns the rows ``bounds[i]:bounds[i+1]`` of the partition order.
    workers : list of str
        The worker address of each block.
    blocks : list of distributed.Future
        One ``_Block`` per part, on its worker.
    halo_index : dict
        ``(i, j) -> Future`` of the positions (inside block ``j``) of the rows block ``i`` needs,
        stored on worker ``j``.
    halo_sizes : ndarray of int64, shape (P, P)
        ``halo_sizes[i, j]`` rows of block ``j`` that block ``i`` receives per product.
    order : ndarray or None
        Partition order: row ``r`` of the partition is node ``order[r]`` of the input (None:
        identity).
    nnz : ndarray of int64, shape (P,)
        Stored non-zeros per block.
    name : str or None
    dtype : numpy dtype
        dtype of the blocks' values.
    meta : dict
        Metadata carried over from the input graph.
    source : Graph or None
        The client-side graph it was cut from (kept for the methods that need it whole).
    order_kind : str
        The ``order`` given to :func:`partition` ("balanced" or "metis").
    metis_seed : int
        The ``random_state`` given to :func:`partition` (METIS's seed).
    """

    client: Any
    n_nodes: int
    bounds: np.ndarray
    workers: list
    blocks: list
    halo_index: dict
    halo_sizes: np.ndarray
    order: np.ndarray | None
    nnz: np.ndarray
    dtype: Any = np.float64
    name: str | None = None
    meta: dict = field(default_factory=dict, repr=False)
    source: Any = field(default=None, repr=False)  # the client-side Graph it was cut from
    # how it was cut, so that a subgraph (the spectral largest component) is cut the same way
    order_kind: str = "balanced"
    metis_seed: int = 0

    is_distributed = True  # estimators' fit recognises a DistributedGraph by this flag

    @property
    def n_parts(self) -> int:
        return len(self.blocks)

    @property
    def features(self) -> Any:
        """The source graph's features (on the client; methods scatter what they use)."""
        return None if self.source is None else self.source.features

    @property
    def node_ids(self) -> Any:
        return None if self.source is None else self.source.node_ids

    def rows(self, i: int) -> int:
        """Number of rows of block ``i``.

        Parameters
        ----------
        i : int
            Block index.
        """
        return int(self.bounds[i + 1] - self.bounds[i])

    def same_rows(self, other: "DistributedGraph") -> bool:
        """True when ``other`` cuts the same rows onto the same workers (blocks can be combined).

        Parameters
        ----------
        other : DistributedGraph
            The other partition.
        """
        return other is self or (np.array_equal(self.bounds, other.bounds) and self.workers == other.workers
                                 and (self.order is other.order or np.array_equal(self.order, other.order)))

    def halo_report(self) -> dict:
        """Sizes of the partition: rows, non-zeros and halo rows (received) per block.

        Returns
        -------
        dict
            ``rows``, ``nnz``, ``halo_rows`` (per block, received from all others), ``halo_sizes``
            (the P x P matrix), ``halo_fraction`` (halo rows over n).
        """
        halo = self.halo_sizes.sum(axis=1)
        return {
            "rows": [self.rows(i) for i in range(self.n_parts)],
            "nnz": self.nnz.tolist(),
            "halo_rows": halo.tolist(),
            "halo_sizes": self.halo_sizes.tolist(),
            "halo_fraction": float(halo.sum() / max(self.n_nodes, 1)),
        }

    def scatter_like(self, matrix: Any) -> "DistributedGraph":
        """Another square matrix over the same nodes (input order), cut into the same row blocks
        on the same workers (its own halos): e.g. a propagation matrix derived from the graph.

        Parameters
        ----------
        matrix : sparse matrix of shape (n, n)

        Returns
        -------
        DistributedGraph
        """
        M = sp.csr_array(matrix)
        if M.shape != (self.n_nodes, self.n_nodes):
            raise ValueError(f"matrix must have shape {(self.n_nodes, self.n_nodes)}, got {M.shape}.")
        if self.order is not None:
            M = sp.csr_array(M[self.order][:, self.order])
        dg = _distribute(M, self.bounds, self.workers, self.client, self.order, self.name)
        dg.source = self.source
        return dg

    def scatter_rows(self, X: Any) -> list:
        """Row blocks of a per-node matrix (input order; dense or sparse, kept as is) on the
        workers that own those rows.

        Parameters
        ----------
        X : ndarray or sparse matrix with ``n_nodes`` rows

        Returns
        -------
        list of distributed.Future
        """
        if X.shape[0] != self.n_nodes:
            raise ValueError(f"X must have {self.n_nodes} rows, got {X.shape[0]}.")
        if self.order is not None:
            X = X[self.order]
        if sp.issparse(X):
            X = sp.csr_array(X)
        parts = []
        for i in range(self.n_parts):
            rows = X[int(self.bounds[i]):int(self.bounds[i + 1])]
            [fut] = self.client.scatter([rows if sp.issparse(rows) else np.ascontiguousarray(rows)],
                                        workers=[self.workers[i]], hash=False)
            parts.append(fut)
        return parts

    def to_partition_order(self, values: np.ndarray) -> np.ndarray:
        """Reorder a per-node array of the input order into the partition order.

        Parameters
        ----------
        values : numpy.ndarray
            One entry (or row) per node, in the input order.
        """
        return values if self.order is None else values[self.order]

    def to_input_order(self, values: np.ndarray) -> np.ndarray:
        """Reorder a per-node array of the partition order back into the input order.

        Parameters
        ----------
        values : numpy.ndarray
            One entry (or row) per node, in the partition order.
        """
        if self.order is None:
            return values
        out = np.empty_like(values)
        out[self.order] = values
        return out

    def __repr__(self) -> str:
        return (f"DistributedGraph(n_nodes={self.n_nodes}, n_parts={self.n_parts}, "
                f"halo_fraction={self.halo_report()['halo_fraction']:.3f})")


@dataclass
class _Block:
    """What a worker holds of block ``i``: the compact row block and its halo layout."""

    matrix: sp.csr_array  # rows x (rows + halo), compact columns
    owners: list  # halo owners j, in the order of the compact columns after the own rows
    counts: list  # halo rows from each owner


def _balanced_bounds(indptr: np.ndarray, n_parts: int) -> np.ndarray:
    """Row cut points with about equal stored non-zeros (and at least one row) per block."""
    n = indptr.size - 1
    weights = indptr.astype(np.float64) + np.arange(n + 1)  # rows count a little: no empty blocks
    targets = weights[-1] * np.arange(1, n_parts) / n_parts
    cuts = np.searchsorted(weights, targets)
    cuts = np.maximum(cuts, np.arange(1, n_parts))
    cuts = np.minimum(cuts, n - n_parts + np.arange(1, n_parts))
    return np.concatenate([[0], np.maximum.accumulate(cuts), [n]]).astype(np.int64)


def _metis_order(A: sp.csr_array, n_parts: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    try:
        import pymetis
    except ImportError:
        raise ImportError("order='metis' needs pymetis (pip install pymetis); or use order='balanced'.") from None
    A = A.tocsr()
    offdiag = A - sp.diags_array(A.diagonal())
    offdiag.eliminate_zeros()
    opts = pymetis.Options(seed=int(seed))
    adjacency = pymetis.CSRAdjacency(offdiag.indptr.astype(np.int64), offdiag.indices.astype(np.int64))
    _, membership = pymetis.part_graph(n_parts, adjacency, options=opts)
    membership = np.asarray(membership, dtype=np.int64)
    order = np.argsort(membership, kind="stable")
    counts = np.bincount(membership, minlength=n_parts)
    if (counts == 0).any():  # METIS may leave a part empty on tiny graphs: fall back
        return np.arange(A.shape[0]), _balanced_bounds(A.indptr, n_parts)
    return order, np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)


def _split_block(A: sp.csr_array, bounds: np.ndarray, i: int) -> tuple[_Block, dict]:
    """Row block ``i`` with compact columns, and the halo positions it needs per owner."""
    lo, hi = int(bounds[i]), int(bounds[i + 1])
    return compact_rows(sp.csr_array(A[lo:hi]), bounds, i)


def compact_rows(rows: sp.csr_array, bounds: np.ndarray, i: int) -> tuple[_Block, dict]:
    """Block ``i``'s rows (global columns) renumbered into the compact layout, and the halo
    positions (inside each owner ``j``) it needs; run on the client or on a worker."""
    lo, hi = int(bounds[i]), int(bounds[i + 1])
    cols = rows.indices.astype(np.int64)
    owner_of = np.searchsorted(bounds, cols, side="right") - 1
    compact = np.empty_like(cols)
    own = owner_of == i
    compact[own] = cols[own] - lo
    offset = hi - lo
    owners, counts, needs = [], [], {}
    for j in np.unique(owner_of[~own]).tolist():
        mask = owner_of == j
        uniq, inverse = np.unique(cols[mask], return_inverse=True)
        compact[mask] = offset + inverse
        needs[j] = (uniq - bounds[j]).astype(np.int64)
        owners.append(j)
        counts.append(int(uniq.size))
        offset += int(uniq.size)
    M = sp.csr_array((rows.data, compact.astype(np.int64), rows.indptr), shape=(hi - lo, offset))
    M.sort_indices()
    return _Block(M, owners, counts), needs


def partition(graph: Any, client: Any, n_parts: int | None = None, *, order: str = "balanced",
              random_state: Any = 0) -> DistributedGraph:
    """Split a graph into row blocks and scatter each once to one worker.

    Parameters
    ----------
    graph : Graph, MultiplexGraph or anything :func:`graphclust.as_graph` accepts
        The adjacency (or any square sparse operator matrix) to distribute. A
        :class:`~graphclust.MultiplexGraph` gives a :class:`DistributedMultiplexGraph`: one row
        partition for all relations (balanced or METIS on the union of their patterns), every
        relation's blocks in the union's compact columns, so a weighted sum of relations
        exchanges the union's halo once per product.
    client : distributed.Client
    n_parts : int, optional
        Number of blocks; default: one per worker. Blocks are assigned to workers round-robin
        in the sorted order of the worker addresses.
    order : {"balanced", "metis"}, default="balanced"
        Contiguous nnz-balanced row ranges, or a METIS partition (pymetis) relabelled into
        contiguous ranges.
    random_state : int, default=0
        Seed of METIS.

    Returns
    -------
    DistributedGraph or DistributedMultiplexGraph

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from dask.distributed import Client, LocalCluster          # doctest: +SKIP
    >>> client = Client(LocalCluster(n_workers=2, processes=False))  # doctest: +SKIP
    >>> dg = partition(sp.random(100, 100, density=0.05, random_state=0) + sp.eye(100), client)  # doctest: +SKIP
    """
    from ..graph import Graph, MultiplexGraph, as_graph

    check_choice(order, "order", ORDERS)
    g = graph if isinstance(graph, (Graph, MultiplexGraph)) else as_graph(graph)
    if g.device != "cpu":
        g = g.to("cpu")
    n = g.n_nodes
    workers = sorted(client.scheduler_info()["workers"])
    if not workers:
        raise ValueError("the Dask client has no workers.")
    if n_parts is None:
        n_parts = len(workers)
    n_parts = check_scalar(n_parts, "n_parts", kind=int, low=1, high=n)
    if isinstance(g, MultiplexGraph):
        from .multiplex import partition_multiplex

        return partition_multiplex(g, client, n_parts, order, int(random_state), workers)
    A, perm, bounds = cut_rows(sp.csr_array(g.adjacency), n_parts, order, int(random_state))
    assigned = [workers[i % len(workers)] for i in range(n_parts)]
    dg = _distribute(A, bounds, assigned, client, perm, g.name)
    dg.source, dg.order_kind, dg.metis_seed = g, order, int(random_state)
    return dg


def cut_rows(A: sp.csr_array, n_parts: int, order: str, seed: int) -> tuple[sp.csr_array, np.ndarray | None,
                                                                           np.ndarray]:
    """``A`` in the partition order, that order (None: the input's) and the block bounds."""
    if order == "metis" and n_parts > 1:
        perm, bounds = _metis_order(A, n_parts, seed)
        return sp.csr_array(A[perm][:, perm]), perm, bounds
    return A, None, _balanced_bounds(A.indptr, n_parts)


def _distribute(A: sp.csr_array, bounds: np.ndarray, workers: list, client: Any, order: np.ndarray | None,
                name: str | None) -> DistributedGraph:
    """Scatter the row blocks of ``A`` (already in the partition order) and their halo lists."""
    n_parts = bounds.size - 1
    blocks, halo_index = [], {}
    halo_sizes = np.zeros((n_parts, n_parts), dtype=np.int64)
    nnz = np.zeros(n_parts, dtype=np.int64)
    for i in range(n_parts):
        block, needs = _split_block(A, bounds, i)
        nnz[i] = block.matrix.nnz
        [fut] = client.scatter([block], workers=[workers[i]], hash=False)
        blocks.append(fut)
        for j, idx in needs.items():
            [halo_index[(i, j)]] = client.scatter([idx], workers=[workers[j]], hash=False)
            halo_sizes[i, j] = idx.size
    return DistributedGraph(client, A.shape[0], bounds, list(workers), blocks, halo_index, halo_sizes, order, nnz,
                            dtype=np.dtype(A.dtype), name=name)
