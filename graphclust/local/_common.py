"""Shared plumbing of the local-clustering functions: graph preparation, seed resolution,
reusable workspaces and the sparse score-vector result type.

Everything here exists so that a *query* costs work proportional to the region it touches:

- the CSR arrays, degrees and the id -> index map of a :class:`~graphclust.Graph` are computed
  once and cached in ``graph.meta`` (an O(n + m) pass per graph, not per query);
- the per-node scratch arrays (the *workspace*) are allocated once per thread and size and
  reused; kernels reset only the entries they touched, so the workspace is all-zero between
  queries (``numpy.zeros`` uses calloc, so even the first allocation writes no pages).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import scipy.sparse as sp

from ..graph import Graph, as_graph
from ..validation import check_seeds

__all__ = ["LocalScores", "prepare", "resolve_seeds", "kernels", "workspace", "Prepared", "make_scores_batch"]

_CACHE_KEY = "_graphclust_local"


def kernels():
    """The numba kernels, imported on first use (no JIT work at ``import graphclust``)."""
    from graphclust.kernels.cpu import local as _k

    return _k


@dataclass
class Prepared:
    """CSR arrays and degree vectors of one undirected graph, in the kernels' dtypes."""

    graph: Graph
    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    deg: np.ndarray  # weighted degree (row sums, self-loops included)
    wdeg: np.ndarray  # weighted degree without self-loops (l2 flow step size)
    total: float  # vol(V) = sum of all weights

    @property
    def n(self) -> int:
        return int(self.deg.shape[0])



def prepare(graph: Any) -> Prepared:
    """Validate ``graph`` (anything :func:`graphclust.as_graph` accepts) and return its arrays.

    The result is cached on the :class:`Graph` so repeated queries on one Graph object pay
    the O(n + m) preparation once.
    """
    g = as_graph(graph)  # a Graph from as_graph passes through; one built directly is checked once
    cached = g.meta.get(_CACHE_KEY) if isinstance(g.meta, dict) else None
    if cached is not None and cached.graph.adjacency is g.adjacency:
        return cached
    if g.directed:
        raise ValueError("local clustering needs an undirected graph; got a directed one.")
    if g.device != "cpu":
        # The push methods are sequential per query (Gauss-Seidel); they run on the CPU.
        import warnings

        warnings.warn("local clustering runs on the CPU only: the graph is copied from the GPU to the host.",
                      UserWarning, stacklevel=3)
        g = g.to("cpu")
    A = g.adjacency
    if not sp.issparse(A):  # pragma: no cover - as_graph always gives CSR
        A = sp.csr_array(A)
    A = A.tocsr()
    indptr = np.asarray(A.indptr, dtype=np.int64)
    indices = np.asarray(A.indices)
    if indices.dtype not in (np.int32, np.int64):
        indices = indices.astype(np.int64)
    data = np.asarray(A.data, dtype=np.float64)
    n = A.shape[0]
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    deg = np.bincount(rows, weights=data, minlength=n).astype(np.float64)
    diag = np.asarray(A.diagonal(), dtype=np.float64)
    wdeg = deg - diag
    prep = Prepared(g, indptr, indices, data, deg, wdeg, float(data.sum()))
    if isinstance(g.meta, dict):
        g.meta[_CACHE_KEY] = prep
    return prep


def resolve_seeds(prep: Prepared, seeds: Any, name: str = "seeds") -> np.ndarray:
    """Turn seed node ids into internal indices (int64, at least one).

    For graphs with original node ids (networkx input) seeds are those ids; otherwise
    indices in ``[0, n)``. Unknown ids or out-of-range indices raise ValueError.
    """
    return prep.graph.index(seeds, name=name)


def node_vector(prep: Prepared, values: Any, name: str, dtype: Any = None) -> np.ndarray:
    """A per-node array (graph node order) from an array-like or, for graphs with node ids,
    a mapping ``{node id: value}`` covering every node."""
    n = prep.n
    if isinstance(values, Mapping):
        if prep.graph.node_ids is None:
            keys = range(n)
        else:
            keys = prep.graph.node_ids.tolist()
        try:
            values = [values[k] for k in keys]
        except KeyError as exc:
            raise ValueError(f"{name}: no value for node {exc.args[0]!r}.") from None
    arr = np.asarray(values) if dtype is None else np.asarray(values, dtype=dtype)
    if arr.ndim != 1 or arr.shape[0] != n:
        raise ValueError(f"{name} must have one entry per node ({n}), got shape {arr.shape}.")
    return arr


