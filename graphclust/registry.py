"""The method registry: one table that the CLI, the shared API test and the benchmarks read.

Entries name their estimator as ``"module:Class"`` and are imported on first use, so
``import graphclust`` stays fast and a method's heavy dependencies load only when it runs.
Adding a method means adding one line here; the CLI never changes.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass

__all__ = ["MethodInfo", "METHODS", "get", "names", "load"]


@dataclass(frozen=True)
class MethodInfo:
    """What the front end needs to know about a method.

    Attributes
    ----------
    name : str
        Command-line name.
    target : str
        ``"module:Class"`` of the estimator.
    kind : {"partition", "local", "hierarchy"}
        ``partition``: ``fit(graph)`` then ``labels_``; ``hierarchy``: the same plus
        ``linkage_``; ``local``: ``fit(graph, seed)`` then ``cluster_``.
    requires_features : bool
    multiplex : bool
    summary : str
    cpu_only : bool
        The method runs on the CPU by design (sequential pushes, exact linkage); a graph on the
        GPU is copied to the host with one warning.
    requires : tuple of str
        Optional packages the method imports when it runs (the shared tests skip without them).
    """

    name: str
    target: str
    kind: str
    requires_features: bool
    multiplex: bool
    summary: str
    cpu_only: bool = False
    requires: tuple[str, ...] = ()

    def load(self) -> type:
        """Import and return the estimator class."""
        module, cls = self.target.split(":")
        return getattr(importlib.import_module(module), cls)


METHODS: dict[str, MethodInfo] = {
    m.name: m
    for m in [
        MethodInfo("spectral", "graphclust.spectral.spectral:SpectralClustering", "partition", False, False,
                   "normalized-adjacency spectral embedding + k-means (structure-only baseline)"),
        MethodInfo("s2cag", "graphclust.s2cag.s2cag:S2CAG", "partition", True, False,
                   "S2CAG: spectral subspace clustering of attributed graphs (KDD 2025)"),
        MethodInfo("ms2cag", "graphclust.s2cag.ms2cag:MS2CAG", "partition", True, False,
                   "M-S2CAG: modularity-maximising S2CAG"),
        MethodInfo("bottom_up", "graphclust.hierarchy.bottom_up:BottomUpHierarchy", "hierarchy", False, False,
                   "Bethe-Hessian bottom communities + exact average linkage (JASA 2026)", cpu_only=True),
        MethodInfo("top_down", "graphclust.hierarchy.top_down:TopDownHierarchy", "hierarchy", False, False,
                   "recursive regularized spectral bisection with Bethe-Hessian stopping", cpu_only=True),
        MethodInfo("local", "graphclust.local.estimator:LocalClustering", "local", False, False,
                   "local clustering around a seed: flow diffusion or ACL PageRank, noisy labels (ICLR 2024)",
                   cpu_only=True),
        MethodInfo("pamc", "graphclust.contrastive.pamc:PamCClustering", "partition", True, False,
                   "PamC: contrastive deep clustering with meta-node negatives (PyTorch; 'torch' extra)",
                   requires=("torch",)),
        MethodInfo("demm+", "graphclust.demm.demm_plus:DEMMPlus", "partition", False, True,
                   "DEMM+: multi-relational Dirichlet-energy clustering in linear memory (arXiv 2508.17388)"),
        MethodInfo("demm", "graphclust.demm.demm:DEMM", "partition", False, True,
                   "DEMM: exact (dense) multi-relational Dirichlet-energy clustering, up to ~20k nodes"),
        MethodInfo("bootamg", "graphclust.amg.estimator:BootstrapAMGClustering", "partition", False, False,
                   "bootstrap-AMG smooth vectors + k-means restarts by modularity, plain or attributed (AMC 2023)"),
    ]
}


def names(kind: str | None = None) -> list[str]:
    """Registered method names, optionally of one kind.

    Parameters
    ----------
    kind : {"partition", "local", "hierarchy"}, optional
        Only the methods of this kind.

    Returns
    -------
    list of str

    Examples
    --------
    >>> "s2cag" in names() and names("local") == ["local"]
    True
    """
    return [n for n, m in METHODS.items() if kind is None or m.kind == kind]


def get(name: str) -> MethodInfo:
    """The :class:`MethodInfo` of ``name``; a clear error lists the known names.

    Parameters
    ----------
    name : str
        Registered method name (see :func:`names`).

    Returns
    -------
    MethodInfo

    Examples
    --------
    >>> get("spectral").kind
    'partition'
    """
    try:
        return METHODS[name]
    except KeyError:
        raise ValueError(f"unknown method {name!r}; known methods: {', '.join(METHODS)}.") from None


def load(name: str) -> type:
    """The estimator class registered as ``name``.

    Parameters
    ----------
    name : str
        Registered method name (see :func:`names`).

    Returns
    -------
    type
        The estimator class, imported on this call.

    Examples
    --------
    >>> load("spectral").__name__
    'SpectralClustering'
    """
    return get(name).load()
