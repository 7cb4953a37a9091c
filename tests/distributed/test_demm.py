"""DEMM+ on a DistributedMultiplexGraph against the single-process estimator."""
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.metrics import adjusted_rand_score

import graphclust as gc

gd = pytest.importorskip("graphclust.distributed")
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"


@pytest.fixture(scope="module")
def small():
    return gc.datasets.multiplex_sbm([300] * 3, degrees=(8, 8, 8), signals=(0.9, 0.6, 0.0), n_features=16,
                                     feature_signal=1.5, random_state=3)


@pytest.fixture(scope="module")
def msbm():
    # past the 20,000 rows k-means gathers whole: the distributed k-means seeds on a sample
    return gc.datasets.multiplex_sbm([7000] * 3, degrees=(10, 10, 10), signals=(0.9, 0.7, 0.0), n_features=32,
                                     feature_signal=1.5, random_state=0)


def _perm_matrix(dg, A):
    A = sp.csr_array(A)
    return A if dg.order is None else sp.csr_array(A[dg.order][:, dg.order])


@pytest.mark.parametrize("order", ["balanced", "metis"])
def test_multiplex_partition_shares_rows_and_exchanges_the_union_halo(client, small, order):
    dg = gd.partition(small, client, 3, order=order)
    assert isinstance(dg, gd.DistributedMultiplexGraph) and dg.n_relations == 3
    mats = [_perm_matrix(dg, A) for A in small.relations]
    X = np.random.default_rng(0).standard_normal((small.n_nodes, 4))
    Xb = gd.BlockVector.from_numpy(dg, X)
    for r, A in enumerate(mats):
        np.testing.assert_allclose(dg.relation_operator(r).matmat(Xb).to_numpy(), A @ X, rtol=1e-12, atol=1e-12)
    w = [0.5, 0.0, 2.0]
    ref = sum(wr * (A @ X) for wr, A in zip(w, mats))
    np.testing.assert_allclose(dg.weighted_sum(w).matmat(Xb).to_numpy(), ref, rtol=1e-12, atol=1e-12)
    # the halo of block i from block j is the set of j's rows that any relation's block-i rows touch
    union = sum(abs(A) for A in mats)
    for i in range(dg.n_parts):
        cols = np.unique(sp.csr_array(union[dg.bounds[i]:dg.bounds[i + 1]]).indices)
        for j in range(dg.n_parts):
            if j != i:
                assert dg.halo_sizes[i, j] == ((cols >= dg.bounds[j]) & (cols < dg.bounds[j + 1])).sum()
    np.testing.assert_array_equal(np.sort(dg.to_input_order(np.arange(small.n_nodes))), np.arange(small.n_nodes))


def test_relations_and_sketches_built_per_block_equal_the_single_process_ones(client, small):
    from graphclust.demm.energy import sketched_incidence
    from graphclust.demm.relations import normalized_relations
    from graphclust.distributed import demm as ddemm

    dg = gd.partition(small, client, 2, order="metis")
    A_hat, plain, fro = normalized_relations(small.relations)
    dA, dplain, dfro = ddemm.normalized_relations(dg)
    np.testing.assert_allclose(dfro, fro, rtol=1e-12)
    X = np.random.default_rng(1).standard_normal((small.n_nodes, 3))
    Xb = gd.BlockVector.from_numpy(dg, dg.to_partition_order(X))
    for r in range(3):
        got = dg.to_input_order(gd.DistributedOperator(dg, dA[r]).matmat(Xb).to_numpy())
        np.testing.assert_allclose(got, A_hat[r] @ X, rtol=1e-12, atol=1e-14)
    gens = [np.random.default_rng(s) for s in (5, 6, 7)]
    sketches = ddemm.sketched_incidences(dg, dplain, [8, 9, 10], gens, self_loop=1.0, eps=1e-10)
    for r, (E, m, s) in enumerate(zip(sketches, [8, 9, 10], (5, 6, 7))):
        ref = sketched_incidence(plain[r], m, np.random.default_rng(s), self_loop=1.0, eps=1e-10)
        np.testing.assert_allclose(dg.to_input_order(E.to_numpy()), ref, rtol=1e-12, atol=1e-14)


