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


def _check_pair(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if y_true.ndim != 1 or y_pred.ndim != 1:
        raise ValueError(f"labels must be 1-D, got shapes {y_true.shape} and {y_pred.shape}.")
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred differ in length: {y_true.shape[0]} vs {y_pred.shape[0]}.")
    known = y_true != -1
    if not known.any():
        raise ValueError("y_true has no known label (all are -1).")
    return y_true[known], y_pred[known]


def _contingency(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    t = np.unique(y_true, return_inverse=True)[1]
    p = np.unique(y_pred, return_inverse=True)[1]
    C = np.zeros((t.max() + 1, p.max() + 1), dtype=np.int64)
    np.add.at(C, (t, p), 1)
    return C


def match_labels(y_true: Any, y_pred: Any) -> np.ndarray:
    """Relabel ``y_pred`` with the classes of ``y_true`` by the best one-to-one matching.

    The matching maximises the number of agreeing nodes (Hungarian algorithm,
    :func:`scipy.optimize.linear_sum_assignment`). Predicted clusters left unmatched (more
    clusters than classes) map to ``-1``. ``-1`` entries of ``y_true`` are not used to match.

    Returns
    -------
    ndarray of int64, same length as ``y_pred``.
    """
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    t_known, p_known = _check_pair(y_true, y_pred)
    classes = np.unique(t_known)
    clusters, p_inv = np.unique(y_pred, return_inverse=True)
    C = np.zeros((classes.size, clusters.size), dtype=np.int64)
    np.add.at(C, (np.searchsorted(classes, t_known), np.searchsorted(clusters, p_known)), 1)
    rows, cols = linear_sum_assignment(C, maximize=True)
    mapping = np.full(clusters.size, -1, dtype=np.int64)
    mapping[cols] = classes[rows]
    return mapping[p_inv]


def accuracy(y_true: Any, y_pred: Any) -> float:
    """Clustering accuracy: fraction of nodes right after the best one-to-one cluster matching.

    Examples
    --------
    >>> accuracy([0, 0, 1, 1], [1, 1, 0, 0])
    1.0
    """
    t, p = _check_pair(y_true, y_pred)
    C = _contingency(t, p)
    rows, cols = linear_sum_assignment(C, maximize=True)
    return float(C[rows, cols].sum() / t.size)


def nmi(y_true: Any, y_pred: Any) -> float:
    """Normalized mutual information (arithmetic normalization, as scikit-learn's default)."""
    from sklearn.metrics import normalized_mutual_info_score

    t, p = _check_pair(y_true, y_pred)
    return float(normalized_mutual_info_score(t, p, average_method="arithmetic"))


def ari(y_true: Any, y_pred: Any) -> float:
    """Adjusted Rand index."""
    from sklearn.metrics import adjusted_rand_score

    t, p = _check_pair(y_true, y_pred)
    return float(adjusted_rand_score(t, p))


def f1_macro(y_true: Any, y_pred: Any) -> float:
    """Macro-averaged F1 over the true classes after the best one-to-one matching."""
    from sklearn.metrics import f1_score

    y_true = np.asarray(y_true)
    matched = match_labels(y_true, y_pred)
    known = y_true != -1
    classes = np.unique(y_true[known])
    return float(f1_score(y_true[known], matched[known], labels=classes, average="macro", zero_division=0))


def evaluate(y_true: Any, y_pred: Any) -> dict[str, float]:
    """All label-based scores at once: ``{"acc", "nmi", "ari", "f1"}`` (fractions, not x100).

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

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.barbell_graph(5, 0)
    >>> round(modularity(G, [0] * 5 + [1] * 5), 4)
    0.4524
    """
    from .graph import as_graph

    g = as_graph(graph).to("cpu")
    y = np.asarray(labels)
    if y.ndim != 1 or y.shape[0] != g.n_nodes:
        raise ValueError(f"labels must have one entry per node ({g.n_nodes}), got shape {y.shape}.")
    c = np.unique(y, return_inverse=True)[1]
    A = g.adjacency.tocoo()
    two_m = float(A.data.sum())
    if two_m == 0:
        raise ValueError("modularity is undefined for a graph without edges.")
    inside = c[A.row] == c[A.col]
    w_in = np.bincount(c[A.row[inside]], weights=A.data[inside], minlength=c.max() + 1)
    vol = np.bincount(c, weights=np.asarray(g.degrees()), minlength=c.max() + 1)
    return float((w_in / two_m - resolution * (vol / two_m) ** 2).sum())


def conductance(graph: Any, nodes: Any) -> float:
    """Conductance ``cut(S) / min(vol(S), vol(V) - vol(S))`` of a node set (weighted).

    ``nodes`` is a sequence or set of nodes (original ids for networkx input, as the local
    estimators return them; indices otherwise) or a boolean mask. Returns 1.0 when the
    denominator is 0 (empty set, or a set holding the whole volume).

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
