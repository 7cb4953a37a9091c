"""The spectral baseline on a distributed graph: the same embedding and k-means as
:class:`graphclust.SpectralClustering`, with every ``n``-sized array on the workers."""
from __future__ import annotations

import functools
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..sparse import inverse_power, row_normalize
from ..seeding import check_random_state, seed_from
from ..solvers.kmeans import init_sample_size
from ..validation import check_scalar
from ..components import split_components, warn_disconnected
from .blocks import BlockVector, expand_rows
from .eigen import top_eigenvectors
from .kmeans import kmeans
from .operator import DistributedOperator

__all__ = ["spectral_embedding", "spectral_clustering", "linked_components"]

# The single-machine estimator's filter degrees and tolerance (graphclust.spectral.spectral).
_DEGREE, _START_DEGREE = 8, 12


# Per-block functions of the single-machine estimator (the same arithmetic on every block).
_inv_sqrt = functools.partial(inverse_power, power=-0.5)


def _zero_isolated(V: np.ndarray, d: np.ndarray) -> np.ndarray:
    V = V.copy()
    V[d[:, 0] == 0] = 0
    return V


def _add(tau: float, d: np.ndarray) -> np.ndarray:
    return d + tau


class _RankOneAdded:
    """``S + c u u^T`` on row blocks (the regularized operator of the single-machine estimator,
    its :class:`graphclust.operators.LowRankOperator` term): ``u^T X`` is a ``1 x k`` reduction."""

    device = "cpu"

    def __init__(self, S: DistributedOperator, u: BlockVector, c: float) -> None:
        self.S, self.u, self.c = S, u, float(c)
        self.graph, self.shape, self.dtype = S.graph, S.shape, S.dtype

    def astype(self, dtype: Any) -> "_RankOneAdded":
        return _RankOneAdded(self.S.astype(dtype), self.u, self.c)

    def matmat(self, X: BlockVector, out: Any = None) -> BlockVector:
        coef = self.u.gram(X) * self.c
        return self.S.matmat(X) + self.u @ coef


def linked_components(dgraph: Any) -> tuple[int, int]:
    """Components with at least one edge, and isolated nodes, of the client's copy of the graph
    (the one it was partitioned from): O(nnz) on the client.

    Parameters
    ----------
    dgraph : DistributedGraph
        From :func:`partition` (it keeps the client's copy).

    Returns
    -------
    n_linked, n_isolated : int

    Examples
    --------
    >>> linked_components(gd.partition(gc.datasets.load("acm"), client))   # doctest: +SKIP
    (156, 561)
    """
    if dgraph.source is None:
        raise ValueError("this DistributedGraph has no client copy of the graph (it comes from partition_from_edges); "
                         "its components cannot be counted.")
    split = split_components(dgraph.source.adjacency, 2)  # two or more wanted: the components are counted
    return split.n_linked, split.n_isolated


# One machine draws two seeds per embedding (the start block's, then its solver's, which the
# start block leaves unused); drawing the same two here keeps the later draws (the largest
# component's start block, the k-means) equal to the single-process run's.
def _solver_seed(rng: np.random.Generator) -> int:
    seed = seed_from(rng)
    seed_from(rng)
    return seed


def spectral_embedding(dgraph: Any, n_components: int, *, tol: float = 1e-2, max_iter: int = 100,
                       regularization: float = 0.0, random_state: Any = None,
                       verbose: bool = False) -> tuple[BlockVector, np.ndarray]:
    """Top eigenvectors of ``D^{-1/2} A D^{-1/2}`` of a :class:`DistributedGraph`.

    With ``regularization`` ``tau > 0``: those of ``D_tau^{-1/2} A D_tau^{-1/2} + (tau / n) u u^T``,
    ``D_tau = D + tau I``, ``u = D_tau^{-1/2} 1`` (the single-machine estimator's operator).
    Disconnected graphs follow the single-machine rule (:func:`graphclust.components.split_components`,
    decided on the client's copy of the graph before the solve), with its warnings: with at most
    ``n_components`` components with edges the whole graph is embedded; with more, the largest
    component alone is cut into the same number of parts in the same order, on the same
    client, and embedded, and the other nodes get zero rows. A graph without a client copy
    (:func:`partition_from_edges`) whose second eigenvalue is 1 (a disconnected one) is
    refused with a ValueError.

    Parameters
    ----------
    dgraph : DistributedGraph
    n_components : int
    tol, max_iter, verbose
        As in :class:`graphclust.SpectralClustering`.
    regularization : float, default=0.0
        ``tau`` (already resolved: :func:`graphclust.spectral.spectral.resolve_regularization`).
    random_state : None, int or Generator

    Returns
    -------
    embedding : BlockVector of shape (n, n_components), float32
    eigenvalues : ndarray, descending

    Examples
    --------
    >>> V, w = spectral_embedding(gd.partition(gc.datasets.load("cora"), client), 7)   # doctest: +SKIP
    """
    rng = check_random_state(random_state)
    tau = float(regularization)
    k = int(n_components)
    if tau or dgraph.source is None:
        return _embed(dgraph, k, tau, tol, max_iter, rng, verbose)
    split = split_components(dgraph.source.adjacency, k)
    if split.message is not None:
        warn_disconnected(split.message, stacklevel=3)  # at the estimator's fit
    if split.keep is None:
        return _embed(dgraph, k, 0.0, tol, max_iter, rng, verbose)
    # One machine solves the whole graph before it counts the components: the same draws.
    _solver_seed(rng)
    from ..graph import as_graph
    from .partition import partition

    keep = np.asarray(split.keep)
    A = sp.csr_array(dgraph.source.adjacency)
    sub = partition(as_graph(A[keep][:, keep]), dgraph.client, min(dgraph.n_parts, keep.size),
                    order=dgraph.order_kind, random_state=dgraph.metis_seed)
    k_sub = min(k, int(keep.size) - 1)
    V_sub, w = _embed(sub, k_sub, 0.0, tol, max_iter, rng, verbose)
    return expand_rows(V_sub, dgraph, keep, n_cols=k), np.concatenate([w, np.zeros(k - k_sub)])


