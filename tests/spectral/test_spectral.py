"""SpectralClustering: planted-partition recovery, agreement with scikit-learn, conventions."""
import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.cluster import SpectralClustering as SkSpectral
from sklearn.metrics import adjusted_rand_score as ari

import graphclust
from graphclust import SpectralClustering
from graphclust.datasets.sbm import sbm
from graphclust.spectral import spectral_embedding


@pytest.fixture(scope="module")
def planted():
    # 6 blocks of 500, average degree ~12 (within 9, across 3): well above the Kesten-Stigum
    # threshold (c_in - c_out)^2 > K (c_in + (K-1) c_out) in the block-pair parametrisation.
    K, m = 6, 500
    n = K * m
    p_in, p_out = 9.0 / m, 3.0 / (n - m)
    return sbm([m] * K, p_in=p_in, p_out=p_out, random_state=0), K


def test_recovers_planted_blocks(planted):
    g, K = planted
    model = SpectralClustering(K, random_state=0).fit(g)
    assert ari(g.labels, model.labels_) > 0.95
    assert model.labels_.dtype == np.int64 and model.labels_.shape == (g.n_nodes,)
    assert model.embedding_.shape == (g.n_nodes, K)
    np.testing.assert_allclose(np.linalg.norm(model.embedding_, axis=1), 1.0, atol=1e-5)


def test_eigenvalues_match_arpack(planted):
    from scipy.sparse.linalg import eigsh

    g, K = planted
    model = SpectralClustering(K, tol=1e-5, random_state=1).fit(g)
    d = np.asarray(g.adjacency.sum(axis=1)).ravel()
    S = sp.diags_array(d**-0.5) @ g.adjacency @ sp.diags_array(d**-0.5)
    w = np.sort(eigsh(S, k=K, which="LA", tol=1e-10, v0=np.ones(g.n_nodes))[0])[::-1]
    np.testing.assert_allclose(model.eigenvalues_, w, atol=1e-4)


def test_agrees_with_sklearn_precomputed():
    g = sbm([120, 120, 120, 120], p_in=0.12, p_out=0.02, random_state=3)
    ours = SpectralClustering(4, random_state=0).fit_predict(g)
    ref = SkSpectral(4, affinity="precomputed", random_state=0).fit_predict(g.adjacency)
    assert ari(ref, ours) > 0.95
    assert ari(g.labels, ours) >= ari(g.labels, ref) - 0.02


@pytest.mark.parametrize("solver", ["lobpcg", "arpack"])
def test_other_solvers_same_partition(planted, solver):
    g, K = planted
    base = SpectralClustering(K, random_state=0).fit_predict(g)
    other = SpectralClustering(K, eigen_solver=solver, random_state=0).fit_predict(g)
    assert ari(base, other) > 0.98


def test_kmeans_on_a_row_sample_still_recovers(planted):
    g, K = planted
    model = SpectralClustering(K, kmeans_sample=600, n_init=3, random_state=0).fit(g)
    assert ari(g.labels, model.labels_) > 0.95


def test_isolated_nodes_and_disconnected_graph():
    # Two cliques and three isolated nodes: the cliques are split exactly, nothing is NaN.
    A = sp.block_diag([np.ones((20, 20)) - np.eye(20), np.ones((25, 25)) - np.eye(25), np.zeros((3, 3))])
    with pytest.warns(UserWarning, match="2 components with edges, each adding an eigenvalue 1"):
        model = SpectralClustering(2, random_state=0).fit(sp.csr_array(A))
    labels = model.labels_
    assert np.isfinite(model.embedding_).all()
    np.testing.assert_array_equal(model.embedding_[-3:], 0.0)
    assert len(set(labels[:20])) == 1 and len(set(labels[20:45])) == 1 and labels[0] != labels[20]


