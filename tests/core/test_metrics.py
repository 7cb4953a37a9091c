"""Tests of graphclust.metrics against independent references: scikit-learn (NMI, ARI, F1),
brute force over all matchings (accuracy), networkx (modularity, conductance)."""
from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.metrics import adjusted_rand_score, f1_score, normalized_mutual_info_score

from graphclust import metrics
from graphclust.graph import as_graph


def brute_force_accuracy(y_true, y_pred):
    """Best one-to-one matching by trying every assignment of clusters to classes."""
    classes = np.unique(y_true)
    clusters = np.unique(y_pred)
    k = max(classes.size, clusters.size)
    best = 0
    for perm in itertools.permutations(range(k), clusters.size):
        # cluster j -> class perm[j] (indices >= len(classes) mean "no class")
        mapped = np.full(y_pred.shape, -999)
        for j, c in enumerate(clusters):
            if perm[j] < classes.size:
                mapped[y_pred == c] = classes[perm[j]]
        best = max(best, int((mapped == y_true).sum()))
    return best / y_true.size


@pytest.mark.parametrize("seed", range(12))
def test_accuracy_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 40))
    k_true = int(rng.integers(1, 5))
    k_pred = int(rng.integers(1, 6))
    y_true = rng.integers(0, k_true, n) * 3 + 1  # labels need not be 0..k-1
    y_pred = rng.integers(0, k_pred, n) - 2
    assert metrics.accuracy(y_true, y_pred) == pytest.approx(brute_force_accuracy(y_true, y_pred))


def test_accuracy_simple_cases():
    assert metrics.accuracy([0, 0, 1, 1], [1, 1, 0, 0]) == 1.0
    assert metrics.accuracy([0, 0, 1, 1], [0, 0, 0, 0]) == 0.5
    assert metrics.accuracy([0, 1, 2, 3], [0, 0, 0, 0]) == 0.25
    assert metrics.accuracy(np.array(["a", "a", "b"]), np.array([5, 5, 7])) == 1.0


def noisy_permuted(seed, n=300, k=4, noise=0.3):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, k, n)
    perm = rng.permutation(k)
    y_pred = perm[y_true]
    flip = rng.random(n) < noise
    y_pred[flip] = rng.integers(0, k, flip.sum())
    return y_true, y_pred, perm


@pytest.mark.parametrize("seed", range(5))
def test_nmi_ari_f1_match_sklearn(seed):
    y_true, y_pred, perm = noisy_permuted(seed)
    assert metrics.nmi(y_true, y_pred) == pytest.approx(
        normalized_mutual_info_score(y_true, y_pred, average_method="arithmetic"), rel=1e-12)
    assert metrics.ari(y_true, y_pred) == pytest.approx(adjusted_rand_score(y_true, y_pred), rel=1e-12)
    # with 30% noise the best matching is the planted permutation: undo it and ask sklearn
    inv = np.argsort(perm)
    ref_f1 = f1_score(y_true, inv[y_pred], average="macro")
    assert metrics.f1_macro(y_true, y_pred) == pytest.approx(ref_f1, rel=1e-12)
    np.testing.assert_array_equal(metrics.match_labels(y_true, y_pred), inv[y_pred])
    assert metrics.accuracy(y_true, y_pred) == pytest.approx(np.mean(inv[y_pred] == y_true))


def test_minus_one_labels_are_ignored():
    y_true, y_pred, _ = noisy_permuted(7, n=200)
    rng = np.random.default_rng(0)
    unknown = rng.random(200) < 0.25
    y_masked = y_true.copy()
    y_masked[unknown] = -1
    known = ~unknown
    t, p = y_true[known], y_pred[known]
    assert metrics.accuracy(y_masked, y_pred) == pytest.approx(brute_force_accuracy(t, p))
    assert metrics.nmi(y_masked, y_pred) == pytest.approx(normalized_mutual_info_score(t, p))
    assert metrics.ari(y_masked, y_pred) == pytest.approx(adjusted_rand_score(t, p))
    assert metrics.f1_macro(y_masked, y_pred) == pytest.approx(metrics.f1_macro(t, p))
    res = metrics.evaluate(y_masked, y_pred)
    assert set(res) == {"acc", "nmi", "ari", "f1"}
    assert res == metrics.evaluate(t, p)
    # the predictions of unknown nodes do not matter
    y_pred2 = y_pred.copy()
    y_pred2[unknown] = 0
    assert metrics.evaluate(y_masked, y_pred2) == res