class _Workspace:
    """Zeroed per-node scratch arrays, one row per thread."""

    def __init__(self, n: int, rows: int):
        self.n, self.rows = n, rows
        # One 4-float record per node (see kernels/cpu/local.py): residual or mass, x,
        # threshold or sink, flag. Zeroed by calloc; kernels zero what they touch.
        self.rec = np.zeros((rows, n, 4))
        self.u8 = np.zeros((rows, n), dtype=np.uint8)
        self.i1 = np.empty((rows, n), dtype=np.int64)
        self.i2 = np.empty((rows, n), dtype=np.int64)
        self.clean = True

    def row_out(self):
        """Output buffers of capacity n for single queries (no zeroing needed)."""
        if not hasattr(self, "_out"):
            self._out = (np.empty(self.n, np.int64), np.empty(self.n), np.empty(self.n))
        return self._out


_local = threading.local()


class workspace:
    """Context manager lending the calling thread's cached workspace for ``n`` nodes.

    Kernels leave the float and flag arrays all-zero; if a call fails half-way the workspace
    is dropped instead of reused.
    """

    def __init__(self, n: int, rows: int = 1):
        self.n, self.rows = int(n), int(rows)

    def __enter__(self) -> _Workspace:
        ws = getattr(_local, "ws", None)
        if ws is None or ws.n != self.n or ws.rows < self.rows or not ws.clean:
            ws = _Workspace(self.n, self.rows)
            _local.ws = ws
        ws.clean = False
        self.ws = ws
        return ws

    def __exit__(self, exc_type, exc, tb) -> None:
        self.ws.clean = exc_type is None
        if exc_type is not None:
            _local.ws = None


@dataclass
class LocalScores:
    """A sparse score vector returned by the diffusions.

    Attributes
    ----------
    indices : ndarray of int64
        Internal node indices (0..n-1) with a non-zero score, sorted by score descending
        (ties by index).
    values : ndarray of float64
        The scores, aligned with ``indices``.
    n_nodes : int
        Length of the full vector.
    node_ids : ndarray
        ``indices`` mapped to the graph's original node ids (networkx nodes); equal to
        ``indices`` for graphs without ids.
    info : dict
        Diagnostics of the run (pushes, passes, convergence, residual mass...).
    """

    indices: np.ndarray
    values: np.ndarray
    n_nodes: int
    node_ids: np.ndarray
    info: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.indices.shape[0])

    def to_sparse(self) -> sp.coo_array:
        """The scores as a 1-D ``scipy.sparse.coo_array`` of length ``n_nodes``."""
        return sp.coo_array((self.values, (self.indices,)), shape=(self.n_nodes,))

    def to_dense(self) -> np.ndarray:
        """The scores as a dense vector of length ``n_nodes`` (O(n) memory)."""
        out = np.zeros(self.n_nodes)
        out[self.indices] = self.values
        return out

    def to_dict(self) -> dict:
        """``{node id: score}`` for the non-zero scores."""
        return dict(zip(self.node_ids.tolist(), self.values.tolist()))


def check_finite_scores(vals: np.ndarray, info: dict | None = None) -> None:
    """Refuse non-finite scores (float64 overflow or underflow), never reported as converged."""
    if not np.all(np.isfinite(vals)) or (info is not None and not np.isfinite(info.get("max_excess", 0.0))):
        if info is not None:
            info["converged"] = False
        raise ValueError(
            "the local diffusion overflowed float64 (non-finite scores): the source mass, the exponent p or "
            "the edge weights are too extreme (e.g. mass=1e200 with p=4, or weights near 1e-308); rescale "
            "the weights or use a smaller mass / p."
        )


def make_scores(prep: Prepared, nodes: np.ndarray, vals: np.ndarray, info: dict) -> LocalScores:
    nodes = np.asarray(nodes, dtype=np.int64)
    vals = np.asarray(vals, dtype=np.float64)
    check_finite_scores(vals, info)
    order = np.lexsort((nodes, -vals))
    nodes, vals = nodes[order], vals[order]
    return LocalScores(nodes, vals, prep.n, prep.graph.ids(nodes), info)


