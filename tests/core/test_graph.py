"""Tests of graphclust.graph: every input type of as_graph / as_multiplex, every validation
error, canonical form, and that inputs are never modified.

Expected adjacencies are built independently (dense numpy from the edge list, networkx's own
matrices) and compared with what as_graph returns.
"""
from __future__ import annotations

import copy

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from graphclust.graph import Graph, MultiplexGraph, as_graph, as_multiplex

# --------------------------------------------------------------------------- helpers


def random_symmetric(n: int = 12, density: float = 0.3, seed: int = 0, weighted: bool = True) -> np.ndarray:
    """Dense symmetric non-negative matrix without self-loops (the reference)."""
    rng = np.random.default_rng(seed)
    mask = np.triu(rng.random((n, n)) < density, 1)
    w = rng.uniform(0.5, 3.0, (n, n)) if weighted else np.ones((n, n))
    D = np.where(mask, w, 0.0)
    return D + D.T


def assert_canonical(A) -> None:
    """float64 CSR, sorted indices, no duplicates, no explicit zeros."""
    assert isinstance(A, sp.csr_array)
    assert A.dtype == np.float64
    assert A.has_sorted_indices
    # recompute instead of trusting the cached flags
    for i in range(A.shape[0]):
        row = A.indices[A.indptr[i]:A.indptr[i + 1]]
        assert np.all(np.diff(row) > 0), "indices must be strictly increasing (sorted, no duplicates)"
    assert np.all(A.data != 0), "explicit zeros must be removed"


def sparse_snapshot(M):
    """Copies of the arrays that define a scipy sparse matrix of any format."""
    if M.format in ("csr", "csc", "bsr"):
        return [M.data.copy(), M.indices.copy(), M.indptr.copy()]
    if M.format == "coo":
        return [M.data.copy(), np.asarray(M.row).copy(), np.asarray(M.col).copy()]
    return [M.toarray().copy()]


def assert_same_snapshot(before, after):
    assert len(before) == len(after)
    for a, b in zip(before, after):
        np.testing.assert_array_equal(a, b)


# --------------------------------------------------------------------------- scipy / numpy inputs

FORMATS = ["csr", "csc", "coo", "lil", "dok", "bsr", "dia"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", ["matrix", "array"])
def test_scipy_formats(fmt, kind):
    D = random_symmetric()
    M = (sp.csr_matrix(D) if kind == "matrix" else sp.csr_array(D)).asformat(fmt)
    before = sparse_snapshot(M)
    g = as_graph(M)
    assert_canonical(g.adjacency)
    np.testing.assert_array_equal(g.adjacency.toarray(), D)
    assert g.n_nodes == D.shape[0]
    assert g.n_edges == int((D != 0).sum() // 2)
    assert not g.directed and g.device == "cpu"
    assert g.node_ids is None
    assert_same_snapshot(before, sparse_snapshot(M))


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float32, np.float64, bool])
def test_dtypes_become_float64(dtype):
    D = random_symmetric(weighted=False).astype(dtype)
    g = as_graph(sp.coo_matrix(D))
    assert_canonical(g.adjacency)
    np.testing.assert_array_equal(g.adjacency.toarray(), D.astype(np.float64))
    g2 = as_graph(D)
    assert_canonical(g2.adjacency)


def test_canonical_form_duplicates_unsorted_explicit_zeros():
    # Row 0 holds (col 2, 1.0), (col 1, 2.0), (col 2, 3.0), (col 0, 0.0): unsorted, a duplicate
    # and an explicit zero. The intended matrix is [[0, 2, 4], [2, 0, 0], [4, 0, 0]].
    data = np.array([1.0, 2.0, 3.0, 0.0, 2.0, 0.0, 4.0])
    indices = np.array([2, 1, 2, 0, 0, 1, 0])
    indptr = np.array([0, 4, 6, 7])
    M = sp.csr_matrix((data, indices, indptr), shape=(3, 3))
    before = sparse_snapshot(M)
    g = as_graph(M)
    assert_canonical(g.adjacency)
    np.testing.assert_array_equal(g.adjacency.toarray(), [[0, 2, 4], [2, 0, 0], [4, 0, 0]])
    assert g.adjacency.nnz == 4
    assert_same_snapshot(before, sparse_snapshot(M))

    # COO duplicates summed
    C = sp.coo_array((np.array([1.0, 1.0, 2.0]), (np.array([0, 0, 1]), np.array([1, 1, 0]))), shape=(2, 2))
    g = as_graph(C)
    np.testing.assert_array_equal(g.adjacency.toarray(), [[0, 2], [2, 0]])
    assert g.adjacency.nnz == 2


