"""Tests of graphclust.io: edge lists (.txt/.csv/.tsv, weights, string ids, gzip),
MatrixMarket (a reference file of ../shared) and graphclust's npz format."""
from __future__ import annotations

import gzip

import numpy as np
import pytest
import scipy.io
import scipy.sparse as sp

from graphclust import io
from graphclust.graph import Graph, MultiplexGraph


def dense(g):
    return g.adjacency.toarray()


def test_txt_integer_ids_unweighted(tmp_path):
    p = tmp_path / "g.txt"
    p.write_text("# a comment\n0 1\n1 2\n\n2 0\n3 4\n")
    g = io.read(p)
    assert isinstance(g, Graph)
    assert g.n_nodes == 5 and g.n_edges == 4
    assert g.node_ids is None
    assert not g.is_weighted
    expected = np.zeros((5, 5))
    for u, v in [(0, 1), (1, 2), (2, 0), (3, 4)]:
        expected[u, v] = expected[v, u] = 1
    np.testing.assert_array_equal(dense(g), expected)
    assert g.name == "g"


def test_csv_string_ids_and_weights(tmp_path):
    p = tmp_path / "w.csv"
    p.write_text("alice,bob,2.5\nbob,carol\ncarol, dave ,0.5\n")
    g = io.read(p)
    assert g.node_ids.tolist() == ["alice", "bob", "carol", "dave"]  # sorted
    A = dense(g)
    assert A[0, 1] == A[1, 0] == 2.5
    assert A[1, 2] == A[2, 1] == 1.0  # missing weight -> 1
    assert A[2, 3] == A[3, 2] == 0.5
    assert g.n_edges == 3 and g.is_weighted
    assert g.ids([3])[0] == "dave"


def test_tsv_both_directions_and_max_weight(tmp_path):
    p = tmp_path / "e.tsv"
    p.write_text("0\t1\t1.0\n1\t0\t3.0\n1\t2\t2.0\n")
    g = io.read(p)
    np.testing.assert_array_equal(dense(g), [[0, 3, 0], [3, 0, 2], [0, 2, 0]])
    gd = io.read(p, directed=True)
    assert gd.directed
    np.testing.assert_array_equal(dense(gd), [[0, 1, 0], [3, 0, 2], [0, 0, 0]])


def test_gzip_one_based_and_custom_delimiter(tmp_path):
    p = tmp_path / "e.txt.gz"
    with gzip.open(p, "wt") as fh:
        fh.write("1;2\n2;3\n")
    g = io.read(p, delimiter=";", one_based=True)
    assert g.n_nodes == 3
    np.testing.assert_array_equal(dense(g), [[0, 1, 0], [1, 0, 1], [0, 1, 0]])


def test_edgelist_matches_networkx_reader(tmp_path):
    nx = pytest.importorskip("networkx")
    rng = np.random.default_rng(0)
    G = nx.gnm_random_graph(50, 120, seed=1)
    for u, v in G.edges:
        G[u][v]["weight"] = float(np.round(rng.uniform(0.1, 3.0), 3))
    p = tmp_path / "r.txt"
    nx.write_weighted_edgelist(G, p)
    g = io.read(p)
    nodes = sorted(G.nodes)
    ref = nx.to_scipy_sparse_array(G, nodelist=nodes).toarray()
    # the reader sizes the graph by the largest id in the file (isolated nodes are not written)
    n = max(max(e) for e in G.edges) + 1
    assert g.n_nodes == n
    np.testing.assert_allclose(dense(g), ref[:n, :n])


