"""graphclust.plotting draws what independent computations say it should.

Each picture is read back from the matplotlib artists and compared with scikit-learn, scipy
or networkx on the same input: the confusion matrix with ``sklearn.metrics.confusion_matrix``
after a matching solved here with ``scipy.optimize.linear_sum_assignment``, the embedding
with a scikit-learn PCA, the local drawing with networkx's ego graph.
"""
from __future__ import annotations

import subprocess
import sys

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from graphclust.plotting import plot_confusion_matrix, plot_dendrogram, plot_embedding, plot_local_cluster  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ------------------------------------------------------------------------------ import
def test_import_graphclust_does_not_import_matplotlib():
    code = ("import sys, graphclust, graphclust.plotting; graphclust.plotting; "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_missing_matplotlib_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"pip install graphclust\[plot\]"):
        plot_confusion_matrix([0, 1], [0, 1])


# -------------------------------------------------------------------- confusion matrix
def _expected_matrix(t, p):
    """Contingency by scikit-learn, columns reordered by a matching solved here."""
    from scipy.optimize import linear_sum_assignment
    from sklearn.metrics import confusion_matrix

    classes, clusters = np.unique(t), np.unique(p)
    ti = np.searchsorted(classes, t)
    pi = np.searchsorted(clusters, p) + classes.size  # disjoint codes for sklearn's square table
    full = confusion_matrix(ti, pi, labels=np.arange(classes.size + clusters.size))
    C = full[: classes.size, classes.size:]
    rows, cols = linear_sum_assignment(-C)
    order = [cols[list(rows).index(i)] for i in range(classes.size) if i in rows and C[i, cols[list(rows).index(i)]] > 0]
    rest = [j for j in range(clusters.size) if j not in order]
    return C[:, order + rest], clusters[order + rest]


def _drawn(ax):
    return np.asarray(ax.images[0].get_array())


@pytest.mark.parametrize("n_clusters", [4, 6, 3])
def test_confusion_matrix_equals_sklearn_after_matching(n_clusters):
    rng = np.random.default_rng(n_clusters)
    t = rng.integers(0, 4, size=300)
    # clusters: the classes under a permutation, with 25 % of the nodes moved at random
    p = (t * 7 + 3) % 4 if n_clusters >= 4 else np.minimum(t, n_clusters - 1)
    noisy = rng.random(300) < 0.25
    p = np.where(noisy, rng.integers(0, n_clusters, size=300), p) + 10
    expected, columns = _expected_matrix(t, p)
    fig, ax = plt.subplots()
    out = plot_confusion_matrix(t, p, ax=ax)
    assert out is ax
    assert np.array_equal(_drawn(ax), expected)
    assert [tk.get_text() for tk in ax.get_xticklabels()] == [str(c) for c in columns]
    assert [tk.get_text() for tk in ax.get_yticklabels()] == ["0", "1", "2", "3"]
    # every cell is annotated with its count
    texts = [tx.get_text() for tx in ax.texts]
    assert texts == [str(v) for v in expected.ravel()]
    # the title's accuracy is graphclust's (same matching)
    from graphclust.metrics import accuracy

    assert f"{accuracy(t, p):.3f}" in ax.get_title()


def test_confusion_matrix_normalize_and_unknown_and_strings():
    t = np.array([0, 0, 0, 1, 1, 2, 2, 2, -1, -1])
    p = np.array([5, 5, 6, 6, 6, 7, 7, 5, 7, 7])
    ax = plot_confusion_matrix(t, p, normalize="true")
    C, _ = _expected_matrix(t[t >= 0], p[t >= 0])
    assert np.allclose(_drawn(ax), C / C.sum(axis=1, keepdims=True))
    ax = plot_confusion_matrix(t, p, normalize="pred", include_values=False)
    assert np.allclose(_drawn(ax), C / C.sum(axis=0, keepdims=True)) and not ax.texts
    names = np.array(["ham", "spam", "eggs"])[np.maximum(t, 0)]
    ax = plot_confusion_matrix(names, p)
    assert [tk.get_text() for tk in ax.get_yticklabels()] == ["eggs", "ham", "spam"]
    assert _drawn(ax).sum() == t.size


# ----------------------------------------------------------------------------- embedding
def _same_up_to_sign(P, Q):
    return all(np.allclose(P[:, j], s * Q[:, j], atol=1e-8) for j in range(2) for s in [np.sign(P[:, j] @ Q[:, j])])


