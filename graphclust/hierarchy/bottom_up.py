"""Bottom-up hierarchical community detection (Dreveton, Kuroda, Grossglauser & Thiran).

Step 1 splits the graph into K bottom communities with Bethe-Hessian spectral clustering
(K estimated when not given); step 2 builds the dendrogram over them by exact average
linkage on the estimated between-community edge densities. The dendrogram has no
inversions by construction, and the method attains the exact-recovery threshold at every
intermediate depth of a hierarchical SBM (paper: "When does bottom-up beat top-down in
hierarchical community detection?", arXiv 2306.00833).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from ..base import BaseClusterer
from ..validation import check_choice, check_scalar
from ._result import HierarchyMixin
from .bethe_hessian import bethe_hessian_clustering, check_embedding_memory
from .linkage import average_linkage, community_edge_weights

__all__ = ["BottomUpHierarchy", "split_edges"]


def split_edges(adjacency: Any, q: float, rng: np.random.Generator) -> tuple[sp.csr_array, sp.csr_array]:
    """Split the edges of a symmetric graph at random: each goes to ``A1`` w.p. ``q``, else ``A2``.

    The mask is drawn once per undirected edge (upper triangle) and mirrored, so both parts
    stay symmetric. ``A1 + A2 = A``.

    Parameters
    ----------
    adjacency : sparse matrix
        Symmetric adjacency.
    q : float
        Probability that an edge goes to ``A1``, in ``[0, 1]``.
    rng : numpy.random.Generator
        Source of the split.

    Returns
    -------
    A1, A2 : scipy.sparse.csr_array

    Examples
    --------
    >>> import numpy as np, networkx as nx, scipy.sparse as sp
    >>> A = sp.csr_array(nx.to_scipy_sparse_array(nx.karate_club_graph(), weight=None, dtype=float))
    >>> A1, A2 = split_edges(A, 0.5, np.random.default_rng(0))
    >>> bool(((A1 + A2) != A).nnz == 0), bool((A1 != A1.T).nnz == 0)
    (True, True)
    """
    A = sp.csr_array(adjacency)
    U = sp.triu(A, k=1, format="coo")
    keep = rng.random(U.nnz) < q
    n = A.shape[0]
    diag = sp.diags_array(A.diagonal(), format="csr")

    def _part(mask: np.ndarray) -> sp.csr_array:
        P = sp.coo_array((U.data[mask], (U.row[mask], U.col[mask])), shape=(n, n)).tocsr()
        return sp.csr_array(P + P.T)

    A1 = _part(keep)
    A2 = _part(~keep)
    # Self-loops (rare in practice) stay with the clustering part.
    return sp.csr_array(A1 + diag), A2


class BottomUpHierarchy(HierarchyMixin, BaseClusterer):
    """Bottom-up hierarchy: Bethe-Hessian bottom communities, then exact average linkage.

    Parameters
    ----------
    n_clusters : int, optional
        Number of bottom communities K; estimated as the number of negative eigenvalues of
        the Bethe-Hessian ``H_{sqrt(rho)}`` when None (counted without computing the
        non-negative ones, whose eigenvectors the embedding then reuses:
        :func:`graphclust.solvers.inertia.negative_eigenpairs`).
    method : {"auto", "zeta", "fixed"}, default="auto"
        Bethe-Hessian embedding (see :mod:`graphclust.hierarchy.bethe_hessian`):
        Dall'Amico et al.'s ``zeta_p`` eigenvectors (the reference code's choice, 2-3
        sparse eigensolves per community), or the K smallest eigenvectors of ``H_r`` at
        ``r = sqrt(rho)`` (one eigensolve). "auto" = "zeta" up to 50 000 vertices.
    n_init : int, default=10
        k-means restarts.
    split : float, optional
        Graph splitting (paper Sec. 3.3): each edge goes with probability ``split`` to the
        graph used for the bottom clustering and otherwise to the graph used for the edge
        densities, which makes the two steps independent (useful at bounded degree). None
        (default) uses the whole graph for both.
    height : {"auto", "one_minus", "inverse"}, default="auto"
        Merge heights: ``1 - density`` or ``1 / (1 + density)``; "auto" takes the first when
        every density is at most 1 (unweighted graphs).
    max_clusters : int, default=1000
        Cap of the estimate of K.
    random_state : None, int or numpy.random.Generator
    verbose : bool
        tqdm bars over the stages of the Bethe-Hessian clustering and over the eigensolver's
        steps while K is counted.

    Attributes
    ----------
    labels_ : ndarray of int64, shape (N,)
        Bottom community of every node (``0..K-1``).
    linkage_ : ndarray, shape (K - 1, 4)
        scipy linkage matrix over the bottom communities, heights non-decreasing.
    similarities_ : ndarray, shape (K - 1,)
        Edge density at every merge (non-increasing).
    n_clusters_ : int
        K actually used.
    community_weights_ : ndarray, shape (K, K)
        Total edge weight between bottom communities (diagonal: twice the internal weight).
    community_sizes_ : ndarray, shape (K,)
    bethe_hessian_info_ : dict
        ``rho`` and the ``zeta`` values or eigenvalues of the embedding.

    Examples
    --------
    >>> from graphclust.datasets.hsbm import btsbm
    >>> g = btsbm(2, 100, p=[0.01, 0.05, 0.3], random_state=0)
    >>> model = BottomUpHierarchy(random_state=0).fit(g)
    >>> model.n_clusters_, model.inversions_
    (4, 0)
    >>> from graphclust.metrics import accuracy
    >>> accuracy(g.meta["labels_by_depth"][1], model.labels_at_depth(1))
    1.0
    """

    _cpu_only = True  # see registry.MethodInfo.cpu_only

    _needs_n_clusters = True
    _n_clusters_optional = True

    def __init__(
        self,
        n_clusters: int | None = None,
        *,
        method: str = "auto",
        n_init: int = 10,
        split: float | None = None,
        height: str = "auto",
        max_clusters: int = 1000,
        random_state: Any = None,
        verbose: bool = False,
    ) -> None:
        self.n_clusters = n_clusters
        self.method = method
        self.n_init = n_init
        self.split = split
        self.height = height
        self.max_clusters = max_clusters
        self.random_state = random_state
        self.verbose = verbose

    def _validate_params(self, graph: Any) -> None:
        super()._validate_params(graph)
        check_choice(self.method, "method", ("auto", "zeta", "fixed"))
        check_choice(self.height, "height", ("auto", "one_minus", "inverse"))
        check_scalar(self.n_init, "n_init", kind=int, low=1)
        check_scalar(self.max_clusters, "max_clusters", kind=int, low=1)
        if self.split is not None:
            check_scalar(self.split, "split", low=0, high=1, low_inclusive=False, high_inclusive=False)
        if self.n_clusters is not None and self.n_clusters > 1:
            check_embedding_memory(graph.n_nodes, int(self.n_clusters))

    def _fit(self, graph: Any, rng: np.random.Generator) -> None:
        A = sp.csr_array(graph.adjacency)
        if self.split is not None:
            A_cluster, A_link = split_edges(A, self.split, rng)
        else:
            A_cluster = A_link = A
        labels, info = bethe_hessian_clustering(
            A_cluster,
            self.n_clusters,
            method=self.method,
            n_init=self.n_init,
            max_clusters=self.max_clusters,
            random_state=rng,
            return_info=True,
            verbose=bool(self.verbose),
        )
        K = int(labels.max()) + 1
        W, sizes = community_edge_weights(A_link, labels, K)
        if K > 1:
            Z, sims = average_linkage(W, sizes, height=self.height, return_similarities=True)
        else:
            Z, sims = np.zeros((0, 4)), np.zeros(0)
        self.labels_ = labels
        self.linkage_ = Z
        self.similarities_ = sims
        self.n_clusters_ = K
        self.community_weights_ = W
        self.community_sizes_ = sizes
        self.bethe_hessian_info_ = info
