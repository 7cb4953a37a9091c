"""One shared contract test for every registered estimator.

Every method runs over the same small graphs (weighted, disconnected, isolated nodes,
networkx with string ids, PyG Data, k = 1) and must honour the same contract: labels of the
right shape and range, reproducible with a seed, input untouched, clear errors for directed
input, bad n_clusters and missing features. A broken contract shows here at once.
"""
from __future__ import annotations

import copy

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

import graphclust as gc
from graphclust import registry

PARTITION = [n for n in registry.names("partition") + registry.names("hierarchy") if not registry.get(n).multiplex]
LOCAL = registry.names("local")
# Multiplex estimators run over their own small multiplex graphs (tests at the end). TOY is
# registered by the fixture below, so the path is proven before any multiplex method lands.
TOY = "_toy_multiplex"
MULTIPLEX = [n for n, m in registry.METHODS.items() if m.multiplex] + [TOY]


def planted(sizes=(30, 30, 30), p_in=0.3, p_out=0.02, seed=0, weighted=False):
    """Small planted partition with block-correlated non-negative features (dense check is fine here)."""
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(len(sizes)), sizes)
    n = y.size
    P = np.where(y[:, None] == y[None, :], p_in, p_out)
    U = np.triu(rng.random((n, n)) < P, 1)
    W = U * (rng.uniform(0.5, 2.0, size=(n, n)) if weighted else 1.0)
    A = sp.csr_array(W + W.T)
    X = rng.random((n, 4 * len(sizes))) * 0.2
    for b in range(len(sizes)):
        X[y == b, 4 * b: 4 * b + 4] += 1.0
    return A, X, y


def make(name, **params):
    cls = registry.load(name)
    defaults = {"random_state": 0}
    accepted = cls().get_params() if _constructible(cls) else {}
    return cls(**{**{k: v for k, v in defaults.items() if k in accepted or not accepted}, **params})


def _constructible(cls):
    try:
        cls()
        return True
    except TypeError:
        return False


def fit_labels(name, A, X, k):
    info = registry.get(name)
    est = make(name, n_clusters=k)
    labels = est.fit_predict(A, features=X if info.requires_features else None)
    return est, labels


@pytest.mark.parametrize("name", PARTITION)
@pytest.mark.parametrize("weighted", [False, True])
def test_planted_partition(name, weighted):
    A, X, y = planted(weighted=weighted)
    est, labels = fit_labels(name, A, X, 3)
    assert labels.shape == (A.shape[0],)
    assert labels.dtype == np.int64
    assert np.array_equal(labels, est.labels_)
    assert gc.metrics.ari(y, labels) > 0.8


@pytest.mark.parametrize("name", PARTITION)
def test_same_seed_same_labels_and_input_untouched(name):
    A, X, _ = planted(seed=1)
    A0, X0 = A.copy(), X.copy()
    _, l1 = fit_labels(name, A, X, 3)
    _, l2 = fit_labels(name, A, X, 3)
    assert np.array_equal(l1, l2)
    assert (A != A0).nnz == 0 and np.array_equal(X, X0)


@pytest.mark.parametrize("name", PARTITION)
def test_disconnected_and_isolated_nodes(name):
    A, X, y = planted(sizes=(25, 25), p_out=0.0, seed=2)
    # three isolated nodes at the end
    A = sp.block_diag([A, sp.csr_array((3, 3))], format="csr")
    X = np.vstack([X, np.full((3, X.shape[1]), 0.1)])
    _, labels = fit_labels(name, A, X, 2)
    assert labels.shape == (53,)
    assert gc.metrics.ari(y, labels[:50]) > 0.9


@pytest.mark.parametrize("name", PARTITION)
def test_one_cluster(name):
    A, X, _ = planted(seed=3)
    _, labels = fit_labels(name, A, X, 1)
    assert np.unique(labels).size == 1


@pytest.mark.parametrize("name", PARTITION)
def test_networkx_and_pyg_inputs(name):
    A, X, y = planted(seed=4)
    info = registry.get(name)
    G = nx.relabel_nodes(nx.from_scipy_sparse_array(A), {i: f"v{i}" for i in range(A.shape[0])})
    for i, v in enumerate(G.nodes):
        G.nodes[v]["x"] = X[i]
    est = make(name, n_clusters=3)
    labels_nx = est.fit_predict(G, features="x" if info.requires_features else None)
    assert est.node_ids_[0] == "v0"
    _, labels_sp = fit_labels(name, A, X, 3)
    assert gc.metrics.ari(labels_sp, labels_nx) > 0.99

    torch = pytest.importorskip("torch")
    tg = pytest.importorskip("torch_geometric.data")
    C = A.tocoo()
    data = tg.Data(edge_index=torch.tensor(np.vstack([C.row, C.col]), dtype=torch.long),
                   x=torch.tensor(X, dtype=torch.float32), num_nodes=A.shape[0])
    labels_pyg = make(name, n_clusters=3).fit_predict(data)
    assert gc.metrics.ari(y, labels_pyg) > 0.8


@pytest.mark.parametrize("name", PARTITION)
def test_bad_input_rejected(name):
    A, X, _ = planted(seed=5)
    info = registry.get(name)
    feats = X if info.requires_features else None
    D = sp.triu(A, format="csr")  # directed: upper triangle only
    with pytest.raises(ValueError, match="symmetric"):
        make(name, n_clusters=3).fit(D, features=feats)
    for bad_k in (0, A.shape[0] + 1):
        with pytest.raises(ValueError, match="n_clusters"):
            make(name, n_clusters=bad_k).fit(A, features=feats)
    with pytest.raises(TypeError):
        make(name, n_clusters=2.5).fit(A, features=feats)
    if info.requires_features:
        with pytest.raises(ValueError, match="features"):
            make(name, n_clusters=3).fit(A)
        with pytest.raises(ValueError, match="rows"):
            make(name, n_clusters=3).fit(A, features=X[:-1])