def test_embedding_offsets_are_the_pca_of_the_input():
    from sklearn.decomposition import PCA

    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 6)) @ np.diag([5, 3, 1, 1, 0.5, 0.1]) + 2.0
    y = rng.integers(0, 3, size=150)
    fig, ax = plt.subplots()
    assert plot_embedding(X, y, method="pca", ax=ax) is ax
    P = ax.collections[0].get_offsets()
    assert _same_up_to_sign(np.asarray(P), PCA(n_components=2).fit_transform(X))
    assert "PC 1" in ax.get_xlabel()
    # one colour per label, distinct between labels
    colors = ax.collections[0].get_facecolors()
    for c in range(3):
        assert np.unique(colors[y == c], axis=0).shape[0] == 1
    assert np.unique(colors, axis=0).shape[0] == 3
    assert [tx.get_text() for tx in ax.get_legend().get_texts()] == ["0", "1", "2"]


def test_embedding_sparse_uses_truncated_svd():
    from sklearn.decomposition import TruncatedSVD

    X = sp.random(120, 30, density=0.2, random_state=1, format="csr") + sp.eye(120, 30)
    ax = plot_embedding(X, random_state=3)
    P = np.asarray(ax.collections[0].get_offsets())
    Q = TruncatedSVD(2, algorithm="arpack").fit_transform(X)
    assert _same_up_to_sign(P, Q) or np.allclose(np.abs(P), np.abs(Q), atol=1e-6)


def test_embedding_subsample_keeps_rows_and_their_labels():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(500, 2))
    y = np.where(X[:, 0] > 0, 1, -1)  # -1: unknown, grey
    ax = plot_embedding(X, y, max_points=80, random_state=0)
    P = np.asarray(ax.collections[0].get_offsets())
    assert P.shape == (80, 2)
    # every drawn point is a distinct row of X, coloured by that row's label
    rows = [int(np.flatnonzero(np.all(X == pt, axis=1))[0]) for pt in P]
    assert len(set(rows)) == 80
    colors = ax.collections[0].get_facecolors()
    grey = matplotlib.colors.to_rgba("#c8c8c8")
    assert all(np.allclose(c, grey) == (y[r] == -1) for c, r in zip(colors, rows))
    assert "80 of 500" in ax.get_title()
    # the same seed, the same subsample
    again = np.asarray(plot_embedding(X, y, max_points=80, random_state=0).collections[0].get_offsets())
    assert np.array_equal(P, again)


# ------------------------------------------------------------------------- local cluster
@pytest.fixture(scope="module")
def planted():
    G = nx.planted_partition_graph(4, 25, 0.3, 0.01, seed=5)
    return nx.relabel_nodes(G, {v: f"v{v}" for v in G})


@pytest.mark.parametrize("radius", [0, 1, 2])
def test_local_cluster_draws_cluster_and_seed_neighbourhood(planted, radius):
    G = planted
    cluster = [f"v{i}" for i in range(25, 50)]
    seeds = ["v25", "v30"]
    expected = set(cluster)
    for s in seeds:
        expected |= set(nx.ego_graph(G, s, radius=radius))
    pos = {v: (float(i), float(i % 7)) for i, v in enumerate(G)}
    fig, ax = plt.subplots()
    assert plot_local_cluster(G, cluster, seeds, radius=radius, layout=pos, ax=ax) is ax
    coll = {c.get_label(): np.asarray(c.get_offsets()) for c in ax.collections}
    assert len(coll["cluster"]) == len(cluster)
    assert len(coll["cluster"]) + len(coll["neighbourhood"]) == len(expected)
    assert {tuple(p) for p in coll["neighbourhood"]} == {pos[v] for v in expected - set(cluster)}
    assert {tuple(p) for p in coll["seed"]} == {pos[s] for s in seeds}
    assert len(coll["seed"]) == 2
    assert len(ax.collections[0].get_segments()) == G.subgraph(expected).number_of_edges()


def test_local_cluster_accepts_what_graphclust_local_returns(planted):
    from graphclust import LocalClustering
    from graphclust.local import approximate_pagerank

    G = planted
    nodes = list(G)
    scores = approximate_pagerank(G, "v0", alpha=0.15, eps=1e-4)
    support = set(scores.node_ids.tolist())
    est = LocalClustering(volume=200, rounding="sweep", random_state=0).fit(G, "v0")
    mask = np.isin(nodes, est.cluster_)
    forms = {
        "scores": (scores, support),
        "sparse": (scores.to_sparse(), support),
        "estimator": (est, set(est.cluster_.tolist())),
        "ids": (est.cluster_, set(est.cluster_.tolist())),
        "mask": (mask, set(est.cluster_.tolist())),
        "set": (set(est.cluster_.tolist()), set(est.cluster_.tolist())),
    }
    pos = {v: (float(i), 0.0) for i, v in enumerate(nodes)}
    for name, (cluster, members) in forms.items():
        ax = plot_local_cluster(G, cluster, "v0", radius=0, layout=pos)
        drawn = {c.get_label(): c.get_offsets() for c in ax.collections}
        assert {tuple(p) for p in np.asarray(drawn["cluster"])} == {pos[v] for v in members}, name


