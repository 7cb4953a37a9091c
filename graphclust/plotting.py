"""Pictures of clustering results: dendrograms, embeddings, confusion matrices, local clusters.

matplotlib comes with the ``plot`` extra (``pip install graphclust[plot]``) and is imported
inside each function, on first use, never at ``import graphclust.plotting``. As in
scikit-learn's ``plot_*`` helpers and scikit-network's visualization module, every function
draws on the matplotlib Axes given as ``ax=`` (a new figure when omitted) and returns that
Axes, so a picture is composed with ordinary matplotlib calls afterwards.

- :func:`plot_dendrogram`: the dendrogram of a fitted hierarchy (or of a linkage matrix);
- :func:`plot_embedding`: a 2-D view of an ``n x d`` embedding coloured by labels;
- :func:`plot_confusion_matrix`: classes against clusters after the accuracy matching;
- :func:`plot_local_cluster`: a local cluster and the neighbourhood of its seeds.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import numpy as np
>>> from graphclust.plotting import plot_confusion_matrix
>>> ax = plot_confusion_matrix([0, 0, 1, 1], [5, 5, 5, 7])
>>> ax.images[0].get_array().tolist()
[[2, 0], [1, 1]]
"""
from __future__ import annotations

import warnings
from typing import Any, Callable, Mapping

import numpy as np

__all__ = ["plot_dendrogram", "plot_embedding", "plot_confusion_matrix", "plot_local_cluster"]

_INSTALL_HINT = "pip install graphclust[plot]"

# Colour of the nodes an integer label of -1 marks as unknown (as in graphclust.metrics).
_UNKNOWN_COLOR = "#c8c8c8"


