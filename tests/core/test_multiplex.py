"""Tests of MultiplexGraph / as_multiplex: one node set, one device, named relations.

References are independent: dense numpy sums and normalizations, networkx's own edge counts,
hand-permuted matrices.
"""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from graphclust.graph import Graph, MultiplexGraph, as_graph, as_multiplex


def sym(n=6, seed=0, density=0.4):
    rng = np.random.default_rng(seed)
    U = np.triu(rng.random((n, n)) < density, 1) * rng.uniform(0.5, 2.0, (n, n))
    return U + U.T


# A sparse matrix class whose module says "cupyx": is_cupy_array reads it as a GPU matrix, so
# the device checks can be exercised without a GPU (nothing ever computes with it).
FakeGpuCSR = type("csr_matrix", (sp.csr_array,), {"__module__": "cupyx.scipy.sparse._fake"})


# --------------------------------------------------------------------------- node ids


def test_networkx_range_ids_beside_string_ids_refused():
    P = nx.path_graph(3)
    Q = nx.relabel_nodes(nx.path_graph(3), dict(zip(range(3), "xyz")))
    with pytest.raises(ValueError, match=r"'relation_1' \(relation 1\) has other node ids than relation 'relation_0'"):
        as_multiplex([P, Q])
    with pytest.raises(ValueError, match=r"'relation_1' \(relation 1\) has other node ids"):
        as_multiplex([Q, P])
    with pytest.raises(ValueError, match="'b'.*'x'"):  # names the relation and an id it lacks
        as_multiplex({"a": Q, "b": P})
    # a Graph without node ids means nodes 0..n-1: refused beside string ids as well
    with pytest.raises(ValueError, match="'relation_1'.*other node ids"):
        as_multiplex([as_graph(Q), as_graph(P)])
    # but a plain matrix has no ids: it is read in the order of the relation with ids
    m = as_multiplex([Q, nx.to_scipy_sparse_array(P)])
    assert m.node_ids.tolist() == ["x", "y", "z"]


def test_graph_relations_aligned_with_their_features():
    A = sym(4, seed=1)
    X = np.arange(8.0).reshape(4, 2)
    ids = np.array(["a", "b", "c", "d"])
    g1 = Graph(sp.csr_array(A), features=X, node_ids=ids)
    perm = np.array([2, 0, 3, 1])  # g2 lists the same nodes in another order
    g2 = Graph(sp.csr_array(A[np.ix_(perm, perm)]), features=X[perm], node_ids=ids[perm])
    m = as_multiplex({"one": g1, "two": g2})
    assert m.node_ids.tolist() == ["a", "b", "c", "d"]
    np.testing.assert_array_equal(m.relations[1].toarray(), A)
    np.testing.assert_array_equal(m.features, X)  # agree once aligned: kept


# --------------------------------------------------------------------------- validation


def test_node_count_mismatch_names_the_relation():
    with pytest.raises(ValueError, match="relation 'big' has 7 nodes but relation 'small' has 6"):
        as_multiplex({"small": sym(6), "big": sym(7)})


def test_device_mismatch_names_the_relation():
    A = sp.csr_array(sym(5))
    with pytest.raises(ValueError, match="relation 'g' is on 'cuda' but relation 'c' is on 'cpu'"):
        MultiplexGraph([A, FakeGpuCSR(A)], ["c", "g"])
    with pytest.raises(ValueError, match="relation 'relation_1' is on 'cuda'.*one device"):
        as_multiplex([Graph(A), Graph(FakeGpuCSR(A))])


def test_graph_relations_are_validated():
    A = sym(5)
    neg = Graph(sp.csr_array(-A))
    with pytest.raises(ValueError, match="relation 'neg': .*negative"):
        as_multiplex({"ok": A, "neg": neg})
    directed = Graph(sp.csr_array(np.triu(A)), directed=True)
    with pytest.raises(ValueError, match="relation 'd': .*not symmetric"):
        as_multiplex({"ok": A, "d": directed})
    m = as_multiplex({"ok": A, "d": directed}, symmetrize=True)
    np.testing.assert_array_equal(m.relations[1].toarray(), A)
    # a hand-built Graph with duplicates and a COO matrix comes out canonical
    C = sp.coo_array((np.array([1.0, 1.0, 2.0, 0.0]), (np.array([0, 0, 1, 2]), np.array([1, 1, 0, 2]))), shape=(3, 3))
    m = as_multiplex([Graph(C)])
    R = m.relations[0]
    assert isinstance(R, sp.csr_array) and R.has_canonical_format and R.nnz == 2
    np.testing.assert_array_equal(R.toarray(), [[0, 2, 0], [2, 0, 0], [0, 0, 0]])


def test_errors_of_as_graph_name_the_relation():
    A = sym(5)
    with pytest.raises(ValueError, match="relation 'bad': .*not symmetric"):
        as_multiplex({"PAP": A, "bad": np.triu(A)})
    with pytest.raises(TypeError, match="relation 'relation_1'"):
        as_multiplex([A, "not a graph"])
    with pytest.raises(ValueError, match="distinct"):
        as_multiplex({1: A, "1": A})
    with pytest.raises(TypeError, match="MultiplexGraph"):
        as_multiplex([A, as_multiplex([A])])


