"""l2-norm and p-norm flow diffusion (Fountoulakis, Wang, Yang, ICML 2020; weighted as in
Yang, Fountoulakis, ICML 2023), solved by randomised-permutation coordinate minimisation of
the dual, exactly as the authors' Julia code (``pNormFlowDiffusion``, ``WFD``) does.
"""
from __future__ import annotations

import numbers
from typing import Any, Sequence

import numpy as np

from ..seeding import query_seeds
from ..validation import check_random_state, check_scalar
from ._common import (
    LocalScores,
    Prepared,
    batch_capacity,
    chunk_ranges,
    flatten,
    gather,
    kernels,
    make_scores,
    make_scores_batch,
    n_threads,
    node_vector,
    prepare,
    progress,
    resolve_seeds,
    seed_sets,
    workspace,
)

__all__ = ["flow_diffusion", "flow_diffusion_batch"]


def _sink(prep: Prepared, sink: Any) -> np.ndarray:
    """Sink capacities T (cached per graph for the named choices and scalars)."""
    cache = prep.graph.meta.setdefault("_graphclust_local_sinks", {}) if isinstance(prep.graph.meta, dict) else {}
    if sink is None or (isinstance(sink, str) and sink == "degree"):
        return prep.deg
    if isinstance(sink, str):
        if sink != "unweighted":
            raise ValueError(f"sink must be None, 'degree', 'unweighted', a number or a per-node array; got {sink!r}.")
        if "unweighted" not in cache:
            cache["unweighted"] = np.diff(prep.indptr).astype(np.float64)
        return cache["unweighted"]
    if isinstance(sink, numbers.Real) and not isinstance(sink, bool):
        c = check_scalar(sink, "sink", low=0.0)
        key = ("scalar", c)
        if key not in cache:
            cache[key] = np.full(prep.n, c)
        return cache[key]
    T = node_vector(prep, sink, "sink", dtype=np.float64)
    if not np.all(np.isfinite(T)) or (T < 0).any():
        raise ValueError("sink must be finite and non-negative at every node.")
    return np.ascontiguousarray(T)


def _check(p: float, max_iters: int, tol: float) -> tuple[float, int, float]:
    p = check_scalar(p, "p", low=1.0, low_inclusive=False)
    max_iters = check_scalar(max_iters, "max_iters", kind=int, low=1)
    tol = check_scalar(tol, "tol", low=0.0)
    return p, max_iters, tol


def _masses(seeds: np.ndarray, mass: Any, name: str = "mass") -> np.ndarray:
    """Source masses per seed: a scalar total is split equally over the seeds."""
    arr = np.asarray(mass, dtype=np.float64)
    if arr.ndim == 0:
        m = check_scalar(float(arr), name, low=0.0, low_inclusive=False)
        return np.full(seeds.shape[0], m / seeds.shape[0])
    if arr.shape != seeds.shape:
        raise ValueError(f"{name} must be a number or one value per seed ({seeds.shape[0]}), got shape {arr.shape}.")
    if not np.all(np.isfinite(arr)) or (arr <= 0).any():
        raise ValueError(f"{name} must be finite and positive.")
    return arr.copy()


def _check_sources(prep: Prepared, seeds: np.ndarray, masses: np.ndarray, T: np.ndarray) -> None:
    bad = (prep.wdeg[seeds] <= 0) & (masses > T[seeds])
    if bad.any():
        raise ValueError(
            f"seed node {prep.graph.ids(seeds[bad][:1])[0]!r} has no edges: its excess mass cannot be "
            "diffused (the flow problem is infeasible)."
        )


def _info(passes: int, pushes: int | None, converged: bool, max_iters: int, excess: float | None = None) -> dict:
    info = {"passes": int(passes), "converged": bool(converged)}
    if pushes is not None:
        info["pushes"] = int(pushes)
    if excess is not None:
        info["max_excess"] = float(excess)
    return info


def flow_diffusion(
    graph: Any,
    seeds: Any,
    mass: Any,
    p: float = 2.0,
    sink: Any = None,
    max_iters: int = 100,
    tol: float = 1e-4,
    *,
    random_state: Any = None,
) -> LocalScores:
    """Flow diffusion from ``seeds``: the dual potentials ``x`` of a minimum p-norm flow.

    Source mass ``Delta`` sits on the seeds; every node ``i`` can absorb ``T_i`` (the sink).
    The dual problem, with ``q = p / (p - 1)``,

    ``minimize_{x >= 0}  (1/q) sum_{ij in E} w_ij |x_i - x_j|^q + sum_i x_i (T_i - Delta_i)``

    is solved by coordinate minimisation: in each pass every node whose mass
    ``m_i = Delta_i + sum_j w_ij phi(x_j - x_i)`` (``phi(t) = sign(t)|t|^(q-1)``) exceeds
    ``T_i + tol`` is pushed, in a random order, to ``m_i = T_i`` (closed form for ``p = 2``:
    ``x_i += (m_i - T_i) / w_i``; bisection on ``x_i`` otherwise). At convergence the KKT
    conditions hold to ``tol``: ``m_i <= T_i + tol`` everywhere and ``m_i >= T_i`` where
    ``x_i > 0``. Only nodes that were pushed have ``x_i > 0``, and
    ``sum_{i in supp x} T_i <= sum Delta``: with ``T = degree`` the support has volume at most
    the source mass, so the work is local.

    Parameters
    ----------
    graph : graph-like
        Anything :func:`graphclust.as_graph` accepts; undirected, weighted or not.
    seeds : node id or sequence of node ids
    mass : float or array of floats
        Source mass: a number (the total, split equally over the seeds) or one value per seed.
        For a target cluster ``K`` it must be at least ``vol(K)`` (with ``T = degree``); the
        authors use 1.5-5 times ``vol(K)``.
    p : float, default 2.0
        Norm of the primal flow (``p > 1``). ``p = 2`` is the l2 diffusion with its closed
        form update. Weighted ``p``-norm diffusion uses ``w_ij |x_i - x_j|^q`` in the dual
        (the authors' code is unweighted for ``p != 2``; this generalisation is ours).
    sink : None, "degree", "unweighted", float or array, default None
        Sink capacities ``T``: the weighted degree (None or "degree"), the number of
        neighbours ("unweighted", as WFD on weighted graphs), a constant, or one value per node.
    max_iters : int, default 100
        Maximum number of passes (WFD experiments: 50-100; pNormFlowDiffusion default: 50).
    tol : float, default 1e-4
        Allowed excess mass per node.
    random_state : None, int or Generator
        Seeds the random push order of each pass.

    Returns
    -------
    LocalScores
        The support of ``x`` and its values. ``info`` holds ``passes``, ``pushes``,
        ``converged`` and ``max_excess`` (largest ``m_i - T_i`` left).

    Examples
    --------
    >>> import networkx as nx
    >>> from graphclust.local import flow_diffusion
    >>> G = nx.karate_club_graph()
    >>> x = flow_diffusion(G, 0, mass=60.0, random_state=0)
    >>> bool(x.info["converged"]), 0 in x.node_ids.tolist()
    (True, True)
    """
    prep = prepare(graph)
    p, max_iters, tol = _check(p, max_iters, tol)
    s = resolve_seeds(prep, seeds)
    masses = _masses(s, mass)
    T = _sink(prep, sink)
    _check_sources(prep, s, masses, T)
    rng = check_random_state(random_state)
    seed = int(rng.integers(0, 2**63 - 1, size=1, dtype=np.int64)[0])
    k = kernels()
    with workspace(prep.n) as ws:
        out_nodes, out_vals, out_mass = ws.row_out()
        cnt, _nS, passes, pushes, conv, excess = k.flow_query(
            prep.indptr, prep.indices, prep.data, prep.wdeg, T, s, masses, p, max_iters, tol, seed,
            ws.rec[0], ws.i1[0], ws.i2[0], out_nodes, out_vals, out_mass,
        )
        nodes, vals = out_nodes[:cnt].copy(), out_vals[:cnt].copy()
    return make_scores(prep, nodes, vals, _info(passes, pushes, conv, max_iters, excess))


def flow_diffusion_batch(
    graph: Any,
    seeds: Sequence[Any],
    mass: Any,
    p: float = 2.0,
    sink: Any = None,
    max_iters: int = 100,
    tol: float = 1e-4,
    *,
    random_state: Any = None,
    verbose: bool = False,
) -> list[LocalScores]:
    """Many independent :func:`flow_diffusion` queries, run in parallel.

    Parameters
    ----------
    graph : graph-like
    seeds : sequence
        One query per entry (a node id or a collection of node ids).
    mass : float or sequence
        A number (every query's total mass) or one entry per query (a number, or an array
        of one value per seed of that query).
    p, sink, max_iters, tol
        As in :func:`flow_diffusion`.
    random_state : None, int, Generator or sequence of int
        One push-order seed is drawn per query, so results do not depend on the number of
        threads; a sequence gives the per-query seeds themselves
        (:func:`graphclust.seeding.query_seeds`).
    verbose : bool, default=False
        Show a tqdm bar counting the queries done (the queries then run in about 20 parallel
        chunks; same results).

    Returns
    -------
    list of LocalScores

    Examples
    --------
    >>> import networkx as nx
    >>> from graphclust.local import flow_diffusion_batch
    >>> res = flow_diffusion_batch(nx.karate_club_graph(), [0, 0], mass=[20.0, 60.0], random_state=0)
    >>> len(res[0]) <= len(res[1])
    True
    """
    prep = prepare(graph)
    p, max_iters, tol = _check(p, max_iters, tol)
    sets = seed_sets(prep, seeds)
    if np.ndim(mass) == 0:
        mass_list = [mass] * len(sets)
    else:
        mass_list = list(mass)
        if len(mass_list) != len(sets):
            raise ValueError(f"mass must be a number or one entry per query ({len(sets)}), got {len(mass_list)}.")
    masses = [_masses(s, m) for s, m in zip(sets, mass_list)]
    T = _sink(prep, sink)
    for s, m in zip(sets, masses):
        _check_sources(prep, s, m, T)
    qseeds = query_seeds(random_state, len(sets))
    k = kernels()
    rows = max(1, min(n_threads(), len(sets)))
    results: list = [None] * len(sets)
    meta: list = [None] * len(sets)
    bar = progress(len(sets), "flow diffusion", verbose)
    with workspace(prep.n, rows) as ws:
        for lo, hi in chunk_ranges(len(sets), rows, verbose):
            pending = list(range(lo, hi))
            round_ = 0
            while pending:
                ptr, flat = flatten([sets[q] for q in pending])
                fm = np.concatenate([masses[q] for q in pending])
                cap = batch_capacity(prep.n, len(pending), rows, round_)
                bn = np.empty((rows, cap), np.int64)
                bv = np.empty((rows, cap))
                q_row, q_start, q_len, q_passes, q_conv = k.flow_batch(
                    prep.indptr, prep.indices, prep.data, prep.wdeg, T, ptr, flat, fm, p, max_iters, tol,
                    qseeds[pending], ws.rec[:rows], ws.i1[:rows], ws.i2[:rows], bn, bv,
                )
                got = gather(q_row, q_start, q_len, bn, bv)
                nxt = []
                for j, (q, res) in enumerate(zip(pending, got)):
                    if res is None:
                        nxt.append(q)
                    else:
                        results[q] = res
                        meta[q] = _info(q_passes[j], None, q_conv[j], max_iters)
                pending, round_ = nxt, round_ + 1
            bar.update(hi - lo)
    bar.close()
    return make_scores_batch(prep, results, meta)
