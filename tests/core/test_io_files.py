"""graphclust.io on files as users write them (issue 10): headers, byte-order marks, one-based
and sparse integer ids, networkx's write_edgelist format, trailing comments, and damaged files
that must raise a ValueError naming the file (never EOFError, BadGzipFile or a segfault)."""
from __future__ import annotations

import gzip

import networkx as nx
import numpy as np
import pytest
import scipy.io
import scipy.sparse as sp

import graphclust as gc
from graphclust import io
from graphclust.io import GraphFileError
from graphclust.memory import MemoryLimitError


def test_header_detected(tmp_path):
    # Before: 5 nodes, an edge 'source'-'target', every id a string.
    p = tmp_path / "h.csv"
    p.write_text("source,target\n0,1\n1,2\n")
    g = io.read(p)
    assert g.n_nodes == 3 and g.n_edges == 2 and g.node_ids is None
    p.write_text("src,dst,weight\nalice,bob,2\nbob,carol,1\n")
    g = io.read(p)
    assert g.node_ids.tolist() == ["alice", "bob", "carol"] and g.adjacency[0, 1] == 2.0


def test_header_option(tmp_path):
    p = tmp_path / "h.txt"
    p.write_text("x y\nx z\n")
    assert io.read(p).n_edges == 2  # 'x' reappears: an edge, not a header
    assert io.read(p, header=True).n_edges == 1
    assert io.read(p, header=False).n_edges == 2
    with pytest.raises(TypeError, match="header must be"):
        io.read(p, header="yes")


def test_byte_order_mark_stripped(tmp_path):
    p = tmp_path / "b.csv"
    p.write_bytes("\ufeffa,b\nb,c\n".encode("utf-8"))
    assert io.read(p).node_ids.tolist() == ["a", "b", "c"]


def test_one_based_ids_mapped_no_phantom_node(tmp_path):
    # Before: a phantom node 0 (isolated) in front of the karate club.
    G = nx.karate_club_graph()
    p = tmp_path / "karate.txt"
    p.write_text("".join(f"{u + 1} {v + 1}\n" for u, v in G.edges))
    g = io.read(p)
    assert g.n_nodes == 34 and g.node_ids.tolist() == list(range(1, 35))
    np.testing.assert_array_equal(g.adjacency.toarray(), nx.to_numpy_array(G, weight=None))
    gi = io.read(p, ids="index")
    assert gi.n_nodes == 35 and gi.adjacency[[0]].nnz == 0  # asked for: ids are row numbers
    assert io.read(p, one_based=True).n_nodes == 34


def test_large_sparse_ids_mapped(tmp_path):
    # Before: ids near 1,000,000 gave a 1,000,232-node graph; '1 10**12' tried to allocate 7.28 TiB.
    G = nx.karate_club_graph()
    p = tmp_path / "big.txt"
    p.write_text("".join(f"{u + 999_990} {v + 999_990}\n" for u, v in G.edges))
    g = io.read(p)
    assert g.n_nodes == 34 and int(g.node_ids[0]) == 999_990
    labels = gc.SpectralClustering(2, random_state=0).fit_predict(g)
    assert len(set(labels.tolist())) == 2
    q = tmp_path / "huge.txt"
    q.write_text("0 1\n1 1000000000000\n")
    assert io.read(q).n_nodes == 3
    with pytest.raises(MemoryLimitError, match="ids='index' sizes the graph"):
        io.read(q, ids="index")


def test_ids_past_int64_and_float_tokens(tmp_path):
    # Before: OverflowError.
    p = tmp_path / "o.txt"
    p.write_text("0 1\n1 100000000000000000000000\n")
    g = io.read(p)
    assert g.node_ids.tolist() == [0, 1, 10**23]
    with pytest.raises(ValueError, match="ids='index' needs integer node ids"):
        io.read(p, ids="index")
    p.write_text("0 1\n1 1e23\n")
    assert io.read(p).node_ids.tolist() == ["0", "1", "1e23"]


def test_networkx_write_edgelist_format(tmp_path):
    G = nx.Graph()
    G.add_edge("a", "b", weight=4)
    G.add_edge("b", "c", color="red")
    G.add_edge("c", "d", weight=0.5, color="blue")
    p = tmp_path / "nx.txt"
    nx.write_edgelist(G, p)
    g = io.read(p)
    ref = nx.read_edgelist(p)
    nodes = g.node_ids.tolist()
    np.testing.assert_array_equal(g.adjacency.toarray(), nx.to_numpy_array(ref, nodelist=nodes))
    p.write_text("0,1,{'weight': 3}\n")
    assert io.read(p, delimiter=",").adjacency[0, 1] == 3.0
    p.write_text("0 1 {'weight': 'heavy'}\n")
    with pytest.raises(ValueError, match="weight 'heavy' is not a number"):
        io.read(p)
    p.write_text("0 1 {'weight': \n")
    with pytest.raises(ValueError, match="not a dict literal"):
        io.read(p)


