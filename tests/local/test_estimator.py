"""LocalClustering, and the paper's claim on the planted model (light version)."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone

from graphclust import LocalClustering
from graphclust.datasets.planted_local import planted_local
from graphclust.local import conductance


def f1(cluster, target):
    c, k = set(np.asarray(cluster).tolist()), set(np.asarray(target).tolist())
    inter = len(c & k)
    if inter == 0:
        return 0.0
    p, r = inter / len(c), inter / len(k)
    return 2 * p * r / (p + r)


def test_label_weighted_diffusion_beats_labels_and_plain_diffusion():
    """LFD's claim (indicative setting of the spec, section 13), averaged over seeds and noise."""
    scores = {"labels": [], "FD": [], "LFD": []}
    for a1, a0, rs in [(0.9, 0.9, 1), (0.8, 0.95, 2)]:
        g, y, K = planted_local(2000, 100, 0.08, 0.004, 0.004, a1, a0, random_state=rs)
        vol = float(g.degrees()[K].sum())
        seeds = np.random.default_rng(rs).choice(K[y[K] == 1], 4, replace=False)
        for s in seeds:
            scores["labels"].append(f1(np.flatnonzero(y == 1), K))
            fd = LocalClustering(volume=vol, random_state=0).fit(g, s)
            lfd = LocalClustering(volume=vol, random_state=0).fit(g, s, noisy_labels=y)
            scores["FD"].append(f1(fd.cluster_, K))
            scores["LFD"].append(f1(lfd.cluster_, K))
    mean = {k: float(np.mean(v)) for k, v in scores.items()}
    assert mean["LFD"] > mean["labels"] + 0.1, mean
    assert mean["LFD"] > mean["FD"] + 0.2, mean


def test_attributes_and_selection_on_barbell():
    G = nx.barbell_graph(8, 0)
    est = LocalClustering(volume=57, rounding="sweep", random_state=0).fit(G, 0)
    assert sorted(est.cluster_.tolist()) == list(range(8))
    assert est.conductance_ == pytest.approx(conductance(G, range(8)))
    assert est.labels_.sum() == 8 and est.labels_.shape == (16,)
    assert est.mass_ == pytest.approx(1.5 * 57)
    assert len(est.grid_) == 15 and min(c for _, c, _ in est.grid_) == est.conductance_
    pr = LocalClustering(method="pagerank", eps=1e-6).fit(G, 15)
    assert sorted(pr.cluster_.tolist()) == list(range(8, 16))
    fixed = LocalClustering(mass=20.0, random_state=0).fit(G, 0)
    assert fixed.mass_ == 20.0 and len(fixed.grid_) == 1
    default = LocalClustering(random_state=0).fit(G, 0)  # no volume: neighbourhood-based grid
    assert 0 in default.cluster_.tolist()


def test_networkx_ids_noisy_label_mapping_and_clone():
    G = nx.relabel_nodes(nx.barbell_graph(6, 0), lambda i: f"u{i}")
    labels = {f"u{i}": int(i < 6) for i in range(12)}
    est = LocalClustering(volume=31, rounding="sweep", random_state=0)
    est.fit(G, "u2", noisy_labels=labels)
    assert sorted(est.cluster_.tolist()) == sorted(f"u{i}" for i in range(6))
    assert est.scores_.node_ids.dtype.kind in "UO"
    c = clone(est)
    assert c.get_params()["volume"] == 31 and not hasattr(c, "cluster_")
    with pytest.raises(ValueError, match="not a node"):
        est.fit(G, "nope")
    with pytest.raises(ValueError, match="method"):
        LocalClustering(method="spectral").fit(G, "u0")
    with pytest.raises(ValueError, match="mass_grid"):
        LocalClustering(volume=3, mass_grid=[]).fit(G, "u0")


def test_reproducible():
    g, y, K = planted_local(600, 60, 0.15, 0.01, 0.01, 0.9, 0.9, random_state=3)
    a = LocalClustering(volume=500, random_state=5).fit(g, 0, noisy_labels=y)
    b = LocalClustering(volume=500, random_state=5).fit(g, 0, noisy_labels=y)
    np.testing.assert_array_equal(a.cluster_, b.cluster_)
    np.testing.assert_array_equal(a.scores_.values, b.scores_.values)