def test_f1_more_clusters_than_classes():
    y_true = np.array([0, 0, 0, 1, 1, 1])
    y_pred = np.array([0, 0, 2, 1, 1, 1])  # cluster 2 is left unmatched (-> -1)
    matched = metrics.match_labels(y_true, y_pred)
    np.testing.assert_array_equal(matched, [0, 0, -1, 1, 1, 1])
    ref = f1_score(y_true, matched, labels=[0, 1], average="macro")
    assert metrics.f1_macro(y_true, y_pred) == pytest.approx(ref)
    assert metrics.accuracy(y_true, y_pred) == pytest.approx(5 / 6)


def test_evaluate_values_and_inputs_untouched():
    y_true, y_pred, _ = noisy_permuted(3, n=100)
    t0, p0 = y_true.copy(), y_pred.copy()
    res = metrics.evaluate(y_true, y_pred)
    assert res["acc"] == metrics.accuracy(y_true, y_pred)
    assert res["nmi"] == metrics.nmi(y_true, y_pred)
    assert res["ari"] == metrics.ari(y_true, y_pred)
    assert res["f1"] == metrics.f1_macro(y_true, y_pred)
    assert all(isinstance(v, float) for v in res.values())
    np.testing.assert_array_equal(y_true, t0)
    np.testing.assert_array_equal(y_pred, p0)


