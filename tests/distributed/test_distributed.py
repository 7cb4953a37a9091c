import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from sklearn.metrics import adjusted_rand_score

import graphclust as gc

gd = pytest.importorskip("graphclust.distributed")


@pytest.fixture(scope="module")
def sbm():
    return gc.datasets.sbm([500] * 4, p_in=0.04, p_out=0.002, random_state=1)


@pytest.mark.parametrize("order", ["balanced", "metis"])
def test_matmat_equals_local_product_and_ships_only_the_halo(client, sbm, order):
    dg = gd.partition(sbm, client, 2, order=order)
    A = sp.csr_array(sbm.adjacency)
    if dg.order is not None:
        A = A[dg.order][:, dg.order]
    X = np.random.default_rng(0).standard_normal((A.shape[0], 3))
    Y = gd.DistributedOperator(dg).matmat(gd.BlockVector.from_numpy(dg, X)).to_numpy()
    np.testing.assert_allclose(Y, A @ X, rtol=1e-12, atol=1e-12)
    # the halo of block i from block j is exactly the set of j's rows that i's columns touch
    for i in range(dg.n_parts):
        lo, hi = dg.bounds[i], dg.bounds[i + 1]
        cols = np.unique(A[lo:hi].indices)
        for j in range(dg.n_parts):
            if j != i:
                need = ((cols >= dg.bounds[j]) & (cols < dg.bounds[j + 1])).sum()
                assert dg.halo_sizes[i, j] == need
    assert dg.halo_sizes.trace() == 0


def test_metis_halo_smaller_than_balanced(client):
    import networkx as nx

    grid = sp.csr_array(nx.to_scipy_sparse_array(nx.grid_2d_graph(40, 50)))
    perm = np.random.default_rng(0).permutation(grid.shape[0])
    shuffled = gc.as_graph(grid[perm][:, perm])
    bal = gd.partition(shuffled, client, 2, order="balanced").halo_report()["halo_fraction"]
    met = gd.partition(shuffled, client, 2, order="metis").halo_report()["halo_fraction"]
    assert met < 0.2 * bal


def test_random_fill_independent_of_partition(client, cluster_factory, sbm):
    a = gd.BlockVector.random(gd.partition(sbm, client, 2), 3, seed=7).to_numpy()
    b = gd.BlockVector.random(gd.partition(sbm, client, 5), 3, seed=7).to_numpy()
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, gc.seeding.normal_rows(7, 0, sbm.n_nodes, 3))


def test_gram_and_orthonormalize(client, sbm):
    dg = gd.partition(sbm, client, 3)
    X = np.random.default_rng(1).standard_normal((sbm.n_nodes, 4))
    bv = gd.BlockVector.from_numpy(dg, X)
    np.testing.assert_allclose(bv.gram(), X.T @ X, rtol=1e-12)
    # the array idioms DEMM+'s stage I uses, answered blockwise
    np.testing.assert_allclose(bv.T @ bv, X.T @ X, rtol=1e-12)
    np.testing.assert_allclose(bv.sum(axis=0), X.sum(axis=0), rtol=1e-12)
    assert ((bv - bv * 0.5) ** 2).sum() == pytest.approx(((X - X * 0.5) ** 2).sum(), rel=1e-12)
    np.testing.assert_allclose(gc.sparse.row_normalize(bv).to_numpy(), gc.sparse.row_normalize(X), rtol=1e-12)
    Q = bv.orthonormalize().to_numpy()
    np.testing.assert_allclose(Q.T @ Q, np.eye(4), atol=1e-10)
    # same column space
    np.testing.assert_allclose(Q @ (Q.T @ X), X, atol=1e-8)


def test_top_eigenvectors_match_eigsh(client, sbm):
    from scipy.sparse.linalg import eigsh

    from graphclust.sparse import normalize_symmetric

    dg = gd.partition(sbm, client, 2)
    A = gd.DistributedOperator(dg)
    d = A.row_sums()
    dinv = d.map_blocks(gd.spectral._inv_sqrt)
    w, _ = gd.top_eigenvectors(A.scaled(dinv, dinv), 4, tol=1e-6, dtype=np.float64, seed=0)
    ref = np.sort(eigsh(normalize_symmetric(sbm.adjacency), k=4, which="LA")[0])[::-1]
    np.testing.assert_allclose(w, ref, atol=1e-6)


@pytest.mark.parametrize("n_workers", [1, 2, 3])
def test_spectral_clustering_same_partition_as_single_process(cluster_factory, sbm, n_workers):
    client = cluster_factory(n_workers)
    ref = gc.SpectralClustering(4, random_state=0).fit_predict(sbm)
    dg = gd.partition(sbm, client)
    labels = gd.spectral_clustering(dg, 4, random_state=0)[0]
    assert adjusted_rand_score(ref, labels) == 1.0
    assert adjusted_rand_score(sbm.labels, labels) > 0.95