@pytest.mark.parametrize("name", PARTITION)
def test_sklearn_clone_and_params(name):
    from sklearn.base import clone

    est = make(name, n_clusters=4)
    twin = clone(est)
    assert twin.get_params() == est.get_params()
    assert twin.set_params(n_clusters=2).n_clusters == 2


@pytest.mark.parametrize("name", LOCAL)
def test_local_contract(name):
    A, _, y = planted(sizes=(30, 60), p_in=0.3, p_out=0.01, seed=6)
    A0 = A.copy()
    est = make(name)
    est.fit(A, 0)
    cluster = np.asarray(est.cluster_)
    assert 0 in cluster
    truth = np.flatnonzero(y == 0)
    overlap = np.intersect1d(cluster, truth).size
    assert overlap / max(cluster.size, truth.size) > 0.7
    assert 0.0 <= est.conductance_ <= 1.0
    assert (A != A0).nnz == 0
    with pytest.raises(ValueError, match="out of range"):
        make(name).fit(A, A.shape[0])
    with pytest.raises(ValueError, match="symmetric"):
        make(name).fit(sp.triu(A, format="csr"), 0)
    G = nx.relabel_nodes(nx.from_scipy_sparse_array(A), {i: f"v{i}" for i in range(A.shape[0])})
    est_nx = make(name).fit(G, "v0")  # networkx input: seeds are node ids
    assert "v0" in set(np.asarray(est_nx.cluster_).tolist())
    _ = copy.deepcopy(est)


# --------------------------------------------------------------------------- multiplex estimators


class SumSpectral(gc.base.BaseClusterer):
    """Toy multiplex estimator for this test: spectral clustering of the sum of the relations."""

    _multiplex = True

    def __init__(self, n_clusters=2, *, random_state=None):
        self.n_clusters = n_clusters
        self.random_state = random_state

    def _fit(self, graph, rng):
        total = sum(graph.relations[1:], graph.relations[0])
        self.labels_ = gc.SpectralClustering(self.n_clusters, random_state=rng).fit_predict(total)


@pytest.fixture
def multiplex_registry(monkeypatch):
    monkeypatch.setitem(registry.METHODS, TOY, registry.MethodInfo(
        TOY, f"{__name__}:SumSpectral", "partition", False, True, "sum of relations + spectral (test only)"))


def planted_multiplex(seed=0, n_relations=2):
    """Relations that each see the partition faintly (noisy, sparse); features as in planted."""
    rels = [planted(p_in=0.15, p_out=0.02, seed=seed + 10 * r)[0] for r in range(n_relations)]
    _, X, y = planted(seed=seed)
    return {f"r{r}": A for r, A in enumerate(rels)}, X, y


def fit_multiplex(name, relations, X, k):
    est = make(name, n_clusters=k)
    return est, est.fit_predict(relations, features=X if registry.get(name).requires_features else None)


@pytest.mark.parametrize("name", MULTIPLEX)
def test_multiplex_contract(name, multiplex_registry):
    rels, X, y = planted_multiplex()
    snapshot = {r: A.copy() for r, A in rels.items()}
    X0 = X.copy()
    est, labels = fit_multiplex(name, rels, X, 3)
    assert labels.shape == (y.size,) and labels.dtype == np.int64
    assert np.array_equal(labels, est.labels_)
    assert gc.metrics.ari(y, labels) > 0.8
    _, again = fit_multiplex(name, rels, X, 3)
    assert np.array_equal(labels, again)
    assert all((rels[r] != snapshot[r]).nnz == 0 for r in rels) and np.array_equal(X, X0)
    # networkx relations with string ids: the ids come back, the clustering is the same
    nxs = {r: nx.relabel_nodes(nx.from_scipy_sparse_array(A), {i: f"v{i}" for i in range(A.shape[0])})
           for r, A in rels.items()}
    est_nx, labels_nx = fit_multiplex(name, nxs, X, 3)
    assert est_nx.node_ids_[0] == "v0"
    assert gc.metrics.ari(labels, labels_nx) > 0.99


@pytest.mark.parametrize("name", MULTIPLEX)
def test_multiplex_bad_input_rejected(name, multiplex_registry):
    rels, X, _ = planted_multiplex(seed=1)
    feats = X if registry.get(name).requires_features else None
    n = X.shape[0]
    with pytest.raises(ValueError, match="relation 'r1'"):
        make(name, n_clusters=3).fit({"r0": rels["r0"], "r1": rels["r1"][:-1, :-1]}, features=feats)
    with pytest.raises(ValueError, match="relation 'r1'.*symmetric"):
        make(name, n_clusters=3).fit({"r0": rels["r0"], "r1": sp.triu(rels["r1"], format="csr")}, features=feats)
    for bad_k in (0, n + 1):
        with pytest.raises(ValueError, match="n_clusters"):
            make(name, n_clusters=bad_k).fit(rels, features=feats)
    with pytest.raises(TypeError, match="relations"):
        make(name, n_clusters=3).fit(rels["r0"], features=feats)
    from sklearn.base import clone

    assert clone(make(name, n_clusters=4)).get_params() == make(name, n_clusters=4).get_params()