def test_isolated_nodes_large_graph_iterative_path():
    g = sbm([400, 400], p_in=0.05, p_out=0.002, random_state=0)
    A = sp.block_diag([g.adjacency, sp.csr_array((5, 5))], format="csr")
    with pytest.warns(UserWarning, match="5 isolated nodes"):
        model = SpectralClustering(2, random_state=0).fit(A)
    assert np.isfinite(model.embedding_).all()
    np.testing.assert_array_equal(model.embedding_[-5:], 0.0)
    assert ari(g.labels, model.labels_[:800]) > 0.95


def test_features_are_ignored_and_seed_reproducible(planted):
    g, K = planted
    a = SpectralClustering(K, random_state=7).fit_predict(g)
    feats = np.random.default_rng(0).standard_normal((g.n_nodes, 3))
    b = SpectralClustering(K, random_state=7).fit_predict(g, features=feats)
    np.testing.assert_array_equal(a, b)


def test_networkx_input_keeps_node_order():
    G = nx.planted_partition_graph(2, 40, 0.5, 0.02, seed=1)
    mapping = {v: f"n{(v * 7) % 80}" for v in G.nodes}  # non-integer ids, shuffled
    H = nx.relabel_nodes(G, mapping)
    model = SpectralClustering(2, random_state=0).fit(H)
    truth = np.array([G.nodes[v]["block"] for v in G.nodes])
    assert ari(truth, model.labels_) == 1.0
    assert model.node_ids_ is not None and model.node_ids_[1] == list(H.nodes)[1]


def test_registry_and_top_level_name():
    from graphclust import registry

    assert registry.get("spectral").load() is SpectralClustering
    assert graphclust.SpectralClustering is SpectralClustering


def test_spectral_embedding_function():
    g = sbm([300, 300, 300], p_in=0.05, p_out=0.005, random_state=0)
    V, w = spectral_embedding(g.adjacency, 3, random_state=0)
    assert V.shape == (900, 3) and w[0] == pytest.approx(1.0, abs=1e-4)
    assert np.all(np.diff(w) <= 1e-7)


def test_input_not_modified(planted):
    g, K = planted
    A = g.adjacency.copy()
    SpectralClustering(K, random_state=0).fit(g.adjacency)
    assert (A != g.adjacency).nnz == 0


@pytest.mark.parametrize(
    "params, err, match",
    [
        (dict(n_clusters=0), ValueError, "n_clusters"),
        (dict(n_clusters=10_000), ValueError, "n_clusters"),
        (dict(n_clusters=2, eigen_solver="amg"), ValueError, "eigen_solver"),
        (dict(n_clusters=2, n_init=0), ValueError, "n_init"),
        (dict(n_clusters=2, tol=-1.0), ValueError, "tol"),
        (dict(n_clusters=2, tol="fast"), ValueError, "tol"),
        (dict(n_clusters=2, regularization=-1.0), ValueError, "regularization"),
        (dict(n_clusters=2, regularization="big"), ValueError, "regularization"),
        (dict(n_clusters=2, max_iter=2.5), TypeError, "max_iter"),
        (dict(n_clusters=2, verbose="yes"), TypeError, "verbose"),
        (dict(n_clusters=2, kmeans_sample=1), ValueError, "kmeans_sample"),
        (dict(n_clusters=2, kmeans_sample="all"), TypeError, "kmeans_sample"),
        (dict(n_clusters=2, device="tpu"), ValueError, "device"),
    ],
)
def test_bad_params_raise_in_fit(params, err, match):
    g = sbm([30, 30], p_in=0.3, p_out=0.05, random_state=0)
    model = SpectralClustering(**params)  # __init__ never validates
    with pytest.raises(err, match=match):
        model.fit(g)


def test_verbose_runs(planted, capsys):
    g, K = planted
    labels = SpectralClustering(K, verbose=True, random_state=0).fit_predict(g)
    assert ari(g.labels, labels) > 0.95