def test_spectral_clustering_metis_order_maps_labels_back(client, sbm):
    labels = gd.spectral_clustering(gd.partition(sbm, client, 2, order="metis"), 4, random_state=0)[0]
    assert adjusted_rand_score(sbm.labels, labels) > 0.95
    # the k-means sample and draws are taken in the input order, whatever the partition order
    ref = gc.SpectralClustering(4, random_state=0).fit_predict(sbm)
    assert adjusted_rand_score(ref, gc.SpectralClustering(4, random_state=0).fit_predict(
        gd.partition(sbm, client, 2, order="metis"))) == 1.0


def _largest_component(name):
    from scipy.sparse.csgraph import connected_components

    g = gc.datasets.load(name)
    _, comp = connected_components(g.adjacency)
    keep = np.flatnonzero(comp == np.bincount(comp).argmax())
    A = sp.csr_array(g.adjacency)[keep][:, keep]
    feats = None if g.features is None else g.features[keep]
    return gc.as_graph(A, features=feats, labels=g.labels[keep])


def test_spectral_on_shipped_data(client):
    g = _largest_component("acm")  # connected: the single-machine estimator embeds the whole graph
    ref = gc.SpectralClustering(3, random_state=0).fit_predict(g)
    labels = gc.SpectralClustering(3, random_state=0).fit_predict(gd.partition(g, client, 2))
    assert adjusted_rand_score(ref, labels) > 0.99


def test_local_batches_identical_to_in_process(client):
    from graphclust.local import approximate_pagerank_batch, flow_diffusion_batch

    g = gc.datasets.load("cora")
    seeds = [0, 10, 100, 500, 1000, 2000]
    masses = [50.0 * (i + 1) for i in range(len(seeds))]
    for func, kw in [(flow_diffusion_batch, {"mass": 100.0, "random_state": 3}),
                     (flow_diffusion_batch, {"mass": masses, "random_state": 4}),
                     (approximate_pagerank_batch, {})]:
        ref = func(g, seeds, **kw)
        got = gd.local_batch(func, g, seeds, client, chunk_size=2, **kw)
        assert len(got) == len(ref)
        for a, b in zip(ref, got):
            assert (a.to_sparse() != b.to_sparse()).nnz == 0


def test_bad_input(client, sbm):
    with pytest.raises(ValueError, match="order"):
        gd.partition(sbm, client, 2, order="nope")
    with pytest.raises(ValueError, match="n_parts"):
        gd.partition(sbm, client, 0)
    dg = gd.partition(sbm, client, 2)
    with pytest.raises(TypeError, match="BlockVector"):
        gd.DistributedOperator(dg).matmat(np.ones((sbm.n_nodes, 2)))
    with pytest.raises(ValueError, match="seeds"):
        gd.local_batch(lambda g, s: s, sbm, [], client)


@pytest.mark.parametrize("n_workers", [1, 3])
def test_estimator_fit_on_distributed_graph(cluster_factory, n_workers):
    client = cluster_factory(n_workers)
    # structure-only spectral on acm (well conditioned; cora's 78 components are not), S2CAG on
    # cora with its official defaults (faithful loop: the distributed QR is Householder's, TSQR)
    for name, est in (("acm", gc.SpectralClustering(3, random_state=0)), ("cora", gc.S2CAG(7, random_state=0))):
        g = _largest_component(name) if name == "acm" else gc.datasets.load(name)
        ref = type(est)(**est.get_params()).fit_predict(g)
        got = est.fit_predict(gd.partition(g, client))
        assert adjusted_rand_score(ref, got) > 0.999, type(est).__name__
    assert est.path_ == "distributed"


def test_s2cag_distributed_metis_order(client):
    g = gc.datasets.load("acm")
    params = dict(T=4, tau=3, faithful=False, random_state=0)  # short, stable loop: a quick check
    ref = gc.S2CAG(3, **params).fit_predict(g)
    got = gc.S2CAG(3, **params).fit_predict(gd.partition(g, client, 2, order="metis"))
    assert adjusted_rand_score(ref, got) > 0.999


@pytest.mark.parametrize("n_workers", [1, 2, 3])
def test_many_components_largest_component_rule_same_labels(cluster_factory, n_workers):
    # structure-only cora: 78 components with edges, more than 7 clusters, so both runs embed the
    # largest component alone (the distributed one on a partition of it) and label the rest by k-means
    g = gc.as_graph(gc.datasets.load("cora").adjacency)
    with pytest.warns(UserWarning, match="on the largest one"):
        ref = gc.SpectralClustering(7, random_state=0).fit(g)
    with pytest.warns(UserWarning, match="on the largest one"):
        got = gc.SpectralClustering(7, random_state=0).fit(gd.partition(g, cluster_factory(n_workers)))
    np.testing.assert_array_equal(got.labels_, ref.labels_)
    np.testing.assert_allclose(got.eigenvalues_, ref.eigenvalues_, atol=1e-5)
    _, comp = connected_components(g.adjacency)
    rest = comp != np.bincount(comp).argmax()
    emb = got.embedding_.to_numpy()  # balanced order: the input order
    assert not emb[rest].any() and np.allclose(np.linalg.norm(emb[~rest], axis=1), 1.0, atol=1e-5)
    assert np.unique(got.labels_[rest]).size == 1  # zero rows: the cluster nearest the origin


