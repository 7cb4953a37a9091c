"""Connected components, and the spectral embeddings' rule for disconnected graphs.

Shared by :func:`graphclust.spectral.spectral_embedding` (one machine, CPU or GPU) and
:mod:`graphclust.distributed.spectral` (on the client's copy of a distributed graph), so that
both decide, and warn, in the same words.
"""
from __future__ import annotations

import warnings
from typing import Any, NamedTuple

import numpy as np

from .backend import namespace_of

__all__ = ["connected_components", "ComponentSplit", "split_components", "warn_disconnected"]


def connected_components(adjacency: Any) -> tuple[int, Any]:
    """Weakly connected components of a sparse adjacency, on its device.

    Parameters
    ----------
    adjacency : CSR matrix (scipy or cupyx), square

    Returns
    -------
    n_components : int
    labels : array of shape (n,), the component of every node (same device as ``adjacency``)

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> n, comp = connected_components(sp.csr_array(sp.block_diag([np.ones((2, 2))] * 3)))
    >>> n, comp.tolist()
    (3, [0, 0, 1, 1, 2, 2])
    """
    if namespace_of(adjacency).is_gpu:
        from cupyx.scipy.sparse.csgraph import connected_components as cc
    else:
        from scipy.sparse.csgraph import connected_components as cc
    n_comp, comp = cc(adjacency, directed=False)
    return int(n_comp), comp


class ComponentSplit(NamedTuple):
    """How a spectral embedding treats a graph's components (see :func:`split_components`).

    Parameters
    ----------
    n_linked : int
        Components with at least one edge (1 when they were not counted).
    n_isolated : int
        Nodes without edges.
    keep : ndarray of int or None
        Nodes of the largest component when it alone is embedded (ascending), else None.
    message : str or None
        What the warning says, None on a connected graph without isolated nodes.
    """

    n_linked: int
    n_isolated: int
    keep: Any
    message: str | None


def split_components(adjacency: Any, n_components: int, *, count: bool = True) -> ComponentSplit:
    """The largest-component rule of the spectral embeddings.

    Every component with an edge adds an eigenvalue 1 to ``D^{-1/2} A D^{-1/2}``. With at most
    ``n_components`` of them the usual embedding is kept (the components are among the
    clusters); with more, the top eigenspace is not determined by the graph, and only the
    largest component is embedded (``keep``), the other nodes getting zero rows. Isolated
    nodes get zero rows either way.

    Parameters
    ----------
    adjacency : CSR matrix (scipy or cupyx), symmetric, non-negative
    n_components : int
        Number of eigenvectors wanted. Below 2 the components are not counted.
    count : bool, default=True
        Count the components (``O(nnz)``); False treats the graph as one linked component
        (the caller knows it is, e.g. from a simple second eigenvalue).

    Returns
    -------
    ComponentSplit

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.csr_array(sp.block_diag([np.ones((3, 3)) - np.eye(3), np.ones((2, 2)) - np.eye(2), [[0.0]]]))
    >>> s = split_components(A, 1), split_components(A, 2), split_components(A, 3)
    >>> [(x.n_linked, x.n_isolated, None if x.keep is None else x.keep.tolist()) for x in s]
    [(1, 1, None), (2, 1, None), (2, 1, None)]
    >>> split_components(A[:5][:, :5], 1).keep is None, split_components(sp.block_diag([A, A]).tocsr(), 3).keep
    (True, array([0, 1, 2]))
    """
    from .sparse import degrees

    ns = namespace_of(adjacency)
    xp = ns.xp
    n = int(adjacency.shape[0])
    n_isolated = int((ns.to_numpy(degrees(adjacency)) == 0).sum())
    n_linked = 1
    if count and n_components >= 2:
        n_comp, comp = connected_components(adjacency)
        n_linked = n_comp - n_isolated  # components with at least one edge
    if n_linked <= 1:
        message = None if not n_isolated else (
            f"{n_isolated} isolated nodes (no edges) get zero rows and join the cluster whose center is nearest the "
            "origin")
        return ComponentSplit(n_linked, n_isolated, None, message)
    if n_linked <= n_components:
        return ComponentSplit(n_linked, n_isolated, None, f"{n_linked} components with edges, each adding an "
                              "eigenvalue 1: the components are among the clusters")
    sizes = ns.to_numpy(xp.bincount(comp))
    largest = int(np.argmax(sizes))
    message = (f"{n_linked} components with edges, more than n_components={n_components}, so the embedding is "
               f"computed on the largest one ({int(sizes[largest])} of {n} nodes) and the other nodes get zero rows")
    return ComponentSplit(n_linked, n_isolated, xp.flatnonzero(comp == largest), message)


def warn_disconnected(message: str, stacklevel: int = 2) -> None:
    """The UserWarning of a disconnected graph (``message`` from :func:`split_components`).

    Parameters
    ----------
    message : str
    stacklevel : int, default=2
        As in :func:`warnings.warn`, counted from the caller of this function.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     warn_disconnected("2 isolated nodes")
    >>> str(w[0].message).startswith("spectral embedding: the graph is disconnected: 2 isolated nodes.")
    True
    """
    warnings.warn(
        f"spectral embedding: the graph is disconnected: {message}. regularization='auto' (regularized spectral "
        "clustering) connects it; or cluster the components separately.",
        UserWarning,
        stacklevel=stacklevel + 1,
    )