def test_label_metric_errors():
    with pytest.raises(ValueError, match="differ in length"):
        metrics.accuracy([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="labels must be 1-D"):
        metrics.nmi([[0, 1]], [[0, 1]])
    with pytest.raises(ValueError, match="no known label"):
        metrics.ari([-1, -1], [0, 1])
    with pytest.raises(ValueError, match="no known label"):
        metrics.f1_macro([-1, -1], [0, 1])


# --------------------------------------------------------------------------- graph metrics


def random_weighted_graph(seed, n=40, p=0.15):
    rng = np.random.default_rng(seed)
    G = nx.gnp_random_graph(n, p, seed=seed)
    for u, v in G.edges:
        G[u][v]["weight"] = float(rng.uniform(0.1, 5.0))
    return G


@pytest.mark.parametrize("seed", range(8))
def test_modularity_matches_networkx(seed):
    G = random_weighted_graph(seed)
    rng = np.random.default_rng(100 + seed)
    k = int(rng.integers(1, 6))
    labels = rng.integers(0, k, G.number_of_nodes())
    communities = [set(np.flatnonzero(labels == c).tolist()) for c in np.unique(labels)]
    for resolution in (1.0, 0.5, 2.0):
        ref = nx.community.modularity(G, communities, weight="weight", resolution=resolution)
        assert metrics.modularity(G, labels, resolution=resolution) == pytest.approx(ref, rel=1e-10, abs=1e-12)
    # same value through a scipy matrix and a Graph
    ref = nx.community.modularity(G, communities, weight="weight")
    A = nx.to_scipy_sparse_array(G, nodelist=range(G.number_of_nodes()))
    assert metrics.modularity(A, labels) == pytest.approx(ref, rel=1e-10, abs=1e-12)
    assert metrics.modularity(as_graph(A), labels) == pytest.approx(ref, rel=1e-10, abs=1e-12)
    # unweighted
    ref_u = nx.community.modularity(G, communities, weight=None)
    assert metrics.modularity(as_graph(G, weight=None), labels) == pytest.approx(ref_u, rel=1e-10, abs=1e-12)


def test_modularity_string_nodes_and_known_value():
    G = nx.relabel_nodes(nx.barbell_graph(5, 0), {i: f"n{i}" for i in range(10)})
    labels = [0] * 5 + [1] * 5
    ref = nx.community.modularity(G, [set(f"n{i}" for i in range(5)), set(f"n{i}" for i in range(5, 10))])
    assert metrics.modularity(G, labels) == pytest.approx(ref)
    # one community holding everything has modularity 0
    assert metrics.modularity(G, [0] * 10) == pytest.approx(0.0, abs=1e-15)


def test_modularity_errors():
    G = nx.path_graph(4)
    with pytest.raises(ValueError, match="one entry per node"):
        metrics.modularity(G, [0, 1])
    with pytest.raises(ValueError, match="without edges"):
        metrics.modularity(sp.csr_array((4, 4)), [0, 0, 1, 1])


@pytest.mark.parametrize("seed", range(6))
def test_conductance_matches_networkx(seed):
    G = random_weighted_graph(seed, n=30, p=0.2)
    rng = np.random.default_rng(seed)
    for size in (1, 5, 12, 29):
        S = rng.choice(30, size=size, replace=False)
        ref = nx.conductance(G, set(S.tolist()), weight="weight")
        assert metrics.conductance(G, S) == pytest.approx(ref, rel=1e-10)
        mask = np.zeros(30, dtype=bool)
        mask[S] = True
        assert metrics.conductance(G, mask) == pytest.approx(ref, rel=1e-10)
        ref_u = nx.conductance(G, set(S.tolist()))
        assert metrics.conductance(as_graph(G, weight=None), S) == pytest.approx(ref_u, rel=1e-10)


def test_conductance_known_values_and_errors():
    G = nx.barbell_graph(5, 0)
    assert metrics.conductance(G, range(5)) == pytest.approx(1 / 21)
    assert metrics.conductance(G, []) == 1.0  # empty set: denominator 0
    assert metrics.conductance(G, range(10)) == 1.0  # whole graph
    assert metrics.conductance(G, {0, 1, 2, 3, 4}) == pytest.approx(1 / 21)  # a set, as networkx takes
    with pytest.raises(ValueError, match="boolean node mask must have length 10"):
        metrics.conductance(G, np.ones(4, dtype=bool))
    with pytest.raises(ValueError, match="nodes out of range"):
        metrics.conductance(G, [0, 12])


# --------------------------------------------------------------------------- large label sets


@pytest.mark.parametrize("seed", range(8))
def test_sparse_assignment_equals_dense_and_brute_force(monkeypatch, seed):
    from graphclust import metrics as m

    rng = np.random.default_rng(seed)
    n = 40
    t = rng.integers(0, rng.integers(2, 6), n)
    p = rng.integers(0, rng.integers(2, 6), n) + 10
    t[rng.random(n) < 0.1] = -1
    dense_acc, dense_map = m.accuracy(t, p), m.match_labels(t, p)
    known = t != -1
    assert dense_acc == pytest.approx(brute_force_accuracy(t[known], p[known]))
    monkeypatch.setattr(m, "_DENSE_ASSIGNMENT_MAX", 0)  # force the sparse path
    assert m.accuracy(t, p) == dense_acc
    sparse_map = m.match_labels(t, p)
    # same number of agreeing nodes (the matching itself may differ between tied optima)
    assert np.sum(sparse_map[known] == t[known]) == np.sum(dense_map[known] == t[known])


def test_sparse_assignment_unique_optimum_same_mapping(monkeypatch):
    from graphclust import metrics as m

    rng = np.random.default_rng(0)
    t = np.repeat(np.arange(6), 10)
    perm = rng.permutation(6) + 100
    p = perm[t]
    p[::7] = perm[(t[::7] + 1) % 6]  # some noise, still a unique best matching
    dense, dense_f1 = m.match_labels(t, p), m.f1_macro(t, p)
    monkeypatch.setattr(m, "_DENSE_ASSIGNMENT_MAX", 0)
    np.testing.assert_array_equal(m.match_labels(t, p), dense)
    assert m.f1_macro(t, p) == dense_f1


def test_forty_thousand_labels_without_the_dense_table():
    import tracemalloc

    from scipy.optimize import linear_sum_assignment

    from graphclust import metrics as m

    # 40,000 classes in 400 independent groups of 100: clusters only mix classes within a
    # group, so the best global matching is the sum of the 400 small dense optima.
    rng = np.random.default_rng(1)
    groups, per, reps = 400, 100, 3
    t = np.repeat(np.arange(groups * per), reps)
    g = t // per
    p = g * per + rng.permutation(per)[t % per]
    noisy = rng.random(t.size) < 0.3
    p[noisy] = g[noisy] * per + rng.integers(0, per, noisy.sum())
    p = p * 7 + 3  # cluster ids unrelated to class ids
    expected = 0
    for k in range(groups):
        sel = g == k
        C = np.zeros((per, per), dtype=np.int64)
        np.add.at(C, (t[sel] % per, (p[sel] - 3) // 7 % per), 1)
        r, c = linear_sum_assignment(C, maximize=True)
        expected += int(C[r, c].sum())
    tracemalloc.start()
    acc = m.accuracy(t, p)
    mapped = m.match_labels(t, p)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert acc == expected / t.size
    assert int(np.sum(mapped == t)) == expected
    assert peak < 200 * 2**20  # the dense table would be 40000^2 int64 = 11.9 GiB
