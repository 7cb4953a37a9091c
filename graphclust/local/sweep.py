"""Sweep cut over a sparse score vector, and the conductance of a node set."""
from __future__ import annotations

from typing import Any, Iterator, Sequence

import numpy as np
import scipy.sparse as sp

from ..validation import check_choice
from ._common import LocalScores, Prepared, chunk_ranges, flatten, kernels, n_threads, prepare, progress, resolve_seeds, workspace

__all__ = ["sweep_cut", "sweep_cut_batch", "conductance", "SweepCut"]


class SweepCut:
    """Result of :func:`sweep_cut`; unpacks as ``cluster, conductance``.

    Parameters
    ----------
    cluster, conductance, indices, order, profile
        The attributes below, as :func:`sweep_cut` computes them.

    Attributes
    ----------
    cluster : ndarray
        The best prefix, as original node ids (networkx nodes) or indices.
    conductance : float
        Its (weighted) conductance.
    indices : ndarray of int64
        The best prefix as internal indices.
    order : ndarray of int64
        Every scored node (internal indices) in sweep order.
    profile : ndarray of float64
        Conductance of each prefix of ``order``.
    """

    def __init__(self, cluster, conductance, indices, order, profile):
        self.cluster = cluster
        self.conductance = float(conductance)
        self.indices = indices
        self.order = order
        self.profile = profile

    def __iter__(self) -> Iterator:
        return iter((self.cluster, self.conductance))

    def __repr__(self) -> str:
        return f"SweepCut(size={len(self.indices)}, conductance={self.conductance:.6g})"


def _scores_arrays(prep: Prepared, scores: Any) -> tuple[np.ndarray, np.ndarray]:
    """(internal indices, values) of the non-zero scores."""
    if isinstance(scores, LocalScores):
        if scores.n_nodes != prep.n:
            raise ValueError(f"scores has length {scores.n_nodes}, the graph has {prep.n} nodes.")
        return scores.indices, scores.values
    if isinstance(scores, tuple) and len(scores) == 2:
        nodes, vals = scores
        vals = np.asarray(vals, dtype=np.float64).ravel()
        if prep.graph.node_ids is None:
            idx = resolve_seeds(prep, np.asarray(nodes), "scores nodes") if len(vals) else np.zeros(0, np.int64)
        else:
            idx = resolve_seeds(prep, list(nodes), "scores nodes") if len(vals) else np.zeros(0, np.int64)
        if idx.shape != vals.shape:
            raise ValueError("scores: nodes and values must have the same length.")
        if len(np.unique(idx)) != len(idx):
            raise ValueError("scores: duplicate nodes.")
    elif sp.issparse(scores):
        if scores.ndim == 2 and 1 not in scores.shape:
            raise ValueError(f"scores must be a vector, got a sparse matrix of shape {scores.shape}.")
        v = sp.coo_array(scores)
        v.sum_duplicates()
        if v.ndim == 2:
            idx = (v.coords[1] if v.shape[0] == 1 else v.coords[0]).astype(np.int64)
        else:
            idx = v.coords[0].astype(np.int64)
        if max(v.shape) != prep.n:
            raise ValueError(f"scores has length {max(v.shape)}, the graph has {prep.n} nodes.")
        vals = np.asarray(v.data, dtype=np.float64)
    else:
        dense = np.asarray(scores, dtype=np.float64)
        if dense.ndim != 1 or dense.shape[0] != prep.n:
            raise ValueError(f"scores must be a vector of length {prep.n} (or LocalScores / (nodes, values)), got shape {dense.shape}.")
        idx = np.flatnonzero(dense).astype(np.int64)
        vals = dense[idx]
    if not np.all(np.isfinite(vals)):
        raise ValueError("scores has non-finite values.")
    keep = vals != 0
    return idx[keep], vals[keep]


