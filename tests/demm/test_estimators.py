"""DEMMPlus and DEMM end to end: planted partition recovery, the noise relation's weight,
memory-guard refusal, reproducibility, inputs, DEMM-NA and the equal-weights ablation."""
import dataclasses

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

import graphclust as gc
from graphclust.memory import MemoryLimitError, memory_limit
from graphclust.seeding import FixedSeed


DIM = 32


@pytest.fixture(scope="module")
def msbm():
    return gc.datasets.multiplex_sbm([100, 100, 100], degrees=(10, 10, 10), signals=(0.9, 0.7, 0.0),
                                     n_features=32, feature_signal=1.5, random_state=0)


@pytest.mark.parametrize("cls", [gc.DEMMPlus, gc.DEMM])
def test_planted_partition_and_noise_relation(cls, msbm):
    est = cls(n_clusters=3, dim=DIM, random_state=0).fit(msbm)
    assert gc.metrics.ari(msbm.labels, est.labels_) > 0.9
    w = est.relation_weights_
    assert set(w) == {"signal_0.9", "signal_0.7", "noise"}
    assert np.isclose(sum(w.values()), 1.0)
    assert min(w, key=w.get) == "noise" and max(w, key=w.get) == "signal_0.9"
    assert est.embedding_.shape == (300, DIM)
    assert est.n_iter_ == 10 and est.objective_.shape == (10,) and est.weight_history_.shape == (11, 3)
    assert np.allclose(est.weight_history_[0], 1 / 3)


def test_graph_signal_beats_attributes_alone():
    """The relations add information: DEMM+ beats k-means on the reduced attributes."""
    from graphclust.demm.attributes import reduce_attributes
    from graphclust.solvers.kmeans import kmeans

    g = gc.datasets.multiplex_sbm([100, 100, 100], degrees=(10, 10, 10), signals=(0.9, 0.7, 0.0),
                                  n_features=32, feature_signal=0.8, random_state=1)
    X = reduce_attributes(g.features, DIM)
    base = gc.metrics.ari(g.labels, kmeans(X, 3, n_init=10, random_state=0)[0])
    est = gc.DEMMPlus(n_clusters=3, alpha=20.0, dim=DIM, random_state=0).fit(g)
    assert gc.metrics.ari(g.labels, est.labels_) > base + 0.2


def test_attributeless_variant():
    g = gc.datasets.multiplex_sbm([100, 100, 100], degrees=(15, 15, 15), signals=(0.95, 0.8, 0.0), random_state=0)
    kw = dict(n_clusters=3, random_state=0)
    est = gc.DEMMPlus(**kw).fit(g)
    assert est.embedding_.shape == (300, 3)           # dim defaults to k without attributes
    np.testing.assert_allclose(est.embedding_.T @ est.embedding_, np.eye(3), atol=1e-8)   # eigenvectors
    assert gc.metrics.ari(g.labels, est.labels_) > 0.9
    w = est.relation_weights_
    assert min(w, key=w.get) == "noise"
    g_feat = dataclasses.replace(g, features=np.random.default_rng(0).random((300, 4)))
    same = gc.DEMMPlus(use_features=False, **kw).fit(g_feat)
    assert np.array_equal(same.labels_, est.labels_)
    exact = gc.DEMM(n_clusters=3, random_state=0).fit(g)
    assert gc.metrics.ari(g.labels, exact.labels_) > 0.9
    assert min(exact.relation_weights_, key=exact.relation_weights_.get) == "noise"


def test_equal_weights_ablation(msbm):
    est = gc.DEMMPlus(n_clusters=3, dim=DIM, learn_weights=False, random_state=0).fit(msbm)
    assert est.n_iter_ == 1
    assert all(np.isclose(v, 1 / 3) for v in est.relation_weights_.values())


def test_sketched_weights_follow_exact_weights(msbm):
    """DEMM+'s sketched energies give nearly the weights of DEMM's exact traces."""
    kw = dict(n_clusters=3, dim=DIM, alpha=4.0, beta=2.5, random_state=0)
    plus = gc.DEMMPlus(sketch_size=2000, n_terms=60, **kw).fit(msbm)
    exact = gc.DEMM(**kw).fit(msbm)
    for r in plus.relation_weights_:
        assert abs(plus.relation_weights_[r] - exact.relation_weights_[r]) < 0.03