def test_trailing_comments(tmp_path):
    p = tmp_path / "c.txt"
    p.write_text("0 1 # first edge\n1 2 2.0 # weighted\n# whole line\n")
    np.testing.assert_array_equal(io.read(p).adjacency.toarray(), [[0, 1, 0], [1, 0, 2], [0, 2, 0]])


def test_malformed_npz_index_arrays(tmp_path):
    # Before: a segmentation fault in most runs / a C++ RuntimeError.
    p = tmp_path / "bad.npz"
    np.savez(p, adj_indptr=[0, 1, 2], adj_indices=[7, 0], adj_data=[1.0, 1.0], adj_shape=[2, 2])
    with pytest.raises(ValueError, match=r"bad.npz: adjacency: column index 7 out of range"):
        io.read(p)
    np.savez(p, adj_indptr=[0, 2, 1], adj_indices=[1, 0], adj_data=[1.0, 1.0], adj_shape=[2, 2])
    with pytest.raises(ValueError, match=r"bad.npz: .*indptr decreases"):
        io.read(p)
    np.savez(p, adj_indptr=[0, 1, 2], adj_indices=[1, -3], adj_data=[1.0, 1.0], adj_shape=[2, 2])
    with pytest.raises(ValueError, match="index -3 out of range"):
        io.read(p)
    np.savez(p, adj_indptr=[0, 1, 2], adj_indices=[1, 0], adj_data=[1.0, 1.0], adj_shape=[2, 2],
             x_indptr=[0, 1, 2], x_indices=[0, 9], x_data=[1.0, 1.0], x_shape=[2, 3])
    with pytest.raises(ValueError, match="features: column index 9 out of range"):
        io.read(p)
    np.savez(p, adj_indptr=[0, 1], adj_data=[1.0], adj_shape=[1, 1])
    with pytest.raises(ValueError, match="array is missing .adj_indices"):
        io.read(p)


@pytest.mark.parametrize(
    "name, content, match",
    [
        ("empty.npz", b"", "empty.npz: not a readable npz file"),
        ("junk.npz", b"junk junk junk junk", "junk.npz: not an npz archive"),
        ("g.txt.gz", b"not gzip at all", "g.txt.gz: cannot be read as a text edge list"),
        ("bin.txt", b"\xff\xfe\x00\x81 \x00\x9f", "bin.txt: cannot be read as a text edge list"),
        ("bad.mtx", b"%%MatrixMarket nonsense\n", "bad.mtx: not a readable MatrixMarket file"),
    ],
)
def test_damaged_files_are_value_errors_naming_the_file(tmp_path, name, content, match):
    # Before: EOFError, gzip.BadGzipFile, numpy's advice to set allow_pickle.
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(GraphFileError, match=match) as info:
        io.read(p)
    assert isinstance(info.value, ValueError) and "allow_pickle" not in str(info.value)


def test_truncated_npz(tmp_path):
    p = tmp_path / "t.npz"
    np.savez(p, adj_indptr=[0, 1, 2], adj_indices=[1, 0], adj_data=[1.0, 1.0], adj_shape=[2, 2])
    p.write_bytes(p.read_bytes()[:-40])
    with pytest.raises(ValueError, match="t.npz"):
        io.read(p)


def test_missing_path_is_a_value_error_and_file_not_found(tmp_path):
    with pytest.raises(ValueError, match="no such file") as info:
        io.read(tmp_path / "missing.txt")
    assert isinstance(info.value, FileNotFoundError)
    with pytest.raises(ValueError, match="not a file"):
        io.read(tmp_path)


def test_cli_missing_path_not_reported_as_dataset(tmp_path, capsys):
    from graphclust.cli import main

    assert main(["cluster", "spectral", str(tmp_path / "nothere.csv"), "-k", "2"]) != 0
    err = capsys.readouterr().err
    assert "no such file" in err and "dataset" not in err


def test_complex_mtx_refused(tmp_path):
    p = tmp_path / "c.mtx"
    scipy.io.mmwrite(p, sp.coo_array(np.array([[0, 1j], [1j, 0]])))
    with pytest.raises(TypeError, match="c.mtx: adjacency has complex entries"):
        io.read(p)


def test_gzip_csv_with_header_and_bom(tmp_path):
    p = tmp_path / "e.csv.gz"
    with gzip.open(p, "wb") as fh:
        fh.write("\ufeffsource,target,weight\n1,2,0.5\n2,3,1.5\n".encode("utf-8"))
    g = io.read(p)
    assert g.node_ids.tolist() == [1, 2, 3]
    np.testing.assert_array_equal(g.adjacency.toarray(), [[0, 0.5, 0], [0.5, 0, 1.5], [0, 1.5, 0]])
