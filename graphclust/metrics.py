"""Clustering quality metrics.

Label-based scores compare a predicted partition with ground truth; nodes labelled ``-1``
in ``y_true`` (unknown class) are left out of every score. Graph-based scores (modularity,
conductance) read the graph through :func:`graphclust.as_graph` and use edge weights.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

__all__ = ["accuracy", "nmi", "ari", "f1_macro", "evaluate", "modularity", "conductance", "match_labels", "attribute_entropy"]


def _labels(y: Any, name: str) -> np.ndarray:
    """A 1-D label vector (the shared check, :func:`graphclust.validation.check_labels`)."""
    from .validation import check_labels

    return check_labels(y, name)


def _check_pair(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    y_true = _labels(y_true, "y_true")
    y_pred = _labels(y_pred, "y_pred")
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred differ in length: {y_true.shape[0]} vs {y_pred.shape[0]}.")
    # -1 marks an unknown class in integer ground truth; categorical (string) labels have no marker
    known = y_true != -1 if y_true.dtype.kind in "iu" else np.ones(y_true.shape, dtype=bool)
    if not known.any():
        raise ValueError("y_true has no known label (all are -1).")
    return y_true[known], y_pred[known]


# Contingency tables up to this many cells are solved densely (Hungarian algorithm, 32 MB of
# int64); larger ones as a sparse assignment over the non-zero cells only, so 40k labels on
# each side never form a 40k x 40k table (11.9 GiB).
_DENSE_ASSIGNMENT_MAX = 1 << 22


def _codes(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    values, codes = np.unique(y, return_inverse=True)
    return values, codes.ravel()


def _best_matching(t: np.ndarray, p: np.ndarray, m: int, q: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Classes ``rows`` matched one-to-one to clusters ``cols`` maximising the agreeing nodes.

    ``t`` and ``p`` are the codes (``0..m-1``, ``0..q-1``) of the true class and the cluster
    of each node. Returns ``(rows, cols, counts)``: the matched pairs with at least one
    common node and how many they share. Zero-overlap pairs add nothing to the score, so a
    maximum-weight matching over the non-zero cells of the contingency table has the score
    of the dense Hungarian assignment; the dense table is formed only when small.
    """
    if m * q <= _DENSE_ASSIGNMENT_MAX:
        C = np.zeros((m, q), dtype=np.int64)
        np.add.at(C, (t, p), 1)
        rows, cols = linear_sum_assignment(C, maximize=True)
        counts = C[rows, cols]
        keep = counts > 0
        return rows[keep], cols[keep], counts[keep]
    import scipy.sparse as sp
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    C = sp.coo_array((np.ones(t.size, dtype=np.int64), (t, p)), shape=(m, q)).tocsr()
    C.sum_duplicates()
    Cc = C.tocoo()
    i, j, c = Cc.row.astype(np.int64), Cc.col.astype(np.int64), Cc.data.astype(np.float64)
    # A full matching of the sparse graph need not exist, so pad it: class i may match its own
    # dummy column q + i, cluster j its own dummy row m + j, and the dummies of a matched pair
    # (i, j) match each other through the mirrored cell (m + j, q + i). Every weight is one
    # more than the count (all full matchings have m + q edges, so the shift changes nothing).
    rows = np.concatenate([i, np.arange(m), m + np.arange(q), m + j])
    cols = np.concatenate([j, q + np.arange(m), np.arange(q), q + i])
    w = np.concatenate([c + 1.0, np.ones(m), np.ones(q), np.ones(i.size)])
    B = sp.csr_array((w, (rows, cols)), shape=(m + q, m + q))
    r, col = min_weight_full_bipartite_matching(B, maximize=True)
    real = (r < m) & (col < q)
    r, col = r[real], col[real]
    return r, col, np.asarray(C[r, col]).ravel().astype(np.int64)


def match_labels(y_true: Any, y_pred: Any) -> np.ndarray:
    """Relabel ``y_pred`` with the classes of ``y_true`` by the best one-to-one matching.

    The matching maximises the number of agreeing nodes (Hungarian algorithm,
    :func:`scipy.optimize.linear_sum_assignment`, on small contingency tables; on large ones
    a sparse assignment over the non-zero cells,
    :func:`scipy.sparse.csgraph.min_weight_full_bipartite_matching`, which never forms the
    dense table). Predicted clusters that share no node with their matched class, or are
    left unmatched (more clusters than classes), map to ``-1``. ``-1`` entries of
    ``y_true`` are not used to match.

    Parameters
    ----------
    y_true : array-like of int, shape (n,)
        Ground-truth classes; ``-1`` marks unknown nodes, left out of the score.
    y_pred : array-like of int, shape (n,)
        Predicted clusters (any integer ids).

    Returns
    -------
    ndarray, same length as ``y_pred``
        int64 for integer classes; for categorical ``y_true`` (strings) an object array of
        the class names, with None for unmatched clusters.

    Examples
    --------
    >>> match_labels([0, 0, 1, 1, 2], [5, 5, 7, 7, 7]).tolist()
    [0, 0, 1, 1, 1]
    >>> match_labels([0, 0, 1, 1], [5, 5, 7, 9]).tolist()
    [0, 0, 1, -1]
    """
    t_known, p_known = _check_pair(y_true, y_pred)
    y_pred = _labels(y_pred, "y_pred")
    classes, t = _codes(t_known)
    clusters, p_inv = _codes(y_pred)
    p = np.searchsorted(clusters, p_known)
    rows, cols, _ = _best_matching(t, p, classes.size, clusters.size)
    if classes.dtype.kind in "iu":
        mapping = np.full(clusters.size, -1, dtype=np.int64)
    else:
        mapping = np.full(clusters.size, None, dtype=object)
    mapping[cols] = classes[rows]
    return mapping[p_inv.ravel()]


