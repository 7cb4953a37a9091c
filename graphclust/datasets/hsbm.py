"""Hierarchical stochastic block models (HSBM), sampled block-pair-wise in O(N + E).

In an HSBM the K bottom communities are the leaves of a rooted tree and the edge
probability between two communities depends only on the depth of their lowest common
ancestor (LCA): ``p_ab = p[depth(lca(a, b))]`` (``lca(a, a) = a``, so a leaf at depth ``l``
uses ``p[l]`` inside). The tree is given by its K x K matrix of LCA depths (the diagonal
holds the depth of each leaf), which covers balanced and unbalanced trees alike.

Sampling goes through :func:`graphclust.datasets.sbm` with the K x K probability matrix
(edge count of every block pair from its Binomial law, then distinct positions), so the cost
is O(N + E + K^2) and the law is exactly the HSBM's (not the official code's RNG stream, which
draws one uniform per vertex pair).

Ground truth at every depth is stored on the returned graph: ``graph.labels`` holds the
bottom communities and ``graph.meta["labels_by_depth"]`` a ``(depth + 1, N)`` int64 array
whose row ``l`` labels the vertices by their depth-``l`` ancestor (row 0 is all zeros).
"""
from __future__ import annotations

import math
import os
from typing import Any, Sequence

import numpy as np

from ..validation import check_random_state, check_scalar

__all__ = [
    "hsbm",
    "btsbm",
    "tree_lca_depths",
    "labels_by_depth",
    "load_lca_matrix",
    "a_to_p",
    "sociopatterns_contact_graph",
]


def tree_lca_depths(depth: int, n_child: int = 2) -> np.ndarray:
    """LCA-depth matrix of the full ``n_child``-ary tree of the given depth.

    Leaves are numbered left to right; two leaves share their depth-``l`` ancestor iff their
    indices agree after integer division by ``n_child ** (depth - l)``.

    Parameters
    ----------
    depth : int
        Depth of the tree (``n_child ** depth`` leaves).
    n_child : int, default 2
        Children of every internal node.

    Returns
    -------
    numpy.ndarray of int64, shape (L, L)

    Examples
    --------
    >>> tree_lca_depths(2).tolist()
    [[2, 1, 0, 0], [1, 2, 0, 0], [0, 0, 2, 1], [0, 0, 1, 2]]
    """
    depth = check_scalar(depth, "depth", kind=int, low=1)
    n_child = check_scalar(n_child, "n_child", kind=int, low=2)
    K = n_child**depth
    from ..memory import check_bytes

    # the int64 matrix and one boolean comparison block at a time: 9 bytes per leaf pair
    check_bytes(9 * K * K, what=f"the {K} x {K} LCA-depth matrix of a depth-{depth} tree ({n_child} children per node)",
                hint="use a smaller depth or n_child (the model has K^2 block pairs for K leaves)")
    leaves = np.arange(K)
    lca = np.zeros((K, K), dtype=np.int64)
    for level in range(1, depth + 1):
        anc = leaves // n_child ** (depth - level)
        lca += anc[:, None] == anc[None, :]
    return lca


def _check_lca(lca_depth: Any) -> np.ndarray:
    """Validate an LCA-depth matrix: square, symmetric, non-negative ints, ultrametric."""
    M = np.asarray(lca_depth)
    if M.ndim != 2 or M.shape[0] != M.shape[1] or M.shape[0] == 0:
        raise ValueError(f"lca_depth must be a non-empty square matrix, got shape {M.shape}.")
    if not np.issubdtype(M.dtype, np.integer):
        if np.issubdtype(M.dtype, np.floating) and np.all(M == np.round(M)):
            M = M.astype(np.int64)
        else:
            raise TypeError(f"lca_depth must hold integer depths, got dtype {M.dtype}.")
    M = M.astype(np.int64)
    if np.any(M < 0):
        raise ValueError("lca_depth must be non-negative.")
    if not np.array_equal(M, M.T):
        raise ValueError("lca_depth must be symmetric.")
    diag = np.diag(M)
    off = M.copy()
    np.fill_diagonal(off, -1)
    if M.shape[0] > 1 and np.any(off.max(axis=1) >= diag):
        raise ValueError("lca_depth: a leaf's depth (diagonal) must exceed its LCA depth with every other leaf.")
    # Ultrametric check via the depth partitions themselves (O(K^2 depth), no O(K^3) loop).
    _depth_groups(M)
    return M