def _pyplot() -> Any:
    """matplotlib.pyplot, or an ImportError that says which extra installs it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # the message names the fix, not just the missing module
        raise ImportError(
            f"graphclust.plotting needs matplotlib, which is not installed: {_INSTALL_HINT}"
        ) from exc
    return plt


def _check_ax(ax: Any) -> None:
    """Refuse anything but an Axes or None, before any work is done."""
    _pyplot()
    if ax is not None and (not hasattr(ax, "scatter") or not hasattr(ax, "figure")):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}.")


def _axes(ax: Any) -> Any:
    """The Axes to draw on: ``ax`` itself, or the Axes of a new figure (scikit-learn's rule)."""
    _check_ax(ax)
    if ax is None:
        _, ax = _pyplot().subplots()
    return ax


def _category_colors(n: int) -> list:
    """``n`` distinct colours: tab10 / tab20 while they last, then evenly spaced hues."""
    import matplotlib as mpl

    if n <= 10:
        return [mpl.colormaps["tab10"](i) for i in range(n)]
    if n <= 20:
        return [mpl.colormaps["tab20"](i) for i in range(n)]
    return [mpl.colormaps["turbo"](x) for x in np.linspace(0.05, 0.95, n)]


# ----------------------------------------------------------------------------- dendrogram
def _dendrogram(hierarchy: Any, ax: Any, kwargs: dict) -> tuple[Any, dict]:
    """Draw the dendrogram; returns the Axes and scipy's dictionary (the estimator method's
    return value)."""
    from scipy.cluster.hierarchy import dendrogram, is_valid_linkage

    if hasattr(hierarchy, "_check_fitted") and hasattr(type(hierarchy), "n_communities_"):
        hierarchy._check_fitted()  # AttributeError "not fitted yet", as the estimators say
        Z = np.asarray(hierarchy.linkage_, dtype=np.float64)
        K = Z.shape[0] + 1
        sizes = np.bincount(np.asarray(hierarchy.labels_), minlength=K)
        kwargs.setdefault("labels", [f"{c} ({s})" for c, s in enumerate(sizes)])
        sims = np.asarray(hierarchy.similarities_)
        ylabel = "height (1 - density)" if sims.max(initial=0) <= 1 else "height 1 / (1 + density)"
    else:
        if isinstance(hierarchy, (str, bytes)) or not hasattr(hierarchy, "__len__") and not hasattr(hierarchy, "shape"):
            raise TypeError(
                "hierarchy must be a fitted BottomUpHierarchy / TopDownHierarchy or a scipy linkage matrix, "
                f"got {type(hierarchy).__name__}."
            )
        Z = np.asarray(hierarchy, dtype=np.float64)
        if Z.ndim != 2 or Z.shape[1] != 4 or (Z.size and not is_valid_linkage(Z)):
            raise ValueError(
                f"hierarchy must be a valid scipy linkage matrix of shape (K - 1, 4), got an array of shape {Z.shape}"
                + ("" if Z.ndim != 2 or Z.shape[1] != 4 else " that scipy.cluster.hierarchy.is_valid_linkage refuses")
                + "."
            )
        K = Z.shape[0] + 1
        ylabel = "height"
    ax = _axes(ax)
    if K == 1:  # nothing to merge: say so instead of an empty frame
        ax.text(0.5, 0.5, "one community", ha="center", va="center", transform=ax.transAxes)
        return ax, {}
    out = dendrogram(Z, ax=ax, **kwargs)
    ax.set_ylabel(ylabel)
    return ax, out


def plot_dendrogram(hierarchy: Any, *, ax: Any = None, **kwargs: Any) -> Any:
    """Draw the dendrogram of a fitted hierarchy (or of a linkage matrix) with scipy.

    Parameters
    ----------
    hierarchy : fitted BottomUpHierarchy or TopDownHierarchy, or ndarray of shape (K - 1, 4)
        A fitted hierarchical estimator: the dendrogram over its K bottom communities, whose
        leaves are labelled ``"community (size)"``; or a scipy linkage matrix, whose leaves
        are labelled by index.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when omitted.
    **kwargs
        Passed to :func:`scipy.cluster.hierarchy.dendrogram` (``labels=``,
        ``orientation=``, ``color_threshold=``, ...).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on. The leaves are its x tick labels (left to right).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> Z = np.array([[0, 1, 0.2, 2], [2, 3, 0.7, 3]])
    >>> ax = plot_dendrogram(Z)
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['2', '0', '1']
    """
    _check_ax(ax)
    return _dendrogram(hierarchy, ax, dict(kwargs))[0]


# ------------------------------------------------------------------------------ embedding
def _host_array(x: Any) -> Any:
    """A host (numpy / scipy) view of a CuPy array or a torch tensor; others as they are."""
    from .backend import is_cupy_array

    if is_cupy_array(x):
        return x.get()
    if type(x).__module__.startswith("torch"):
        return x.detach().cpu().numpy()
    return x


def plot_embedding(
    embedding: Any,
    labels: Any = None,
    *,
    method: str = "auto",
    ax: Any = None,
    max_points: int = 20_000,
    random_state: Any = None,
    s: float | None = None,
    legend: bool = True,
) -> Any:
    """Scatter a 2-D view of an ``n x d`` embedding, one point per node, coloured by label.

    Parameters
    ----------
    embedding : array-like or sparse matrix, shape (n, d)
        Node embedding (numpy, scipy sparse, CuPy or torch; copied to the host).
    labels : array-like, shape (n,), optional
        Colour of each point: cluster or class labels (integers or strings). Integer ``-1``
        (an unknown class, as in :mod:`graphclust.metrics`) is drawn grey. Without labels all
        points have one colour.
    method : {"auto", "pca", "svd", "columns"}, default="auto"
        How the ``d`` columns become two: ``"pca"`` the first two principal components
        (:class:`sklearn.decomposition.PCA`, centred; for sparse input its ARPACK solver, so
        nothing is densified), ``"svd"`` the first two right singular vectors without
        centring (:class:`sklearn.decomposition.TruncatedSVD` with ARPACK, its start vector
        seeded by ``random_state``; suits sparse and non-negative features), ``"columns"`` the first two
        columns as they are. ``"auto"`` is ``"columns"`` when ``d <= 2``, ``"svd"`` for
        sparse input and ``"pca"`` otherwise. A one-column embedding is drawn on a line.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when omitted.
    max_points : int, default=20000
        At most this many points are drawn: a larger embedding is subsampled uniformly
        without replacement (rows drawn with ``random_state``, kept in node order), and the
        projection is fitted on the subsample only, so a huge embedding costs
        O(max_points * d).
    random_state : None, int or numpy.random.Generator, optional
        Seeds the subsample and the randomized solvers.
    s : float, optional
        Marker size (points^2); by default smaller as there are more points.
    legend : bool, default=True
        Add a legend of the labels (up to 20 distinct labels).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on; its first collection holds the points, in node order.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> X = np.random.default_rng(0).normal(size=(60, 5))
    >>> ax = plot_embedding(X, np.arange(60) % 3, random_state=0)
    >>> ax.collections[0].get_offsets().shape
    (60, 2)
    """
    import scipy.sparse as sp

    from .memory import check_dense
    from .validation import check_bool, check_choice, check_features, check_labels, check_random_state, check_scalar

    _check_ax(ax)
    method = check_choice(method, "method", ("auto", "pca", "svd", "columns"))
    max_points = check_scalar(max_points, "max_points", kind=int, low=1)
    legend = check_bool(legend, "legend")
    if s is not None:
        s = check_scalar(s, "s", low=0, low_inclusive=False)
    X = _host_array(embedding)
    if not sp.issparse(X):
        X = np.asarray(X)
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"embedding must be a 2-D array of shape (n_nodes, n_dims), got shape {X.shape}.")
    n, d = X.shape
    y = None if labels is None else check_labels(_host_array(labels), "labels", n)
    rng = check_random_state(random_state)
    rows = None
    if n > max_points:  # subsample before any copy or projection: the cost is O(max_points * d)
        rows = np.sort(rng.choice(n, size=max_points, replace=False))
        X = X[rows] if not sp.issparse(X) else sp.csr_array(X)[rows]
        y = None if y is None else y[rows]
    X = check_features(X, X.shape[0])  # finite and numeric; a validated copy
    if method == "auto":
        method = "columns" if d <= 2 else ("svd" if sp.issparse(X) else "pca")
    if method in ("pca", "svd") and d < 2:
        raise ValueError(f"method={method!r} needs an embedding with at least 2 columns, got {d}; use 'columns'.")
    if method == "pca":
        from sklearn.decomposition import PCA

        from .seeding import seed_from

        if X.shape[0] < 2:
            raise ValueError("method='pca' needs at least 2 points in the embedding.")
        solver = "arpack" if sp.issparse(X) else "auto"
        if solver == "arpack" and min(X.shape) <= 2:
            X = X.toarray()  # ARPACK needs k < min(n, d); such a matrix is tiny anyway
            solver = "auto"
        model = PCA(n_components=2, svd_solver=solver, random_state=seed_from(rng))
        with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a constant embedding has no variance ratio
            P = model.fit_transform(X)
            ratio = model.explained_variance_ratio_
        xlabel, ylabel = (f"PC {i + 1}" + (f" ({100 * r:.0f} % of the variance)" if np.isfinite(r) else "")
                          for i, r in enumerate(ratio))
    elif method == "svd":
        from sklearn.decomposition import TruncatedSVD

        from .seeding import seed_from

        if X.shape[0] < 2:
            raise ValueError("method='svd' needs at least 2 points in the embedding.")
        if min(X.shape) > 2:  # ARPACK: exact to its tolerance, unlike a few randomized power steps
            P = TruncatedSVD(n_components=2, algorithm="arpack", random_state=seed_from(rng)).fit_transform(X)
        else:  # a (m, 2) matrix: its SVD is tiny
            Xd = X.toarray() if sp.issparse(X) else X
            U, S, _ = np.linalg.svd(Xd, full_matrices=False)
            P = U[:, :2] * S[:2]
        xlabel, ylabel = "singular direction 1", "singular direction 2"
    else:
        cols = X[:, : min(d, 2)]
        if sp.issparse(cols):
            check_dense((X.shape[0], cols.shape[1]), what="the drawn columns")
            cols = cols.toarray()
        P = np.column_stack([cols, np.zeros(X.shape[0])]) if d == 1 else np.asarray(cols, dtype=np.float64)
        xlabel, ylabel = ("column 0", "column 1") if d >= 2 else ("column 0", "")
    ax = _axes(ax)
    m = P.shape[0]
    size = s if s is not None else float(np.clip(20000.0 / m, 1.0, 30.0))
    handles = []
    if y is None:
        ax.scatter(P[:, 0], P[:, 1], s=size, linewidths=0)
    else:
        values, codes = np.unique(y, return_inverse=True)
        codes = codes.ravel()
        unknown = y.dtype.kind in "iu" and values.size and values[0] == -1
        palette = _category_colors(values.size - int(bool(unknown)))
        colors = ([_UNKNOWN_COLOR] if unknown else []) + palette
        ax.scatter(P[:, 0], P[:, 1], c=[colors[c] for c in codes], s=size, linewidths=0)
        if legend and values.size <= 20:
            from matplotlib.lines import Line2D

            for value, color in zip(values, colors):
                name = "unknown (-1)" if unknown and value == -1 else str(value)
                handles.append(Line2D([], [], ls="", marker="o", color=color, label=name))
            ax.legend(handles=handles, title="label", fontsize="small", markerscale=1.2, loc="best")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if rows is not None:
        ax.set_title(f"{m:,} of {n:,} points (uniform subsample)", fontsize="small")
    return ax


