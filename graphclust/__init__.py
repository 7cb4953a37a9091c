"""graphclust: graph clustering with sparse linear algebra, fast, on CPU and GPU.

Public names are imported lazily (PEP 562), so ``import graphclust`` loads no numba kernel,
no scikit-learn estimator and no torch; each method pays for its imports on first use.

Examples
--------
>>> import graphclust as gc
>>> g = gc.datasets.load("cora")
>>> labels = gc.S2CAG(n_clusters=7).fit_predict(g)        # doctest: +SKIP
"""
from __future__ import annotations

import importlib
from typing import Any

from ._version import __version__

_LAZY = {
    # core
    "Graph": "graphclust.graph",
    "MultiplexGraph": "graphclust.graph",
    "as_graph": "graphclust.graph",
    "as_multiplex": "graphclust.graph",
    # estimators
    "SpectralClustering": "graphclust.spectral.spectral",
    "S2CAG": "graphclust.s2cag.s2cag",
    "MS2CAG": "graphclust.s2cag.ms2cag",
    "LocalClustering": "graphclust.local.estimator",
    "BottomUpHierarchy": "graphclust.hierarchy.bottom_up",
    "TopDownHierarchy": "graphclust.hierarchy.top_down",
    "PamCClustering": "graphclust.contrastive.pamc",
    "DEMM": "graphclust.demm.demm",
    "DEMMPlus": "graphclust.demm.demm_plus",
    "BootstrapAMGClustering": "graphclust.amg.estimator",
}
_SUBMODULES = {
    "amg", "backend", "base", "cli", "datasets", "demm", "graph", "hierarchy", "io", "local", "metrics", "registry",
    "s2cag", "solvers", "sparse", "spectral", "validation", "kernels", "memory", "operators", "seeding",
    "contrastive", "torch_backend", "distributed",
    "plotting",
    "components",
}

__all__ = sorted(_LAZY) + sorted(_SUBMODULES) + ["__version__"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"graphclust.{name}")
    else:
        raise AttributeError(f"module 'graphclust' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
