"""Tests of graphclust.base.BaseClusterer with tiny estimators defined here."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from sklearn.base import clone, is_clusterer

from graphclust.base import BaseClusterer
from graphclust.graph import as_graph


class ComponentsClusterer(BaseClusterer):
    """Labels = connected components; n_clusters must match their number."""

    def __init__(self, n_clusters=2, device="cpu"):
        self.n_clusters = n_clusters
        self.device = device

    def _fit(self, graph, rng):
        self.rng_seen_ = rng
        _, labels = connected_components(graph.adjacency, directed=False)
        self.labels_ = labels
        self.embedding_ = graph.degrees()[:, None]


class RandomClusterer(BaseClusterer):
    """Random labels from the generator fit passes down (checks random_state plumbing)."""

    def __init__(self, n_clusters=3, random_state=None, scale=1.0):
        self.n_clusters = n_clusters
        self.random_state = random_state
        self.scale = scale

    def _fit(self, graph, rng):
        self.rng_seen_ = rng
        self.labels_ = rng.integers(0, self.n_clusters, graph.n_nodes).astype(np.int32)


class FeatureClusterer(RandomClusterer):
    _requires_features = True

    def _fit(self, graph, rng):
        X = graph.features.toarray() if sp.issparse(graph.features) else graph.features
        self.labels_ = (X[:, 0] > np.median(X[:, 0])).astype(int)


class MultiplexClusterer(BaseClusterer):
    _multiplex = True
    _needs_n_clusters = False

    def __init__(self, device=None):
        self.device = device

    def _fit(self, graph, rng):
        self.n_relations_seen_ = graph.n_relations
        self.labels_ = np.zeros(graph.n_nodes)


def two_cliques():
    G = nx.disjoint_union(nx.complete_graph(4), nx.complete_graph(3))
    return G


def test_get_set_params_and_clone():
    est = RandomClusterer(n_clusters=4, random_state=3, scale=0.5)
    assert est.get_params() == {"n_clusters": 4, "random_state": 3, "scale": 0.5}
    assert est.set_params(scale=2.0) is est
    assert est.scale == 2.0
    with pytest.raises(ValueError, match="Invalid parameter"):
        est.set_params(nope=1)
    est.fit(two_cliques())
    c = clone(est)
    assert c is not est and type(c) is RandomClusterer
    assert c.get_params() == est.get_params()
    assert not hasattr(c, "labels_")
    assert is_clusterer(est)
    assert "RandomClusterer(n_clusters=4" in repr(est)


def test_fit_sets_labels_and_metadata():
    G = nx.relabel_nodes(two_cliques(), {i: f"v{i}" for i in range(7)})
    est = ComponentsClusterer(n_clusters=2)
    labels = est.fit_predict(G)
    assert labels.dtype == np.int64
    np.testing.assert_array_equal(labels, [0, 0, 0, 0, 1, 1, 1])
    assert est.n_nodes_ == 7
    assert est.node_ids_.tolist() == [f"v{i}" for i in range(7)]
    assert est.rng_seen_ is None  # no random_state parameter: no generator
    np.testing.assert_array_equal(est.embedding_[:, 0], [3, 3, 3, 3, 2, 2, 2])
    # every input type goes through as_graph
    A = nx.to_scipy_sparse_array(two_cliques())
    np.testing.assert_array_equal(ComponentsClusterer().fit_predict(A), labels)
    np.testing.assert_array_equal(ComponentsClusterer().fit_predict(A.toarray()), labels)
    assert ComponentsClusterer().fit(as_graph(A)).node_ids_ is None


def test_random_state_reaches_fit_as_a_generator():
    G = nx.karate_club_graph()
    a = RandomClusterer(random_state=0).fit_predict(G)
    b = RandomClusterer(random_state=0).fit_predict(G)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, np.random.default_rng(0).integers(0, 3, 34))
    assert not np.array_equal(a, RandomClusterer(random_state=1).fit_predict(G))
    rng = np.random.default_rng(5)
    est = RandomClusterer(random_state=rng).fit(G)
    assert est.rng_seen_ is rng
    with pytest.raises(TypeError, match="random_state"):
        RandomClusterer(random_state="seed").fit(G)


def test_n_clusters_validated_in_fit():
    G = two_cliques()
    RandomClusterer(n_clusters=0)  # __init__ stores only
    with pytest.raises(ValueError, match="n_clusters must be >= 1"):
        RandomClusterer(n_clusters=0).fit(G)
    with pytest.raises(ValueError, match="n_clusters must be <= 7"):
        RandomClusterer(n_clusters=8).fit(G)
    with pytest.raises(TypeError, match="n_clusters"):
        RandomClusterer(n_clusters="3").fit(G)


def test_directed_graph_refused():
    D = nx.DiGraph([(0, 1), (1, 2), (2, 0)])
    with pytest.raises(ValueError, match="not symmetric"):
        ComponentsClusterer().fit(D)
    gd = as_graph(D, directed=True)
    with pytest.raises(ValueError, match="not symmetric|undirected"):
        ComponentsClusterer().fit(gd)
    # a directed Graph with a symmetric adjacency is accepted as undirected
    gs = as_graph(nx.DiGraph([(0, 1), (1, 0)]), directed=True)
    assert gs.directed
    assert ComponentsClusterer(n_clusters=1).fit(gs).labels_.tolist() == [0, 0]


def test_edgeless_graph_refused():
    with pytest.raises(ValueError, match="ComponentsClusterer: the graph has no edges"):
        ComponentsClusterer().fit(sp.csr_array((5, 5)))
    G = nx.empty_graph(4)
    with pytest.raises(ValueError, match="no edges"):
        ComponentsClusterer().fit(G)


def test_feature_requirement():
    G = two_cliques()
    with pytest.raises(ValueError, match="FeatureClusterer clusters attributed graphs and needs node features"):
        FeatureClusterer(n_clusters=2).fit(G)
    X = np.arange(7.0)[:, None]
    labels = FeatureClusterer(n_clusters=2).fit_predict(G, features=X)
    np.testing.assert_array_equal(labels, [0, 0, 0, 0, 1, 1, 1])
    # features carried by the graph
    g = as_graph(G, features=sp.csr_array(X))
    np.testing.assert_array_equal(FeatureClusterer(n_clusters=2).fit_predict(g), labels)
    with pytest.raises(ValueError, match="features has 3 rows"):
        FeatureClusterer(n_clusters=2).fit(G, features=np.ones((3, 1)))


def test_device_parameter_checked():
    with pytest.raises(ValueError, match="device must be one of"):
        ComponentsClusterer(device="tpu").fit(two_cliques())


def test_multiplex_estimator():
    A = nx.to_scipy_sparse_array(two_cliques())
    est = MultiplexClusterer().fit({"a": A, "b": A})
    assert est.n_relations_seen_ == 2 and est.labels_.dtype == np.int64
    assert est.labels_.shape == (7,)


def test_fit_takes_a_file_path(tmp_path):
    # str and os.PathLike both go through graphclust.io.read; same labels as the graph itself.
    import pathlib

    from graphclust import SpectralClustering
    from graphclust.datasets import sbm
    from graphclust.io import write_npz

    g = sbm([60, 60], p_in=0.3, p_out=0.02, random_state=0)
    path = write_npz(g, tmp_path / "two.npz")
    ref = SpectralClustering(2, random_state=0).fit_predict(g)
    for p in (str(path), pathlib.Path(path)):
        np.testing.assert_array_equal(SpectralClustering(2, random_state=0).fit_predict(p), ref)
    with pytest.raises(FileNotFoundError, match="no such file"):
        SpectralClustering(2).fit(str(tmp_path / "missing.npz"))


def test_one_direction_edge_index_message_names_a_call_that_works():
    import re

    import graphclust
    from graphclust import SpectralClustering

    edge_index = np.array([[0, 1, 2, 3, 4, 5, 0, 3], [1, 2, 0, 4, 5, 3, 3, 0]])[:, :6]  # one direction only
    with pytest.raises(ValueError, match="not symmetric") as exc:
        SpectralClustering(2).fit(edge_index)
    call = re.search(r"graphclust\.as_graph\(data, symmetrize=True\)", str(exc.value))
    assert call is not None
    # ... and that call works
    labels = SpectralClustering(2, random_state=0).fit_predict(graphclust.as_graph(edge_index, symmetrize=True))
    assert labels[0] == labels[1] == labels[2] != labels[3] == labels[4] == labels[5]