def test_dense_numpy_and_lists():
    D = random_symmetric(8)
    D0 = D.copy()
    g = as_graph(D)
    assert_canonical(g.adjacency)
    np.testing.assert_array_equal(g.adjacency.toarray(), D)
    np.testing.assert_array_equal(D, D0)
    # the graph owns its data: modifying the input afterwards changes nothing
    D[0, 1] = D[1, 0] = 99.0
    assert g.adjacency.toarray()[0, 1] != 99.0

    g = as_graph([[0, 1, 0], [1, 0, 1], [0, 1, 0]])
    np.testing.assert_array_equal(g.adjacency.toarray(), [[0, 1, 0], [1, 0, 1], [0, 1, 0]])
    # a 2 x 2 integer array without num_nodes is a dense adjacency
    g = as_graph(np.array([[0, 1], [1, 0]]))
    assert g.n_nodes == 2 and g.n_edges == 1


def test_torch_dense_tensor_input():
    torch = pytest.importorskip("torch")
    D = random_symmetric(6)
    T = torch.tensor(D)
    T0 = T.clone()
    g = as_graph(T)
    np.testing.assert_array_equal(g.adjacency.toarray(), D)
    assert torch.equal(T, T0)


# --------------------------------------------------------------------------- edge index


def test_edge_index_with_trailing_isolated_nodes():
    ei = np.array([[0, 1, 1, 2], [1, 0, 2, 1]])
    ei0 = ei.copy()
    g = as_graph(ei, num_nodes=6)
    assert g.n_nodes == 6 and g.n_edges == 2
    expected = np.zeros((6, 6))
    expected[0, 1] = expected[1, 0] = expected[1, 2] = expected[2, 1] = 1
    np.testing.assert_array_equal(g.adjacency.toarray(), expected)
    np.testing.assert_array_equal(g.degrees(), expected.sum(1))
    np.testing.assert_array_equal(ei, ei0)
    # without num_nodes the graph ends at the largest index
    assert as_graph(ei).n_nodes == 3


def test_edge_index_weights_symmetrize_and_list():
    ei = [[0, 1, 2], [1, 2, 0]]  # a directed triangle, as a list
    with pytest.raises(ValueError, match="not symmetric"):
        as_graph(ei)
    w = np.array([1.0, 2.0, 3.0])
    g = as_graph(ei, edge_weight=w, symmetrize=True)
    np.testing.assert_array_equal(g.adjacency.toarray(), [[0, 1, 3], [1, 0, 2], [3, 2, 0]])
    g = as_graph(ei, edge_weight=w, directed=True)
    assert g.directed and g.n_edges == 3
    np.testing.assert_array_equal(g.adjacency.toarray(), [[0, 1, 0], [0, 0, 2], [3, 0, 0]])
    # a 2 x 2 integer array with num_nodes is an edge index
    g = as_graph(np.array([[0, 1], [1, 0]]), num_nodes=4)
    assert g.n_nodes == 4 and g.n_edges == 1
    # repeated edges add up
    g = as_graph(np.array([[0, 0, 1, 1], [1, 1, 0, 0]]))
    np.testing.assert_array_equal(g.adjacency.toarray(), [[0, 2], [2, 0]])


def test_edge_index_errors():
    with pytest.raises(ValueError, match="out of range"):
        as_graph(np.array([[0, 1, 5], [1, 0, 0]]), num_nodes=3, symmetrize=True)
    with pytest.raises(ValueError, match="out of range"):
        as_graph(np.array([[0, -1, 2], [1, 0, 0]]), symmetrize=True)
    with pytest.raises(ValueError, match="edge_weight has 2 entries for 3 edges"):
        as_graph(np.array([[0, 1, 2], [1, 2, 0]]), edge_weight=[1.0, 2.0], symmetrize=True)
    with pytest.raises(ValueError, match="empty"):
        as_graph(np.zeros((2, 0), dtype=np.int64))


