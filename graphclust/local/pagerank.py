"""Approximate personalised PageRank by the ACL push (lazy walk), weighted.

Andersen, Chung and Lang (FOCS 2006), in the form of LocalGraphClustering's ``pprgrow``:
the walk is lazy (it stays put with probability 1/2), ``alpha`` is the teleportation
probability and ``eps`` the push threshold on ``r_i / d_i``.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..validation import check_scalar
from ._common import (
    LocalScores,
    batch_capacity,
    chunk_ranges,
    flatten,
    gather,
    kernels,
    make_scores,
    make_scores_batch,
    n_threads,
    prepare,
    progress,
    resolve_seeds,
    seed_sets,
    workspace,
)

__all__ = ["approximate_pagerank", "approximate_pagerank_batch"]

# Default step cap: the push does at most O(1 / (alpha * eps)) steps anyway; this only guards
# against absurd parameters (e.g. eps = 1e-15).
_MAX_STEPS = 10**9


def _check(alpha: float, eps: float, max_steps: int | None) -> tuple[float, float, int]:
    alpha = check_scalar(alpha, "alpha", low=0.0, high=1.0, low_inclusive=False)
    eps = check_scalar(eps, "eps", low=0.0, low_inclusive=False)
    max_steps = _MAX_STEPS if max_steps is None else check_scalar(max_steps, "max_steps", kind=int, low=0)
    return alpha, eps, max_steps


def approximate_pagerank(
    graph: Any,
    seeds: Any,
    alpha: float = 0.15,
    eps: float = 1e-6,
    *,
    max_steps: int | None = None,
) -> LocalScores:
    """Approximate personalised PageRank from ``seeds`` with the (lazy, weighted) ACL push.

    Each seed starts with residual 1 (the mass is *not* divided by the number of seeds, as in
    LocalGraphClustering). A push at node ``j`` with residual ``r_j`` and weighted degree
    ``d_j`` moves ``alpha * r_j`` to the estimate ``x_j``, keeps ``(1 - alpha) / 2 * r_j`` at
    ``j`` and sends ``(1 - alpha) / 2 * r_j * w_ju / d_j`` to each neighbour ``u``; nodes with
    ``r_i >= eps * d_i`` are queued (FIFO). On return every residual is below ``eps * d_i``, so
    the exact lazy personalised PageRank ``p`` (the solution of
    ``(I - (1 - alpha)/2 (I + A D^-1)) p = alpha * s``) satisfies
    ``0 <= p_i - x_i <= eps * d_i`` at every node. The work is ``O(1 / (alpha * eps))`` pushes,
    independent of the graph size.

    Parameters
    ----------
    graph : graph-like
        Anything :func:`graphclust.as_graph` accepts; undirected, weighted or not.
    seeds : node id or sequence of node ids
        Seed node(s): indices ``0..n-1``, or the original node ids for networkx input.
    alpha : float, default 0.15
        Teleportation probability, in (0, 1].
    eps : float, default 1e-6
        Push threshold: a node is pushed while ``r_i >= eps * d_i`` (LocalGraphClustering's
        ``rho``).
    max_steps : int, optional
        Stop after this many pushes (the bound above then no longer holds).

    Returns
    -------
    LocalScores
        The non-zero entries of ``x`` (nodes that were pushed), sorted by value. Call
        :func:`graphclust.local.sweep_cut` on it (``normalize=True`` divides by degree) to
        get a cluster. ``info`` holds ``steps`` and the residual mass ``residual``.

    Notes
    -----
    In weighted graphs LocalGraphClustering's ``pprgrow_weighted`` re-queues the pushed node
    with the *unweighted* degree in its threshold; graphclust uses the weighted degree in every
    threshold (the choice that keeps the ``eps * d_i`` guarantee above).

    Examples
    --------
    >>> import networkx as nx
    >>> from graphclust.local import approximate_pagerank
    >>> scores = approximate_pagerank(nx.karate_club_graph(), 0, eps=1e-4)
    >>> int(scores.node_ids[0])
    0
    """
    prep = prepare(graph)
    alpha, eps, max_steps = _check(alpha, eps, max_steps)
    s = resolve_seeds(prep, seeds)
    k = kernels()
    with workspace(prep.n) as ws:
        out_nodes, out_vals, _ = ws.row_out()
        cnt, steps, rsum = k.acl_query(
            prep.indptr, prep.indices, prep.data, prep.deg, s, alpha, eps, max_steps,
            ws.rec[0], ws.i1[0], ws.i2[0], out_nodes, out_vals,
        )
        nodes, vals = out_nodes[:cnt].copy(), out_vals[:cnt].copy()
    info = {"steps": int(steps), "residual": float(rsum), "converged": bool(steps < max_steps)}
    return make_scores(prep, nodes, vals, info)


def approximate_pagerank_batch(
    graph: Any,
    seeds: Sequence[Any],
    alpha: float = 0.15,
    eps: float = 1e-6,
    *,
    max_steps: int | None = None,
    verbose: bool = False,
) -> list[LocalScores]:
    """Many independent :func:`approximate_pagerank` queries, run in parallel.

    Parameters
    ----------
    graph : graph-like
    seeds : sequence
        One query per entry; an entry is a node id or a collection of node ids (a seed set).
    alpha, eps, max_steps
        As in :func:`approximate_pagerank`.
    verbose : bool, default=False
        Show a tqdm bar counting the queries done (run in about 20 parallel chunks; same
        results).

    Returns
    -------
    list of LocalScores
        One per query, identical to running the queries one by one. The number of threads is
        numba's (``numba.set_num_threads``); each thread reuses one workspace.

    Examples
    --------
    >>> import networkx as nx
    >>> from graphclust.local import approximate_pagerank_batch
    >>> res = approximate_pagerank_batch(nx.karate_club_graph(), [0, 33], eps=1e-4)
    >>> [int(r.node_ids[0]) for r in res]
    [0, 33]
    """
    prep = prepare(graph)
    alpha, eps, max_steps = _check(alpha, eps, max_steps)
    sets = seed_sets(prep, seeds)
    k = kernels()
    rows = max(1, min(n_threads(), len(sets)))
    results: list = [None] * len(sets)
    steps_all = np.zeros(len(sets), dtype=np.int64)
    bar = progress(len(sets), "pagerank", verbose)
    with workspace(prep.n, rows) as ws:
        for lo, hi in chunk_ranges(len(sets), rows, verbose):
            pending = list(range(lo, hi))
            round_ = 0
            while pending:
                ptr, flat = flatten([sets[q] for q in pending])
                cap = batch_capacity(prep.n, len(pending), rows, round_)
                bn = np.empty((rows, cap), np.int64)
                bv = np.empty((rows, cap))
                q_row, q_start, q_len, q_steps = k.acl_batch(
                    prep.indptr, prep.indices, prep.data, prep.deg, ptr, flat, alpha, eps, max_steps,
                    ws.rec[:rows], ws.i1[:rows], ws.i2[:rows], bn, bv,
                )
                got = gather(q_row, q_start, q_len, bn, bv)
                nxt = []
                for q, res, st in zip(pending, got, q_steps.tolist()):
                    if res is None:
                        nxt.append(q)
                    else:
                        results[q] = res
                        steps_all[q] = st
                pending, round_ = nxt, round_ + 1
            bar.update(hi - lo)
    bar.close()
    infos = [{"steps": int(st), "converged": bool(st < max_steps)} for st in steps_all.tolist()]
    return make_scores_batch(prep, results, infos)