# ----------------------------------------------------------------------- confusion matrix
def plot_confusion_matrix(
    labels_true: Any,
    labels_pred: Any,
    *,
    ax: Any = None,
    normalize: str | None = None,
    include_values: bool | None = None,
    values_format: str | None = None,
    cmap: str = "Blues",
    colorbar: bool = True,
) -> Any:
    """Draw the contingency table of classes against clusters after matching them.

    Each predicted cluster is matched to at most one class by the one-to-one matching that
    maximises the agreeing nodes, the same one :func:`graphclust.metrics.accuracy` scores
    (:func:`graphclust.metrics.match_labels`, Hungarian algorithm). Rows are the classes in
    sorted order; column ``i`` is the cluster matched to class ``i``, so the diagonal holds
    the correctly clustered nodes, and the clusters left unmatched (more clusters than
    classes, or sharing no node with their class) follow on the right in sorted order.
    Nodes whose integer class is ``-1`` (unknown) are left out, as in the metrics.

    Parameters
    ----------
    labels_true : array-like, shape (n,)
        Ground-truth classes (integers or strings; ``-1`` = unknown).
    labels_pred : array-like, shape (n,)
        Predicted clusters.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when omitted.
    normalize : {None, "true", "pred", "all"}, default=None
        Counts as they are, or divided by the class sizes (rows sum to 1), the cluster sizes
        (columns sum to 1) or the number of nodes, as in
        :func:`sklearn.metrics.confusion_matrix`.
    include_values : bool, optional
        Write the value in every cell; by default when the table has at most 900 cells.
    values_format : str, optional
        Format of the written values; ``"d"`` for counts, ``".2f"`` when normalized.
    cmap : str, default="Blues"
        Colormap of the cells.
    colorbar : bool, default=True
        Add a colorbar.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on; ``ax.images[0].get_array()`` is the table (classes x clusters).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = plot_confusion_matrix([0, 0, 1, 1, 2], [4, 4, 3, 3, 3])
    >>> ax.images[0].get_array().tolist()
    [[2, 0], [0, 2], [0, 1]]
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['4', '3']
    """
    from .memory import check_dense
    from .metrics import match_labels
    from .validation import check_bool, check_choice, check_labels

    _check_ax(ax)
    normalize = check_choice(normalize, "normalize", (None, "true", "pred", "all"))
    colorbar = check_bool(colorbar, "colorbar")
    if include_values is not None:
        include_values = check_bool(include_values, "include_values")
    t = check_labels(_host_array(labels_true), "labels_true")
    p = check_labels(_host_array(labels_pred), "labels_pred", t.shape[0])
    known = t != -1 if t.dtype.kind in "iu" else np.ones(t.shape, dtype=bool)
    if not known.any():
        raise ValueError("labels_true has no known label (all are -1).")
    t, p = t[known], p[known]
    classes, tc = np.unique(t, return_inverse=True)
    clusters, pc = np.unique(p, return_inverse=True)
    tc, pc = tc.ravel(), pc.ravel()
    m, q = classes.size, clusters.size
    check_dense((m, q), np.int64, what="the confusion matrix",
                hint="there are too many classes or clusters to draw; plot a subset of the nodes")
    # The accuracy matching, reused: every node of cluster j gets the same matched class.
    matched = match_labels(t, p)
    first = np.unique(pc, return_index=True)[1]  # a node of each cluster (codes 0..q-1 all occur)
    cluster_class = matched[first]
    unmatched = np.array([v is None or (t.dtype.kind in "iu" and v == -1) for v in cluster_class.tolist()], dtype=bool)
    class_code = np.full(q, -1, dtype=np.int64)
    class_code[~unmatched] = np.searchsorted(classes, cluster_class[~unmatched].astype(classes.dtype))
    order = np.full(m, -1, dtype=np.int64)  # order[i] = the cluster matched to class i
    order[class_code[~unmatched]] = np.flatnonzero(~unmatched)
    columns = np.concatenate([order[order >= 0], np.flatnonzero(unmatched)])
    position = np.empty(q, dtype=np.int64)
    position[columns] = np.arange(q)
    C = np.zeros((m, q), dtype=np.int64)
    np.add.at(C, (tc, position[pc]), 1)
    correct = int(sum(C[i, position[order[i]]] for i in range(m) if order[i] >= 0))
    if normalize is None:
        values = C
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            if normalize == "true":
                values = C / C.sum(axis=1, keepdims=True)
            elif normalize == "pred":
                values = C / C.sum(axis=0, keepdims=True)
            else:
                values = C / C.sum()
        values = np.nan_to_num(values)
    ax = _axes(ax)
    im = ax.imshow(values, cmap=cmap, interpolation="nearest", aspect="auto")
    if colorbar:
        ax.figure.colorbar(im, ax=ax)
    if include_values is None:
        include_values = m * q <= 900
    if include_values:
        fmt = values_format or ("d" if normalize is None else ".2f")
        vmax = float(values.max()) if values.size else 0.0
        for i in range(m):
            for j in range(q):
                dark = vmax > 0 and values[i, j] > vmax / 2
                ax.text(j, i, format(values[i, j], fmt), ha="center", va="center",
                        color="white" if dark else "black", fontsize="small")
    ax.set_xticks(np.arange(q), [str(v) for v in clusters[columns].tolist()])
    ax.set_yticks(np.arange(m), [str(v) for v in classes.tolist()])
    ax.set_xlabel("predicted cluster (matched to the class of its row)")
    ax.set_ylabel("true class")
    ax.set_title(f"accuracy {correct / t.size:.3f} after matching", fontsize="small")
    return ax