def sweep_cut(graph: Any, scores: Any, normalize: bool = True, tie: str = "first") -> SweepCut:
    """Minimum-conductance prefix of the nodes sorted by score.

    The non-zero scores are sorted descending (divided by the weighted degree first when
    ``normalize``, as for PageRank; flow-diffusion potentials are used as they are), ties
    broken by node index; the prefix conductances
    ``cut(S) / min(vol(S), vol(V) - vol(S))`` (weighted; 1 when the denominator is 0) are
    computed incrementally in ``O(vol(support) + |support| log |support|)``.

    Parameters
    ----------
    graph : graph-like
    scores : LocalScores, (nodes, values), dense vector or sparse vector
        ``nodes`` in the graph's id space (networkx node ids for networkx input).
    normalize : bool, default True
        Sort by ``score / degree`` (LocalGraphClustering's ACL sweep). Use False for flow
        diffusion (as pNormFlowDiffusion).
    tie : {"first", "last"}, default "first"
        Among prefixes with the same minimum conductance keep the shortest ("first",
        LocalGraphClustering) or the longest ("last", pNormFlowDiffusion).

    Returns
    -------
    SweepCut
        Unpacks as ``(cluster, conductance)``; also ``indices``, ``order``, ``profile``.
        An empty score vector gives an empty cluster with conductance 1.

    Examples
    --------
    >>> import networkx as nx
    >>> from graphclust.local import approximate_pagerank, sweep_cut
    >>> G = nx.karate_club_graph()
    >>> cluster, phi = sweep_cut(G, approximate_pagerank(G, 0, eps=1e-4))
    >>> 0 in cluster.tolist() and phi < 0.5
    True
    """
    prep = prepare(graph)
    check_choice(tie, "tie", ("first", "last"))
    idx, vals = _scores_arrays(prep, scores)
    k = kernels()
    m = idx.shape[0]
    order = np.empty(m, np.int64)
    profile = np.empty(m)
    with workspace(prep.n) as ws:
        best_len, best = k.sweep_query(
            prep.indptr, prep.indices, prep.data, prep.deg, prep.total, idx, vals, bool(normalize),
            tie == "last", ws.u8[0], order, profile,
        )
    best_idx = order[:best_len].copy()
    return SweepCut(prep.graph.ids(best_idx), best, best_idx, order, profile)


def sweep_cut_batch(
    graph: Any, scores: Sequence[Any], normalize: bool = True, tie: str = "first", *, verbose: bool = False
) -> list[SweepCut]:
    """:func:`sweep_cut` of many score vectors on one graph, in parallel.

    Parameters
    ----------
    graph : graph-like
    scores : sequence of LocalScores or dense score vectors
    normalize, tie
        As in :func:`sweep_cut`.
    verbose : bool, default=False
        Show a tqdm bar counting the sweeps done (run in about 20 parallel chunks; same
        results).

    Returns
    -------
    list of SweepCut

    Examples
    --------
    >>> import networkx as nx
    >>> from graphclust.local import approximate_pagerank_batch, sweep_cut_batch
    >>> G = nx.karate_club_graph()
    >>> cuts = sweep_cut_batch(G, approximate_pagerank_batch(G, [0, 33], eps=1e-4))
    >>> len(cuts)
    2
    """
    prep = prepare(graph)
    check_choice(tie, "tie", ("first", "last"))
    pairs = [_scores_arrays(prep, s) for s in scores]
    if not pairs:
        return []
    rows = max(1, min(n_threads(), len(pairs)))
    k = kernels()
    out = []
    bar = progress(len(pairs), "sweep cut", verbose)
    with workspace(prep.n, rows) as ws:
        for lo, hi in chunk_ranges(len(pairs), rows, verbose):
            ptr, flat = flatten([p[0] for p in pairs[lo:hi]])
            vals = np.concatenate([p[1] for p in pairs[lo:hi]]).astype(np.float64)
            order, best_len, best = k.sweep_batch(
                prep.indptr, prep.indices, prep.data, prep.deg, prep.total, ptr, flat, vals, bool(normalize),
                tie == "last", ws.u8[:rows],
            )
            for q in range(hi - lo):
                o = order[ptr[q]:ptr[q + 1]]
                bi = o[: best_len[q]].copy()
                out.append(SweepCut(prep.graph.ids(bi), best[q], bi, o, None))
            bar.update(hi - lo)
    bar.close()
    return out


def conductance(graph: Any, nodes: Any) -> float:
    """Weighted conductance ``cut(S) / min(vol(S), vol(V) - vol(S))`` of a node set.

    Work ``O(vol(S))``; 1.0 when the denominator is 0 (empty set or whole graph).

    Parameters
    ----------
    graph : graph
        Anything :func:`graphclust.as_graph` takes (networkx, scipy sparse, Graph, ...).
    nodes : iterable
        The node set ``S``: node ids for a networkx graph, indices otherwise.

    Returns
    -------
    float

    Examples
    --------
    >>> import networkx as nx
    >>> from graphclust.local import conductance
    >>> G = nx.barbell_graph(5, 0)
    >>> round(conductance(G, range(5)), 4)
    0.0476
    """
    prep = prepare(graph)
    items = list(nodes) if not isinstance(nodes, np.ndarray) else nodes
    if len(items) == 0:
        return 1.0
    idx = np.unique(resolve_seeds(prep, items, "nodes"))
    with workspace(prep.n) as ws:
        cond, _cut, _vol = kernels().set_conductance(
            prep.indptr, prep.indices, prep.data, prep.deg, prep.total, idx, ws.u8[0])
    return float(cond)
