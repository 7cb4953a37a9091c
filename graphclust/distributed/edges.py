"""Partition a graph from edge chunks read on the workers: no whole graph on the client.

:func:`partition_from_edges` builds the same :class:`DistributedGraph` as
:func:`graphclust.distributed.partition` (nnz-balanced contiguous rows) from edge lists that
the workers read themselves (files, or Dask delayed objects / futures that produce them). The
client only ever holds per-bin edge counts (to place the row cuts), the ``P x P`` halo sizes
and the futures: each chunk is split by row block on the worker that read it, each block's
pieces are assembled on the block's worker, and the halo lists travel worker to worker.
"""
from __future__ import annotations

import os
from typing import Any, Sequence

import numpy as np
import scipy.sparse as sp

from ..validation import check_scalar
from .partition import DistributedGraph, compact_rows

__all__ = ["partition_from_edges", "read_edges"]

# Row bins per block for the nnz-balanced cuts (the client sums bins x n_parts counts only).
_BINS_PER_PART = 4096


def read_edges(source: Any, n_nodes: int, symmetrize: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One edge chunk as ``(rows, cols, weights)`` (int64, int64, float64), validated.

    Parameters
    ----------
    source : str, os.PathLike or tuple
        A ``.npz`` file with arrays ``row``, ``col`` and optionally ``weight``; a ``.npy`` file of
        shape ``(m, 2)`` or ``(m, 3)`` (the third column the weights); or an already loaded
        ``(rows, cols)`` / ``(rows, cols, weights)`` tuple (what a delayed object returns).
    n_nodes : int
    symmetrize : bool, default=False
        Add the reverse ``(j, i)`` of every edge ``(i, j)``, ``i != j`` (for lists that give every
        undirected edge once).

    Returns
    -------
    rows, cols, weights : ndarray

    Examples
    --------
    >>> r, c, w = read_edges((np.array([0, 1]), np.array([1, 2])), 3, symmetrize=True)
    >>> r.tolist(), c.tolist(), w.tolist()
    ([0, 1, 1, 2], [1, 2, 0, 1], [1.0, 1.0, 1.0, 1.0])
    """
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if path.endswith(".npz"):
            with np.load(path) as f:
                parts = (f["row"], f["col"]) + ((f["weight"],) if "weight" in f.files else ())
        else:
            arr = np.load(path)
            if arr.ndim != 2 or arr.shape[1] not in (2, 3):
                raise ValueError(f"{path}: an edge array must have shape (m, 2) or (m, 3), got {arr.shape}.")
            parts = tuple(arr[:, j] for j in range(arr.shape[1]))
    else:
        parts = tuple(source)
    if len(parts) not in (2, 3):
        raise ValueError("an edge chunk is (rows, cols) or (rows, cols, weights).")
    rows, cols = (np.asarray(p) for p in parts[:2])
    w = np.ones(rows.shape, dtype=np.float64) if len(parts) == 2 else np.asarray(parts[2], dtype=np.float64)
    if rows.shape != cols.shape or rows.shape != w.shape or rows.ndim != 1:
        raise ValueError("an edge chunk's rows, cols and weights must be 1-D arrays of one length.")
    if not (np.issubdtype(rows.dtype, np.integer) and np.issubdtype(cols.dtype, np.integer)):
        raise TypeError("edge rows and cols must be integers.")
    rows, cols = rows.astype(np.int64), cols.astype(np.int64)
    if rows.size and (min(rows.min(), cols.min()) < 0 or max(rows.max(), cols.max()) >= n_nodes):
        raise ValueError(f"an edge chunk has a node outside [0, {n_nodes}).")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("edge weights must be finite and non-negative.")
    if symmetrize:
        off = rows != cols
        rows, cols, w = np.concatenate([rows, cols[off]]), np.concatenate([cols, rows[off]]), np.concatenate([w, w[off]])
    return rows, cols, w


def _bin_counts(edges: tuple, width: int, n_bins: int) -> np.ndarray:
    return np.bincount(edges[0] // width, minlength=n_bins)


def _select(edges: tuple, lo: int, hi: int) -> tuple:
    keep = (edges[0] >= lo) & (edges[0] < hi)
    return edges[0][keep], edges[1][keep], edges[2][keep]


def _assemble(bounds: np.ndarray, i: int, n: int, *pieces: tuple) -> tuple:
    lo, hi = int(bounds[i]), int(bounds[i + 1])
    rows = np.concatenate([p[0] for p in pieces]) - lo
    cols = np.concatenate([p[1] for p in pieces])
    w = np.concatenate([p[2] for p in pieces])
    M = sp.csr_array((w, (rows, cols)), shape=(hi - lo, n))  # duplicates summed
    M.sum_duplicates()
    return compact_rows(M, bounds, i)


def _block_of(res: tuple) -> Any:
    return res[0]


def _halo_sizes(res: tuple) -> dict:
    return {j: int(idx.size) for j, idx in res[1].items()}


def _need_of(j: int, res: tuple) -> np.ndarray:
    return res[1][j]


def _nnz(block: Any) -> int:
    return int(block.matrix.nnz)


def partition_from_edges(sources: Sequence[Any], n_nodes: int, client: Any, n_parts: int | None = None, *,
                         symmetrize: bool = False, name: str | None = None) -> DistributedGraph:
    """Partition a graph given as edge chunks, read and cut on the workers.

    The row cuts balance the stored entries per block (as ``order="balanced"`` does, to the
    resolution of ``4096`` row bins per block); every chunk is split by block where it was
    read, and each block is assembled, renumbered into its compact layout and given its halo
    lists on its own worker. Duplicate edges are summed; the edges must describe a symmetric
    matrix (each undirected edge in both directions, or once with ``symmetrize=True``): it is
    not checked, as that would need the whole graph in one place. The client never holds the graph:
    the result has no ``source``, so what needs the client's copy (node features, the spectral
    component count, S2CAG, DEMM+) is refused or skipped on it.

    Parameters
    ----------
    sources : sequence of paths, tuples, dask delayed objects or futures
        Edge chunks (see :func:`read_edges`); a delayed object or future must produce a
        ``(rows, cols[, weights])`` tuple.
    n_nodes : int
    client : distributed.Client
    n_parts : int, optional
        Default: one block per worker.
    symmetrize : bool, default=False
        Add the reverse of every edge (lists that give each undirected edge once).
    name : str, optional

    Returns
    -------
    DistributedGraph

    Examples
    --------
    >>> dg = partition_from_edges(["part0.npz", "part1.npz"], 10**8, client, symmetrize=True)  # doctest: +SKIP
    """
    n = check_scalar(n_nodes, "n_nodes", kind=int, low=1)
    if isinstance(sources, (str, os.PathLike)) or not len(sources):
        raise ValueError("sources must be a non-empty sequence of edge chunks (paths, tuples, delayed objects).")
    workers = sorted(client.scheduler_info()["workers"])
    if not workers:
        raise ValueError("the Dask client has no workers.")
    n_parts = check_scalar(len(workers) if n_parts is None else n_parts, "n_parts", kind=int, low=1, high=n)
    chunks = []
    for c, src in enumerate(sources):
        if hasattr(src, "dask") and hasattr(src, "key"):  # a dask delayed object
            src = client.compute(src)
        chunks.append(client.submit(read_edges, src, n, bool(symmetrize), workers=[workers[c % len(workers)]],
                                    pure=False))
    # nnz-balanced cuts from per-bin counts (bins x n_parts numbers reach the client)
    n_bins = min(n, _BINS_PER_PART * n_parts)
    width = -(-n // n_bins)
    n_bins = -(-n // width)
    counts = np.sum(client.gather([client.submit(_bin_counts, ch, width, n_bins, pure=False) for ch in chunks]),
                    axis=0)
    weight = np.concatenate([[0.0], np.cumsum(counts + np.minimum(width, n - width * np.arange(n_bins)))])
    targets = weight[-1] * np.arange(1, n_parts) / n_parts
    cuts = np.searchsorted(weight, targets) * width
    cuts = np.minimum(np.maximum(cuts, np.arange(1, n_parts)), n - n_parts + np.arange(1, n_parts))
    bounds = np.concatenate([[0], np.maximum.accumulate(cuts), [n]]).astype(np.int64)
    assigned = [workers[i % len(workers)] for i in range(n_parts)]
    built = []
    for i in range(n_parts):
        lo, hi = int(bounds[i]), int(bounds[i + 1])
        pieces = [client.submit(_select, ch, lo, hi, pure=False) for ch in chunks]
        built.append(client.submit(_assemble, bounds, i, n, *pieces, workers=[assigned[i]],
                                   allow_other_workers=False, pure=False))
    blocks = [client.submit(_block_of, b, workers=[w], allow_other_workers=False, pure=False)
              for b, w in zip(built, assigned)]
    sizes = client.gather([client.submit(_halo_sizes, b, pure=False) for b in built])
    halo_sizes = np.zeros((n_parts, n_parts), dtype=np.int64)
    halo_index = {}
    for i, need in enumerate(sizes):
        for j, size in need.items():
            halo_sizes[i, j] = size
            # the list of rows block i needs moves from worker i to worker j (never to the client)
            halo_index[(i, j)] = client.submit(_need_of, j, built[i], workers=[assigned[j]],
                                               allow_other_workers=False, pure=False)
    nnz = np.asarray(client.gather([client.submit(_nnz, b, pure=False) for b in blocks]), dtype=np.int64)
    return DistributedGraph(client, n, bounds, assigned, blocks, halo_index, halo_sizes, None, nnz,
                            dtype=np.dtype(np.float64), name=name)