@pytest.mark.gpu
def test_gpu_matches_cpu(planted):
    g, K = planted
    cpu = SpectralClustering(K, random_state=0).fit_predict(g)
    gpu = SpectralClustering(K, device="cuda", random_state=0).fit_predict(g)
    assert isinstance(gpu, np.ndarray)
    assert ari(cpu, gpu) > 0.98 and ari(g.labels, gpu) > 0.95


# --------------------------------------------------------------------------- memory guard


def _ring(n):
    A = sp.diags_array([np.ones(n - 1)], offsets=[1], shape=(n, n), format="csr")
    return sp.csr_array(A + A.T)


def test_n_clusters_equal_n_refused_before_the_identity():
    from graphclust import memory

    g = _ring(60_000)
    with memory.memory_limit("8GiB"), pytest.raises(memory.MemoryLimitError) as err:
        SpectralClustering(n_clusters=60_000).fit(g)
    msg = str(err.value)
    # np.eye(60000) is 26.8 GiB: the message names it, the limit and what to do instead
    assert "26.8 GiB" in msg and "8.0 GiB" in msg and "arange" in msg and "smaller n_clusters" in msg
    with memory.memory_limit(10**6):  # a small graph: same refusal with a tiny limit
        with pytest.raises(ValueError, match="identity embedding"):
            SpectralClustering(n_clusters=400).fit(_ring(400))
    # within the limit the trivial answer still comes back
    assert SpectralClustering(n_clusters=30).fit(_ring(30)).labels_.tolist() == list(range(30))


def test_large_start_block_refused_before_any_work(monkeypatch):
    from graphclust import memory, sparse

    def no_work(*args, **kwargs):
        raise AssertionError("the guard must refuse before the embedding starts")

    monkeypatch.setattr(sparse, "normalize_symmetric", no_work)
    # 2M nodes, n_clusters=2000: the 2M x 2500 float32 start block alone is 18.6 GiB
    empty = sp.csr_array((2_000_000, 2_000_000))
    with memory.memory_limit("8GiB"), pytest.raises(memory.MemoryLimitError, match=r"n_clusters=2000 .*186\.3 GiB"):
        spectral_embedding(empty, 2000)
    # the estimator on a small graph with a tiny limit (iterative path: 6000 > 5 k + 10 nodes)
    with memory.memory_limit(6000 * 62 * 4 * 9), pytest.raises(ValueError, match="smaller n_clusters"):
        SpectralClustering(n_clusters=50).fit(_ring(6000))
    # the dense path (small graphs) is guarded too
    with memory.memory_limit(5000), pytest.raises(ValueError, match="dense eigendecomposition"):
        spectral_embedding(_ring(20), 3)  # 20 <= 5 k + 10 nodes: dense, 3 x 20 x 20 float64


def _paths(n_paths, length):
    """``n_paths`` disjoint paths of ``length`` nodes (small components, second eigenvalue
    cos(pi / (length - 1)), close to 1)."""
    P = sp.diags_array([np.ones(length - 1), np.ones(length - 1)], offsets=[1, -1])
    return sp.block_diag([P] * n_paths, format="csr")


def test_many_components_embed_the_largest_one():
    # Three planted blocks in one component, plus 30 small paths: the eigenvalue 1 has
    # multiplicity 31 > 3, so the top-3 eigenspace of the whole graph is any three component
    # indicators. The default embeds the largest component and recovers its blocks.
    g = sbm([300, 300, 300], p_in=0.05, p_out=0.003, random_state=0)
    A = sp.block_diag([g.adjacency, _paths(30, 6)], format="csr")
    with pytest.warns(UserWarning, match="31 components with edges, more than n_components=3"):
        model = SpectralClustering(3, random_state=0).fit(A)
    assert ari(g.labels, model.labels_[:900]) > 0.9
    np.testing.assert_array_equal(model.embedding_[900:], 0.0)