def make_scores_batch(prep: Prepared, results: list, infos: list) -> list[LocalScores]:
    """:func:`make_scores` for every query of a batch, with one sort for the whole batch.

    Same output as ``[make_scores(prep, n, v, i) for (n, v), i in zip(results, infos)]``
    (sorted by query, then score descending, then index), but the per-query Python and numpy
    call overhead is paid once per batch: with small supports that overhead, not the
    diffusion, dominated the time of a query.
    """
    if not results:
        return []
    lens = np.fromiter((len(r[0]) for r in results), dtype=np.int64, count=len(results))
    ptr = np.zeros(len(results) + 1, dtype=np.int64)
    np.cumsum(lens, out=ptr[1:])
    nodes = np.concatenate([r[0] for r in results]).astype(np.int64, copy=False)
    vals = np.concatenate([r[1] for r in results]).astype(np.float64, copy=False)
    for info in infos:
        check_finite_scores(np.zeros(0), info)
    check_finite_scores(vals)
    kernels().sort_segments(ptr, nodes, vals)  # in place, per query
    ids = prep.graph.ids(nodes)
    n = prep.n
    bounds = ptr.tolist()
    return [
        LocalScores(nodes[a:b], vals[a:b], n, ids[a:b], info)
        for a, b, info in zip(bounds[:-1], bounds[1:], infos)
    ]


def seed_sets(prep: Prepared, seeds: Any, name: str = "seeds") -> list[np.ndarray]:
    """Queries of a batch: each entry of ``seeds`` is one seed or a collection of seeds."""
    if prep.graph.node_ids is None and isinstance(seeds, (list, tuple)) and seeds \
            and all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in seeds):
        # One seed per query, plain indices (the common case): validate them all at once.
        try:
            arr = np.asarray(seeds, dtype=np.int64)
        except OverflowError:  # not an index anyway: the general path names the problem
            arr = None
        if arr is not None:
            return list(check_seeds(arr, prep.n, name)[:, None])
    if isinstance(seeds, np.ndarray) and seeds.ndim == 1:
        return [resolve_seeds(prep, s, name) for s in seeds.tolist()] if prep.graph.node_ids is not None \
            else [a[None] for a in check_seeds(seeds, prep.n, name)]
    try:
        items = list(seeds)
    except TypeError:
        raise TypeError(f"{name} must be a sequence of seeds (one query per entry).") from None
    if not items:
        raise ValueError(f"{name} is empty: give at least one query.")
    return [resolve_seeds(prep, s, name) for s in items]


def flatten(sets: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    ptr = np.zeros(len(sets) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(s) for s in sets])
    flat = np.concatenate(sets).astype(np.int64) if sets else np.zeros(0, np.int64)
    return ptr, flat


def n_threads() -> int:
    import numba

    return int(numba.get_num_threads())


def gather(q_row, q_start, q_len, buf_nodes, buf_vals) -> list:
    """Per-query (nodes, values) copies out of the per-row buffers; None where it overflowed."""
    out = []
    for r, s, ln in zip(q_row.tolist(), q_start.tolist(), q_len.tolist()):
        if ln < 0:
            out.append(None)
        else:
            out.append((buf_nodes[r, s:s + ln].copy(), buf_vals[r, s:s + ln].copy()))
    return out


def batch_capacity(n: int, n_queries: int, rows: int, round_: int) -> int:
    """Per-row output capacity for a batch round.

    ``numpy.empty`` reserves address space only (pages are committed when written), so the
    first round asks for room for every query's worst case (n entries) up to a budget of
    2**25 entries over all rows; each later round doubles it. At least n, so one query always
    fits.
    """
    per_row = -(-n_queries // rows)
    budget = (1 << 25) // rows << round_
    return int(max(n, min(n * per_row, budget)))


def chunk_ranges(n_queries: int, rows: int, verbose: bool) -> list[tuple[int, int]]:
    """Query ranges run per kernel call: all at once, or under ``verbose`` about 20 chunks
    (at least one query per thread each) so a progress bar can advance between them. Every
    query keeps its own push-order seed, so the chunks change no result."""
    step = n_queries if not verbose else max(rows, -(-n_queries // 20))
    return [(lo, min(n_queries, lo + step)) for lo in range(0, n_queries, max(step, 1))]


def progress(total: int, desc: str, verbose: bool) -> Any:
    """A tqdm bar counting ``total`` queries under ``verbose``, else a do-nothing stand-in."""
    if not verbose:
        return _NoBar()
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="query")


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass
