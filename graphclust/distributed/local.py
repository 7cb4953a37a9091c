"""Seed batches of the local methods as Dask tasks over a graph scattered once."""
from __future__ import annotations

import inspect
from typing import Any, Callable, Sequence

import numpy as np


from ..seeding import query_seeds
from ..validation import check_scalar

__all__ = ["local_batch"]


def _run_chunk(func: Callable, graph: Any, seeds: list, kwargs: dict) -> list:
    return func(graph, seeds, **kwargs)


#: Batch arguments that may hold one entry per query (split with the seeds).
PER_QUERY = ("mass",)


def local_batch(func: Callable, graph: Any, seeds: Sequence[Any], client: Any, *, chunk_size: int | None = None,
                **kwargs: Any) -> list:
    """Run a batch function of :mod:`graphclust.local` over many seeds as Dask tasks.

    The graph is scattered once to every worker (broadcast); the seeds are cut into chunks,
    one task per chunk calls ``func(graph, chunk, **kwargs)`` on a worker, and the results
    (sparse score vectors, in seed order) are gathered. Each seed's computation is
    independent, so the results are identical to ``func(graph, seeds, **kwargs)`` in process.

    Parameters
    ----------
    func : callable
        A batch function such as :func:`graphclust.local.flow_diffusion_batch` or
        :func:`graphclust.local.approximate_pagerank_batch`.
    graph : Graph or anything ``func`` accepts
    seeds : sequence
        One entry per query (a node or a set of nodes), as ``func`` takes them.
    client : distributed.Client
    chunk_size : int, optional
        Seeds per task (default: spread over four tasks per worker).
    **kwargs
        Passed to ``func``. A per-query argument (``mass``) given as one entry per seed is
        split with the seeds. A ``random_state`` is turned into one seed per query here, as the
        batch function does, so each query gets the seed it gets in process.

    Returns
    -------
    list
        ``func``'s results for every seed, in order.

    Examples
    --------
    >>> from graphclust.local import flow_diffusion_batch                        # doctest: +SKIP
    >>> scores = local_batch(flow_diffusion_batch, g, [0, 5, 9], client, p=2.0)   # doctest: +SKIP
    """
    from ..graph import Graph, as_graph

    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds is empty: give at least one seed.")
    g = graph if isinstance(graph, Graph) else as_graph(graph)
    n_workers = max(1, len(client.scheduler_info()["workers"]))
    if chunk_size is None:
        chunk_size = max(1, -(-len(seeds) // (4 * n_workers)))
    chunk_size = check_scalar(chunk_size, "chunk_size", kind=int, low=1)
    [remote] = client.scatter([g], broadcast=True, hash=False)
    per_query = {name: list(kwargs[name]) for name in PER_QUERY
                 if name in kwargs and not np.isscalar(kwargs[name]) and len(kwargs[name]) == len(seeds)}
    if "random_state" in inspect.signature(func).parameters:
        # the per-query seeds the in-process batch would draw, split with the seeds
        per_query["random_state"] = query_seeds(kwargs.get("random_state"), len(seeds))
    futures = []
    for s in range(0, len(seeds), chunk_size):
        chunk_kwargs = dict(kwargs, **{name: values[s:s + chunk_size] for name, values in per_query.items()})
        futures.append(client.submit(_run_chunk, func, remote, seeds[s:s + chunk_size], chunk_kwargs, pure=False))
    out: list = []
    for part in client.gather(futures):
        out.extend(part)
    return out


