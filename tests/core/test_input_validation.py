"""Bad input refused at the boundary (issue 10): malformed sparse index arrays, complex weights,
float labels, oversized node counts, a Graph built directly, boolean duplicates, CuPy-free parts.

Each case failed before the fix: a segmentation fault, a leaked C++ error, a silent wrong answer
or scipy's own message instead of a ValueError / TypeError naming the parameter.
"""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import graphclust as gc
from graphclust.memory import MemoryLimitError
from graphclust.validation import check_num_nodes, check_sparse_structure


def _bad_csr(indices, indptr, n=2, cls=sp.csr_array):
    return cls((np.ones(len(indices)), np.asarray(indices), np.asarray(indptr)), shape=(n, n))


@pytest.mark.parametrize(
    "indices, indptr, match",
    [
        ([7, 0], [0, 1, 2], "column index 7 out of range"),
        ([-1, 0], [0, 1, 2], "column index -1 out of range"),
        ([1, 0], [0, 2, 1], "indptr decreases"),
    ],
    ids=["too-large", "negative", "descending-indptr"],
)
@pytest.mark.parametrize("cls", [sp.csr_array, sp.csr_matrix, sp.csc_array], ids=["csr_array", "csr_matrix", "csc"])
def test_malformed_index_arrays_are_refused(indices, indptr, match, cls):
    # Before: a segfault (out of range, symmetrize=True) or RuntimeError: vector::_M_default_append.
    A = _bad_csr(indices, indptr, cls=cls)
    keep = (A.indices.copy(), A.indptr.copy())
    match = match.replace("column", "row") if cls is sp.csc_array else match
    for kwargs in ({"symmetrize": True}, {}, {"directed": True}):
        with pytest.raises(ValueError, match=match):
            gc.as_graph(A, **kwargs)
    np.testing.assert_array_equal(A.indices, keep[0])  # nothing changed in the input
    np.testing.assert_array_equal(A.indptr, keep[1])


def test_malformed_coo_and_bsr():
    coo = sp.coo_array((np.ones(2), (np.array([0, 1]), np.array([1, 0]))), shape=(2, 2))
    coo.col[0] = 5  # scipy checks at construction only
    with pytest.raises(ValueError, match="column index 5 out of range"):
        gc.as_graph(coo)
    bsr = sp.bsr_array(np.eye(4), blocksize=(2, 2))
    bsr.indices[0] = 9
    with pytest.raises(ValueError, match="block column index 9 out of range"):
        gc.as_graph(bsr)


def test_malformed_features_are_refused():
    # Before: S2CAG returned labels that changed from run to run (reads past the feature matrix).
    A = sp.csr_array(np.ones((3, 3)) - np.eye(3))
    X = _bad_csr([4, 0, 1], [0, 1, 2, 3], n=3)
    with pytest.raises(ValueError, match="features: column index 4 out of range"):
        gc.as_graph(A, features=X)
    with pytest.raises(ValueError, match="features: column index 4 out of range"):
        gc.S2CAG(2).fit(A, features=X)


def test_check_sparse_structure_does_not_copy():
    A = sp.random(200, 200, density=0.05, format="csr", random_state=0)
    ptr, ind = A.indptr, A.indices
    check_sparse_structure(A)
    assert A.indptr is ptr and A.indices is ind
    check_sparse_structure(A.tocsc())
    check_sparse_structure(A.tocoo())


def test_indptr_length_and_end():
    A = sp.eye(3, format="csr")
    A.indptr = np.array([0, 1, 2, 3, 3])  # one entry too many
    with pytest.raises(ValueError, match="indptr has 5 entries"):
        check_sparse_structure(A)
    A.indptr = np.array([0, 1, 2, 9])
    with pytest.raises(ValueError, match="indptr must start at 0 and end at most"):
        check_sparse_structure(A)


@pytest.mark.parametrize(
    "data",
    [
        np.array([[0, 1j], [1j, 0]]),
        sp.csr_array(np.array([[0, 1 + 1j], [1 + 1j, 0]])),
    ],
    ids=["dense", "sparse"],
)
def test_complex_weights_are_refused(data):
    # Before: the imaginary part was dropped with a ComplexWarning.
    with pytest.raises(TypeError, match="complex"):
        gc.as_graph(data)


def test_complex_edge_weight_is_refused():
    with pytest.raises(TypeError, match="edge_weight has complex"):
        gc.as_graph(np.array([[0, 1], [1, 2]]), num_nodes=3, edge_weight=[1j, 1], symmetrize=True)