def test_local_cluster_spring_layout_is_seeded(planted):
    a = plot_local_cluster(planted, ["v0", "v1"], "v0", radius=1, random_state=4)
    b = plot_local_cluster(planted, ["v0", "v1"], "v0", radius=1, random_state=4)
    pa = [np.asarray(c.get_offsets()) for c in a.collections if c.get_label() == "cluster"][0]
    pb = [np.asarray(c.get_offsets()) for c in b.collections if c.get_label() == "cluster"][0]
    assert np.array_equal(pa, pb)


def test_local_cluster_refuses_too_many_nodes():
    G = nx.star_graph(3000)  # the hub's 1-hop neighbourhood is the whole graph
    with pytest.raises(ValueError, match="max_nodes"):
        plot_local_cluster(G, [0, 1], 0, radius=1)
    with pytest.raises(ValueError, match="max_nodes"):
        plot_local_cluster(G, np.arange(2000), 0, radius=0)
    ax = plot_local_cluster(G, [0, 1], 5, radius=1, max_nodes=10)  # a leaf's neighbourhood is small
    assert sum(len(c.get_offsets()) for c in ax.collections if c.get_label() in ("cluster", "neighbourhood")) == 3


# ---------------------------------------------------------------------------- dendrogram
def test_dendrogram_leaves_and_method():
    from graphclust import BottomUpHierarchy
    from graphclust.datasets import btsbm

    g = btsbm(2, 40, p=[0.02, 0.1, 0.6], random_state=0)
    model = BottomUpHierarchy(4, random_state=0).fit(g)
    fig, axes = plt.subplots(1, 2)
    assert plot_dendrogram(model, ax=axes[0]) is axes[0]
    leaves = [t.get_text() for t in axes[0].get_xticklabels()]
    sizes = np.bincount(model.labels_)
    assert len(leaves) == 4 and sorted(leaves) == sorted(f"{c} ({s})" for c, s in enumerate(sizes))
    out = model.dendrogram(ax=axes[1])  # the estimator's method keeps returning scipy's dict
    assert out["ivl"] == leaves and len(out["leaves"]) == 4
    Z = np.array([[0, 1, 0.1, 2], [2, 3, 0.4, 2], [4, 5, 0.9, 4]], dtype=float)
    ax = plot_dendrogram(Z, orientation="top")
    assert len(ax.get_xticklabels()) == 4


# ---------------------------------------------------------------------------- bad input
def test_bad_input_names_the_parameter(planted):
    with pytest.raises(ValueError, match="labels_pred"):
        plot_confusion_matrix([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="labels_true"):
        plot_confusion_matrix([[0, 1]], [0, 1])
    with pytest.raises(ValueError, match="normalize"):
        plot_confusion_matrix([0, 1], [0, 1], normalize="rows")
    with pytest.raises(ValueError, match="embedding"):
        plot_embedding(np.ones(5))
    with pytest.raises(ValueError, match="labels"):
        plot_embedding(np.ones((5, 3)), [0, 1])
    with pytest.raises(ValueError, match="method"):
        plot_embedding(np.ones((5, 3)), method="tsne")
    with pytest.raises(ValueError, match="max_points"):
        plot_embedding(np.ones((5, 3)), max_points=0)
    with pytest.raises(ValueError, match="non-finite|finite"):
        plot_embedding(np.array([[0.0, np.nan], [1.0, 2.0], [3.0, 1.0]]))
    with pytest.raises(ValueError, match="radius"):
        plot_local_cluster(planted, ["v0"], "v0", radius=-1)
    with pytest.raises(ValueError, match="seeds"):
        plot_local_cluster(planted, ["v0"], "nobody")
    with pytest.raises(ValueError, match="cluster"):
        plot_local_cluster(planted, np.ones(7, dtype=bool), "v0")
    with pytest.raises(ValueError, match="cluster"):
        plot_local_cluster(planted, ["v0", "nobody"], "v0")
    with pytest.raises(ValueError, match="layout"):
        plot_local_cluster(planted, ["v0"], "v0", layout="circle")
    with pytest.raises(ValueError, match="layout"):
        plot_local_cluster(planted, ["v0", "v1"], "v0", radius=0, layout={"v0": (0, 0)})
    with pytest.raises(ValueError, match="hierarchy"):
        plot_dendrogram(np.ones((3, 3)))
    with pytest.raises(TypeError, match="ax"):
        plot_embedding(np.ones((5, 3)), ax="left")
    from graphclust import BottomUpHierarchy

    with pytest.raises(AttributeError, match="not fitted"):
        plot_dendrogram(BottomUpHierarchy())
