"""Top-down hierarchical community detection by recursive regularized spectral bisection.

The comparator of the bottom-up paper (Dreveton et al., arXiv 2306.00833), in the spirit of
Li, Lei, Bhattacharyya, Sarkar, Bickel & Levina, "Hierarchical community detection by
recursive partitioning", JASA 2022:

- a subgraph is split in two iff its Bethe-Hessian ``H_r``, ``r = sqrt(sum d^2 / sum d - 1)``,
  has at least two negative eigenvalues (a subgraph with at most one vertex stops);
- the split is regularized spectral clustering: ``A_tau = A + (tau dbar / n') 1 1^T``, the two
  smallest eigenvectors of ``L_tau = I - D_tau^{-1/2} A_tau D_tau^{-1/2}``, 2-means;
- subgraphs are processed last-in first-out; a split that leaves one side empty makes a leaf.

Unlike the reference code (dense ``eigh`` on every subgraph, O(n'^3)), both eigenproblems
are sparse: the rank-one regularization is applied matrix-free inside ARPACK, and the
Bethe-Hessian is a sparse matrix; only subgraphs of at most 300 vertices use a dense solver.

Dendrogram and cuts: every internal node gets the observed edge density between its two
sides (``W(left, right) / (|left| |right|)`` on the weighted graph). The linkage rows merge,
in decreasing order of that density, any node whose two children are already clusters; a
cut into ``k`` clusters applies the first ``K - k`` rows (the reference code's
``clustering_k_communities_by_similarities``). Heights may therefore decrease: an
*inversion* is a parent whose split density exceeds its child's (``inversions_``).
"""
from __future__ import annotations

import heapq
import math
from typing import Any

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..backend import single_thread_if_small
from ..base import BaseClusterer
from ..solvers.eigen import DENSE_MAX, eigenpairs
from ..solvers.kmeans import kmeans
from ..validation import check_choice, check_scalar
from ._result import HierarchyMixin
from .bethe_hessian import bethe_hessian_matrix
from .linkage import community_edge_weights, similarity_to_height

__all__ = ["TopDownHierarchy", "regularized_bisection", "bethe_hessian_stop"]


def bethe_hessian_stop(adjacency: Any, *, r_rule: str = "standard", random_state: Any = None) -> bool:
    """True when the subgraph should be split: its Bethe-Hessian has >= 2 negative eigenvalues.

    ``r_rule="standard"``: ``r^2 = sum d^2 / sum d - 1`` (Saade et al.); ``"reference"``:
    ``r^2 = sum d^2 / (sum d - 1)``, what the reference code computes.

    Parameters
    ----------
    adjacency : sparse matrix
        Symmetric adjacency of the subgraph.
    r_rule : {"standard", "reference"}, default "standard"
        How ``r`` is set (see above).
    random_state : None, int or Generator
        Seeds the eigensolver's start.

    Returns
    -------
    bool
    """
    A = sp.csr_array(adjacency)
    n = A.shape[0]
    if n <= 1:
        return False
    d = np.asarray(A.sum(axis=1)).ravel()
    s1, s2 = float(d.sum()), float(d @ d)
    if s1 <= 0:
        return False
    r2 = s2 / s1 - 1.0 if r_rule == "standard" else s2 / (s1 - 1.0)
    if not r2 > 0:
        return False
    H = bethe_hessian_matrix(A, math.sqrt(r2))
    vals, _ = eigenpairs(H, min(2, n), which="smallest", random_state=random_state)
    return int(np.sum(vals < 0)) >= 2


def regularized_bisection(adjacency: Any, *, tau: float = 0.1, n_init: int = 10, random_state: Any = None) -> np.ndarray:
    """Split a graph in two by regularized spectral clustering (labels 0/1).

    Two smallest eigenvectors of ``L_tau`` (the trivial one included, as in the reference
    code), then k-means with 2 clusters (scikit-learn, ``n_init`` restarts).

    Parameters
    ----------
    adjacency : sparse matrix
        Symmetric adjacency.
    tau : float, default 0.1
        Regularization of ``L_tau``.
    n_init : int, default 10
        k-means restarts.
    random_state : None, int or Generator
        Seeds the eigensolver and k-means.

    Returns
    -------
    numpy.ndarray of int64
        0 or 1 for every node.
    """
    from ..validation import check_random_state

    rng = check_random_state(random_state)
    A = sp.csr_array(adjacency)
    n = A.shape[0]
    if n < 2:
        return np.zeros(n, dtype=np.int64)
    d = np.asarray(A.sum(axis=1)).ravel()
    c = tau * d.mean() / n  # every entry of the rank-one regularization
    d_tau = d + c * n
    if not np.all(d_tau > 0):  # empty graph: nothing to split on
        return np.zeros(n, dtype=np.int64)
    s = 1.0 / np.sqrt(d_tau)
    if n <= DENSE_MAX:
        M = s[:, None] * (A.toarray() + c) * s[None, :]
        _, V = eigenpairs(M, 2, which="largest", method="dense")
    else:
        def matvec(x: np.ndarray) -> np.ndarray:
            x = np.asarray(x).reshape(n, -1)
            y = s[:, None] * x
            out = A @ y + c * y.sum(axis=0, keepdims=True)
            return (s[:, None] * out).reshape(x.shape if x.ndim > 1 else -1)

        op = spla.LinearOperator((n, n), matvec=matvec, matmat=matvec, dtype=np.float64)
        # Largest eigenvalues of D^-1/2 A_tau D^-1/2 = smallest of L_tau.
        v0 = np.sqrt(d_tau) + 0.01 * rng.standard_normal(n)
        _, V = eigenpairs(op, 2, which="largest", method="arpack", X0=v0, tol=1e-10)
    V = V[:, ::-1]  # ascending, the column order of the reference code's k-means input
    return kmeans(V, 2, n_init=n_init, random_state=rng)[0]