def test_float_labels_with_fractions_are_refused():
    # Before: [-1.0, 0.5, 2.0, -1.0] -> [0, 1, 2, 0]: the unknown marker became a class.
    with pytest.raises(ValueError, match="non-integer value 0.5"):
        gc.as_graph(sp.eye(4, format="csr"), labels=[-1.0, 0.5, 2.0, -1.0])
    g = gc.as_graph(sp.eye(4, format="csr"), labels=[-1.0, 1.0, 2.0, -1.0])
    assert g.labels.tolist() == [-1, 1, 2, -1]


def test_mixed_type_labels_are_a_type_error():
    with pytest.raises(TypeError, match="labels mixes values"):
        gc.as_graph(sp.eye(3, format="csr"), labels=np.array([1, "a", 2.5], dtype=object))


def test_bool_duplicates_read_as_true():
    # Before: True + True = 2 and then "not symmetric".
    A = sp.coo_array((np.ones(3, dtype=bool), (np.array([0, 0, 1]), np.array([1, 1, 0]))), shape=(2, 2))
    np.testing.assert_array_equal(gc.as_graph(A).adjacency.toarray(), A.tocsr().toarray().astype(float))
    assert gc.as_graph(A).adjacency.toarray().max() == 1.0


@pytest.mark.parametrize(
    "num_nodes, exc, match",
    [("3", TypeError, "num_nodes must be an int"), (-1, ValueError, "num_nodes must be >= 1"),
     (2.5, TypeError, "num_nodes must be an integer"), (10**12, MemoryLimitError, "needs")],
)
def test_num_nodes_checked(num_nodes, exc, match):
    with pytest.raises(exc, match=match):
        gc.as_graph(np.array([[0, 1, 2], [1, 2, 0]]), num_nodes=num_nodes, symmetrize=True)


def test_num_nodes_integral_float_accepted():
    assert gc.as_graph(np.array([[0, 1, 2], [1, 2, 0]]), num_nodes=4.0, symmetrize=True).n_nodes == 4
    assert check_num_nodes(np.int32(5)) == 5


def test_uint64_edge_index_past_int64():
    # Before: OverflowError from numpy / scipy.
    ei = np.array([[0, 2**63], [2**63, 0]], dtype=np.uint64)
    with pytest.raises(ValueError, match="out of range"):
        gc.as_graph(ei, num_nodes=3, symmetrize=True)
    # 2**63 + 1 nodes cannot even be counted in int64: refused before any size is computed
    with pytest.raises(ValueError, match="64-bit integer"):
        gc.as_graph(np.array([[0, 1, 2**63], [1, 2, 0]], dtype=np.uint64), symmetrize=True)
    with pytest.raises(MemoryLimitError):
        gc.as_graph(np.array([[0, 1, 2**62], [1, 2, 0]], dtype=np.uint64), symmetrize=True)


@pytest.mark.parametrize(
    "A, match",
    [
        (sp.csr_array(np.array([[0, np.nan], [np.nan, 0]])), "non-finite"),
        (sp.csr_array(np.array([[0, 1.0], [0, 0]])), "not symmetric"),
        (sp.csr_array(np.ones((2, 3))), "square"),
        (sp.csr_array(np.array([[0, -1.0], [-1.0, 0]])), "negative"),
    ],
    ids=["nan", "asymmetric", "non-square", "negative"],
)
def test_graph_built_directly_is_validated(A, match):
    # Before: Graph(...) skipped every check and fit ran on NaN / asymmetric / non-square input.
    # The shape is refused when the Graph is built, the values when it is first used.
    with pytest.raises(ValueError, match=match):
        gc.as_graph(gc.Graph(A))
    with pytest.raises(ValueError, match=match):
        gc.SpectralClustering(2).fit(gc.Graph(A))


def test_graph_built_directly_and_valid_is_canonicalised():
    A = sp.coo_array((np.array([1, 1, 2, 2]), (np.array([0, 1, 0, 2]), np.array([1, 0, 2, 0]))), shape=(3, 3))
    g = gc.as_graph(gc.Graph(A, labels=[0, 1, 1]))
    assert g.adjacency.format == "csr" and g.adjacency.dtype == np.float64
    assert g.labels.dtype == np.int64
    again = gc.as_graph(g)
    assert again is g  # validated once, then passed through