def _embed(dgraph: Any, k: int, tau: float, tol: float, max_iter: int, rng: np.random.Generator,
           verbose: bool) -> tuple[BlockVector, np.ndarray]:
    A = DistributedOperator(dgraph)
    deg = A.row_sums()
    d_tau = deg.map_blocks(functools.partial(_add, tau)) if tau else deg
    dinv = d_tau.map_blocks(_inv_sqrt)
    S = A.scaled(dinv, dinv)
    op = _RankOneAdded(S, dinv, tau / dgraph.n_nodes) if tau else S
    # Mean number of neighbours of the non-isolated nodes from per-block partial counts.
    nnz = int(dgraph.nnz.sum())
    n_active = int(_count_positive(deg))
    c = max(1.0, nnz / max(1, n_active))
    initial_cut = min(0.9, 2.0 / np.sqrt(c))
    w, V = top_eigenvectors(op, k, tol=tol, max_iter=max_iter, bounds=(-1.0, 1.0),
                            X0=d_tau.map_blocks(np.sqrt), initial_cut=initial_cut, degree=_DEGREE,
                            start_degree=_START_DEGREE, dtype=np.float32, seed=_solver_seed(rng), verbose=verbose)
    if tau:
        return V, w
    if dgraph.source is None and k >= 2 and w[1] >= 1.0 - max(5.0 * tol, 1e-3):
        raise ValueError(
            "the eigenvalue 1 is repeated, so the graph is disconnected, and this DistributedGraph (from "
            "partition_from_edges) has no client copy of the graph to count its components on: SpectralClustering's "
            "largest-component rule needs one. Cut the graph with partition(graph, client), which keeps it, or pass a "
            "number as regularization (regularized spectral clustering connects the graph).")
    return V.map_blocks(_zero_isolated, deg), w


def _positive(d: np.ndarray) -> int:
    return int(np.count_nonzero(d > 0))


def _count_positive(v: BlockVector) -> int:
    g = v.graph
    futs = [g.client.submit(_positive, p, workers=[w], allow_other_workers=False, pure=False)
            for p, w in zip(v.parts, g.workers)]
    return int(sum(g.client.gather(futs)))


def spectral_clustering(dgraph: Any, n_clusters: int, *, n_init: int = 10, tol: float = 1e-2, max_iter: int = 100,
                        regularization: float = 0.0, kmeans_sample: int | None = None, random_state: Any = None,
                        verbose: bool = False) -> tuple[np.ndarray, BlockVector, np.ndarray, float]:
    """:class:`graphclust.SpectralClustering` computed on a :class:`DistributedGraph`.

    Parameters
    ----------
    dgraph : DistributedGraph
    n_clusters : int
    n_init, tol, max_iter, verbose
        As in :class:`graphclust.SpectralClustering`.
    regularization : float, default=0.0
        ``tau`` of regularized spectral clustering (see :func:`spectral_embedding`).
    kmeans_sample : int, optional
        Rows gathered to seed k-means (default ``max(20000, 1000 k)``, as on one machine).
    random_state : None, int or Generator

    Returns
    -------
    labels : int64 ndarray of shape (n,), in the node order of the graph given to :func:`partition`
    embedding : BlockVector (n, n_clusters), row-normalized, partition order (stays on the workers)
    eigenvalues : ndarray, descending
    inertia : float
    """
    k = check_scalar(n_clusters, "n_clusters", kind=int, low=1, high=dgraph.n_nodes - 1)
    rng = check_random_state(random_state)
    V, w = spectral_embedding(dgraph, k, tol=tol, max_iter=max_iter, regularization=regularization,
                              random_state=rng, verbose=verbose)
    emb = V.map_blocks(row_normalize)
    sample = init_sample_size(k) if kmeans_sample is None else int(kmeans_sample)
    labels, _, inertia = kmeans(emb, k, n_init=n_init, sample=sample, random_state=rng)
    return dgraph.to_input_order(labels), emb, w, inertia