def accuracy(y_true: Any, y_pred: Any) -> float:
    """Clustering accuracy: fraction of nodes right after the best one-to-one cluster matching.

    Any number of labels: large contingency tables are matched sparsely (see
    :func:`match_labels`).

    Parameters
    ----------
    y_true : array-like of int, shape (n,)
        Ground-truth classes; ``-1`` marks unknown nodes, left out of the score.
    y_pred : array-like of int, shape (n,)
        Predicted clusters (any integer ids).

    Returns
    -------
    float in [0, 1]

    Examples
    --------
    >>> accuracy([0, 0, 1, 1], [1, 1, 0, 0])
    1.0
    """
    t, p = _check_pair(y_true, y_pred)
    classes, tc = _codes(t)
    clusters, pc = _codes(p)
    _, _, counts = _best_matching(tc, pc, classes.size, clusters.size)
    return float(counts.sum() / t.size)


def nmi(y_true: Any, y_pred: Any) -> float:
    """Normalized mutual information (arithmetic normalization, as scikit-learn's default).

    Parameters
    ----------
    y_true : array-like of int, shape (n,)
        Ground-truth classes; ``-1`` marks unknown nodes, left out of the score.
    y_pred : array-like of int, shape (n,)
        Predicted clusters (any integer ids).

    Returns
    -------
    float in [0, 1]

    Examples
    --------
    >>> nmi([0, 0, 1, 1], [1, 1, 0, 0])
    1.0
    """
    from sklearn.metrics import normalized_mutual_info_score

    t, p = _check_pair(y_true, y_pred)
    return float(normalized_mutual_info_score(t, p, average_method="arithmetic"))


def ari(y_true: Any, y_pred: Any) -> float:
    """Adjusted Rand index.

    Parameters
    ----------
    y_true : array-like of int, shape (n,)
        Ground-truth classes; ``-1`` marks unknown nodes, left out of the score.
    y_pred : array-like of int, shape (n,)
        Predicted clusters (any integer ids).

    Returns
    -------
    float
        1 for identical partitions, about 0 for independent ones.

    Examples
    --------
    >>> ari([0, 0, 1, 1], [1, 1, 0, 0])
    1.0
    """
    from sklearn.metrics import adjusted_rand_score

    t, p = _check_pair(y_true, y_pred)
    return float(adjusted_rand_score(t, p))


def f1_macro(y_true: Any, y_pred: Any) -> float:
    """Macro-averaged F1 over the true classes after the best one-to-one matching.

    Parameters
    ----------
    y_true : array-like of int, shape (n,)
        Ground-truth classes; ``-1`` marks unknown nodes, left out of the score.
    y_pred : array-like of int, shape (n,)
        Predicted clusters (any integer ids).

    Returns
    -------
    float in [0, 1]

    Examples
    --------
    >>> f1_macro([0, 0, 1, 1], [1, 1, 0, 0])
    1.0
    """
    from sklearn.metrics import f1_score

    t, p = _check_pair(y_true, y_pred)
    # classes as codes 0..c-1: the matching and the score then work alike for any label type
    codes = np.unique(t, return_inverse=True)[1].ravel()
    matched = match_labels(codes, p)
    return float(f1_score(codes, matched, labels=np.arange(codes.max() + 1), average="macro", zero_division=0))


def evaluate(y_true: Any, y_pred: Any) -> dict[str, float]:
    """All label-based scores at once: ``{"acc", "nmi", "ari", "f1"}`` (fractions, not x100).

    Parameters
    ----------
    y_true : array-like of int, shape (n,)
        Ground-truth classes; ``-1`` marks unknown nodes, left out of the score.
    y_pred : array-like of int, shape (n,)
        Predicted clusters (any integer ids).

    Returns
    -------
    dict of str to float

    Examples
    --------
    >>> evaluate([0, 0, 1, 1, -1], [1, 1, 0, 0, 0])["acc"]
    1.0
    """
    return {
        "acc": accuracy(y_true, y_pred),
        "nmi": nmi(y_true, y_pred),
        "ari": ari(y_true, y_pred),
        "f1": f1_macro(y_true, y_pred),
    }