def test_torch_edge_index_tensor():
    torch = pytest.importorskip("torch")
    ei = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])
    ei0 = ei.clone()
    g = as_graph(ei, num_nodes=4)
    assert g.n_nodes == 4 and g.n_edges == 2
    assert torch.equal(ei, ei0)


# --------------------------------------------------------------------------- networkx


def test_networkx_string_ids_weights_and_order():
    G = nx.Graph()
    G.add_nodes_from(["c", "a", "b", "z"])  # insertion order is kept, not sorted
    G.add_edge("a", "b", weight=2.0)
    G.add_edge("c", "a", weight=0.5)
    G.add_edge("b", "b", weight=1.5)  # self-loop
    edges_before = sorted((u, v, tuple(sorted(d.items()))) for u, v, d in G.edges(data=True))
    g = as_graph(G)
    assert g.node_ids.tolist() == ["c", "a", "b", "z"]
    assert g.ids([1, 2]).tolist() == ["a", "b"]
    A = g.adjacency.toarray()
    assert A[1, 2] == A[2, 1] == 2.0
    assert A[0, 1] == A[1, 0] == 0.5
    assert A[2, 2] == 1.5
    assert A[3].sum() == 0  # isolated node kept
    assert g.n_edges == G.number_of_edges() == 3
    assert g.is_weighted
    # unweighted reading
    gu = as_graph(G, weight=None)
    assert set(np.unique(gu.adjacency.data)) == {1.0}
    assert not gu.is_weighted
    # matches networkx's own sparse matrix in the same node order
    ref = nx.to_scipy_sparse_array(G, nodelist=list(G.nodes), weight="weight").toarray()
    np.testing.assert_array_equal(A, ref)
    edges_after = sorted((u, v, tuple(sorted(d.items()))) for u, v, d in G.edges(data=True))
    assert edges_before == edges_after
    assert list(G.nodes) == ["c", "a", "b", "z"]


def test_networkx_integer_ids_not_range_and_mixed_ids():
    G = nx.Graph([(10, 20), (20, 30)])
    g = as_graph(G)
    assert g.node_ids.tolist() == [10, 20, 30]
    assert g.ids(np.array([0, 2])).tolist() == [10, 30]
    G = nx.path_graph(4)
    assert as_graph(G).node_ids is None
    # mixed id types keep their types (the int 1 must not become the string "1")
    G = nx.Graph([(1, "a"), ("a", 2.5)])
    ids = as_graph(G).ids([0, 1, 2]).tolist()
    assert ids == [1, "a", 2.5]
    assert isinstance(ids[0], int)
    # tuple ids (grid graphs)
    G = nx.grid_2d_graph(2, 3)
    g = as_graph(G)
    assert g.ids([0])[0] == list(G.nodes)[0]
    assert g.n_edges == G.number_of_edges()


def test_networkx_features_and_labels_from_attributes():
    G = nx.karate_club_graph()
    for v in G.nodes:
        G.nodes[v]["vec"] = [v, 2 * v]
    g = as_graph(G, weight=None, features="vec", labels="club")
    assert g.features.shape == (34, 2)
    np.testing.assert_array_equal(g.features[:, 1], 2 * np.arange(34))
    clubs = [G.nodes[v]["club"] for v in G.nodes]
    expected = np.unique(clubs, return_inverse=True)[1]
    np.testing.assert_array_equal(g.labels, expected)
    assert g.labels.dtype == np.int64
    with pytest.raises(ValueError, match="no attribute 'missing'"):
        as_graph(G, features="missing")