class TopDownHierarchy(HierarchyMixin, BaseClusterer):
    """Top-down hierarchy: recursive regularized spectral bisection, Bethe-Hessian stopping.

    Parameters
    ----------
    n_clusters : int, optional
        Maximum number of leaves (bottom communities): splitting stops once this many
        exist. None (default) lets the Bethe-Hessian rule alone decide, as in the paper.
    tau : float, default=0.1
        Regularization strength (``A + tau dbar / n' 1 1^T``).
    n_init : int, default=10
        k-means restarts per split.
    stop_weighted : bool, default=False
        Use the weighted adjacency in the stopping rule. The reference code runs the rule on
        the unweighted graph (and the bisection on the weighted one); False keeps that.
    r_rule : {"standard", "reference"}, default="standard"
        ``r^2`` of the stopping rule: ``sum d^2 / sum d - 1`` or the reference code's
        ``sum d^2 / (sum d - 1)``.
    max_leaves : int, optional
        Stop splitting once this many leaves exist (remaining subgraphs become leaves).
    height : {"auto", "one_minus", "inverse"}
        Height from split density, as for :class:`BottomUpHierarchy`.
    random_state : None, int or numpy.random.Generator
    verbose : bool

    Attributes
    ----------
    labels_ : ndarray of int64
        Leaf (bottom community) of every node, numbered in the order leaves are found.
    linkage_ : ndarray, shape (K - 1, 4)
        Linkage rows in cut order (see the module docstring); heights may decrease.
    similarities_ : ndarray, shape (K - 1,)
        Edge density between the two sides of every internal node, per row.
    inversions_ : int
        Parent-child pairs of internal nodes where the parent has the larger density.
    n_clusters_ : int
        Number of leaves K.
    bits_ : list of tuple
        Path of every leaf from the root (0 = first side, 1 = second side).
    n_splits_ : int

    Examples
    --------
    >>> from graphclust.datasets.hsbm import btsbm
    >>> g = btsbm(2, 100, p=[0.01, 0.05, 0.3], random_state=0)
    >>> model = TopDownHierarchy(random_state=0).fit(g)
    >>> model.n_clusters_
    4
    """

    _cpu_only = True  # see registry.MethodInfo.cpu_only

    _needs_n_clusters = True
    _n_clusters_optional = True

    def __init__(
        self,
        n_clusters: int | None = None,
        *,
        tau: float = 0.1,
        n_init: int = 10,
        stop_weighted: bool = False,
        r_rule: str = "standard",
        max_leaves: int | None = None,
        height: str = "auto",
        random_state: Any = None,
        verbose: bool = False,
    ) -> None:
        self.n_clusters = n_clusters
        self.tau = tau
        self.n_init = n_init
        self.stop_weighted = stop_weighted
        self.r_rule = r_rule
        self.max_leaves = max_leaves
        self.height = height
        self.random_state = random_state
        self.verbose = verbose

    def _validate_params(self, graph: Any) -> None:
        super()._validate_params(graph)
        check_scalar(self.tau, "tau", low=0)
        check_scalar(self.n_init, "n_init", kind=int, low=1)
        check_choice(self.r_rule, "r_rule", ("standard", "reference"))
        check_choice(self.height, "height", ("auto", "one_minus", "inverse"))
        if self.max_leaves is not None:
            check_scalar(self.max_leaves, "max_leaves", kind=int, low=1)

    def _fit(self, graph: Any, rng: np.random.Generator) -> None:
        with single_thread_if_small(graph.n_nodes):
            self._fit_tree(graph, rng)

    def _fit_tree(self, graph: Any, rng: np.random.Generator) -> None:
        A = sp.csr_array(graph.adjacency)
        n = A.shape[0]
        pattern = A.copy()
        pattern.data[:] = 1.0
        A_stop = A if self.stop_weighted else pattern
        # Tree: node ids; leaves get ids 0..K-1 at the end.
        stack: list[tuple[np.ndarray, tuple, int]] = [(np.arange(n), (0,), -1)]
        leaves: list[tuple[np.ndarray, tuple]] = []
        internal: list[dict] = []  # {"parent": int, "children": [ref, ref]} with ref ("leaf"|"int", index)
        n_splits = 0
        caps = [c for c in (self.n_clusters, self.max_leaves) if c is not None]
        max_leaves = min(caps) if caps else None
        pbar = None
        if self.verbose:
            from tqdm.auto import tqdm

            pbar = tqdm(desc="TopDownHierarchy splits", unit="split")
        while stack:
            idx, bits, parent = stack.pop()
            is_leaf = True
            if max_leaves is None or len(leaves) + len(stack) + 1 < max_leaves:
                sub_stop = A_stop[idx][:, idx]
                if bethe_hessian_stop(sub_stop, r_rule=self.r_rule, random_state=rng):
                    sub = A[idx][:, idx]
                    side = regularized_bisection(sub, tau=self.tau, n_init=self.n_init, random_state=rng)
                    if 0 < side.sum() < side.size:
                        is_leaf = False
                        node = len(internal)
                        internal.append({"parent": parent, "children": []})
                        if parent >= 0:
                            internal[parent]["children"].append(("int", node))
                        n_splits += 1
                        if pbar is not None:
                            pbar.update(1)
                        # Push side 0 last so that it is processed first (LIFO).
                        stack.append((idx[side == 1], bits + (1,), node))
                        stack.append((idx[side == 0], bits + (0,), node))
            if is_leaf:
                leaf = len(leaves)
                leaves.append((idx, bits))
                if parent >= 0:
                    internal[parent]["children"].append(("leaf", leaf))
        if pbar is not None:
            pbar.close()

        K = len(leaves)
        labels = np.empty(n, dtype=np.int64)
        for k, (idx, _) in enumerate(leaves):
            labels[idx] = k
        W, sizes = community_edge_weights(A, labels, K)
        # Leaves under every internal node (post-order: children were created after parents).
        leaf_sets: list[list[int]] = [[] for _ in internal]
        for node in range(len(internal) - 1, -1, -1):
            for kind, j in internal[node]["children"]:
                leaf_sets[node].extend([j] if kind == "leaf" else leaf_sets[j])
        sims = np.zeros(len(internal))
        for node, info in enumerate(internal):
            (k0, j0), (k1, j1) = info["children"]
            s0 = [j0] if k0 == "leaf" else leaf_sets[j0]
            s1 = [j1] if k1 == "leaf" else leaf_sets[j1]
            sims[node] = W[np.ix_(s0, s1)].sum() / (sizes[s0].sum() * sizes[s1].sum())
        # Merge order: most similar node among those whose children are both clusters.
        cluster_id = {("leaf", j): j for j in range(K)}
        waiting: dict[int, int] = {}
        ready: list[tuple[float, int]] = []
        for node, info in enumerate(internal):
            waiting[node] = sum(1 for kind, _ in info["children"] if kind == "int")
            if waiting[node] == 0:
                heapq.heappush(ready, (-sims[node], node))
        Z = np.zeros((max(K - 1, 0), 4))
        row_sims = np.zeros(max(K - 1, 0))
        t = 0
        while ready:
            _, node = heapq.heappop(ready)
            (k0, j0), (k1, j1) = internal[node]["children"]
            a, b = cluster_id[(k0, j0)], cluster_id[(k1, j1)]
            n_below = (1 if k0 == "leaf" else len(leaf_sets[j0])) + (1 if k1 == "leaf" else len(leaf_sets[j1]))
            Z[t] = (min(a, b), max(a, b), 0.0, n_below)
            row_sims[t] = sims[node]
            cluster_id[("int", node)] = K + t
            t += 1
            parent = internal[node]["parent"]
            if parent >= 0:
                waiting[parent] -= 1
                if waiting[parent] == 0:
                    heapq.heappush(ready, (-sims[parent], parent))
        if K > 1:
            Z[:, 2] = similarity_to_height(row_sims, self.height)
        self.labels_ = labels
        self.linkage_ = Z
        self.similarities_ = row_sims
        self.n_clusters_ = K
        self.bits_ = [bits for _, bits in leaves]
        self.n_splits_ = n_splits
        self.community_weights_ = W
        self.community_sizes_ = sizes
