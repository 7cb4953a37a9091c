"""S2CAG / MS2CAG estimators on planted attributed graphs; API, options and errors."""
import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from graphclust import as_graph, metrics
from graphclust.datasets import sbm
from graphclust.s2cag import MS2CAG, S2CAG, PowerIterationAccuracyWarning, official_cost


def _attributed_sbm(sizes=(150, 150, 150), d=60, p_in=0.06, p_out=0.008, seed=0):
    """SBM plus bag-of-words counts: block r favours words r*d/K ... (r+1)*d/K - 1."""
    g = sbm(list(sizes), p_in=p_in, p_out=p_out, random_state=seed)
    rng = np.random.default_rng(seed + 1)
    K = len(sizes)
    rates = np.full((K, d), 0.05)
    for r in range(K):
        rates[r, r * d // K:(r + 1) * d // K] = 0.3
    X = rng.poisson(rates[g.labels]).astype(float)
    return as_graph(g.adjacency, features=sp.csr_array(X), labels=g.labels)


@pytest.fixture(scope="module")
def planted():
    return _attributed_sbm()


@pytest.mark.parametrize("est", [S2CAG(3), S2CAG(3, faithful=False), S2CAG(3, path="explicit"),
                                 MS2CAG(3), MS2CAG(3, mode="dense")])
def test_recovers_planted_blocks(planted, est):
    labels = est.fit_predict(planted)
    assert labels.dtype == np.int64 and labels.shape == (450,)
    assert metrics.ari(planted.labels, labels) > 0.9
    assert est.embedding_.shape == (450, 3)


@pytest.mark.parametrize("weights", ["series", "power_iteration"])
def test_layouts_agree(planted, weights):
    # the stable loop: every layout gives the same SVD to rounding
    runs = {p: S2CAG(3, path=p, weights=weights, faithful=False, dtype="float64").fit(planted)
            for p in ("implicit", "gram", "explicit")}
    for p, est in runs.items():
        assert est.path_ == p
        np.testing.assert_array_equal(est.labels_, runs["implicit"].labels_)
        np.testing.assert_allclose(est.singular_values_, runs["implicit"].singular_values_, rtol=1e-9)
        np.testing.assert_allclose(est.embedding_, runs["implicit"].embedding_, atol=1e-9)
    # the official loop: its trailing (oversampled) directions are rounding-sensitive, the
    # k + 1 leading ones and the labels are not
    faithful = {p: S2CAG(3, path=p, weights=weights, dtype="float64").fit(planted) for p in ("implicit", "gram", "explicit")}
    for est in faithful.values():
        np.testing.assert_array_equal(est.labels_, runs["implicit"].labels_)
        np.testing.assert_allclose(est.singular_values_[:4], runs["implicit"].singular_values_[:4], rtol=1e-6)


def test_auto_layout_follows_the_attribute_width_and_changes_no_result(planted):
    # Independent of the cost model's numbers: with few attributes the d x b Gram layout
    # (products on d-row blocks) is the cheap one; with thousands of sparse attributes the
    # implicit layout (never forming Z^T Z) is. And whichever auto picks, the fit is the one
    # that layout gives when forced, with the weights of the official rule.
    few = _attributed_sbm(d=6)
    many = _attributed_sbm(d=3000)
    assert S2CAG(3).fit(few).path_ == "gram"
    # (with 3000 attributes sigma_4 / sigma_1 ~ 0.07: the faithful block keeps the 4th
    # direction below rounding, which the estimator says; the planted labels survive anyway)
    with pytest.warns(PowerIterationAccuracyWarning):
        assert S2CAG(3).fit(many).path_ == "implicit"
    c = S2CAG(3).fit(planted)
    n, d = planted.features.shape
    e, i = official_cost(n, d, planted.adjacency.nnz + n, 3, 10, 7)
    ref = S2CAG(3, path=c.path_, weights="power_iteration" if e < i else "series").fit(planted)
    np.testing.assert_array_equal(c.embedding_, ref.embedding_)
    # all layouts give the planted blocks
    assert metrics.ari(planted.labels, c.labels_) > 0.9


def test_auto_never_picks_a_dense_layout_over_budget(planted):
    from graphclust import memory

    n, d = planted.features.shape
    # room for the features and the implicit layout's n x b blocks, not for two n x d blocks
    with memory.memory_limit(2 * n * d * 8 - 1):
        assert S2CAG(3, dtype="float64").fit(planted).path_ == "implicit"
        assert MS2CAG(3, dtype="float64").fit(planted).mode_ == "implicit"
        with pytest.raises(ValueError, match="'gram' layout .* above the memory limit"):
            S2CAG(3, path="gram", dtype="float64").fit(planted)
        with pytest.raises(ValueError, match="implicit layout"):
            MS2CAG(3, mode="dense").fit(planted)
        # dtype="auto" runs the Gram layout in float32: its two n x d blocks take half
        assert S2CAG(3, path="gram").fit(planted).path_ == "gram"
    with memory.memory_limit(2 * n * d * 4 - 1):
        assert S2CAG(3).fit(planted).path_ == "implicit"
        assert MS2CAG(3).fit(planted).mode_ == "implicit"
    with memory.memory_limit(2 * n * d * 8):  # exactly enough: a dense layout is allowed again
        assert S2CAG(3, path="gram", dtype="float64").fit(planted).path_ == "gram"


@pytest.mark.parametrize("mode", ["gram", "dense"])
def test_ms2cag_layouts_equal_implicit(planted, mode):
    a = MS2CAG(3, tau=30, mode="implicit", dtype="float64").fit(planted)
    b = MS2CAG(3, tau=30, mode=mode, dtype="float64").fit(planted)
    assert b.mode_ == mode
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_allclose(a.embedding_, b.embedding_, atol=1e-8)


def test_float32_keeps_the_labels(planted):
    for path in ("implicit", "gram"):
        a = S2CAG(3, path=path, faithful=False).fit(planted)
        b = S2CAG(3, path=path, faithful=False, dtype="float32").fit(planted)
        assert b.embedding_.dtype == b.singular_values_.dtype == np.float64
        np.testing.assert_array_equal(a.labels_, b.labels_)
        np.testing.assert_allclose(np.abs(a.embedding_), np.abs(b.embedding_), atol=1e-3)
    for mode in ("implicit", "gram"):
        a = MS2CAG(3, mode=mode).fit(planted)
        b = MS2CAG(3, mode=mode, dtype="float32").fit(planted)
        np.testing.assert_array_equal(a.labels_, b.labels_)
        np.testing.assert_allclose(a.embedding_, b.embedding_, atol=1e-3)


def test_faithful_and_renormalised_agree_when_well_conditioned(planted):
    a = S2CAG(3).fit(planted)
    b = S2CAG(3, faithful=False).fit(planted)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_allclose(np.abs(a.embedding_), np.abs(b.embedding_), atol=1e-3)


def test_sparse_and_dense_features_same_labels(planted):
    dense = as_graph(planted.adjacency, features=planted.features.toarray())
    np.testing.assert_array_equal(S2CAG(3).fit_predict(dense), S2CAG(3).fit_predict(planted))
    np.testing.assert_array_equal(MS2CAG(3).fit_predict(dense), MS2CAG(3).fit_predict(planted))


def test_random_state_reproducible_and_int_seed_is_official_draw(planted):
    a = S2CAG(3, random_state=np.random.default_rng(5)).fit_predict(planted)
    b = S2CAG(3, random_state=np.random.default_rng(5)).fit_predict(planted)
    np.testing.assert_array_equal(a, b)
    from graphclust.seeding import legacy_normal as start_block

    np.testing.assert_array_equal(start_block(0, None, (4, 3)), np.random.RandomState(0).normal(size=(4, 3)))


def test_networkx_input_with_node_attributes(planted):
    ref = S2CAG(3).fit_predict(planted)
    G = nx.from_scipy_sparse_array(sp.csr_matrix(planted.adjacency))
    X = planted.features.toarray()
    for i in G.nodes:
        G.nodes[i]["x"] = X[i]
    feats = np.array([G.nodes[i]["x"] for i in G.nodes])
    np.testing.assert_array_equal(S2CAG(3).fit_predict(G, features=feats), ref)
    # features named by the node attribute
    np.testing.assert_array_equal(S2CAG(3).fit_predict(G, features="x"), ref)


def test_inputs_not_modified(planted):
    A = planted.adjacency.copy()
    X = planted.features.copy()
    S2CAG(3).fit(A, features=X)
    MS2CAG(3).fit(A, features=X)
    assert (A != planted.adjacency).nnz == 0 and (X != planted.features).nnz == 0


def test_refuses_graph_without_features(planted):
    with pytest.raises(ValueError, match="features"):
        S2CAG(3).fit(planted.adjacency)
    with pytest.raises(ValueError, match="features"):
        MS2CAG(3).fit(planted.adjacency)


def test_signed_features(planted):
    X = np.random.default_rng(0).standard_normal((450, 8))
    with pytest.raises(ValueError, match="negative"):
        S2CAG(3).fit(planted.adjacency, features=X)
    with pytest.warns(UserWarning):
        labels = S2CAG(3, signed_features="fallback").fit_predict(planted.adjacency, features=X)
    assert labels.shape == (450,)
    # M-S2CAG takes signed features without TF-IDF: signed (45 % negative) features that
    # carry the blocks must still recover them.
    X = np.random.default_rng(0).standard_normal((450, 8))
    X[np.arange(450), planted.labels] += 3.0
    labels = MS2CAG(3, tfidf=False, attribute_norm="l2").fit_predict(planted.adjacency, features=X)
    assert metrics.ari(planted.labels, labels) > 0.9


@pytest.mark.parametrize(
    "est, match",
    [
        (S2CAG(3, path="dense"), "path"),
        (S2CAG(3, tau=-1), "tau"),
        (S2CAG(3, alpha=0.0), "alpha"),
        (S2CAG(3, T=1.5), "T"),
        (S2CAG(3, attribute_norm="max"), "attribute_norm"),
        (S2CAG(61), "rank"),
        (MS2CAG(3, mode="fast"), "mode"),
        (MS2CAG(3, gamma=-1), "gamma"),
        (MS2CAG(0), "n_clusters"),
        (S2CAG(3, weights="uniform"), "weights"),
        (S2CAG(3, dtype="float16", faithful=False), "dtype"),
        (S2CAG(3, dtype="float32"), "faithful=False"),
        (MS2CAG(3, dtype=np.float32), "dtype"),
    ],
)
def test_bad_parameters(planted, est, match):
    with pytest.raises((ValueError, TypeError), match=match):
        est.fit(planted)


@pytest.mark.gpu
def test_gpu_matches_cpu(planted):
    for est in (S2CAG, MS2CAG):
        cpu = est(3).fit_predict(planted)
        gpu = est(3, device="cuda").fit_predict(planted)
        assert metrics.ari(cpu, gpu) > 0.99


def test_dense_features_not_copied_and_preprocessing_guarded(planted, monkeypatch):
    from graphclust import memory
    from graphclust.s2cag import s2cag as module

    X = planted.features.toarray()  # dense float64, C order: as_graph keeps it without a copy
    n, d = X.shape
    g = as_graph(planted.adjacency, features=X, labels=planted.labels)
    assert np.shares_memory(g.features, X)

    def no_work(*args, **kwargs):
        raise AssertionError("the guard must refuse before the preprocessing runs")

    monkeypatch.setattr(module, "propagation_matrix", no_work)
    # the preprocessing peaks at two float64 n x d blocks: refused below that, naming the way out
    with memory.memory_limit(2 * n * d * 8 - 1):
        for est in (S2CAG(3), MS2CAG(3)):
            with pytest.raises(memory.MemoryLimitError, match=rf"dense {n} x {d} features .*scipy sparse"):
                est.fit(g)