def test_networkx_never_densified(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("networkx input must not be densified")

    monkeypatch.setattr(nx, "to_numpy_array", boom)
    monkeypatch.setattr(nx, "adjacency_matrix", boom, raising=False)
    # 60k nodes: a dense float64 matrix would need 29 GB (more than this machine has)
    G = nx.path_graph(60_000)
    g = as_graph(G)
    assert g.n_nodes == 60_000 and g.n_edges == 59_999


def test_networkx_digraph():
    D = nx.DiGraph()
    D.add_weighted_edges_from([(0, 1, 2.0), (1, 0, 2.0), (1, 2, 1.0), (2, 1, 1.0)])
    g = as_graph(D)
    assert not g.directed and g.n_edges == 2
    np.testing.assert_array_equal(g.adjacency.toarray(), [[0, 2, 0], [2, 0, 1], [0, 1, 0]])
    D.add_edge(2, 0, weight=5.0)
    with pytest.raises(ValueError, match="not symmetric"):
        as_graph(D)
    gd = as_graph(D, directed=True)
    assert gd.directed and gd.n_edges == 5
    gs = as_graph(D, symmetrize=True)
    assert gs.adjacency.toarray()[0, 2] == gs.adjacency.toarray()[2, 0] == 5.0


def test_networkx_multigraph_weights_summed():
    M = nx.MultiGraph()
    M.add_edge(0, 1, weight=1.0)
    M.add_edge(0, 1, weight=2.0)
    M.add_edge(1, 2)
    g = as_graph(M)
    np.testing.assert_array_equal(g.adjacency.toarray(), [[0, 3, 0], [3, 0, 1], [0, 1, 0]])


# --------------------------------------------------------------------------- torch_geometric


def test_pyg_data():
    torch = pytest.importorskip("torch")
    Data = pytest.importorskip("torch_geometric.data").Data
    ei = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])
    ew = torch.tensor([1.0, 1.0, 3.0, 3.0])
    x = torch.randn(5, 4)
    y = torch.tensor([0, 1, 0, 1, -1])
    data = Data(edge_index=ei, edge_weight=ew, x=x, y=y, num_nodes=5)
    saved = {k: v.clone() for k, v in [("ei", ei), ("ew", ew), ("x", x), ("y", y)]}
    g = as_graph(data)
    assert g.n_nodes == 5 and g.n_edges == 2  # nodes 3, 4 isolated, from num_nodes
    expected = np.zeros((5, 5))
    expected[0, 1] = expected[1, 0] = 1
    expected[1, 2] = expected[2, 1] = 3
    np.testing.assert_array_equal(g.adjacency.toarray(), expected)
    np.testing.assert_allclose(g.features, x.numpy())
    assert isinstance(g.features, np.ndarray)
    np.testing.assert_array_equal(g.labels, [0, 1, 0, 1, -1])
    assert g.labels.dtype == np.int64
    # float32 features are used without a copy, read-only: the graph cannot change the tensor
    assert np.shares_memory(g.features, x.numpy())
    with pytest.raises(ValueError, match="read-only"):
        g.features[0, 0] = 1234.0
    for key, t in [("ei", ei), ("ew", ew), ("x", x), ("y", y)]:
        assert torch.equal(t, saved[key])
    # features given to as_graph override Data.x
    g2 = as_graph(data, features=np.ones((5, 2)))
    assert g2.features.shape == (5, 2)
    # unweighted Data without edge_weight
    g3 = as_graph(Data(edge_index=ei, num_nodes=3))
    assert not g3.is_weighted


def test_pyg_data_errors():
    torch = pytest.importorskip("torch")
    Data = pytest.importorskip("torch_geometric.data").Data
    with pytest.raises(ValueError, match="out of range"):
        as_graph(Data(edge_index=torch.tensor([[0, 4], [4, 0]]), num_nodes=3))
    with pytest.raises(TypeError, match="integer"):
        as_graph(Data(edge_index=torch.tensor([[0.0, 1.0], [1.0, 0.0]]), num_nodes=2))
    with pytest.raises(ValueError, match="features has 2 rows"):
        as_graph(Data(edge_index=torch.tensor([[0, 1], [1, 0]]), x=torch.ones(2, 3), num_nodes=3))


# --------------------------------------------------------------------------- Graph passthrough