def _depth_groups(M: np.ndarray) -> np.ndarray:
    """(depth + 1, K) group ids of the leaves at every depth; raises if not a tree."""
    K = M.shape[0]
    D = int(M.max()) if K > 1 else int(M[0, 0])
    same = M.copy()
    np.fill_diagonal(same, np.iinfo(np.int64).max)
    groups = np.zeros((D + 1, K), dtype=np.int64)
    for level in range(D + 1):
        close = same >= level
        # Group of a = first leaf b with lca(a, b) >= level (a itself when none before it).
        first = np.argmax(close, axis=1)
        _, g = np.unique(first, return_inverse=True)
        if not np.array_equal(close, g[:, None] == g[None, :]):
            raise ValueError(
                f"lca_depth is not the LCA-depth matrix of a rooted tree: 'lca >= {level}' is not an "
                "equivalence relation (the matrix must be an ultrametric)."
            )
        groups[level] = _first_seen_order(g)
    return groups


def _first_seen_order(g: np.ndarray) -> np.ndarray:
    """Relabel so that groups are numbered in order of first appearance."""
    _, first_idx, inv = np.unique(g, return_index=True, return_inverse=True)
    rank = np.empty(first_idx.size, dtype=np.int64)
    rank[np.argsort(first_idx)] = np.arange(first_idx.size)
    return rank[inv]


def labels_by_depth(labels: Any, lca_depth: Any) -> np.ndarray:
    """Vertex labels at every depth of the tree from the bottom labels.

    Parameters
    ----------
    labels : array-like of int, shape (N,)
        Bottom community (leaf index ``0..K-1``) of every vertex.
    lca_depth : array-like, shape (K, K)
        LCA-depth matrix of the tree.

    Returns
    -------
    ndarray of int64, shape (depth + 1, N)
        Row ``l`` labels every vertex by its depth-``l`` ancestor (a leaf shallower than ``l``
        keeps its own label).

    Examples
    --------
    >>> labels_by_depth([0, 1, 2, 3], tree_lca_depths(2)).tolist()
    [[0, 0, 0, 0], [0, 0, 1, 1], [0, 1, 2, 3]]
    """
    M = _check_lca(lca_depth)
    y = np.asarray(labels, dtype=np.int64)
    if y.ndim != 1 or (y.size and (y.min() < 0 or y.max() >= M.shape[0])):
        raise ValueError(f"labels must be a 1-D array of leaf indices in [0, {M.shape[0]}).")
    return _depth_groups(M)[:, y]


def a_to_p(a: Any, n_nodes: int) -> np.ndarray:
    """Edge probabilities ``p_l = a_l log(N) / N`` of the exact-recovery regime.

    Parameters
    ----------
    a : array_like of float
        Scaled probabilities, one per tree depth.
    n_nodes : int
        Number of nodes ``N``.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> a_to_p([40, 100], 1600).round(4).tolist()
    [0.1844, 0.4611]
    """
    a_arr = np.asarray(a, dtype=np.float64)
    if a_arr.ndim != 1 or not np.all(np.isfinite(a_arr)) or np.any(a_arr < 0):
        raise ValueError("a must be a 1-D array of non-negative finite numbers.")
    p = a_arr * math.log(n_nodes) / n_nodes
    if np.any(p > 1):
        raise ValueError(f"a log(N) / N exceeds 1 for N={n_nodes} (a={a_arr.tolist()}): lower a or raise N.")
    return p


