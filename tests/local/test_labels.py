"""Label-weighted graph, the label-noise model and classifier-predicted labels."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from graphclust.local import flip_labels, label_weighted_graph, noisy_labels_from_classifier

from ._graphs import random_weighted


def test_weights_match_edge_by_edge_definition():
    A = random_weighted(40, 0.15, seed=31, loops=True)
    y = np.random.default_rng(0).integers(0, 2, 40)
    before = A.copy()
    W = label_weighted_graph(A, y, eps=0.07).adjacency
    C = sp.coo_array(A)
    expected = {(i, j): w * (1.0 if y[i] == y[j] else 0.07) for i, j, w in zip(C.row, C.col, C.data)}
    got = sp.coo_array(W)
    assert len(expected) == got.nnz
    for i, j, w in zip(got.row, got.col, got.data):
        assert w == pytest.approx(expected[(i, j)])
    assert (A != before).nnz == 0  # input untouched
    assert abs(W - W.T).max() == 0  # still symmetric


def test_eps_limits():
    A = random_weighted(30, 0.2, seed=32)
    y = np.arange(30) % 2
    W1 = label_weighted_graph(A, y, eps=1.0).adjacency
    assert abs(W1 - A).max() == 0
    W0 = label_weighted_graph(A, y, eps=0.0).adjacency
    C = sp.coo_array(W0)
    assert np.all(y[C.row] == y[C.col]) and np.all(C.data > 0)
    with pytest.raises(ValueError, match="eps"):
        label_weighted_graph(A, y, eps=1.5)
    with pytest.raises(ValueError, match="noisy_labels"):
        label_weighted_graph(A, y[:5])
    with pytest.raises(TypeError, match="noisy_labels"):
        label_weighted_graph(A, np.full(30, 0.5))


def test_networkx_mapping_labels_keep_ids():
    G = nx.relabel_nodes(nx.path_graph(4), lambda i: "abcd"[i])
    g = label_weighted_graph(G, {"a": 1, "b": 1, "c": 0, "d": 0}, eps=0.1)
    assert g.node_ids.tolist() == list("abcd")
    assert g.adjacency.toarray()[1, 2] == pytest.approx(0.1)


def test_flip_labels_rates():
    t = np.zeros(40000, int)
    t[:20000] = 1
    y = flip_labels(t, a1=0.8, a0=0.95, random_state=0)
    assert abs(y[:20000].mean() - 0.8) < 0.01
    assert abs((y[20000:] == 0).mean() - 0.95) < 0.005
    np.testing.assert_array_equal(y, flip_labels(t, 0.8, 0.95, random_state=0))


@pytest.mark.parametrize("mode", ["binary", "multiclass"])
def test_classifier_labels_separable_features(mode):
    rng = np.random.default_rng(1)
    truth = np.repeat([0, 1, 2], 100)
    X = np.eye(3)[truth] * 3 + 0.3 * rng.standard_normal((300, 3))
    A = sp.eye(300, format="csr")
    res = noisy_labels_from_classifier(A, 2, 10, labels=truth, features=X, mode=mode, random_state=0)
    assert res.train_nodes.size == (20 if mode == "binary" else 30)
    assert ((res.labels == 1) == (truth == 2)).mean() > 0.97
    with pytest.raises(ValueError, match="target class"):
        noisy_labels_from_classifier(A, 7, 10, labels=truth, features=X)
    with pytest.raises(ValueError, match="features"):
        noisy_labels_from_classifier(A, 2, 10, labels=truth)