def test_graph_passthrough_and_overrides():
    D = random_symmetric(6)
    g = as_graph(D, name="g")
    assert as_graph(g) is g
    assert as_graph(g, device="cpu") is g
    X = np.arange(12.0).reshape(6, 2)
    g2 = as_graph(g, features=X, labels=[0, 0, 1, 1, 2, 2])
    assert g2 is not g
    assert g.features is None and g.labels is None  # original untouched
    assert g2.adjacency is g.adjacency  # shallow copy
    np.testing.assert_array_equal(g2.features, X)
    np.testing.assert_array_equal(g2.labels, [0, 0, 1, 1, 2, 2])
    with pytest.raises(ValueError, match="features has 3 rows"):
        as_graph(g, features=np.ones((3, 2)))
    # a directed Graph is re-validated when an undirected one is asked for
    gd = as_graph(np.array([[0, 1], [0, 0]]), directed=True)
    with pytest.raises(ValueError, match="not symmetric"):
        as_graph(gd)
    gs = as_graph(gd, symmetrize=True)
    assert not gs.directed and gs.n_edges == 1
    # a MultiplexGraph is not a single graph
    with pytest.raises(TypeError, match="MultiplexGraph"):
        as_graph(as_multiplex([D, D]))


def test_graph_properties():
    D = np.array([[1.0, 2, 0], [2, 0, 1], [0, 1, 0]])  # self-loop at node 0
    g = as_graph(D, name="tiny")
    assert g.n_nodes == 3
    assert g.n_edges == 3  # (0,0), (0,1), (1,2)
    np.testing.assert_array_equal(g.degrees(), D.sum(1))
    assert g.is_weighted
    assert not g.has_features
    assert g.to("cpu") is g
    np.testing.assert_array_equal(g.ids([2, 0]), [2, 0])
    text = repr(g)
    assert "n_nodes=3" in text and "'tiny'" in text


# --------------------------------------------------------------------------- features and labels


def test_features_dense_sparse_and_copies():
    D = random_symmetric(5)
    X = np.arange(10, dtype=np.int64).reshape(5, 2)
    X0 = X.copy()
    g = as_graph(D, features=X)
    assert g.features.dtype == np.float64
    np.testing.assert_array_equal(g.features, X)
    g.features[0, 0] = -7  # integer features were converted: a copy the graph owns
    np.testing.assert_array_equal(X, X0)

    # accepted dtype and layout: no copy (a read-only view), whatever the order
    for F in (np.random.default_rng(0).random((5, 3)), np.asfortranarray(np.ones((5, 3), np.float32))):
        F0 = F.copy()
        gf = as_graph(D, features=F)
        assert np.shares_memory(gf.features, F) and gf.features.dtype == F.dtype
        assert not gf.features.flags.writeable and F.flags.writeable
        np.testing.assert_array_equal(F, F0)
    # a strided slice or float16 is copied once to a contiguous accepted dtype
    S = np.ones((5, 6))[:, ::2]
    assert not np.shares_memory(as_graph(D, features=S).features, S)
    assert as_graph(D, features=np.ones((5, 2), np.float16)).features.dtype == np.float64

    Xs = sp.csc_matrix(np.eye(5, 3))
    snap = sparse_snapshot(Xs)
    gs = as_graph(D, features=Xs)
    assert isinstance(gs.features, sp.csr_array) and gs.features.dtype == np.float64
    np.testing.assert_array_equal(gs.features.toarray(), np.eye(5, 3))
    assert_same_snapshot(snap, sparse_snapshot(Xs))

    # a 1-D feature vector is one column
    assert as_graph(D, features=np.arange(5.0)).features.shape == (5, 1)


def test_feature_errors():
    D = random_symmetric(5)
    with pytest.raises(ValueError, match="features has 4 rows but the graph has 5 nodes"):
        as_graph(D, features=np.ones((4, 3)))
    with pytest.raises(ValueError, match="features has 6 rows"):
        as_graph(D, features=sp.csr_array(np.ones((6, 3))))
    X = np.ones((5, 3))
    X[2, 1] = np.nan
    with pytest.raises(ValueError, match="features has non-finite"):
        as_graph(D, features=X)
    X[2, 1] = np.inf
    with pytest.raises(ValueError, match="features has non-finite"):
        as_graph(D, features=sp.csr_array(X))
    with pytest.raises(ValueError, match="features must be 2-D"):
        as_graph(D, features=np.ones((5, 2, 2)))
    with pytest.raises(TypeError, match="features must be numeric"):
        as_graph(D, features=np.array([["a"]] * 5))