# -------------------------------------------------------------------------- local cluster
def _cluster_indices(g: Any, cluster: Any) -> np.ndarray:
    """Internal indices of ``cluster``: a mask, node ids / indices, a sparse vector, the
    :class:`~graphclust.local.LocalScores` of a diffusion, or a fitted LocalClustering."""
    import scipy.sparse as sp

    n = g.n_nodes
    if hasattr(cluster, "cluster_indices_"):  # a fitted LocalClustering
        idx = np.asarray(cluster.cluster_indices_, dtype=np.int64)
        if getattr(cluster, "n_nodes_", n) != n:
            raise ValueError(f"cluster: the LocalClustering was fitted on {cluster.n_nodes_} nodes, the graph has {n}.")
        return idx
    if hasattr(cluster, "indices") and hasattr(cluster, "n_nodes") and hasattr(cluster, "values"):
        if int(cluster.n_nodes) != n:  # LocalScores: the support of the score vector
            raise ValueError(f"cluster is a score vector of length {cluster.n_nodes}; the graph has {n} nodes.")
        return np.unique(np.asarray(cluster.indices, dtype=np.int64)[np.asarray(cluster.values) != 0])
    if sp.issparse(cluster):
        shape = tuple(cluster.shape)
        if shape not in ((n,), (1, n), (n, 1)):
            raise ValueError(f"cluster as a sparse vector must have length {n} (one entry per node), got shape {shape}.")
        C = sp.coo_array(cluster)
        coords = C.coords[-1] if shape[-1] == n else C.coords[0]
        return np.unique(np.asarray(coords, dtype=np.int64)[np.asarray(C.data) != 0])
    arr = np.asarray(list(cluster) if isinstance(cluster, (set, frozenset)) else cluster, dtype=object)
    if arr.ndim == 1 and arr.size and all(isinstance(v, (bool, np.bool_)) for v in arr.tolist()):
        if arr.shape[0] != n:
            raise ValueError(f"cluster as a boolean mask must have one entry per node ({n}), got {arr.shape[0]}.")
        return np.flatnonzero(arr.astype(bool))
    return np.unique(g.index(cluster, name="cluster"))


