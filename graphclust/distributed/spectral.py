"""The spectral baseline on a distributed graph: the same embedding and k-means as
:class:`graphclust.SpectralClustering`, with every ``n``-sized array on the workers."""
from __future__ import annotations

import functools
from typing import Any

import numpy as np

from ..sparse import inverse_power, row_normalize
from ..seeding import check_random_state, seed_from
from ..validation import check_scalar
from .blocks import BlockVector
from .eigen import top_eigenvectors
from .kmeans import kmeans
from .operator import DistributedOperator

__all__ = ["spectral_embedding", "spectral_clustering"]

# The single-machine estimator's filter degrees and tolerance (graphclust.spectral.spectral).
_DEGREE, _START_DEGREE = 8, 12


# Per-block functions of the single-machine estimator (the same arithmetic on every block).
_inv_sqrt = functools.partial(inverse_power, power=-0.5)


def _zero_isolated(V: np.ndarray, d: np.ndarray) -> np.ndarray:
    V = V.copy()
    V[d[:, 0] == 0] = 0
    return V


def spectral_embedding(dgraph: Any, n_components: int, *, tol: float = 1e-2, max_iter: int = 100,
                       random_state: Any = None, verbose: bool = False) -> tuple[BlockVector, np.ndarray]:
    """Top eigenvectors of ``D^{-1/2} A D^{-1/2}`` of a :class:`DistributedGraph`.

    Parameters
    ----------
    dgraph : DistributedGraph
    n_components : int
    tol, max_iter, verbose
        As in :class:`graphclust.SpectralClustering`.
    random_state : None, int or Generator

    Returns
    -------
    embedding : BlockVector of shape (n, n_components), float32
    eigenvalues : ndarray, descending
    """
    rng = check_random_state(random_state)
    A = DistributedOperator(dgraph)
    deg = A.row_sums()
    dinv = deg.map_blocks(_inv_sqrt)
    S = A.scaled(dinv, dinv)
    # Mean number of neighbours of the non-isolated nodes from per-block partial counts.
    nnz = int(dgraph.nnz.sum())
    n_active = int(_count_positive(deg))
    c = max(1.0, nnz / max(1, n_active))
    initial_cut = min(0.9, 2.0 / np.sqrt(c))
    w, V = top_eigenvectors(S, n_components, tol=tol, max_iter=max_iter, bounds=(-1.0, 1.0),
                            X0=deg.map_blocks(np.sqrt), initial_cut=initial_cut, degree=_DEGREE,
                            start_degree=_START_DEGREE, dtype=np.float32, seed=seed_from(rng), verbose=verbose)
    if n_components >= 2 and w[1] >= 1.0 - max(5.0 * tol, 1e-3) and _disconnected(dgraph):
        import warnings

        warnings.warn(
            "distributed spectral embedding: the eigenvalue 1 is repeated, so the graph is disconnected; the "
            "embedding mixes component indicators (the single-machine estimator embeds the largest component "
            "instead). Partition the largest component, or cluster the components separately.",
            UserWarning, stacklevel=3,
        )
    return V.map_blocks(_zero_isolated, deg), w


def _disconnected(dgraph: Any) -> bool:
    """Whether the graph has several components with edges, counted on the client's copy of the
    graph (the one it was partitioned from); only asked when the second eigenvalue is near 1."""
    if dgraph.source is None:
        return True
    from scipy.sparse.csgraph import connected_components

    A = dgraph.source.adjacency
    n_comp, _ = connected_components(A, directed=False)
    n_isolated = int((np.diff(A.indptr) == 0).sum())
    return n_comp - n_isolated > 1


def _positive(d: np.ndarray) -> int:
    return int(np.count_nonzero(d > 0))


def _count_positive(v: BlockVector) -> int:
    g = v.graph
    futs = [g.client.submit(_positive, p, workers=[w], allow_other_workers=False, pure=False)
            for p, w in zip(v.parts, g.workers)]
    return int(sum(g.client.gather(futs)))


def spectral_clustering(dgraph: Any, n_clusters: int, *, n_init: int = 10, tol: float = 1e-2, max_iter: int = 100,
                        kmeans_sample: int | None = None, random_state: Any = None,
                        verbose: bool = False) -> tuple[np.ndarray, BlockVector, np.ndarray, float]:
    """:class:`graphclust.SpectralClustering` computed on a :class:`DistributedGraph`.

    Parameters
    ----------
    dgraph : DistributedGraph
    n_clusters : int
    n_init, tol, max_iter, verbose
        As in :class:`graphclust.SpectralClustering`.
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
    V, w = spectral_embedding(dgraph, k, tol=tol, max_iter=max_iter, random_state=rng, verbose=verbose)
    emb = V.map_blocks(row_normalize)
    sample = max(20_000, 1_000 * k) if kmeans_sample is None else int(kmeans_sample)
    labels, _, inertia = kmeans(emb, k, n_init=n_init, sample=sample, random_state=rng)
    return dgraph.to_input_order(labels), emb, w, inertia