def test_labels():
    D = random_symmetric(4)
    g = as_graph(D, labels=[1.0, 0.0, -1.0, 1.0])
    assert g.labels.dtype == np.int64
    np.testing.assert_array_equal(g.labels, [1, 0, -1, 1])
    g = as_graph(D, labels=["b", "a", "b", "c"])
    np.testing.assert_array_equal(g.labels, [1, 0, 1, 2])
    y = np.array([3, 3, 1, 1])
    g = as_graph(D, labels=y)
    g.labels[0] = 0
    assert y[0] == 3
    with pytest.raises(ValueError, match="labels must be 1-D with one entry per node"):
        as_graph(D, labels=[0, 1])


# --------------------------------------------------------------------------- validation errors


def test_non_square():
    with pytest.raises(ValueError, match="square"):
        as_graph(np.ones((3, 4)))
    with pytest.raises(ValueError, match="square"):
        as_graph(sp.csr_array(np.ones((3, 4))))
    with pytest.raises(ValueError, match="2-D"):
        as_graph(np.ones(5))


def test_asymmetric_symmetrize_directed():
    A = np.array([[0, 2.0, 0], [1.0, 0, 3.0], [0, 0, 0]])
    A0 = A.copy()
    with pytest.raises(ValueError, match="not symmetric"):
        as_graph(A)
    with pytest.raises(ValueError, match="not symmetric"):
        as_graph(sp.csr_array(A))
    gs = as_graph(A, symmetrize=True)
    np.testing.assert_array_equal(gs.adjacency.toarray(), np.maximum(A, A.T))
    assert not gs.directed
    gd = as_graph(A, directed=True)
    assert gd.directed
    np.testing.assert_array_equal(gd.adjacency.toarray(), A)
    assert gd.n_edges == 3
    np.testing.assert_array_equal(A, A0)
    # rounding-level asymmetry is tolerated
    B = random_symmetric(6)
    B[0, 1] *= 1 + 1e-14
    as_graph(B)


@pytest.mark.parametrize("container", [np.asarray, sp.csr_array, sp.coo_matrix])
def test_negative_and_non_finite_weights(container):
    A = random_symmetric(5)
    A[0, 1] = A[1, 0] = -1.0
    with pytest.raises(ValueError, match="negative"):
        as_graph(container(A))
    for bad in (np.nan, np.inf, -np.inf):
        A = random_symmetric(5)
        A[0, 1] = A[1, 0] = bad
        with pytest.raises(ValueError, match="non-finite"):
            as_graph(container(A))


def test_negative_weights_networkx():
    G = nx.Graph()
    G.add_edge("a", "b", weight=-2.0)
    with pytest.raises(ValueError, match="negative"):
        as_graph(G)


def test_empty_graph():
    with pytest.raises(ValueError, match="empty"):
        as_graph(np.zeros((0, 0)))
    with pytest.raises(ValueError, match="empty"):
        as_graph(sp.csr_array((0, 0)))
    with pytest.raises(ValueError, match="empty"):
        as_graph(nx.Graph())
    # nodes without edges are a valid (edgeless) graph here; estimators refuse it later
    g = as_graph(sp.csr_array((4, 4)))
    assert g.n_nodes == 4 and g.n_edges == 0


def test_wrong_types():
    for bad in ("graph", 3.5, {"a": 1}, object(), None):
        with pytest.raises(TypeError, match="cannot read a graph"):
            as_graph(bad)
    with pytest.raises(TypeError, match="Python objects"):
        as_graph(np.array([[None, 1], [1, None]], dtype=object))
    with pytest.raises(TypeError, match="numeric"):
        as_graph(np.array([["a", "b"], ["b", "a"]]))


# --------------------------------------------------------------------------- multiplex


