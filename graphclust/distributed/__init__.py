"""graphclust on a Dask cluster: a row-partitioned operator with halo exchange.

A graph too large for one machine is split into row blocks (:func:`partition`), each
scattered once to one worker and kept there. Tall dense blocks (``n x k``) live on the same
workers as row blocks (:class:`BlockVector`); :class:`DistributedOperator` implements the
operator protocol of :mod:`graphclust.operators` with a halo exchange: each worker receives
only the rows of ``X`` its columns touch, from the workers that own them, and nothing of
size ``n`` passes through the client. On top of them: the spectral baseline's
Chebyshev-filtered block eigensolver (:func:`top_eigenvectors`), k-means on the
distributed embedding (:func:`kmeans`), :func:`spectral_clustering`, and seed batches of
the local methods as Dask tasks (:func:`local_batch`).

Needs the ``distributed`` extra (``pip install graphclust[distributed]``); Dask is imported
when this sub-package is, never by ``import graphclust``.

Examples
--------
>>> from dask.distributed import Client, LocalCluster          # doctest: +SKIP
>>> import graphclust as gc, graphclust.distributed as gd        # doctest: +SKIP
>>> client = Client(LocalCluster(n_workers=2, threads_per_worker=1))   # doctest: +SKIP
>>> dg = gd.partition(gc.datasets.load("acm"), client, 2)        # doctest: +SKIP
>>> labels = gd.spectral_clustering(dg, 3, random_state=0)       # doctest: +SKIP
"""
from __future__ import annotations

try:
    import dask  # noqa: F401
    import distributed  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "graphclust.distributed needs Dask: pip install 'graphclust[distributed]' (dask[distributed])."
    ) from exc

from .blocks import BlockVector
from .edges import partition_from_edges
from .eigen import top_eigenvectors
from .kmeans import kmeans
from .local import local_batch
from .multiplex import DistributedMultiplexGraph
from .operator import DistributedOperator, DistributedWeightedSum
from .partition import DistributedGraph, partition
from .spectral import spectral_clustering

__all__ = [
    "partition",
    "partition_from_edges",
    "DistributedGraph",
    "BlockVector",
    "DistributedMultiplexGraph",
    "DistributedOperator",
    "DistributedWeightedSum",
    "top_eigenvectors",
    "kmeans",
    "spectral_clustering",
    "local_batch",
]