def _load_structure(name):
    from graphclust.datasets import load

    g = load(name)
    return sp.csr_array(g.adjacency, dtype=np.float64), np.asarray(g.labels)


@pytest.mark.parametrize("name", ["cora", "acm"])
def test_real_graph_default_matches_exact_eigenvectors(name):
    # The reference of docs/benchmarks/spectral.md: scipy eigsh (tol 1e-6) of the normalized
    # adjacency, rows normalized, k-means; the default must come within one NMI point of it
    # (mean over eigsh start vectors) or above, and far above scikit-learn (0.014 / 0.005).
    from scipy.sparse.linalg import eigsh

    from graphclust.metrics import nmi
    from graphclust.solvers.kmeans import kmeans
    from graphclust.sparse import normalize_symmetric, row_normalize

    A, y = _load_structure(name)
    k = int(np.unique(y[y >= 0]).size)
    ref = []
    for seed in range(3):
        v0 = np.random.default_rng(seed).standard_normal(A.shape[0])
        _, V = eigsh(normalize_symmetric(A), k, which="LA", tol=1e-6, v0=v0)
        ref.append(nmi(y, kmeans(row_normalize(V), k, n_init=10, random_state=seed)[0]))
    with pytest.warns(UserWarning, match="disconnected"):
        labels = SpectralClustering(k, random_state=0).fit_predict(A)
    assert nmi(y, labels) >= np.mean(ref) - 0.01
    assert nmi(y, labels) > 0.2


def test_regularized_embedding_matches_dense_reference():
    # tau / n added to every entry, as a rank-one operator: the eigenvalues equal those of the
    # dense normalized A + (tau / n) 1 1^T (built here only as the test's reference).
    g = sbm([150, 150, 150], p_in=0.04, p_out=0.004, random_state=1)
    A = sp.block_diag([g.adjacency, _paths(5, 4)], format="csr")
    n = A.shape[0]
    tau = float(A.sum()) / n / 4
    V, w = spectral_embedding(A, 3, regularization="auto", tol=1e-6, max_iter=500, random_state=0)
    dense = A.toarray() + tau / n
    d = dense.sum(axis=1)
    ref = np.linalg.eigvalsh(dense / np.sqrt(np.outer(d, d)))[::-1][:3]
    np.testing.assert_allclose(w, ref, atol=1e-4)
    assert w[0] == pytest.approx(1.0, abs=1e-5)
    # The regularized graph is connected: no warning, every row carries information.
    import warnings as _w

    with _w.catch_warnings():
        _w.simplefilter("error")
        labels = SpectralClustering(3, regularization=tau, random_state=0).fit_predict(A)
    assert ari(g.labels, labels[:450]) > 0.9


def test_auto_tolerance_is_tight_on_small_graphs():
    from graphclust.spectral import resolve_tol

    assert resolve_tol("auto", 5_000) == 1e-4 and resolve_tol("auto", 2_000_000) == 1e-2
    # The tight default reaches residual 1e-4 on a crowded spectrum (cora's largest component).
    A, _ = _load_structure("cora")
    from scipy.sparse.csgraph import connected_components

    _, comp = connected_components(A)
    keep = np.flatnonzero(comp == np.bincount(comp).argmax())
    B = A[keep][:, keep]
    V, w = spectral_embedding(B, 7, random_state=0)
    from graphclust.sparse import normalize_symmetric

    R = normalize_symmetric(B) @ V.astype(np.float64) - V.astype(np.float64) * w[None, :]
    assert np.linalg.norm(R, axis=0).max() <= 2e-4


def test_progress_bar_total_is_the_work_done(planted, capsys):
    g, K = planted
    SpectralClustering(K, verbose=True, random_state=0).fit(g)
    err = capsys.readouterr().err
    import re

    final = re.findall(r"(\d+)/(\d+)", err.replace("\r", "\n").splitlines()[-1] if err else "")
    assert final and final[-1][0] == final[-1][1]