def test_as_multiplex_list_and_dict():
    A = random_symmetric(7, seed=1)
    B = random_symmetric(7, seed=2, weighted=False)
    A_sp = sp.coo_matrix(A)
    snap = sparse_snapshot(A_sp)
    X = np.ones((7, 3))
    m = as_multiplex([A_sp, B], features=X, labels=np.arange(7) % 2)
    assert isinstance(m, MultiplexGraph)
    assert m.n_nodes == 7 and m.n_relations == 2
    assert m.relation_names == ["relation_0", "relation_1"]
    for R, ref in zip(m.relations, [A, B]):
        assert_canonical(R)
        np.testing.assert_array_equal(R.toarray(), ref)
    assert m.features.shape == (7, 3)
    np.testing.assert_array_equal(m.labels, np.arange(7) % 2)
    assert_same_snapshot(snap, sparse_snapshot(A_sp))
    g1 = m.graph("relation_1")
    assert isinstance(g1, Graph) and g1.features is m.features
    np.testing.assert_array_equal(g1.adjacency.toarray(), B)
    assert "relation_0" in repr(m)

    m = as_multiplex({"PAP": A, "PLP": nx.from_numpy_array(B)})
    assert m.relation_names == ["PAP", "PLP"]
    np.testing.assert_array_equal(m.graph(1).adjacency.toarray(), B)
    assert as_multiplex(m) is m


def test_as_multiplex_networkx_multigraph():
    MG = nx.MultiGraph()
    MG.add_nodes_from(["x", "y", "z", "w"])
    MG.add_edge("x", "y", relation="cites", weight=2.0)
    MG.add_edge("x", "y", relation="coauthor")
    MG.add_edge("y", "z", relation="cites")
    MG.add_edge("z", "z", relation="coauthor")  # self-loop: counted once
    MG.add_edge("w", "z", relation="coauthor", weight=4.0)
    n_edges_before = MG.number_of_edges()
    m = as_multiplex(MG)
    assert m.relation_names == ["cites", "coauthor"]
    assert m.node_ids.tolist() == ["x", "y", "z", "w"]
    cites = np.zeros((4, 4))
    cites[0, 1] = cites[1, 0] = 2.0
    cites[1, 2] = cites[2, 1] = 1.0
    coauthor = np.zeros((4, 4))
    coauthor[0, 1] = coauthor[1, 0] = 1.0
    coauthor[2, 2] = 1.0
    coauthor[3, 2] = coauthor[2, 3] = 4.0
    np.testing.assert_array_equal(m.relations[0].toarray(), cites)
    np.testing.assert_array_equal(m.relations[1].toarray(), coauthor)
    assert MG.number_of_edges() == n_edges_before
    np.testing.assert_array_equal(m.ids([3]), ["w"])
    # custom relation attribute name, unweighted
    MG2 = nx.MultiGraph()
    MG2.add_edge(0, 1, kind="a", weight=9.0)
    MG2.add_edge(1, 2, kind="b")
    m2 = as_multiplex(MG2, relation="kind", weight=None)
    assert m2.relation_names == ["a", "b"]
    assert m2.relations[0].toarray()[0, 1] == 1.0


def test_as_multiplex_errors():
    A = random_symmetric(5)
    with pytest.raises(ValueError, match="relations is empty"):
        as_multiplex([])
    with pytest.raises(ValueError, match="share one node set"):
        as_multiplex([A, random_symmetric(6)])
    with pytest.raises(TypeError, match="relations must be a list or dict"):
        as_multiplex(A[0, 0])
    with pytest.raises(TypeError, match="relations must be a list or dict"):
        as_multiplex("PAP")
    MG = nx.MultiGraph()
    MG.add_edge(0, 1)
    with pytest.raises(ValueError, match="no 'relation' attribute"):
        as_multiplex(MG)
    with pytest.raises(ValueError, match="not symmetric"):
        as_multiplex([A, np.triu(A)])
    m = as_multiplex([A, np.triu(A)], symmetrize=True)
    np.testing.assert_array_equal(m.relations[1].toarray(), A)
    with pytest.raises(ValueError, match="features has 4 rows"):
        as_multiplex([A], features=np.ones((4, 2)))