def test_verbose_progress_counts_the_grid_and_changes_nothing(capsys):
    import re

    import networkx as nx

    from graphclust import LocalClustering
    from graphclust.local import approximate_pagerank_batch, flow_diffusion_batch, sweep_cut_batch

    G = nx.barbell_graph(8, 0)
    quiet = LocalClustering(volume=57, random_state=0).fit(G, 0)
    loud = LocalClustering(volume=57, random_state=0, verbose=True).fit(G, 0)
    assert loud.grid_ == quiet.grid_ and loud.cluster_.tolist() == quiet.cluster_.tolist()
    err = capsys.readouterr().err
    n = len(quiet.grid_)
    assert re.search(rf"\b{n}/{n}\b", err), err  # the bar ends at the grid size
    seeds = list(range(16)) * 3
    a = flow_diffusion_batch(G, seeds, 30.0, random_state=1)
    b = flow_diffusion_batch(G, seeds, 30.0, random_state=1, verbose=True)
    assert all(x.node_ids.tolist() == y.node_ids.tolist() and np.array_equal(x.values, y.values) for x, y in zip(a, b))
    pa = approximate_pagerank_batch(G, seeds, eps=1e-4)
    pb = approximate_pagerank_batch(G, seeds, eps=1e-4, verbose=True)
    assert all(np.array_equal(x.values, y.values) for x, y in zip(pa, pb))
    ca = sweep_cut_batch(G, pa)
    cb = sweep_cut_batch(G, pa, verbose=True)
    assert [c.conductance for c in ca] == [c.conductance for c in cb]
    err = capsys.readouterr().err
    assert re.search(r"\b48/48\b", err)
    with pytest.raises(TypeError, match="verbose"):
        LocalClustering(verbose="yes").fit(G, 0)


def test_noisy_labels_give_the_volume_without_an_oracle():
    # Planted target K, 10 % of the labels flipped both ways: no volume is given, yet the
    # label-weighted diffusion beats the noisy labels alone (F1 against the planted K), and
    # the label-based volume estimate lies between vol(K ∩ {y = 1}) and vol({y = 1}).
    from graphclust.local import label_volume

    def f1(found, mask):
        inter = mask[found].sum()
        if inter == 0:
            return 0.0
        p, r = inter / found.size, inter / mask.sum()
        return 2 * p * r / (p + r)

    scores, label_scores = [], []
    for rep in range(3):
        g, y, K = planted_local(2000, 100, 0.08, 0.004, 0.004, 0.9, 0.9, random_state=rep)
        mask = np.zeros(g.n_nodes, bool)
        mask[K] = True
        deg = g.degrees()
        seed = int(K[y[K] == 1][0])
        vol = label_volume(g, seed, y)
        assert deg[K[y[K] == 1]].sum() * 0.5 <= vol <= deg[y == 1].sum()
        est = LocalClustering(random_state=0).fit(g, seed, noisy_labels=y)
        assert est.volume_ == pytest.approx(vol)
        scores.append(f1(est.cluster_indices_, mask))
        label_scores.append(f1(np.flatnonzero(y == 1), mask))
    assert np.mean(scores) > np.mean(label_scores) + 0.1


def test_a_diffusion_that_moves_nothing_is_refused_not_an_empty_cluster():
    # one edge: the seed's sink capacity is 1, so a source mass of 0.5 never leaves it, and
    # no residual of 1 reaches eps = 10 times the degree
    A = sp.csr_array(np.array([[0.0, 1.0], [1.0, 0.0]]))
    with pytest.raises(ValueError, match="moved no mass.*larger mass"):
        LocalClustering(mass=0.5, random_state=0).fit(A, 0)
    with pytest.raises(ValueError, match="moved no mass.*smaller eps"):
        LocalClustering(method="pagerank", eps=10.0).fit(A, 0)


def test_empty_grid_points_are_skipped_when_a_larger_mass_moves():
    # tol = 2.5: the smallest source mass of the grid (2) stays within the seed's capacity + tol
    # and gives an empty support; the selection takes the best non-empty point instead
    A = sp.csr_array(np.array([[0.0, 1.0], [1.0, 0.0]]))
    est = LocalClustering(tol=2.5, random_state=0).fit(A, 0)
    assert est.grid_[0][2] == 0
    assert est.cluster_.size >= 1 and 0 in est.cluster_.tolist()
    assert est.mass_ == min(m for m, _, size in est.grid_ if size)