def test_edgelist_errors(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_text("0 1\n2\n")
    with pytest.raises(ValueError, match=r"bad.txt:2: expected 'u v \[weight\]'"):
        io.read(p)
    p.write_text("0 1 heavy\n")
    with pytest.raises(ValueError, match="weight 'heavy' is not a number"):
        io.read(p)
    p.write_text("# only comments\n\n")
    with pytest.raises(ValueError, match="no edges found"):
        io.read(p)
    p.write_text("0 1 -2\n")
    with pytest.raises(ValueError, match="negative"):
        io.read(p)
    p.write_text("0 1\n")
    with pytest.raises(ValueError, match="negative node id"):
        io.read(p, one_based=True)
    q = tmp_path / "g.graphml"
    q.write_text("<graphml/>")
    with pytest.raises(ValueError, match="unknown graph file type '.graphml'"):
        io.read(q)
    with pytest.raises(FileNotFoundError, match="no such file"):
        io.read(tmp_path / "missing.txt")


def test_mtx_reference_file(shared_datasets):
    path = shared_datasets / "reference" / "bcm_sample2.mtx"
    g = io.read(path)
    ref = sp.csr_array(scipy.io.mmread(str(path)))
    assert g.n_nodes == 400 == ref.shape[0]
    np.testing.assert_array_equal(dense(g), ref.toarray())
    assert g.n_edges == 1008  # the header's count of stored (lower-triangle) entries
    assert g.adjacency.dtype == np.float64 and g.adjacency.has_sorted_indices
    assert g.name == "bcm_sample2"


def test_mtx_roundtrip_general_matrix(tmp_path):
    A = sp.random(30, 30, density=0.1, random_state=0, format="csr")
    A = A + A.T
    p = tmp_path / "m.mtx"
    scipy.io.mmwrite(str(p), A, symmetry="general")
    g = io.read(p)
    np.testing.assert_allclose(dense(g), A.toarray())
    # an asymmetric file needs symmetrize=True
    scipy.io.mmwrite(str(p), sp.triu(A, 1), symmetry="general")
    with pytest.raises(ValueError, match="not symmetric"):
        io.read(p)
    np.testing.assert_allclose(dense(io.read(p, symmetrize=True)), A.toarray() - np.diag(A.diagonal()))


def write_npz(path, A, X=None, labels=None, name=None, dense_x=False):
    A = sp.csr_array(A)
    d = {"adj_indptr": A.indptr, "adj_indices": A.indices, "adj_data": A.data.astype(np.float32),
         "adj_shape": np.array(A.shape)}
    if X is not None:
        if dense_x:
            d["x"] = np.asarray(X)
        else:
            X = sp.csr_array(X)
            d.update(x_indptr=X.indptr, x_indices=X.indices, x_data=X.data, x_shape=np.array(X.shape))
    if labels is not None:
        d["labels"] = np.asarray(labels, dtype=np.int64)
    if name is not None:
        d["name"] = np.array(name)
    np.savez_compressed(path, **d)


def test_npz_single_graph(tmp_path):
    A = np.array([[0, 1, 1, 0], [1, 0, 0, 0], [1, 0, 0, 1], [0, 0, 1, 0]], dtype=float)
    X = np.eye(4, 3)
    y = [0, 0, 1, -1]
    p = tmp_path / "tiny.npz"
    write_npz(p, A, X, y, name="tiny_graph")
    g = io.read(p)
    assert g.name == "tiny_graph"
    np.testing.assert_array_equal(dense(g), A)
    assert g.adjacency.dtype == np.float64
    assert sp.issparse(g.features)
    np.testing.assert_array_equal(g.features.toarray(), X)
    np.testing.assert_array_equal(g.labels, y)
    # dense features, no labels, name from the file stem
    q = tmp_path / "dense.npz"
    write_npz(q, A, X, dense_x=True)
    g = io.read(q)
    assert g.name == "dense" and g.labels is None
    assert isinstance(g.features, np.ndarray)
    np.testing.assert_array_equal(g.features, X)


def test_npz_multiplex(tmp_path):
    A = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=float)
    B = np.array([[0, 0, 2], [0, 0, 0], [2, 0, 0]], dtype=float)
    d = {"relations": np.array(["PAP", "PLP"]), "labels": np.array([0, 1, 1]), "name": np.array("mx")}
    for i, M in enumerate([A, B]):
        M = sp.csr_array(M)
        d.update({f"rel{i}_indptr": M.indptr, f"rel{i}_indices": M.indices, f"rel{i}_data": M.data,
                  f"rel{i}_shape": np.array(M.shape)})
    p = tmp_path / "mx.npz"
    np.savez(p, **d)
    m = io.read(p)
    assert isinstance(m, MultiplexGraph)
    assert m.relation_names == ["PAP", "PLP"] and m.name == "mx"
    np.testing.assert_array_equal(m.relations[0].toarray(), A)
    np.testing.assert_array_equal(m.relations[1].toarray(), B)
    np.testing.assert_array_equal(m.labels, [0, 1, 1])


def test_npz_not_graphclust_format(tmp_path):
    p = tmp_path / "other.npz"
    np.savez(p, a=np.ones(3))
    with pytest.raises(ValueError, match="not a graphclust npz file"):
        io.read(p)


def test_shared_npz_equals_shipped(shared_datasets):
    from graphclust import datasets

    g = io.read(shared_datasets / "cora.npz")
    ref = datasets.load("cora")
    assert g.n_nodes == ref.n_nodes
    assert (g.adjacency != ref.adjacency).nnz == 0
    np.testing.assert_array_equal(g.labels, ref.labels)
    assert (g.features != ref.features).nnz == 0