def test_as_multiplex_aligns_networkx_node_orders():
    # the same three nodes, added in different orders: rows must refer to the same node
    G1 = nx.Graph([("x", "y"), ("y", "z")])  # node order x, y, z
    G2 = nx.Graph([("z", "x")])
    G2.add_node("y")  # node order z, x, y
    m = as_multiplex({"a": G1, "b": G2})
    assert m.node_ids.tolist() == ["x", "y", "z"]
    np.testing.assert_array_equal(m.relations[0].toarray(), [[0, 1, 0], [1, 0, 1], [0, 1, 0]])
    np.testing.assert_array_equal(m.relations[1].toarray(), [[0, 0, 1], [0, 0, 0], [1, 0, 0]])
    for R in m.relations:
        assert_canonical(R)
    # integer ids in another order against a plain matrix (read as nodes 0..n-1)
    H = nx.Graph([(2, 1), (1, 0)])  # node order 2, 1, 0
    P = sp.csr_array(([1.0, 1.0], ([0, 1], [1, 0])), shape=(3, 3))  # edge 0-1
    m = as_multiplex([P, H])
    assert m.node_ids is None
    np.testing.assert_array_equal(m.relations[0].toarray(), P.toarray())
    np.testing.assert_array_equal(m.relations[1].toarray(), [[0, 1, 0], [1, 0, 1], [0, 1, 0]])
    m = as_multiplex([H, P])
    assert m.node_ids.tolist() == [2, 1, 0]
    np.testing.assert_array_equal(m.relations[1].toarray(), [[0, 0, 0], [0, 0, 1], [0, 1, 0]])
    with pytest.raises(ValueError, match="other node ids"):
        as_multiplex([G1, nx.Graph([("x", "q"), ("q", "z")])])


@pytest.mark.filterwarnings("ignore:Sparse (CSR|CSC) tensor support is in beta:UserWarning")
def test_torch_sparse_tensors_are_not_densified():
    torch = pytest.importorskip("torch")
    D = random_symmetric(6)
    T = torch.tensor(D)
    for layout in ("to_sparse", "to_sparse_csr", "to_sparse_csc"):
        S = getattr(T, layout)()
        g = as_graph(S)
        np.testing.assert_array_equal(g.adjacency.toarray(), D)
    X = torch.eye(6, 3).to_sparse_csr()
    g = as_graph(D, features=X)
    assert sp.issparse(g.features)
    np.testing.assert_array_equal(g.features.toarray(), np.eye(6, 3))


def test_nan_labels_refused():
    D = random_symmetric(4)
    # NaN must not become a class of its own (it would also shift -1 to class 0)
    with pytest.raises(ValueError, match="labels has non-finite entries"):
        as_graph(D, labels=[0.0, 1.0, np.nan, -1.0])


def test_input_graph_deepcopy_unchanged_networkx_with_attributes():
    G = nx.les_miserables_graph()
    G_copy = copy.deepcopy(G)
    as_graph(G)
    assert nx.utils.graphs_equal(G, G_copy)


@pytest.mark.gpu
def test_cupy_inputs_roundtrip():
    cp = pytest.importorskip("cupy")
    cpx = pytest.importorskip("cupyx.scipy.sparse")
    D = random_symmetric(10)
    g = as_graph(cpx.csr_matrix(sp.csr_matrix(D)))
    assert g.device == "cuda"
    np.testing.assert_array_equal(g.adjacency.get().toarray(), D)
    g2 = as_graph(D, features=np.ones((10, 2)), device="cuda")
    assert g2.device == "cuda" and isinstance(g2.features, cp.ndarray)
    back = g2.to("cpu")
    np.testing.assert_array_equal(back.adjacency.toarray(), D)


def test_symmetry_check_of_large_graphs_keeps_the_tolerance():
    # from _FINGERPRINT_MIN_NNZ entries on, an exactly symmetric graph passes a one-pass
    # fingerprint; anything else still goes through |A - A^T| against the tolerance
    import graphclust.graph as graph_module

    rng = np.random.default_rng(0)
    n = 20_000
    M = sp.random_array((n, n), density=4e-4, format="csr", rng=rng)
    A = sp.csr_array(M + M.T)
    assert A.nnz >= graph_module._FINGERPRINT_MIN_NNZ
    np.testing.assert_array_equal(as_graph(A).adjacency.data, A.data)
    near = A.copy()
    near.data[5] *= 1 + 1e-13  # rounding-level asymmetry: accepted, as on small graphs
    as_graph(near)
    far = A.copy()
    far.data[5] *= 1.5
    with pytest.raises(ValueError, match="not symmetric"):
        as_graph(far)