def test_demm_plus_with_a_huge_sketch_and_a_long_series_is_exact_demm_stage_one():
    """An independent check of exact DEMM's stage I: DEMM+ with (almost) no hash collisions in
    the sketch and a converged Neumann series computes the same weights and representation
    (the same PCA seed gives both the same attributes)."""
    g = gc.datasets.multiplex_sbm([20, 20, 20], degrees=(6, 6, 6), signals=(0.9, 0.6, 0.0),
                                  n_features=16, feature_signal=1.0, random_state=3)
    kw = dict(n_clusters=3, dim=8, alpha=5.0, beta=1.0, random_state=0)
    exact = gc.DEMM(**kw).fit(g)
    plus = gc.DEMMPlus(sketch_size=50_000, n_terms=300, **kw).fit(g)
    np.testing.assert_allclose(plus.weight_history_, exact.weight_history_, rtol=1e-2)   # sketch spread at m = 64: ~18 %
    np.testing.assert_allclose(plus.embedding_, exact.embedding_, atol=5e-3)
    for r in exact.energies_:
        assert plus.energies_[r] == pytest.approx(exact.energies_[r], rel=1e-2)


def test_reproducible_and_input_untouched(msbm):
    rel0 = [A.copy() for A in msbm.relations]
    X0 = msbm.features.copy()
    runs = [gc.DEMMPlus(n_clusters=3, dim=DIM, random_state=s).fit(msbm) for s in (7, 7, FixedSeed(42), FixedSeed(42))]
    assert np.array_equal(runs[0].labels_, runs[1].labels_)
    assert runs[0].relation_weights_ == runs[1].relation_weights_
    assert np.array_equal(runs[2].labels_, runs[3].labels_)
    assert all((A != B).nnz == 0 for A, B in zip(msbm.relations, rel0)) and np.array_equal(X0, msbm.features)


def test_float32_gives_the_same_partition(msbm):
    a = gc.DEMMPlus(n_clusters=3, dim=DIM, random_state=0).fit(msbm)
    b = gc.DEMMPlus(n_clusters=3, dim=DIM, random_state=0, dtype="float32").fit(msbm)
    assert gc.metrics.ari(a.labels_, b.labels_) > 0.98


def test_sparse_features_stay_sparse_and_match_dense(msbm):
    Xs = sp.csr_array(np.where(msbm.features > 1.0, msbm.features, 0.0))
    dense = gc.DEMMPlus(n_clusters=3, dim=DIM, random_state=0).fit(msbm, features=Xs.toarray())
    sparse = gc.DEMMPlus(n_clusters=3, dim=DIM, random_state=0).fit(msbm, features=Xs)
    assert gc.metrics.ari(dense.labels_, sparse.labels_) > 0.95


def test_inputs_list_dict_and_networkx(msbm):
    A, B, C = msbm.relations
    by_list = gc.DEMMPlus(n_clusters=3, dim=DIM, random_state=0).fit([A, B, C], features=msbm.features)
    by_dict = gc.DEMMPlus(n_clusters=3, dim=DIM, random_state=0).fit(dict(zip(msbm.relation_names, msbm.relations)),
                                                                      features=msbm.features)
    assert np.array_equal(by_list.labels_, by_dict.labels_)
    assert list(by_list.relation_weights_) == ["relation_0", "relation_1", "relation_2"]
    G = nx.MultiGraph()
    G.add_nodes_from(range(300))
    for name, M in zip(msbm.relation_names, msbm.relations):
        Cm = sp.triu(M, 1).tocoo()
        G.add_edges_from((int(i), int(j), {"relation": name}) for i, j in zip(Cm.row, Cm.col))
    est = gc.DEMMPlus(n_clusters=3, dim=DIM, random_state=0).fit(G, features=msbm.features)
    assert gc.metrics.ari(msbm.labels, est.labels_) > 0.9
    assert min(est.relation_weights_, key=est.relation_weights_.get) == "noise"


def test_demm_refuses_large_graphs_naming_demmplus():
    g = gc.datasets.multiplex_sbm([300, 300], degrees=(10, 10), signals=(0.9, 0.0), n_features=16, random_state=0)
    with memory_limit("4MiB"):
        with pytest.raises(MemoryLimitError, match="DEMMPlus"):
            gc.DEMM(n_clusters=2).fit(g)
        # DEMM+ is linear: it runs under the same limit
        est = gc.DEMMPlus(n_clusters=2, dim=16, random_state=0).fit(g)
    assert gc.metrics.ari(g.labels, est.labels_) > 0.9


@pytest.mark.parametrize("params, match", [
    (dict(alpha=0.0), "alpha"), (dict(beta=-1.0), "beta"), (dict(n_terms=0), "n_terms"),
    (dict(sketch_size=[10]), "sketch_size"), (dict(random_features="x"), "random_features"),
    (dict(gamma=-1.0), "gamma"), (dict(dtype="int8"), "dtype"), (dict(feature_norm="max"), "feature_norm"),
    (dict(n_clusters=500), "n_clusters"),
])
def test_bad_parameters(msbm, params, match):
    with pytest.raises((ValueError, TypeError), match=match):
        gc.DEMMPlus(**{"n_clusters": 3, **params}).fit(msbm)


def test_registry_and_cli_names():
    from graphclust import registry

    assert registry.get("demm+").multiplex and registry.load("demm+") is gc.DEMMPlus
    assert registry.get("demm").multiplex and registry.load("demm") is gc.DEMM
