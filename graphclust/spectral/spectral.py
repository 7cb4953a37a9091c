"""Normalized-adjacency spectral clustering (Ng, Jordan & Weiss 2001) on CPU and GPU."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..backend import namespace_of
from ..base import BaseClusterer
from ..components import split_components, warn_disconnected
from ..seeding import normal_rows, seed_from
from ..validation import check_bool, check_choice, check_random_state, check_scalar

__all__ = ["SpectralClustering", "spectral_embedding", "resolve_tol", "resolve_regularization"]

EIGEN_SOLVERS = ("subspace", "lobpcg", "arpack")
_SOLVER_METHOD = {"subspace": "chebyshev", "lobpcg": "lobpcg", "arpack": "arpack"}
# Graphs this small are embedded with a dense eigendecomposition (guarded size), where the
# iterative solvers would need almost as many columns as there are nodes.
_DENSE_MAX_NODES = 5000
# The iterative embedding holds about this many n x b float32 blocks at its peak (the block,
# its product, the filter's recurrence, Rayleigh-Ritz copies, float64 Gram chunks; measured
# with tracemalloc at n = 20k, k = 400: 10.0 blocks, b = k + max(4, k // 4)).
_EMBEDDING_BLOCKS = 10
# Chebyshev filter degrees (later steps, first step): measured on a 1M-node SBM of average
# degree 10 (docs/benchmarks/spectral.md), 12 then 8 reaches tol 1e-2 in 21 sparse products.
_DEGREE, _START_DEGREE = 8, 12


# Graphs up to this size solve to the tight tolerance by default: there the whole solve takes
# well under a second whatever the tolerance, and real graphs often have crowded top
# eigenvalues (cora's largest component: 0.9952, 0.9926, ..., 0.9803, 0.9801), where a
# residual of 1e-2 leaves the subspace undetermined and moves NMI by several points
# (docs/benchmarks/spectral.md). Above it the cost of the solve dominates and 1e-2 keeps
# the 1M-node SBM at its measured speed (a tolerance of 1e-4 costs 1.6x at 200k nodes).
_AUTO_TOL_MAX_NODES = 100_000
_TIGHT_TOL, _LOOSE_TOL = 1e-4, 1e-2


def resolve_tol(tol: float | str, n_nodes: int) -> float:
    """The eigensolver tolerance ``tol="auto"`` stands for on a graph of ``n_nodes`` nodes.

    Parameters
    ----------
    tol : float or "auto"
    n_nodes : int

    Returns
    -------
    float
        ``tol`` itself when a number; for "auto" ``1e-4`` up to 100,000 nodes, else ``1e-2``.

    Examples
    --------
    >>> resolve_tol("auto", 2708), resolve_tol("auto", 10**6), resolve_tol(1e-3, 10)
    (0.0001, 0.01, 0.001)
    """
    if isinstance(tol, str):
        check_choice(tol, "tol", ("auto",))
        return _TIGHT_TOL if n_nodes <= _AUTO_TOL_MAX_NODES else _LOOSE_TOL
    return float(check_scalar(tol, "tol", low=0, low_inclusive=False))


def resolve_regularization(regularization: float | str | None, adjacency: Any) -> float:
    """The ``tau`` of regularized spectral clustering (0.0 for None).

    Parameters
    ----------
    regularization : float >= 0, "auto" or None
        "auto" is a quarter of the mean degree (Qin & Rohe 2013 use the mean degree;
        a quarter of it gave the best NMI on the shipped citation graphs, see
        docs/benchmarks/spectral.md).
    adjacency : sparse matrix

    Returns
    -------
    float

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> resolve_regularization("auto", sp.csr_array(np.ones((4, 4)) - np.eye(4)))
    0.75
    """
    if regularization is None:
        return 0.0
    if isinstance(regularization, str):
        check_choice(regularization, "regularization", ("auto",))
        return float(adjacency.sum()) / adjacency.shape[0] / 4.0
    return float(check_scalar(regularization, "regularization", low=0))


def spectral_embedding(
    adjacency: Any,
    n_components: int,
    *,
    eigen_solver: str = "subspace",
    tol: float | str = "auto",
    max_iter: int = 100,
    regularization: float | str | None = None,
    random_state: Any = None,
    verbose: bool = False,
) -> tuple[Any, np.ndarray]:
    """Top ``n_components`` eigenvectors of ``D^{-1/2} A D^{-1/2}`` (not yet row-normalized).

    Disconnected graphs: every connected component with an edge adds an eigenvalue 1. When
    there are more such components than ``n_components``, the top eigenspace is not
    determined by the graph (any ``n_components`` of the component indicators span an
    eigenspace of eigenvalue 1), and an eigensolver returns some mix of indicators of small
    components: a near-random partition. Then the embedding is computed on the largest
    component alone, and the rows of the other nodes are zero; with at most
    ``n_components`` components the usual embedding is returned (the components are then
    among the clusters). Either way a warning says how the graph splits.

    With ``regularization`` ``tau > 0`` the operator is that of ``A + (tau / n) 1 1^T``
    (Amini, Chen, Bickel & Levina 2013; Qin & Rohe 2013): ``D_tau^{-1/2} A D_tau^{-1/2} +
    (tau / n) u u^T`` with ``D_tau = D + tau I`` and ``u = D_tau^{-1/2} 1``, applied as a
    sparse matrix plus a rank-one term (:class:`graphclust.operators.LowRankOperator`),
    never densified. The regularized graph is connected, so no component is set aside.

    Parameters
    ----------
    adjacency : CSR matrix (scipy or cupyx), symmetric, non-negative
    n_components : int
    eigen_solver, tol, max_iter, regularization, random_state, verbose
        As in :class:`SpectralClustering`.

    Returns
    -------
    embedding : array of shape (n, n_components) on the adjacency's device (float32 for
        the iterative solvers, float64 for small dense graphs)
    eigenvalues : ndarray of shape (n_components,), descending

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.csr_array(sp.block_diag([np.ones((3, 3)) - np.eye(3)] * 2))
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")   # two components: a warning says so
    ...     emb, w = spectral_embedding(A, 2, random_state=0)
    >>> emb.shape, np.round(w, 6).tolist()
    ((6, 2), [1.0, 1.0])
    """
    ns = namespace_of(adjacency)
    xp = ns.xp
    rng = check_random_state(random_state)
    n = int(adjacency.shape[0])
    _check_embedding_memory(n, int(n_components), n <= min(_DENSE_MAX_NODES, 5 * n_components + 10))
    tau = resolve_regularization(regularization, adjacency)
    tol = resolve_tol(tol, n)
    V, w = _embed(adjacency, n_components, tau, eigen_solver, tol, max_iter, rng, verbose, ns)
    if tau:
        return V, w  # the regularized graph is connected
    # Two components with edges make the eigenvalue 1 double, so the second Ritz value is
    # then within the solver's accuracy of 1 (Ritz values are lower bounds and converged
    # ones lie within the residual of an eigenvalue); only then are the components counted
    # (O(nnz), skipped on connected graphs such as the 1M-node benchmark SBM).
    split = split_components(adjacency, n_components,
                             count=n_components >= 2 and w[1] >= 1.0 - max(5.0 * tol, 1e-3))
    if split.message is not None:
        warn_disconnected(split.message, stacklevel=2)
    if split.keep is None:
        return V, w
    keep = split.keep
    sub = adjacency[keep][:, keep]
    k_sub = min(n_components, int(keep.size) - 1)
    V_sub, w = _embed(sub, k_sub, 0.0, eigen_solver, tol, max_iter, rng, verbose, ns)
    V = xp.zeros((n, n_components), dtype=V_sub.dtype)
    V[keep, :k_sub] = V_sub
    return V, np.concatenate([w, np.zeros(n_components - k_sub)])


def _embed(
    adjacency: Any, n_components: int, tau: float, eigen_solver: str, tol: float, max_iter: int,
    rng: np.random.Generator, verbose: bool, ns: Any,
) -> tuple[Any, np.ndarray]:
    from ..operators import LowRankOperator, SparseOperator, WeightedSum
    from ..solvers.eigen import top_eigenvectors
    from ..sparse import degrees, diag_scale, inverse_power

    xp = ns.xp
    n = int(adjacency.shape[0])
    deg = degrees(adjacency)
    d_tau = deg + tau if tau else deg
    scale = inverse_power(d_tau, -0.5)
    S = diag_scale(adjacency, scale, scale)
    if n <= min(_DENSE_MAX_NODES, 5 * n_components + 10):
        dense = S.toarray()
        if tau:
            dense = dense + (tau / n) * xp.outer(scale, scale)
        w, V = xp.linalg.eigh(dense)
        order = xp.argsort(w)[::-1][:n_components]
        return V[:, order], np.asarray(ns.to_numpy(w[order]), dtype=np.float64)
    op = S
    if tau:
        op = WeightedSum([SparseOperator(S), LowRankOperator(scale, [tau / n])])
    # sqrt(d) (sqrt(d + tau) regularized) is the top eigenvector of a connected graph
    # (eigenvalue 1): start from it. The other columns are drawn by row chunks
    # (seeding.normal_rows), as graphclust.distributed draws them on its workers: one seed,
    # the same start block on one machine or many.
    block_size = min(n, n_components + max(4, n_components // 4))
    start = ns.asarray(normal_rows(seed_from(rng), 0, n, block_size, np.float32))
    start[:, 0] = xp.sqrt(d_tau)
    # First cut: the bulk edge 2 / sqrt(c) of a sparse random graph's normalized adjacency
    # (c = mean number of neighbours of the non-isolated nodes); only a first guess, the
    # solver cuts at Ritz values afterwards.
    n_active = max(1, int((deg > 0).sum()))
    c = max(1.0, adjacency.nnz / n_active)
    initial_cut = min(0.9, 2.0 / np.sqrt(c))
    # The spectrum of a normalized adjacency (regularized or not) lies in [-1, 1].
    w, V = top_eigenvectors(
        op,
        n_components,
        method=_SOLVER_METHOD[eigen_solver],
        tol=tol,
        max_iter=max_iter,
        bounds=(-1.0, 1.0),
        # the Chebyshev solver iterates the whole block; LOBPCG and ARPACK take the start vector
        X0=start if eigen_solver == "subspace" else start[:, :1],
        block_size=block_size if eigen_solver == "subspace" else None,
        initial_cut=initial_cut,
        degree=_DEGREE,
        start_degree=_START_DEGREE,
        dtype=np.float32,
        random_state=np.random.default_rng(seed_from(rng)),  # X0 fills the block: nothing drawn
        verbose=verbose,
    )
    if not tau:
        # Isolated nodes have exactly zero entries in the wanted eigenvectors (their rows of
        # S are zero); clear the rounding noise there so row normalization keeps them at zero.
        isolated = deg == 0
        if bool(isolated.any()):
            V[isolated] = 0
    return V, w


def _check_embedding_memory(n: int, k: int, dense: bool) -> None:
    """Refuse an embedding whose dense blocks exceed the memory limit, before any work."""
    from .. import memory

    hint = "use a smaller n_clusters"
    if dense:
        # the dense n x n matrix, its eigenvectors and eigh's workspace
        memory.check_bytes(3 * memory.dense_nbytes((n, n)), what=f"the dense eigendecomposition of a {n}-node "
                           "graph (three float64 n x n blocks)", hint=hint)
        return
    b = min(n, k + max(4, k // 4))
    memory.check_bytes(
        _EMBEDDING_BLOCKS * memory.dense_nbytes((n, b), np.float32),
        what=f"the spectral embedding of {n} nodes with n_clusters={k} ({_EMBEDDING_BLOCKS} float32 blocks of "
        f"{n} x {b} at its peak)",
        hint=hint + " (the memory grows as n_nodes x n_clusters)",
    )


class SpectralClustering(BaseClusterer):
    """Spectral clustering on the normalized adjacency, then k-means.

    The structure-only baseline of graphclust. With ``A`` the adjacency and ``D`` the
    degrees, the ``n_clusters`` largest eigenvectors of ``D^{-1/2} A D^{-1/2}`` form an
    ``n x k`` embedding; its rows are scaled to unit length (Ng, Jordan & Weiss 2001) and
    clustered by k-means. Cost: ``O(nnz * k)`` per sparse product, ``O(n k^2)`` per
    orthonormalization, no dense ``n x n`` matrix (graphs up to ``min(5000, 5 k + 10)``
    nodes are solved densely).

    Isolated nodes have zero degree, hence zero rows in the normalized adjacency and in the
    embedding; k-means puts them in whichever cluster has the center nearest the origin.
    Disconnected graphs (a warning says how they split): with at most ``n_clusters``
    components that have edges, every component adds an eigenvalue 1 and the components
    are among the clusters; with more (cora has 78), the top eigenspace is not determined
    by the graph and the embedding is computed on the largest component, the other nodes
    getting zero rows (see :func:`spectral_embedding`). ``regularization="auto"`` instead
    adds ``tau / n`` to every entry of the adjacency (regularized spectral clustering),
    which connects the graph; it helps on graphs with many dangling trees and hurts on
    others (measured in docs/benchmarks/spectral.md), so it is an option, not the default.

    Parameters
    ----------
    n_clusters : int
        Number of clusters (and of eigenvectors).
    eigen_solver : {"subspace", "lobpcg", "arpack"}, default="subspace"
        ``"subspace"``: Chebyshev-filtered block subspace iteration
        (:func:`graphclust.solvers.eigen.top_eigenvectors`), float32, fastest.
        ``"lobpcg"``: scipy / cupyx LOBPCG. ``"arpack"``: Lanczos (``eigsh``), slow on
        large graphs.
    n_init : int, default=10
        k-means restarts (best inertia kept).
    tol : float or "auto", default="auto"
        Eigensolver tolerance: stop when every wanted Ritz pair has residual
        ``||S x - theta x|| <= tol``. The subspace error is about ``tol / gap``, the gap
        between the k-th eigenvalue and the rest: planted partitions have wide gaps and
        give the same labels at 1e-2 as at 1e-4, real graphs often do not (crowded top
        eigenvalues near 1). "auto" is 1e-4 up to 100,000 nodes, where the solve takes a
        fraction of a second either way, and 1e-2 above (:func:`resolve_tol`).
    max_iter : int, default=100
        Eigensolver iterations (outer Chebyshev steps for "subspace": degree 12 first, then 8).
    regularization : float, "auto" or None, default=None
        ``tau``: cluster ``A + (tau / n) 1 1^T`` instead of ``A`` (regularized spectral
        clustering, Amini et al. 2013, Qin & Rohe 2013), applied as a sparse matrix plus a
        rank-one operator, never densified. "auto" is a quarter of the mean degree.
    kmeans_sample : int, "auto" or None, default="auto"
        Rows used by the ``n_init`` k-means++ restarts; their best centers then seed one
        Lloyd run on all rows (see :func:`graphclust.solvers.kmeans.kmeans`,
        ``init_sample``). ``"auto"`` is ``max(20000, 1000 * n_clusters)`` rows, so graphs
        below that size use every row; None always uses every row.
    random_state : None, int or numpy.random.Generator
        Seeds the eigensolver's start block and k-means (same seed, same labels).
    device : {"cpu", "cuda", "auto"}, default="cpu"
        ``"cuda"`` runs the sparse products, orthonormalizations and k-means in CuPy.
    verbose : bool, default=False
        Show the eigensolver's progress (tqdm).

    Attributes
    ----------
    labels_ : ndarray of shape (n_nodes,), int64
        Cluster of every node, in the graph's node order.
    embedding_ : ndarray of shape (n_nodes, n_clusters)
        Row-normalized spectral embedding (host numpy array on either device).
    eigenvalues_ : ndarray of shape (n_clusters,)
        The eigenvalues of the normalized adjacency, descending.
    inertia_ : float
        k-means inertia of the embedding.

    Notes
    -----
    ``fit(graph, features=None)``: node features are accepted for API uniformity and
    ignored; this method uses the graph structure only.

    Examples
    --------
    >>> from graphclust import SpectralClustering
    >>> from graphclust.datasets.sbm import sbm
    >>> from graphclust.metrics import ari
    >>> g = sbm([200, 200, 200], p_in=0.1, p_out=0.005, random_state=0)
    >>> model = SpectralClustering(n_clusters=3, random_state=0).fit(g)
    >>> ari(g.labels, model.labels_) > 0.95
    True
    """

    _distributed = True  # fit also takes a graphclust.distributed.DistributedGraph

    def __init__(
        self,
        n_clusters: int = 8,
        *,
        eigen_solver: str = "subspace",
        n_init: int = 10,
        tol: float | str = "auto",
        max_iter: int = 100,
        regularization: float | str | None = None,
        kmeans_sample: int | str | None = "auto",
        random_state: Any = None,
        device: str = "cpu",
        verbose: bool = False,
    ) -> None:
        self.n_clusters = n_clusters
        self.eigen_solver = eigen_solver
        self.n_init = n_init
        self.tol = tol
        self.max_iter = max_iter
        self.regularization = regularization
        self.kmeans_sample = kmeans_sample
        self.random_state = random_state
        self.device = device
        self.verbose = verbose

    def _validate_params(self, graph: Any) -> None:
        super()._validate_params(graph)
        check_choice(self.eigen_solver, "eigen_solver", EIGEN_SOLVERS)
        check_scalar(self.n_init, "n_init", kind=int, low=1)
        resolve_tol(self.tol, graph.n_nodes)
        if getattr(graph, "is_distributed", False):
            # graphclust.distributed runs the Chebyshev solver on the CPU workers: other solvers or a
            # device would silently not be used, so they are refused
            if self.eigen_solver != "subspace":
                raise ValueError(f"eigen_solver={self.eigen_solver!r} is not available on a DistributedGraph: "
                                 "it runs eigen_solver='subspace' (the distributed Chebyshev solver).")
            if self.device not in ("cpu", "auto"):
                raise ValueError(f"device={self.device!r}: a DistributedGraph is clustered on its Dask workers' "
                                 "CPUs; use device='cpu'.")
            if graph.source is None and self.regularization == "auto":
                raise ValueError("regularization='auto' needs the client's copy of the graph (its mean degree), "
                                 "which a DistributedGraph from partition_from_edges lacks; pass a number.")
            resolve_regularization(self.regularization, None if graph.source is None else graph.source.adjacency)
        else:
            resolve_regularization(self.regularization, graph.adjacency)
        check_scalar(self.max_iter, "max_iter", kind=int, low=1)
        if self.kmeans_sample is not None and self.kmeans_sample != "auto":
            check_scalar(self.kmeans_sample, "kmeans_sample", kind=int, low=int(self.n_clusters))
        check_bool(self.verbose, "verbose")

    def _fit(self, graph: Any, rng: np.random.Generator) -> None:
        from ..solvers.kmeans import init_sample_size, kmeans
        from ..sparse import row_normalize

        k = int(self.n_clusters)
        if getattr(graph, "is_distributed", False):
            from ..distributed.spectral import spectral_clustering

            self.labels_, self.embedding_, self.eigenvalues_, self.inertia_ = spectral_clustering(
                graph, k, n_init=int(self.n_init), tol=resolve_tol(self.tol, graph.n_nodes),
                max_iter=int(self.max_iter),
                regularization=resolve_regularization(
                    self.regularization, None if graph.source is None else graph.source.adjacency),
                kmeans_sample={None: graph.n_nodes, "auto": None}.get(self.kmeans_sample, self.kmeans_sample),
                random_state=rng, verbose=bool(self.verbose))
            return
        A = graph.adjacency
        ns = namespace_of(A)
        if k == graph.n_nodes:
            # One node per cluster: nothing to embed (the embedding is the identity).
            from .. import memory

            memory.check_dense((k, k), np.float64, what="the identity embedding of n_clusters = n_nodes",
                               hint="n_clusters = n_nodes puts every node in its own cluster: the labels are "
                               "simply numpy.arange(n_nodes); use a smaller n_clusters")
            self.embedding_ = np.eye(k)
            self.eigenvalues_ = np.full(k, np.nan)
            self.labels_ = np.arange(k, dtype=np.int64)
            self.inertia_ = 0.0
            return
        V, w = spectral_embedding(
            A,
            k,
            eigen_solver=self.eigen_solver,
            tol=self.tol,
            max_iter=int(self.max_iter),
            regularization=self.regularization,
            random_state=rng,
            verbose=bool(self.verbose),
        )
        emb = row_normalize(V)
        sample = self.kmeans_sample
        if sample == "auto":
            sample = init_sample_size(k)
        labels, _, inertia = kmeans(
            emb, k, n_init=int(self.n_init), random_state=rng, device=ns.name,
            init_sample=None if sample is None or sample >= graph.n_nodes else int(sample),
        )
        self.embedding_ = ns.to_numpy(emb)
        self.eigenvalues_ = w
        self.labels_ = np.asarray(ns.to_numpy(labels), dtype=np.int64)
        self.inertia_ = float(inertia)