def hsbm(
    sizes: Sequence[int],
    lca_depth: Any,
    p: Any = None,
    *,
    a: Any = None,
    random_state: Any = None,
    name: str = "hsbm",
):
    """Sample a hierarchical SBM whose edge probability depends on the LCA depth.

    Parameters
    ----------
    sizes : sequence of int, length K
        Sizes of the bottom communities (leaves), in the order of ``lca_depth``'s rows.
    lca_depth : array-like of int, shape (K, K)
        Depth of the lowest common ancestor of every pair of leaves (root = 0); the diagonal
        holds each leaf's depth. Unbalanced trees (leaves at several depths) are allowed.
        :func:`load_lca_matrix` reads one from CSV, :func:`tree_lca_depths` builds a full tree.
    p : array-like of float, length depth + 1, optional
        ``p[l]`` = edge probability between vertices whose communities have their LCA at depth
        ``l`` (``p[-1]`` is used inside the deepest leaves).
    a : array-like of float, optional
        Instead of ``p``: ``p_l = a_l log(N) / N`` (the exact-recovery scaling of the paper).
    random_state : None, int or numpy.random.Generator
    name : str

    Returns
    -------
    graph : graphclust.Graph
        Unweighted; ``labels`` = bottom communities; ``meta`` holds ``"labels_by_depth"``
        ((depth + 1, N) int64, see :func:`labels_by_depth`), ``"lca_depth"``, ``"p"``
        (probabilities by depth) and ``"sizes"``.

    Examples
    --------
    >>> from graphclust.datasets.hsbm import hsbm, tree_lca_depths
    >>> g = hsbm([30] * 4, tree_lca_depths(2), p=[0.02, 0.1, 0.4], random_state=0)
    >>> g.n_nodes, g.meta["labels_by_depth"].shape
    (120, (3, 120))
    """
    from .sbm import sbm

    M = _check_lca(lca_depth)
    sizes_arr = np.asarray(sizes)
    if sizes_arr.ndim != 1 or sizes_arr.size != M.shape[0]:
        raise ValueError(f"sizes must have one entry per leaf ({M.shape[0]}), got {np.shape(sizes)}.")
    n = int(np.sum(sizes_arr))
    D = int(M.max())
    if (p is None) == (a is None):
        raise ValueError("give exactly one of p (probabilities by LCA depth) or a (p = a log N / N).")
    probs = a_to_p(a, n) if a is not None else np.asarray(p, dtype=np.float64)
    if probs.ndim != 1 or probs.size != D + 1:
        raise ValueError(f"p (or a) must have depth + 1 = {D + 1} entries (one per LCA depth 0..{D}), got {probs.shape}.")
    if not np.all(np.isfinite(probs)) or np.any(probs < 0) or np.any(probs > 1):
        raise ValueError("p must contain probabilities in [0, 1].")
    graph = sbm(sizes_arr, p=probs[M], random_state=check_random_state(random_state), name=name)
    graph.meta["labels_by_depth"] = _depth_groups(M)[:, graph.labels]
    graph.meta["lca_depth"] = M
    graph.meta["p"] = probs
    graph.meta["sizes"] = sizes_arr.astype(np.int64)
    return graph


def btsbm(
    depth: int,
    n: int,
    p: Any = None,
    *,
    a: Any = None,
    n_child: int = 2,
    random_state: Any = None,
):
    """Balanced tree SBM (BTSBM; ternary with ``n_child=3``): ``n_child ** depth`` communities of ``n``.

    ``p`` (or ``a``) has ``depth + 1`` entries, index 0 for the root (most distant pairs) and
    the last one inside a community. See :func:`hsbm` for the returned graph.

    Parameters
    ----------
    depth : int
        Depth of the tree (``n_child ** depth`` communities).
    n : int
        Nodes per community.
    p : sequence of float, optional
        Edge probability between two nodes whose lowest common ancestor is at each depth
        (``depth + 1`` entries, root first).
    a : sequence of float, optional
        Probabilities in the exact-recovery scale, ``p = a * log(N) / N`` with ``N`` the node
    count (give ``p`` or ``a``).
    n_child : int, default 2
        Children of every internal node of the tree.
    random_state : None, int or Generator
        Seed of the sample.

    Examples
    --------
    >>> from graphclust.datasets.hsbm import btsbm
    >>> g = btsbm(3, 200, a=[40, 50, 60, 100], random_state=1)
    >>> g.n_nodes, int(g.meta["labels_by_depth"][1].max()) + 1
    (1600, 2)
    """
    depth = check_scalar(depth, "depth", kind=int, low=1)
    n = check_scalar(n, "n", kind=int, low=1)
    M = tree_lca_depths(depth, n_child)
    return hsbm([n] * M.shape[0], M, p, a=a, random_state=random_state, name=f"btsbm(d={depth}, n={n})")