def _ball(A: Any, seeds: np.ndarray, radius: int, keep: np.ndarray, max_nodes: int) -> np.ndarray:
    """Nodes within ``radius`` hops of ``seeds``, united with ``keep``; stops (and refuses)
    as soon as the union holds more than ``max_nodes`` nodes, so a hub never expands the
    whole graph."""
    inside = np.zeros(A.shape[0], dtype=bool)
    inside[keep] = True
    inside[seeds] = True
    reached = np.zeros(A.shape[0], dtype=bool)
    reached[seeds] = True
    frontier = np.unique(seeds)
    for hop in range(radius):
        nbrs = np.unique(A[frontier].indices) if frontier.size else frontier
        frontier = nbrs[~reached[nbrs]]
        reached[frontier] = True
        inside[frontier] = True
        count = int(inside.sum())
        if count > max_nodes:
            raise ValueError(
                f"the cluster and the {hop + 1}-hop neighbourhood of the seeds hold {count} nodes, more than "
                f"max_nodes={max_nodes}: use a smaller radius, or raise max_nodes (drawing is slow beyond a few "
                "thousand nodes)."
            )
        if not frontier.size:
            break
    return np.flatnonzero(inside)


def plot_local_cluster(
    graph: Any,
    cluster: Any,
    seeds: Any,
    *,
    radius: int = 2,
    ax: Any = None,
    layout: str | Mapping | Callable = "spring",
    random_state: Any = None,
    max_nodes: int = 1000,
    with_labels: bool = False,
    node_size: float | None = None,
) -> Any:
    """Draw a local cluster around its seed(s), with networkx.

    The nodes drawn are the cluster together with every node within ``radius`` hops of the
    seeds, and the edges between them (the induced subgraph); cluster nodes and the other
    (neighbourhood) nodes get two colours, and the seeds are drawn again on top as stars.

    Parameters
    ----------
    graph : graph-like
        Anything :func:`graphclust.as_graph` accepts (networkx, scipy sparse, Graph, ...).
    cluster : boolean mask, node ids, sparse vector, LocalScores or fitted LocalClustering
        The cluster: a boolean mask over the nodes; node ids (original ids for networkx
        input, as ``LocalClustering.cluster_`` and :func:`graphclust.local.sweep_cut`
        return them; indices otherwise); a 1-D sparse vector or a
        :class:`~graphclust.local.LocalScores` (as the diffusions return), whose non-zero
        entries are the cluster; or a fitted :class:`~graphclust.LocalClustering`.
    seeds : node id or sequence of node ids
        The seed node(s), named as for ``cluster``.
    radius : int, default=2
        Hops around the seeds drawn besides the cluster (0: the cluster and the seeds only).
    ax : matplotlib Axes, optional
        Where to draw; a new figure when omitted.
    layout : {"spring", "kamada_kawai", "spectral"}, mapping or callable, default="spring"
        Node positions: a networkx layout of the drawn subgraph
        (:func:`networkx.spring_layout` is seeded from ``random_state``), a mapping
        ``{node id: (x, y)}`` covering the drawn nodes, or a callable taking the drawn
        networkx graph and returning such a mapping.
    random_state : None, int or numpy.random.Generator, optional
        Seeds the spring layout.
    max_nodes : int, default=1000
        Refuse (ValueError) to draw more nodes than this: layouts and drawing grow
        quadratically, and a hub seed with a large radius would reach most of a big graph.
    with_labels : bool, default=False
        Write the node ids.
    node_size : float, optional
        Marker size of the nodes; by default smaller as there are more nodes.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on. Its collections labelled ``"cluster"``, ``"neighbourhood"`` and
        ``"seed"`` hold the respective node markers, ``"edges"`` the edges.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import networkx as nx
    >>> G = nx.barbell_graph(6, 2)
    >>> ax = plot_local_cluster(G, range(6), 0, radius=1, random_state=0)
    >>> sorted((c.get_label(), len(c.get_offsets())) for c in ax.collections if c.get_label() != "edges")
    [('cluster', 6), ('neighbourhood', 0), ('seed', 1)]
    """
    import networkx as nx
    import scipy.sparse as sp

    from .graph import as_graph
    from .seeding import seed_from
    from .validation import check_bool, check_random_state, check_scalar

    _check_ax(ax)
    radius = check_scalar(radius, "radius", kind=int, low=0)
    max_nodes = check_scalar(max_nodes, "max_nodes", kind=int, low=1)
    with_labels = check_bool(with_labels, "with_labels")
    if node_size is not None:
        node_size = check_scalar(node_size, "node_size", low=0, low_inclusive=False)
    if isinstance(layout, str):
        if layout not in ("spring", "kamada_kawai", "spectral"):
            raise ValueError(f"layout must be 'spring', 'kamada_kawai', 'spectral', a mapping or a callable; got {layout!r}.")
    elif not isinstance(layout, Mapping) and not callable(layout):
        raise TypeError(f"layout must be a layout name, a mapping of positions or a callable, got {type(layout).__name__}.")
    rng = check_random_state(random_state)
    g = as_graph(graph)
    if g.device != "cpu":
        g = g.to("cpu")
    seed_idx = np.unique(g.index(seeds, name="seeds"))
    members = _cluster_indices(g, cluster)
    if members.size == 0:
        raise ValueError("cluster is empty: there is nothing to draw.")
    if members.size > max_nodes:
        raise ValueError(f"cluster holds {members.size} nodes, more than max_nodes={max_nodes}; raise max_nodes to draw it.")
    A = sp.csr_array(g.adjacency)
    nodes = _ball(A, seed_idx, radius, members, max_nodes)
    if nodes.size > max_nodes:  # the seeds themselves pushed it over
        raise ValueError(f"the cluster and its seeds hold {nodes.size} nodes, more than max_nodes={max_nodes}.")
    sub = A[nodes][:, nodes].tocoo()
    ids = g.ids(nodes).tolist()
    H = nx.Graph()
    H.add_nodes_from(ids)
    H.add_edges_from((ids[i], ids[j]) for i, j in zip(sub.row.tolist(), sub.col.tolist()) if i < j)
    if isinstance(layout, str):
        if layout == "spring":
            pos = nx.spring_layout(H, seed=seed_from(rng))
        elif layout == "kamada_kawai":
            pos = nx.kamada_kawai_layout(H)
        else:
            pos = nx.spectral_layout(H) if H.number_of_nodes() > 2 else nx.circular_layout(H)
    else:
        pos = layout(H) if callable(layout) and not isinstance(layout, Mapping) else layout
        missing = [v for v in ids if v not in pos]
        if missing:
            raise ValueError(f"layout has no position for {len(missing)} drawn node(s), e.g. {missing[:3]!r}.")
    in_cluster = np.isin(nodes, members)
    cluster_ids = [v for v, c in zip(ids, in_cluster.tolist()) if c]
    other_ids = [v for v, c in zip(ids, in_cluster.tolist()) if not c]
    seed_ids = g.ids(seed_idx).tolist()
    size = node_size if node_size is not None else float(np.clip(6000.0 / len(ids), 15.0, 300.0))
    ax = _axes(ax)
    edges = nx.draw_networkx_edges(H, pos, ax=ax, alpha=0.25, width=0.8)
    if hasattr(edges, "set_label"):
        edges.set_label("edges")
    drawn = [
        nx.draw_networkx_nodes(H, pos, nodelist=other_ids, node_color="#cfcfcf", node_size=size, ax=ax,
                               edgecolors="#8c8c8c", linewidths=0.5),
        nx.draw_networkx_nodes(H, pos, nodelist=cluster_ids, node_color="tab:orange", node_size=size, ax=ax,
                               edgecolors="#7f3f00", linewidths=0.5),
        nx.draw_networkx_nodes(H, pos, nodelist=seed_ids, node_color="tab:red", node_shape="*", node_size=3 * size,
                               ax=ax, edgecolors="k", linewidths=0.6),
    ]
    # networkx returns a detached collection for an empty node list; keep an empty one on the
    # Axes so that every label exists
    for k, (coll, label) in enumerate(zip(drawn, ("neighbourhood", "cluster", "seed"))):
        if coll is None or coll not in ax.collections:
            coll = ax.scatter([], [])
        coll.set_label(label)
        drawn[k] = coll
    if with_labels:
        nx.draw_networkx_labels(H, pos, ax=ax, font_size=7)
    from matplotlib.lines import Line2D

    # proxies: a legend entry from an empty collection (no neighbourhood drawn) would fail
    proxies = [Line2D([], [], ls="", marker=mk, markersize=ms, color=c, markeredgecolor=e, label=lab)
               for mk, ms, c, e, lab in (("o", 7, "tab:orange", "#7f3f00", "cluster"),
                                         ("o", 7, "#cfcfcf", "#8c8c8c", "neighbourhood"),
                                         ("*", 11, "tab:red", "k", "seed"))]
    ax.legend(handles=proxies, fontsize="small", loc="best")
    ax.set_axis_off()
    return ax
