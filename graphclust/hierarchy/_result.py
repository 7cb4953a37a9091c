"""Shared result interface of the hierarchical estimators, and tree utilities.

A fitted hierarchy has ``labels_`` (bottom communities, ``0..K-1``), ``linkage_`` (a scipy
linkage matrix over the K communities) and ``similarities_`` (the edge density at every
merge, one per row). The rows are in *merge order*: cutting the dendrogram into ``k``
clusters applies its first ``K - k`` rows. For the bottom-up method this is the order of
decreasing similarity (heights monotone); for the top-down method the rows follow the
order of decreasing split similarity among the merges whose two children already exist,
so heights may go down (inversions).
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["HierarchyMixin", "cut_linkage", "linkage_depths", "labels_at_tree_depth", "count_inversions"]


def _check_linkage(Z: Any) -> np.ndarray:
    Z = np.asarray(Z, dtype=np.float64)
    if Z.ndim != 2 or Z.shape[1] != 4:
        raise ValueError(f"linkage must be an array of shape (K - 1, 4), got {Z.shape}.")
    return Z


def _children(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return Z[:, 0].astype(np.int64), Z[:, 1].astype(np.int64)


def cut_linkage(Z: Any, n_clusters: int) -> np.ndarray:
    """Cluster of every leaf after applying the first ``K - n_clusters`` merges of ``Z``.

    Returns an int64 array of length K with clusters numbered ``0..n_clusters-1`` in order of
    their smallest leaf.

    Parameters
    ----------
    Z : array of shape (K - 1, 4)
        scipy linkage matrix over ``K`` leaves.
    n_clusters : int
        Number of clusters wanted, in ``[1, K]``.

    Examples
    --------
    >>> Z = np.array([[0, 1, 0.1, 2], [2, 3, 0.5, 3]])
    >>> cut_linkage(Z, 2).tolist()
    [0, 0, 1]
    """
    Z = _check_linkage(Z)
    K = Z.shape[0] + 1
    if isinstance(n_clusters, bool) or not isinstance(n_clusters, (int, np.integer)):
        raise TypeError(f"n_clusters must be an int, got {type(n_clusters).__name__}.")
    if not 1 <= n_clusters <= K:
        raise ValueError(f"n_clusters must be in [1, {K}] (the number of bottom communities), got {n_clusters}.")
    parent = np.arange(2 * K - 1)
    a, b = _children(Z)
    for t in range(K - n_clusters):
        parent[a[t]] = K + t
        parent[b[t]] = K + t
    root = np.arange(K)
    # Follow parents to the top (the depth is at most K, and vectorised per step).
    while True:
        nxt = parent[root]
        if np.array_equal(nxt, root):
            break
        root = nxt
    _, first, inv = np.unique(root, return_index=True, return_inverse=True)
    order = np.empty(first.size, dtype=np.int64)
    order[np.argsort(first)] = np.arange(first.size)
    return order[inv]


def linkage_depths(Z: Any) -> np.ndarray:
    """Depth (distance from the root) of every node ``0..2K-2`` of the tree of ``Z``.

    Parameters
    ----------
    Z : array of shape (K - 1, 4)
        scipy linkage matrix over ``K`` leaves.

    Returns
    -------
    numpy.ndarray of int64, shape (2K - 1,)
        Leaves first (``0..K-1``), then the node created at each row of ``Z``; the root has 0.

    Examples
    --------
    >>> Z = np.array([[0, 1, 0.1, 2], [2, 3, 0.5, 3]])
    >>> linkage_depths(Z).tolist()
    [2, 2, 1, 1, 0]
    """
    Z = _check_linkage(Z)
    K = Z.shape[0] + 1
    depth = np.zeros(2 * K - 1, dtype=np.int64)
    a, b = _children(Z)
    # Rows only reference earlier nodes, so walking the rows backwards visits parents first.
    for t in range(K - 2, -1, -1):
        depth[a[t]] = depth[b[t]] = depth[K + t] + 1
    return depth


def labels_at_tree_depth(Z: Any, depth: int) -> np.ndarray:
    """Cluster of every leaf at the given tree depth (root = depth 0).

    Clusters are the nodes at that depth; a leaf shallower than ``depth`` is its own cluster.

    Parameters
    ----------
    Z : array of shape (K - 1, 4)
        scipy linkage matrix over ``K`` leaves.
    depth : int
        Tree depth (0 = one cluster).

    Returns
    -------
    numpy.ndarray of int64, shape (K,)

    Examples
    --------
    >>> Z = np.array([[0, 1, 0.1, 2], [2, 3, 0.5, 3]])
    >>> labels_at_tree_depth(Z, 1).tolist()
    [0, 0, 1]
    """
    Z = _check_linkage(Z)
    K = Z.shape[0] + 1
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 0:
        raise ValueError(f"depth must be a non-negative int, got {depth!r}.")
    dep = linkage_depths(Z)
    parent = np.arange(2 * K - 1)
    a, b = _children(Z)
    parent[a] = np.arange(K, 2 * K - 1)
    parent[b] = np.arange(K, 2 * K - 1)
    node = np.arange(K)
    while True:
        up = dep[node] > depth
        if not up.any():
            break
        node = np.where(up, parent[node], node)
    _, first, inv = np.unique(node, return_index=True, return_inverse=True)
    order = np.empty(first.size, dtype=np.int64)
    order[np.argsort(first)] = np.arange(first.size)
    return order[inv]


def count_inversions(Z: Any, similarities: Any) -> int:
    """Parent-child pairs of internal nodes where the parent's similarity exceeds the child's.

    ``similarities[t]`` is the merge (or split) similarity of the node created at row ``t``.
    A dendrogram without inversions has similarities that never increase going up.

    Parameters
    ----------
    Z : array of shape (K - 1, 4)
        scipy linkage matrix.
    similarities : array_like of float, shape (K - 1,)
        Similarity of the node created at each row of ``Z``.

    Returns
    -------
    int

    Examples
    --------
    >>> Z = np.array([[0, 1, 0.2, 2], [2, 3, 0.1, 3]])
    >>> count_inversions(Z, [0.5, 0.8])
    1
    """
    Z = _check_linkage(Z)
    s = np.asarray(similarities, dtype=np.float64)
    K = Z.shape[0] + 1
    if s.shape != (K - 1,):
        raise ValueError(f"similarities must have one entry per linkage row ({K - 1}), got {s.shape}.")
    count = 0
    a, b = _children(Z)
    for t in range(K - 1):
        for child in (a[t], b[t]):
            if child >= K and s[t] > s[child - K] * (1 + 1e-12):
                count += 1
    return count


class HierarchyMixin:
    """Result interface shared by :class:`BottomUpHierarchy` and :class:`TopDownHierarchy`.

    Needs ``labels_`` (bottom communities ``0..K-1``), ``linkage_`` and ``similarities_``.
    """

    labels_: np.ndarray
    linkage_: np.ndarray
    similarities_: np.ndarray

    def _check_fitted(self) -> None:
        if not hasattr(self, "linkage_"):
            raise AttributeError(f"This {type(self).__name__} is not fitted yet: call fit(graph) first.")

    @property
    def n_communities_(self) -> int:
        """Number of bottom communities K."""
        self._check_fitted()
        return int(self.linkage_.shape[0] + 1)

    def cut(self, n_clusters: int) -> np.ndarray:
        """Node labels with ``n_clusters`` clusters (the first ``K - n_clusters`` merges applied).

        Returns an int64 array, one label per node in the graph's node order.

        Parameters
        ----------
        n_clusters : int
            Number of clusters, from 1 to the number of bottom communities.
        """
        self._check_fitted()
        return cut_linkage(self.linkage_, n_clusters)[self.labels_]

    def labels_at_depth(self, depth: int) -> np.ndarray:
        """Node labels by the depth-``depth`` node of the dendrogram (root = 0).

        For a balanced binary hierarchy depth ``l`` gives ``2**l`` clusters; a bottom
        community shallower than ``depth`` keeps its own label.

        Parameters
        ----------
        depth : int
            Depth in the dendrogram (0 = one cluster).

        Returns
        -------
        numpy.ndarray of int64
        """
        self._check_fitted()
        return labels_at_tree_depth(self.linkage_, depth)[self.labels_]

    @property
    def inversions_(self) -> int:
        """Number of parent-child pairs whose parent has the larger similarity."""
        self._check_fitted()
        return count_inversions(self.linkage_, self.similarities_)

    def dendrogram(self, ax: Any = None, **kwargs: Any) -> dict:
        """Plot the dendrogram over the bottom communities with scipy and matplotlib.

        Leaves are labelled ``"c (size)"``. Draws on ``ax`` (the current Axes when omitted);
        extra keyword arguments go to :func:`scipy.cluster.hierarchy.dendrogram`. Returns
        its dictionary. :func:`graphclust.plotting.plot_dendrogram` draws the same and
        returns the Axes.

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Where to draw (default: the current Axes).
        **kwargs
            Passed to :func:`scipy.cluster.hierarchy.dendrogram`.

        Returns
        -------
        dict
            scipy's description of the drawn tree (``"leaves"``, ``"ivl"``, ...); empty
            for a single community.
        """
        from ..plotting import _dendrogram, _pyplot

        self._check_fitted()
        return _dendrogram(self, _pyplot().gca() if ax is None else ax, dict(kwargs))[1]