def test_largest_component_rule_metis_order(client):
    g = gc.as_graph(gc.datasets.load("cora").adjacency)
    with pytest.warns(UserWarning, match="on the largest one"):
        ref = gc.SpectralClustering(7, random_state=0).fit_predict(g)
    with pytest.warns(UserWarning, match="on the largest one"):
        got = gc.SpectralClustering(7, random_state=0).fit_predict(gd.partition(g, client, 2, order="metis"))
    # the METIS order changes the start block's rows (drawn in the partition order), and cora's
    # largest component has crowded top eigenvalues: the same partition up to a few nodes
    assert adjusted_rand_score(ref, got) > 0.99


def test_expand_rows_moves_a_subgraph_block_onto_the_whole_graph(client, sbm):
    from graphclust.distributed.blocks import expand_rows

    nodes = np.flatnonzero(np.arange(sbm.n_nodes) % 3 != 1)
    A = sp.csr_array(sbm.adjacency)
    sub = gd.partition(A[nodes][:, nodes], client, 3, order="metis")
    full = gd.partition(sbm, client, 2, order="metis")
    X = np.random.default_rng(0).standard_normal((nodes.size, 2))
    Y = expand_rows(gd.BlockVector.from_numpy(sub, sub.to_partition_order(X)), full, nodes, n_cols=3)
    ref = np.zeros((sbm.n_nodes, 3))
    ref[nodes, :2] = X
    np.testing.assert_array_equal(full.to_input_order(Y.to_numpy()), ref)
    with pytest.raises(ValueError, match="n_cols"):
        expand_rows(gd.BlockVector.from_numpy(sub, X), full, nodes, n_cols=1)


def test_few_components_warn_and_give_the_single_process_labels(client):
    a = gc.datasets.sbm([300] * 2, p_in=0.05, p_out=0.002, random_state=1).adjacency
    b = gc.datasets.sbm([400] * 2, p_in=0.05, p_out=0.002, random_state=2).adjacency
    g = gc.as_graph(sp.block_diag([a, b, sp.csr_array((5, 5))], format="csr"))  # 2 components, 5 isolated nodes
    with pytest.warns(UserWarning, match="components are among the clusters"):
        ref = gc.SpectralClustering(4, random_state=0).fit_predict(g)
    with pytest.warns(UserWarning, match="components are among the clusters"):
        got = gc.SpectralClustering(4, random_state=0).fit_predict(gd.partition(g, client, 2))
    assert adjusted_rand_score(ref, got) == 1.0


@pytest.mark.parametrize("regularization", ["auto", 3.0])
def test_regularized_spectral_same_labels(client, regularization):
    g = gc.datasets.load("acm")  # 156 components: the regularized operator connects them
    ref = gc.SpectralClustering(3, regularization=regularization, random_state=0).fit(g)
    got = gc.SpectralClustering(3, regularization=regularization, random_state=0).fit(gd.partition(g, client, 2))
    assert adjusted_rand_score(ref.labels_, got.labels_) > 0.999
    np.testing.assert_allclose(got.eigenvalues_, ref.eigenvalues_, atol=1e-3)


@pytest.mark.parametrize("tol", ["auto", 1e-3])
def test_spectral_tol_auto_and_numeric_same_labels(client, sbm, tol):
    ref = gc.SpectralClustering(4, tol=tol, random_state=0).fit(sbm)
    got = gc.SpectralClustering(4, tol=tol, random_state=0).fit(gd.partition(sbm, client, 2))
    assert adjusted_rand_score(ref.labels_, got.labels_) == 1.0
    np.testing.assert_allclose(got.eigenvalues_, ref.eigenvalues_, atol=1e-3)


def test_spectral_options_without_a_distributed_path_are_refused(client, sbm):
    dg = gd.partition(sbm, client, 2)
    with pytest.raises(ValueError, match="eigen_solver"):
        gc.SpectralClustering(4, eigen_solver="lobpcg").fit(dg)
    with pytest.raises(ValueError, match="device"):
        gc.SpectralClustering(4, device="cuda").fit(dg)
    with pytest.raises(ValueError, match="regularization"):
        gc.SpectralClustering(4, regularization=-1.0).fit(dg)


def test_single_machine_estimators_refuse_a_distributed_graph(client, sbm):
    dg = gd.partition(sbm, client, 2)
    with pytest.raises(TypeError, match="one machine"):
        gc.BottomUpHierarchy(4).fit(dg)
