"""graphclust.amg: algebraic multigrid that stays lean on graph Laplacians.

Bootstrap AMG by compatible weighted matching (BootCMatch, D'Ambra, Filippone & Vassilevski),
as plain functions in small modules, pyamg-style:

- :mod:`.matching`: weights compatible with a smooth vector; Suitor (numba) and
  locally-dominant (array namespace, GPU) half-approximate matchings;
- :mod:`.prolongation`: the prolongator that carries the smooth vector exactly;
- :mod:`.aggregation`: pairwise passes composed into aggregates of up to 4;
- :mod:`.relaxation`: Gauss-Seidel (pyamg's kernel) and l1-Jacobi smoothers;
- :mod:`.hierarchy`: one hierarchy and its V-cycle (``as_preconditioner()``);
- :mod:`.composite`: multiplicative / symmetrized / additive composites over hierarchies;
- :mod:`.bootstrap`: the bootstrap loop, :func:`smooth_vectors` and :func:`smooth_embedding`;
- :mod:`.augmentation`: attribute vertices for attributed graphs (SA-Cluster augmentation).

Examples
--------
>>> import networkx as nx
>>> from graphclust.amg import smooth_vectors
>>> W, report = smooth_vectors(nx.karate_club_graph(), max_hierarchies=3, random_state=0)
>>> W.shape
(34, 4)
"""
from __future__ import annotations

from .bootstrap import BootstrapReport, bootstrap, laplacian_spd, smooth_embedding, smooth_vectors
from .composite import CompositeSolver, composite_apply
from .hierarchy import Hierarchy, Level, build_hierarchy

__all__ = [
    "smooth_vectors",
    "smooth_embedding",
    "bootstrap",
    "BootstrapReport",
    "laplacian_spd",
    "build_hierarchy",
    "Hierarchy",
    "Level",
    "CompositeSolver",
    "composite_apply",
]
