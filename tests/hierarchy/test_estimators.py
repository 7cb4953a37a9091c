"""BottomUpHierarchy / TopDownHierarchy: light reproduction of the paper's targets.

The full 20-seed reproduction is benchmarks/hierarchy_reproduce.py; here a few seeds of the
same BTSBM points (official code: bottom-up exact at every depth at a = (40, 42, 46, 100),
top-down exact in only half of the runs) and the high-school graph.
"""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from sklearn.metrics import adjusted_mutual_info_score

from graphclust.datasets.hsbm import btsbm, sociopatterns_contact_graph
from graphclust.hierarchy import BottomUpHierarchy, TopDownHierarchy
from graphclust.metrics import accuracy


@pytest.mark.parametrize("seed", [1000, 1001, 1002])
def test_bottom_up_exact_recovery_near_threshold(seed):
    g = btsbm(3, 200, a=[40, 42, 46, 100], random_state=seed)
    Y = g.meta["labels_by_depth"]
    model = BottomUpHierarchy(8, random_state=0).fit(g)
    for level in (1, 2, 3):
        assert accuracy(Y[level], model.cut(2**level)) == 1.0
        assert accuracy(Y[level], model.labels_at_depth(level)) == 1.0
    assert model.inversions_ == 0
    assert np.all(np.diff(model.linkage_[:, 2]) >= 0)


def test_both_exact_on_easy_point():
    g = btsbm(3, 200, a=[40, 50, 60, 100], random_state=1000)
    Y = g.meta["labels_by_depth"]
    for model in (BottomUpHierarchy(8, random_state=0), TopDownHierarchy(random_state=0)):
        model.fit(g)
        assert model.n_clusters_ == 8
        for level in (1, 2, 3):
            assert accuracy(Y[level], model.cut(2**level)) == 1.0


def test_bottom_up_estimates_k_and_zeta_method():
    g = btsbm(2, 150, p=[0.01, 0.04, 0.25], random_state=0)
    m1 = BottomUpHierarchy(random_state=0).fit(g)
    assert m1.n_clusters_ == 4
    m2 = BottomUpHierarchy(4, method="zeta", random_state=0).fit(g)
    assert accuracy(g.labels, m2.labels_) == 1.0
    assert accuracy(m1.labels_, m2.labels_) == 1.0


def test_graph_splitting_keeps_tree():
    g = btsbm(2, 200, p=[0.02, 0.06, 0.3], random_state=1)
    model = BottomUpHierarchy(4, split=0.9, random_state=0).fit(g)
    assert accuracy(g.meta["labels_by_depth"][1], model.cut(2)) == 1.0
    # Densities come from the held-out 10 % of the edges: about a tenth of the full ones.
    full = BottomUpHierarchy(4, random_state=0).fit(g)
    assert np.allclose(model.similarities_ / full.similarities_, 0.1, rtol=0.35)


def test_networkx_input_and_dendrogram():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    g = btsbm(2, 40, p=[0.02, 0.1, 0.6], random_state=0)
    G = nx.from_scipy_sparse_array(g.adjacency)
    G = nx.relabel_nodes(G, {i: f"v{i}" for i in G.nodes})
    model = BottomUpHierarchy(4, random_state=0).fit(G)
    assert model.labels_.shape == (160,)
    assert accuracy(g.labels, model.labels_) == 1.0
    fig, ax = plt.subplots()
    out = model.dendrogram(ax=ax)
    assert len(out["leaves"]) == 4
    plt.close(fig)


def test_same_seed_same_result():
    g = btsbm(2, 80, p=[0.02, 0.05, 0.3], random_state=0)
    a = TopDownHierarchy(random_state=3).fit(g)
    b = TopDownHierarchy(random_state=3).fit(g)
    assert np.array_equal(a.labels_, b.labels_) and np.array_equal(a.linkage_, b.linkage_)


def test_errors_and_unfitted():
    with pytest.raises(AttributeError, match="not fitted"):
        BottomUpHierarchy().cut(2)
    g = btsbm(1, 30, p=[0.05, 0.5], random_state=0)
    with pytest.raises(ValueError, match="split"):
        BottomUpHierarchy(split=1.5).fit(g)
    with pytest.raises(ValueError, match="method"):
        BottomUpHierarchy(method="x").fit(g)
    with pytest.raises(ValueError, match="tau"):
        TopDownHierarchy(tau=-1).fit(g)
    m = BottomUpHierarchy(2, random_state=0).fit(g)
    with pytest.raises(ValueError, match="n_clusters"):
        m.cut(3)


def test_top_down_inversions_counted_by_hand():
    # Plant a tree whose deeper split is *weaker* than its parent's on purpose: three
    # blocks, A-B-C with B and C far apart but A equally close to both after merging.
    from graphclust.hierarchy import count_inversions

    Z = np.array([[1, 2, 0.9, 2], [0, 3, 0.5, 3]])
    assert count_inversions(Z, [0.1, 0.5]) == 1
    assert count_inversions(Z, [0.5, 0.1]) == 0


def test_highschool_reproduction(shared_datasets):
    ref = shared_datasets / "reference"
    g = sociopatterns_contact_graph(ref / "highschool2013_contacts.csv.gz", ref / "highschool2013_metadata.txt")
    bu = BottomUpHierarchy(9, random_state=0).fit(g)
    ami_bu = adjusted_mutual_info_score(g.labels, bu.cut(9))
    assert ami_bu >= 0.97
    assert bu.inversions_ == 0
    # Official merge densities: 0.143, 0.125, 0.109, 0.092, 0.088, 0.037, 0.011, 0.007.
    assert np.allclose(bu.similarities_, [0.143, 0.125, 0.109, 0.092, 0.088, 0.037, 0.011, 0.007], atol=1.5e-3)
    td = TopDownHierarchy(random_state=0).fit(g)
    assert td.n_clusters_ == 9
    ami_td = adjusted_mutual_info_score(g.labels, td.cut(9))
    assert 0.92 <= ami_td < ami_bu
    assert td.inversions_ >= 1


# --------------------------------------------------------------------------- memory guard


def test_bottom_up_n_minus_one_refused_before_any_work(monkeypatch):
    import scipy.sparse as sp

    from graphclust import memory
    from graphclust.hierarchy import bethe_hessian

    def no_work(*args, **kwargs):
        raise AssertionError("the guard must refuse before rho or the embedding is computed")

    monkeypatch.setattr(bethe_hessian, "nonbacktracking_radius", no_work)
    n = 20_000
    ring = sp.diags_array([np.ones(n - 1)], offsets=[1], shape=(n, n), format="csr")
    ring = sp.csr_array(ring + ring.T)
    # K = n - 1 densifies the Bethe-Hessian: 3 x 20000^2 float64 = 8.9 GiB
    with memory.memory_limit("4GiB"), pytest.raises(memory.MemoryLimitError) as err:
        BottomUpHierarchy(n_clusters=n - 1).fit(ring)
    msg = str(err.value)
    assert "dense Bethe-Hessian" in msg and "8.9 GiB" in msg and "4.0 GiB" in msg and "smaller n_clusters" in msg
    # the iterative path is sized too (tiny limit, small graph); the public function as well
    small = sp.csr_array(ring[:1000, :1000])
    with memory.memory_limit(10**5), pytest.raises(ValueError, match="n_clusters=10 "):
        BottomUpHierarchy(n_clusters=10).fit(small)
    with memory.memory_limit(10**5), pytest.raises(ValueError, match="n_clusters=10 "):
        bethe_hessian.bethe_hessian_clustering(small, 10, rho=2.0)
