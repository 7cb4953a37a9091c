"""Exact average linkage (UPGMA) on between-community edge densities.

Given bottom communities ``C_1..C_K`` of a graph with (weighted) adjacency ``A``, the
similarity of two disjoint unions of communities ``X`` and ``Y`` is their edge density::

    S(X, Y) = W(X, Y) / (|X| |Y|),   W(X, Y) = sum_{i in X, j in Y} A_ij,

which is exactly the average of the vertex-level similarity ``A_ij`` over the pairs, so
greedily merging the most similar pair and updating ``W`` by addition is exact average
linkage (UPGMA) on the vertices, restricted to unions of bottom communities. Average linkage
is reducible (a merged cluster is never more similar to a third one than the better of its
two parts), so the merge similarities never increase and the heights never decrease: the
dendrogram has no inversions.

The implementation keeps one heap entry per candidate pair and discards stale entries
lazily: ``O(K^2)`` pushes in all, ``O(K^2 log K)`` time and ``O(K^2)`` memory, against the
``O(K^3)`` loop of the reference code.
"""
from __future__ import annotations

import heapq
from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = ["community_edge_weights", "average_linkage", "similarity_to_height"]


def community_edge_weights(adjacency: Any, labels: Any, n_communities: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Between-community edge weights ``W = H^T A H`` and community sizes.

    ``H`` is the N x K membership matrix; one sparse product, ``O(E + K^2)``.
    ``W[a, a]`` counts every internal edge twice (both directions), off-diagonal entries once.

    Parameters
    ----------
    adjacency : sparse matrix or graph
        Symmetric adjacency.
    labels : array_like of int, shape (N,)
        Community of every node, ``0..K-1``.
    n_communities : int, optional
        ``K`` (default: ``labels.max() + 1``).

    Returns
    -------
    W : ndarray, shape (K, K)
    sizes : ndarray of int64, shape (K,)

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.csr_array(np.array([[0, 1, 1], [1, 0, 0], [1, 0, 0]], dtype=float))
    >>> W, sizes = community_edge_weights(A, [0, 0, 1])
    >>> W.tolist(), sizes.tolist()
    ([[2.0, 1.0], [1.0, 0.0]], [2, 1])
    """
    y = np.asarray(labels, dtype=np.int64)
    n = adjacency.shape[0]
    if y.shape != (n,):
        raise ValueError(f"labels must have one entry per node ({n}), got shape {y.shape}.")
    if y.size and y.min() < 0:
        raise ValueError("labels must be non-negative community indices.")
    K = int(n_communities) if n_communities is not None else (int(y.max()) + 1 if y.size else 0)
    from ..memory import check_dense

    check_dense((K, K), np.float64, what=f"the dense weights between {K} communities", hint="use fewer communities")
    H = sp.csr_array((np.ones(n), (np.arange(n), y)), shape=(n, K))
    W = (H.T @ (sp.csr_array(adjacency) @ H)).toarray()
    sizes = np.bincount(y, minlength=K).astype(np.int64)
    return W, sizes


def similarity_to_height(similarity: Any, kind: str = "auto") -> np.ndarray:
    """Heights of a dendrogram from merge similarities (edge densities).

    ``"one_minus"``: ``1 - s`` (unweighted graphs, where densities are in [0, 1]);
    ``"inverse"``: ``1 / (1 + s)`` (weighted graphs, any non-negative density), the two
    conventions of the reference code; ``"auto"`` takes ``"one_minus"`` when every density is
    at most 1, else ``"inverse"``. Both are decreasing, so a non-increasing similarity
    sequence gives non-decreasing heights.

    Parameters
    ----------
    similarity : array_like of float
        Merge similarities, one per merge.
    kind : {"auto", "one_minus", "inverse"}, default "auto"
        The conversion (see above).

    Returns
    -------
    numpy.ndarray
        One height per merge.

    Examples
    --------
    >>> similarity_to_height([0.5, 0.25]).tolist()
    [0.5, 0.75]
    """
    s = np.asarray(similarity, dtype=np.float64)
    if kind == "auto":
        kind = "one_minus" if (s.size == 0 or np.nanmax(s) <= 1.0) else "inverse"
    if kind == "one_minus":
        return 1.0 - s
    if kind == "inverse":
        return 1.0 / (1.0 + s)
    raise ValueError(f"kind must be 'auto', 'one_minus' or 'inverse', got {kind!r}.")


def average_linkage(
    weights: Any,
    sizes: Any,
    *,
    height: str = "auto",
    return_similarities: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Exact average linkage on community edge densities, in scipy linkage format.

    Parameters
    ----------
    weights : array-like, shape (K, K)
        Symmetric total edge weight between communities (``W[a, b] = sum A_ij`` over
        ``i in C_a``, ``j in C_b``); the diagonal is ignored. See
        :func:`community_edge_weights`.
    sizes : array-like, shape (K,)
        Community sizes (positive).
    height : {"auto", "one_minus", "inverse"}
        Similarity-to-height map, see :func:`similarity_to_height`.
    return_similarities : bool
        Also return the merge similarities (densities), one per row.

    Returns
    -------
    Z : ndarray, shape (K - 1, 4)
        scipy linkage matrix: row ``t`` merges clusters ``Z[t, 0] < Z[t, 1]`` (ids ``< K`` are
        communities, ``K + s`` the cluster formed at row ``s``) at height ``Z[t, 2]``
        (non-decreasing) into a cluster of ``Z[t, 3]`` communities (scipy counts leaves, so
        ``scipy.cluster.hierarchy`` functions accept ``Z``; vertex counts are
        ``sizes`` summed over the cluster).
    similarities : ndarray, shape (K - 1,)
        Only with ``return_similarities``; non-increasing.

    Notes
    -----
    Ties are broken towards the pair with the smallest ids (deterministic). Cost
    ``O(K^2 log K)`` with a lazy-deletion heap.

    Examples
    --------
    >>> W = np.array([[0, 9, 1], [9, 0, 1], [1, 1, 0]], dtype=float)
    >>> Z = average_linkage(W, [3, 3, 3])
    >>> Z[:, [0, 1, 3]].astype(int).tolist()
    [[0, 1, 2], [2, 3, 3]]
    """
    W0 = np.array(weights, dtype=np.float64, copy=True)
    size = np.asarray(sizes, dtype=np.float64)
    if W0.ndim != 2 or W0.shape[0] != W0.shape[1]:
        raise ValueError(f"weights must be a square matrix, got shape {W0.shape}.")
    K = W0.shape[0]
    if size.shape != (K,):
        raise ValueError(f"sizes must have one entry per community ({K}), got shape {size.shape}.")
    if K == 0:
        raise ValueError("weights is empty: at least one community is needed.")
    if np.any(size <= 0) or not np.all(np.isfinite(size)):
        raise ValueError("sizes must be positive (every community needs at least one vertex).")
    if not np.all(np.isfinite(W0)) or np.any(W0 < 0):
        raise ValueError("weights must be finite and non-negative.")
    if not np.allclose(W0, W0.T, rtol=1e-10, atol=1e-12):
        raise ValueError("weights must be symmetric.")

    n_total = 2 * K - 1
    from ..memory import check_dense

    check_dense((n_total, n_total), np.float64, what=f"the average-linkage table of {K} communities",
                hint="use fewer communities")
    # Rows/cols for clusters 0..2K-2; cluster K + t is created at merge t.
    W = np.zeros((n_total, n_total))
    W[:K, :K] = (W0 + W0.T) / 2
    sz = np.zeros(n_total)
    sz[:K] = size
    n_leaves = np.zeros(n_total)
    n_leaves[:K] = 1
    active = np.zeros(n_total, dtype=bool)
    active[:K] = True

    iu, ju = np.triu_indices(K, k=1)
    dens = W[iu, ju] / (sz[iu] * sz[ju])
    # Heap of (-similarity, a, b): a < b; the smallest ids win ties.
    heap = list(zip((-dens).tolist(), iu.tolist(), ju.tolist()))
    heapq.heapify(heap)

    Z = np.zeros((K - 1, 4))
    sims = np.zeros(K - 1)
    for t in range(K - 1):
        while True:
            neg_s, a, b = heapq.heappop(heap)
            if active[a] and active[b]:
                break
        new = K + t
        active[a] = active[b] = False
        sz[new] = sz[a] + sz[b]
        n_leaves[new] = n_leaves[a] + n_leaves[b]
        others = np.flatnonzero(active[:new])
        row = W[a, others] + W[b, others]
        W[new, others] = row
        W[others, new] = row
        active[new] = True
        Z[t] = (a, b, 0.0, n_leaves[new])
        sims[t] = -neg_s
        if others.size:
            d_new = row / (sz[new] * sz[others])
            for c, s in zip(others.tolist(), d_new.tolist()):
                heapq.heappush(heap, (-s, c, new))
    # Reducibility makes sims non-increasing in exact arithmetic; clip float noise so the
    # heights are exactly monotone.
    sims = np.minimum.accumulate(sims)
    Z[:, 2] = similarity_to_height(sims, height) if K > 1 else Z[:, 2]
    if return_similarities:
        return Z, sims
    return Z