def _same_fit(ref, got):
    assert adjusted_rand_score(ref.labels_, got.labels_) == 1.0
    np.testing.assert_allclose(got.weight_history_, ref.weight_history_, atol=1e-9)
    for r, e in ref.energies_.items():
        assert got.energies_[r] == pytest.approx(e, rel=1e-9)


@pytest.fixture(scope="module")
def msbm_ref(msbm):
    params = dict(n_outer=3, random_state=0)  # a short stage I: the distributed steps are the same at any length
    return params, gc.DEMMPlus(3, **params).fit(msbm)


@pytest.fixture(scope="module")
def acm():
    g = gc.datasets.load("acm_multiplex", data_home=SHARED)
    params = dict(dim=32, n_outer=3, random_state=0)
    return g, params, gc.DEMMPlus(3, **params).fit(g)


@pytest.mark.parametrize("n_workers", [1, 2, 3])
def test_demm_plus_same_labels_and_weights_as_single_process(cluster_factory, msbm, msbm_ref, n_workers):
    params, ref = msbm_ref
    got = gc.DEMMPlus(3, **params).fit(gd.partition(msbm, cluster_factory(n_workers)))
    _same_fit(ref, got)
    assert adjusted_rand_score(msbm.labels, got.labels_) > 0.99
    assert min(got.relation_weights_, key=got.relation_weights_.get) == "noise"
    assert isinstance(got.embedding_, gd.BlockVector) and got.embedding_.shape == (msbm.n_nodes, 32)


@pytest.mark.parametrize("n_workers", [1, 2, 3])
def test_demm_plus_on_shipped_acm_multiplex(cluster_factory, acm, n_workers):
    g, params, ref = acm
    client = cluster_factory(n_workers)
    # METIS reorders the rows: the sample, the k-means draws and the labels stay in the input order
    got = gc.DEMMPlus(3, **params).fit(gd.partition(g, client, order="metis" if n_workers == 2 else "balanced"))
    _same_fit(ref, got)
    assert adjusted_rand_score(g.labels, got.labels_) > 0.5


def test_demm_plus_float32_fixed_seed_and_initial_weights(client, small):
    params = dict(dtype="float32", weights={"noise": 2.0, "signal_0.9": 1.0, "signal_0.6": 1.0}, n_outer=2,
                  random_state=gc.seeding.FixedSeed(42))
    ref = gc.DEMMPlus(3, **params).fit(small)
    got = gc.DEMMPlus(3, **params).fit(gd.partition(small, client, 2))
    assert adjusted_rand_score(ref.labels_, got.labels_) == 1.0
    np.testing.assert_allclose(got.weight_history_, ref.weight_history_, atol=1e-5)


def test_demm_refusals_on_distributed_graphs(client, small):
    dg = gd.partition(small, client, 2)
    with pytest.raises(ValueError, match="DEMM-NA"):
        gc.DEMMPlus(3, use_features=False).fit(dg)
    with pytest.raises(TypeError, match="MultiplexGraph"):
        gc.DEMMPlus(3).fit(gd.partition(small.relations[0], client, 2))
    with pytest.raises(TypeError, match="one machine"):
        gc.DEMM(3).fit(dg)
    with pytest.raises(ValueError, match="device"):
        gc.DEMMPlus(3, device="cuda").fit(dg)
    n = 40
    ring = sp.csr_array(sp.diags_array([np.ones(n - 1), np.ones(n - 1)], offsets=[-1, 1]))
    rings = gd.partition(gc.as_multiplex([ring, ring]), client, 2)
    with pytest.raises(ValueError, match="union pattern"):
        rings.scatter_relation(ring + sp.csr_array(([1.0, 1.0], ([0, n - 1], [n - 1, 0])), shape=(n, n)))