def modularity(graph: Any, labels: Any, resolution: float = 1.0) -> float:
    """Newman-Girvan modularity of a partition of a weighted undirected graph.

    ``Q = sum_c [ w_in(c) / (2m) - resolution * (vol(c) / (2m))^2 ]`` with ``w_in(c)`` the sum
    of ``A_ij`` over ordered pairs inside ``c``, ``vol(c)`` the sum of weighted degrees and
    ``2m = vol(V)``, all read from the adjacency matrix (a self-loop weight ``w`` adds ``w``
    to its node's degree).

    Parameters
    ----------
    graph : graph-like
        Anything :func:`graphclust.as_graph` accepts.
    labels : array-like, shape (n,)
        Community of each node (integers or strings).
    resolution : float, default=1.0

    Returns
    -------
    float

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.barbell_graph(5, 0)
    >>> round(modularity(G, [0] * 5 + [1] * 5), 4)
    0.4524
    """
    from .graph import as_graph

    from .validation import check_scalar

    resolution = check_scalar(resolution, "resolution")
    g = as_graph(graph).to("cpu")
    y = _labels(labels, "labels")
    if y.shape[0] != g.n_nodes:
        raise ValueError(f"labels must have one entry per node ({g.n_nodes}), got shape {y.shape}.")
    c = _community_codes(y)
    A = g.adjacency
    two_m = float(A.data.sum())
    if two_m == 0:
        raise ValueError("modularity is undefined for a graph without edges.")
    from .kernels.cpu.partition import intra_cluster_weights  # numba: on first use only

    k = int(c.max()) + 1
    w_in = intra_cluster_weights(A.indptr, A.indices, A.data, c, k)
    vol = np.bincount(c, weights=np.asarray(g.degrees()), minlength=k)
    return float((w_in / two_m - resolution * (vol / two_m) ** 2).sum())


def _community_codes(y: np.ndarray) -> np.ndarray:
    """``np.unique(y, return_inverse=True)[1]``: the rank of each label among the distinct
    labels; for non-negative integer labels by one bincount instead of a sort (the same
    codes, so the same order of the per-community terms)."""
    if y.dtype.kind in "iu" and y.size and int(y.min()) >= 0 and int(y.max()) <= 4 * y.size:
        rank = np.cumsum(np.bincount(y) > 0) - 1
        return rank[y].astype(np.int64)
    return np.unique(y, return_inverse=True)[1].ravel().astype(np.int64)


def conductance(graph: Any, nodes: Any) -> float:
    """Conductance ``cut(S) / min(vol(S), vol(V) - vol(S))`` of a node set (weighted).

    ``nodes`` is a sequence or set of nodes (original ids for networkx input, as the local
    estimators return them; indices otherwise) or a boolean mask. Returns 1.0 when the
    denominator is 0 (empty set, or a set holding the whole volume).

    Parameters
    ----------
    graph : graph-like
    nodes : sequence, set or boolean mask of shape (n,)

    Returns
    -------
    float in [0, 1]

    Examples
    --------
    >>> import networkx as nx
    >>> conductance(nx.barbell_graph(5, 0), range(5))
    0.047619047619047616
    """
    from .graph import as_graph
    from .local.sweep import conductance as set_conductance

    g = as_graph(graph).to("cpu")
    n = g.n_nodes
    as_array = np.asarray(nodes) if isinstance(nodes, (list, tuple, np.ndarray)) else None
    if as_array is not None and as_array.dtype == bool:
        if as_array.shape != (n,):
            raise ValueError(f"a boolean node mask must have length {n}, got {as_array.shape}.")
        nodes = g.ids(np.flatnonzero(as_array))
    # One implementation: the strongly local kernel of graphclust.local, O(vol(S)) work.
    return set_conductance(g, nodes)


def attribute_entropy(labels: Any, attributes: Any) -> float:
    """Entropy of the clusters with respect to categorical attributes, summed over attributes.

    ``H = sum_c (|c| / n) sum_j [ -sum_v p_cjv log2 p_cjv ]`` with ``p_cjv`` the fraction of
    the nodes of cluster ``c`` whose attribute ``j`` equals ``v`` (SA-Cluster's entropy with
    equal weights, summed rather than averaged over the attributes, as BCMatch4Graphs
    reports it). Lower is more homogeneous.

    Parameters
    ----------
    labels : array (n,)
    attributes : array (n,) or (n, m) of category codes

    Examples
    --------
    >>> attribute_entropy([0, 0, 1, 1], [[0, 1], [0, 0], [1, 1], [1, 1]])
    0.5
    """
    y = np.unique(np.asarray(labels), return_inverse=True)[1]
    X = np.asarray(attributes)
    X = X[:, None] if X.ndim == 1 else X
    if X.ndim != 2 or X.shape[0] != y.shape[0]:
        raise ValueError(f"attributes must have one row per label ({y.shape[0]}), got shape {X.shape}.")
    n = y.shape[0]
    total = 0.0
    for j in range(X.shape[1]):
        v = np.unique(X[:, j], return_inverse=True)[1]
        counts = np.zeros((y.max() + 1, v.max() + 1))
        np.add.at(counts, (y, v), 1.0)
        size = counts.sum(axis=1, keepdims=True)
        p = counts / size
        with np.errstate(divide="ignore", invalid="ignore"):
            h = -np.where(p > 0, p * np.log2(p), 0.0).sum(axis=1)
        total += float((size.ravel() / n * h).sum())
    return total