def load_lca_matrix(path: str | os.PathLike) -> np.ndarray:
    """Read an LCA-depth matrix from a comma-separated text file (one row per leaf).

    The format of the unbalanced-tree examples of the official bottom-up code
    (``example1_group_matrix.csv``). The matrix is validated as a tree.

    Parameters
    ----------
    path : str or os.PathLike
        The text file.

    Returns
    -------
    numpy.ndarray of int64, shape (L, L)
    """
    M = np.loadtxt(os.fspath(path), delimiter=",", dtype=np.float64, ndmin=2)
    return _check_lca(M)


def sociopatterns_contact_graph(
    contacts_path: str | os.PathLike,
    metadata_path: str | os.PathLike | None = None,
    *,
    weight: str = "log",
):
    """Build a weighted contact graph from SocioPatterns contact windows (``t i j Ci Cj`` rows).

    One edge per pair of persons seen in contact at least once; its weight is
    ``log(number of 20-s windows)`` (``weight="log"``, as in the bottom-up paper's
    high-school experiment), the raw count (``"count"``) or 1 (``"binary"``).
    With ``"log"`` a pair seen in a single window gets weight ``log 1 = 0``: it is counted
    as an edge in ``graph.meta["n_contact_pairs"]`` (5818 for Thiers13, the paper's count)
    but, being a zero weight, is absent from the CSR adjacency (which holds no explicit
    zeros); ``graph.meta["pattern"]`` keeps the unweighted pattern with all those pairs.
    Nodes are the persons sorted by id (``graph.node_ids``); with ``metadata_path`` (rows
    ``id class gender``), ``graph.labels`` are the classes numbered in sorted name order and
    ``graph.meta["class_names"]`` names them. The data itself is not shipped with graphclust.

    Parameters
    ----------
    contacts_path : str or os.PathLike
        The contact file (rows ``t i j Ci Cj``).
    metadata_path : str or os.PathLike, optional
        The metadata file (rows ``id class gender``) giving the labels.
    weight : {"log", "count", "binary"}, default "log"
        Edge weight from the number of contact windows.

    Returns
    -------
    Graph
    """
    import scipy.sparse as sp

    from ..graph import as_graph
    from ..validation import check_choice

    check_choice(weight, "weight", ("log", "count", "binary"))
    data = np.loadtxt(os.fspath(contacts_path), dtype=np.int64, usecols=(1, 2), ndmin=2)
    pairs = np.sort(data, axis=1)
    edges, counts = np.unique(pairs, axis=0, return_counts=True)
    ids = np.unique(edges)
    index = np.searchsorted(ids, edges)
    n = ids.size
    w = {"log": np.log(counts), "count": counts.astype(np.float64), "binary": np.ones(counts.size)}[weight]

    def _sym(values: np.ndarray) -> Any:
        A = sp.coo_array(
            (np.concatenate([values, values]), (np.concatenate([index[:, 0], index[:, 1]]), np.concatenate([index[:, 1], index[:, 0]]))),
            shape=(n, n),
        ).tocsr()
        A.eliminate_zeros()
        return A

    labels = None
    class_names = None
    if metadata_path is not None:
        meta = np.loadtxt(os.fspath(metadata_path), dtype=str, ndmin=2)
        cls = dict(zip(meta[:, 0].astype(np.int64).tolist(), meta[:, 1].tolist()))
        names = np.array([cls.get(int(i), "") for i in ids])
        class_names, labels = np.unique(names, return_inverse=True)
    graph = as_graph(_sym(w), labels=labels)
    graph.node_ids = ids
    graph.name = "sociopatterns_contacts"
    graph.meta["n_contact_pairs"] = int(edges.shape[0])
    graph.meta["pattern"] = _sym(np.ones(counts.size))
    if class_names is not None:
        graph.meta["class_names"] = class_names
    return graph