def test_constructor_checks():
    A = sp.csr_array(sym(4))
    with pytest.raises(ValueError, match="2 relations but 1 relation names"):
        MultiplexGraph([A, A], ["a"])
    with pytest.raises(ValueError, match="distinct"):
        MultiplexGraph([A, A], ["a", "a"])
    with pytest.raises(ValueError, match="features has 3 rows"):
        MultiplexGraph([A], ["a"], features=np.ones((3, 2)))
    with pytest.raises(ValueError, match="labels"):
        MultiplexGraph([A], ["a"], labels=np.zeros(5, dtype=np.int64))
    with pytest.raises(ValueError, match="relation 'b' has 5 nodes"):
        MultiplexGraph([A, sp.csr_array((5, 5))], ["a", "b"])
    with pytest.raises(ValueError, match="features has 3 rows"):
        Graph(A, features=np.ones((3, 2)))


# --------------------------------------------------------------------------- carried data


def test_carried_features_and_labels():
    A, B = sym(5, 1), sym(5, 2)
    X = np.random.default_rng(0).random((5, 3))
    y = np.array([0, 0, 1, 1, -1])
    m = as_multiplex([as_graph(A, features=X, labels=y), B])
    np.testing.assert_array_equal(m.features, X)
    np.testing.assert_array_equal(m.labels, y)
    m = as_multiplex([as_graph(A, features=X), as_graph(B, features=X.copy())])  # equal values agree
    np.testing.assert_array_equal(m.features, X)
    with pytest.raises(ValueError, match="relations 'relation_0' and 'relation_1' carry different features"):
        as_multiplex([as_graph(A, features=X), as_graph(B, features=X + 1)])
    with pytest.raises(ValueError, match="carry different labels"):
        as_multiplex([as_graph(A, labels=y), as_graph(B, labels=y[::-1])])
    # features= given: it wins over what the relations carry
    m = as_multiplex([as_graph(A, features=X), as_graph(B, features=X + 1)], features=np.ones((5, 2)))
    np.testing.assert_array_equal(m.features, np.ones((5, 2)))
    # a MultiplexGraph given again takes new features
    m2 = as_multiplex(m, features=np.zeros((5, 1)))
    assert m2.features.shape == (5, 1) and m.features.shape == (5, 2)


def test_pyg_relations_carry_features():
    torch = pytest.importorskip("torch")
    Data = pytest.importorskip("torch_geometric.data").Data
    A = sp.coo_array(sym(5, 3))
    x = torch.randn(5, 2)
    data = Data(edge_index=torch.tensor(np.vstack([A.row, A.col]), dtype=torch.long), x=x, num_nodes=5)
    m = as_multiplex({"pyg": data, "plain": sym(5, 4)})
    np.testing.assert_allclose(m.features, x.numpy())


# --------------------------------------------------------------------------- the API


def test_per_relation_api():
    G1 = nx.Graph([("u", "v"), ("v", "w")])
    G2 = nx.Graph([("w", "u")])
    G2.add_node("v")
    G2.add_edge("v", "v")  # a self-loop counts once
    m = as_multiplex({"a": G1, "b": G2})
    assert m.directed is False and m.meta == {}
    assert m.n_edges == [G1.number_of_edges(), G2.number_of_edges()]
    np.testing.assert_array_equal(m.degrees("a"), [1, 2, 1])
    np.testing.assert_array_equal(m.degrees(1), [1, 1, 1])
    assert [d.tolist() for d in m.degrees()] == [[1, 2, 1], [1, 1, 1]]
    np.testing.assert_array_equal(m.index(["w", "u"]), [2, 0])
    assert m.ids([2]).tolist() == ["w"]
    with pytest.raises(ValueError, match="not a node"):
        m.index("q")
    with pytest.raises(ValueError, match="unknown relation 'c'"):
        m.degrees("c")
    with pytest.raises(ValueError, match="out of range"):
        m.adjacency(2)
    assert m.graph("b").name == "b" and m.graph(-1).name == "b"
    assert m.to("cpu") is m


@pytest.mark.parametrize("self_loops", [0.0, 1.0])
def test_normalized_adjacency_and_weighted_sum_against_dense(self_loops):
    A, B = sym(8, 5), sym(8, 6)
    A[7, :] = A[:, 7] = 0  # an isolated node: its row stays zero
    m = as_multiplex({"A": A, "B": B})
    for name, M in (("A", A), ("B", B)):
        Ms = M + self_loops * np.eye(8)
        d = Ms.sum(1)
        s = np.where(d > 0, 1 / np.sqrt(np.where(d > 0, d, 1)), 0.0)
        ref = s[:, None] * Ms * s[None, :]
        N = m.normalized_adjacency(name, self_loops=self_loops)
        assert sp.issparse(N) and N.format == "csr"
        np.testing.assert_allclose(N.toarray(), ref, atol=1e-14)
    np.testing.assert_allclose(as_graph(A).normalized_adjacency(self_loops=self_loops).toarray(),
                               m.normalized_adjacency(0, self_loops=self_loops).toarray())
    X = np.random.default_rng(1).random((8, 3))
    op = m.weighted_sum([0.25, 2.0])
    np.testing.assert_allclose(op.matmat(X), (0.25 * A + 2.0 * B) @ X)
    op.weights[:] = [1.0, 0.0]  # changed in place, nothing re-summed
    np.testing.assert_allclose(op.matmat(X), A @ X)
    opn = m.weighted_sum(normalized=True, self_loops=self_loops)
    ref = sum(m.normalized_adjacency(r, self_loops=self_loops).toarray() for r in "AB") @ X
    np.testing.assert_allclose(opn.matmat(X), ref)
    with pytest.raises(ValueError, match="self_loops"):
        m.normalized_adjacency("A", self_loops=-1.0)
    with pytest.raises(ValueError, match="directed"):
        as_graph(np.triu(A), directed=True).normalized_adjacency()
