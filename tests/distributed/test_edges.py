"""partition_from_edges: the graph read in chunks on the workers, never whole on the client."""
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.metrics import adjusted_rand_score

import graphclust as gc

gd = pytest.importorskip("graphclust.distributed")


@pytest.fixture(scope="module")
def sbm():
    return gc.datasets.sbm([500] * 4, p_in=0.04, p_out=0.002, random_state=1)


def _chunks(A, n_chunks):
    U = sp.triu(sp.csr_array(A), k=1).tocoo()
    perm = np.random.default_rng(0).permutation(U.nnz)  # edges in no particular order
    return [(U.row[p], U.col[p], U.data[p]) for p in np.array_split(perm, n_chunks)]


def test_from_edge_files_same_operator_and_halos(client, sbm, tmp_path):
    A = sp.csr_array(sbm.adjacency)
    paths = []
    for c, (r, col, w) in enumerate(_chunks(A, 3)):
        if c == 0:
            paths.append(tmp_path / "e0.npy")
            np.save(paths[-1], np.column_stack([r, col, w.astype(np.int64)]))  # an (m, 3) integer array: unit weights
        else:
            paths.append(tmp_path / f"e{c}.npz")
            np.savez(paths[-1], row=r, col=col, weight=w)
    dg = gd.partition_from_edges([str(p) for p in paths], A.shape[0], client, 3, symmetrize=True)
    assert dg.source is None and dg.n_parts == 3 and dg.nnz.sum() == A.nnz
    assert max(dg.nnz) < 1.2 * A.nnz / 3  # nnz-balanced cuts
    X = np.random.default_rng(0).standard_normal((A.shape[0], 3))
    Y = gd.DistributedOperator(dg).matmat(gd.BlockVector.from_numpy(dg, X)).to_numpy()
    np.testing.assert_allclose(Y, A @ X, rtol=1e-12, atol=1e-12)
    for i in range(dg.n_parts):
        cols = np.unique(A[dg.bounds[i]:dg.bounds[i + 1]].indices)
        for j in range(dg.n_parts):
            if j != i:
                assert dg.halo_sizes[i, j] == ((cols >= dg.bounds[j]) & (cols < dg.bounds[j + 1])).sum()


def test_from_delayed_chunks_spectral_same_labels(client, sbm):
    import dask

    A = sp.csr_array(sbm.adjacency)
    sources = [dask.delayed(tuple)(c) for c in _chunks(A, 2)]
    dg = gd.partition_from_edges(sources, A.shape[0], client, symmetrize=True)
    ref = gc.SpectralClustering(4, random_state=0).fit_predict(sbm)
    assert adjusted_rand_score(ref, gc.SpectralClustering(4, random_state=0).fit_predict(dg)) == 1.0
    with pytest.raises(ValueError, match="features"):
        gc.S2CAG(4).fit(dg)
    with pytest.raises(ValueError, match="regularization='auto'"):
        gc.SpectralClustering(4, regularization="auto").fit(dg)


def test_disconnected_graph_without_client_copy_refused(client):
    import dask

    parts = [gc.datasets.sbm([100] * 2, p_in=0.1, p_out=0.01, random_state=s).adjacency for s in range(3)]
    A = sp.csr_array(sp.block_diag(parts, format="csr"))  # 3 components, 2 clusters
    dg = gd.partition_from_edges([dask.delayed(tuple)(c) for c in _chunks(A, 2)], A.shape[0], client,
                                 symmetrize=True)
    with pytest.raises(ValueError, match=r"largest-component rule.*partition\(graph, client\)"):
        gc.SpectralClustering(2, random_state=0).fit(dg)


def test_bad_edge_chunks(client):
    with pytest.raises(ValueError, match="sources"):
        gd.partition_from_edges([], 10, client)
    with pytest.raises(ValueError, match="outside"):
        gd.partition_from_edges([(np.array([0]), np.array([10]))], 10, client)
    with pytest.raises(ValueError, match="n_nodes"):
        gd.partition_from_edges([(np.array([0]), np.array([1]))], 0, client)
