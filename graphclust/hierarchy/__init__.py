"""Hierarchical community detection: bottom-up (Bethe-Hessian + average linkage) and top-down.

Estimators: :class:`BottomUpHierarchy` (Dreveton, Kuroda, Grossglauser & Thiran, "When does
bottom-up beat top-down in hierarchical community detection?", arXiv 2306.00833) and the
comparator :class:`TopDownHierarchy` (recursive regularized spectral bisection). Building
blocks: :func:`bethe_hessian_clustering`, :func:`average_linkage`, and the Chernoff-Hellinger
thresholds :func:`exact_recovery_threshold` / :func:`btsbm_thresholds`. Synthetic hierarchies
come from :func:`graphclust.datasets.hsbm` and :func:`graphclust.datasets.btsbm`.
"""
from __future__ import annotations

from ._result import HierarchyMixin, count_inversions, cut_linkage, labels_at_tree_depth, linkage_depths
from .bethe_hessian import (
    bethe_hessian_matrix,
    bethe_hessian_clustering,
    bethe_hessian_embedding,
    estimate_n_clusters,
    nonbacktracking_radius,
)
from .bottom_up import BottomUpHierarchy, split_edges
from .linkage import average_linkage, community_edge_weights, similarity_to_height
from .thresholds import btsbm_thresholds, chernoff_hellinger, exact_recovery_threshold
from .top_down import TopDownHierarchy, bethe_hessian_stop, regularized_bisection

__all__ = [
    "BottomUpHierarchy",
    "TopDownHierarchy",
    "HierarchyMixin",
    "bethe_hessian_matrix",
    "bethe_hessian_clustering",
    "bethe_hessian_embedding",
    "estimate_n_clusters",
    "nonbacktracking_radius",
    "average_linkage",
    "community_edge_weights",
    "similarity_to_height",
    "cut_linkage",
    "linkage_depths",
    "labels_at_tree_depth",
    "count_inversions",
    "chernoff_hellinger",
    "exact_recovery_threshold",
    "btsbm_thresholds",
    "split_edges",
    "bethe_hessian_stop",
    "regularized_bisection",
]
