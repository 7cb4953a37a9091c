"""The estimator base class shared by every clustering method.

Life of an estimator, as in scikit-learn: ``__init__`` stores parameters only;
``fit(graph, features=None)`` converts the input with :func:`graphclust.as_graph` (once, at the
boundary), validates the parameters against the graph, runs the method's ``_fit`` and sets
``labels_``; ``fit_predict`` returns ``labels_``. ``get_params`` / ``set_params`` / ``clone``
come from :class:`sklearn.base.BaseEstimator`.
"""
from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator

from .backend import resolve_device
from .graph import Graph, MultiplexGraph, as_graph, as_multiplex
from .validation import check_bool, check_n_clusters, check_random_state

__all__ = ["BaseClusterer"]


class BaseClusterer(BaseEstimator):
    """Base class of graphclust estimators.

    Subclasses implement ``_fit(self, graph, rng)`` (``rng`` a numpy Generator, or None for a
    deterministic method) which must set ``self.labels_`` (int64, one per node, in the graph's
    node order) and may set ``self.embedding_``. Class attributes say what a method needs:

    - ``_requires_features``: refuse a graph without node features.
    - ``_multiplex``: the input is a multi-relational graph (:func:`as_multiplex`).
    - ``_needs_n_clusters``: ``n_clusters`` must be an int in ``[1, n_nodes]``
      (None allowed when ``_n_clusters_optional``).
    """

    _requires_features: bool = False
    _multiplex: bool = False
    _needs_n_clusters: bool = True
    _n_clusters_optional: bool = False
    _distributed: bool = False  # also fits a graphclust.distributed.DistributedGraph
    # CPU-only by design (registry.MethodInfo.cpu_only): a graph on the GPU is moved, with a warning.
    _cpu_only: bool = False

    # ------------------------------------------------------------------ boundary
    def _graph_device(self) -> str:
        """Where the validated graph's arrays go (a torch method keeps them on the host: torch moves them)."""
        return resolve_device(getattr(self, "device", "cpu"))

    def _validate_graph(self, graph: Any, features: Any = None) -> Graph | MultiplexGraph:
        if getattr(graph, "is_distributed", False):
            return self._validate_distributed(graph, features)
        device = self._graph_device()
        if isinstance(graph, (str, os.PathLike)):
            # A file (any format graphclust.io.read knows: .npz, .mtx, edge lists).
            from .io import read

            graph = read(graph)
        if self._multiplex:
            g = as_multiplex(graph, features=features)
        else:
            # as_graph (directed=False) refuses an asymmetric adjacency, also for a directed Graph.
            g = as_graph(graph, features=features)
            if g.adjacency.nnz == 0:
                raise ValueError(f"{type(self).__name__}: the graph has no edges.")
        if self._requires_features and g.features is None:
            raise ValueError(
                f"{type(self).__name__} clusters attributed graphs and needs node features: pass features=... "
                "to fit, or a graph that carries them (PyG Data.x, networkx node attribute, Graph.features)."
            )
        if self._cpu_only and g.device == "cuda":
            warnings.warn(
                f"{type(self).__name__} runs on the CPU only: the graph is copied from the GPU to the host.",
                UserWarning, stacklevel=3,
            )
            device = "cpu"
        return g.to(device)

    def _validate_distributed(self, graph: Any, features: Any) -> Any:
        """A DistributedGraph (graphclust.distributed.partition) for an estimator that runs on one."""
        name = type(self).__name__
        if not self._distributed:
            raise TypeError(f"{name} runs on one machine: fit it on the graph itself, not on a DistributedGraph.")
        if self._multiplex and not hasattr(graph, "n_relations"):
            raise TypeError(f"{name} clusters multi-relational graphs: partition a MultiplexGraph "
                            "(graphclust.distributed.partition(multiplex_graph, client)).")
        if features is not None:
            raise TypeError(f"{name}: a DistributedGraph carries its features; partition a graph that has them.")
        if self._requires_features and graph.features is None:
            raise ValueError(f"{name} needs node features: partition a graph that carries them.")
        return graph

    def _validate_n_clusters(self, n_nodes: int) -> int | None:
        k = getattr(self, "n_clusters", None)
        if k is None and self._n_clusters_optional:
            return None
        return check_n_clusters(k, n_nodes)

    def _check_flags(self) -> None:
        """Every parameter whose default is a bool must be a bool (``"False"`` would be truthy)."""
        import inspect

        for pname, prm in inspect.signature(type(self).__init__).parameters.items():
            if isinstance(prm.default, bool) and hasattr(self, pname):
                check_bool(getattr(self, pname), pname, allow_int=pname == "verbose")

    def _validate_params(self, graph: Graph | MultiplexGraph) -> None:
        """Check parameters against the graph; subclasses extend it (call super)."""
        self._check_flags()
        if self._needs_n_clusters:
            self._validate_n_clusters(graph.n_nodes)

    # ------------------------------------------------------------------ API
    def fit(self, graph: Any, features: Any = None) -> "BaseClusterer":
        """Cluster a graph.

        Parameters
        ----------
        graph : graph-like, str or os.PathLike
            Anything :func:`graphclust.as_graph` accepts (scipy sparse, networkx, PyG Data,
            edge index, dense array, :class:`graphclust.Graph`), or the path of a graph
            file, read by :func:`graphclust.io.read`.
        features : array-like or sparse matrix, optional
            Node attributes (one row per node); overrides those carried by ``graph``.

        Returns
        -------
        self
        """
        g = self._validate_graph(graph, features)
        self._validate_params(g)
        rng = check_random_state(self.random_state) if hasattr(self, "random_state") else None
        self._fit(g, rng)
        self.labels_ = np.asarray(self.labels_, dtype=np.int64)
        self.n_nodes_ = g.n_nodes
        self.node_ids_ = g.node_ids
        return self

    def fit_predict(self, graph: Any, features: Any = None) -> np.ndarray:
        """Fit and return ``labels_`` (one int per node, in the graph's node order).

        Parameters
        ----------
        graph : graph or path
            Anything ``fit`` takes (see the estimator).
        features : array_like or sparse matrix, optional
            Node features, for methods that use them.

        Returns
        -------
        numpy.ndarray of int64
        """
        return self.fit(graph, features).labels_

    def _fit(self, graph: Graph | MultiplexGraph, rng: np.random.Generator | None) -> None:  # pragma: no cover
        raise NotImplementedError

    def __sklearn_tags__(self):  # scikit-learn >= 1.6 asks estimators for their tags
        tags = super().__sklearn_tags__()
        tags.estimator_type = "clusterer"
        return tags
