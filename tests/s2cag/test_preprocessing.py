"""Official preprocessing steps against direct dense formulas and scikit-learn."""
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer

from graphclust.s2cag.preprocessing import (
    attribute_degree_normalize,
    normalize_attributes,
    propagation_matrix,
    tfidf,
)


def _graph(n=30, seed=0):
    A = sp.random(n, n, density=0.15, random_state=seed, format="csr")
    A = ((A + A.T) > 0).astype(float)
    A.setdiag(0)
    A.eliminate_zeros()
    return sp.csr_array(A)


def _counts(n=30, d=12, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.poisson(0.4, (n, d)).astype(float)
    X[3] = 0  # an empty row
    return sp.csr_array(X)


def test_propagation_matrix_two_self_loops():
    A = _graph()
    A[5, 5] = 1.0  # an existing self-loop gets 1 + 1, as in the official code
    Ad = A.toarray()
    M = Ad + np.eye(30)
    d = M.sum(1)
    At = M / np.sqrt(np.outer(d, d))
    M2 = At + np.eye(30)
    expected = M2 / M2.sum(1, keepdims=True)
    P = propagation_matrix(A)
    np.testing.assert_allclose(P.toarray(), expected, rtol=1e-13)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    assert not np.allclose(P.toarray(), P.toarray().T)


def test_propagation_matrix_options():
    A = _graph(seed=2)
    Ad = A.toarray()
    P = propagation_matrix(A, symmetric_normalization=False)
    M = Ad + np.eye(30)
    np.testing.assert_allclose(P.toarray(), M / M.sum(1, keepdims=True), rtol=1e-13)
    # no self-loops at all: isolated nodes keep zero rows, no NaN
    A2 = A.copy().tolil()
    A2[0, :] = 0
    A2[:, 0] = 0
    P0 = propagation_matrix(sp.csr_array(A2), symmetric_self_loops=0, self_loops=0)
    assert np.isfinite(P0.data).all()
    assert P0[[0], :].nnz == 0


def test_tfidf_matches_sklearn_and_stays_sparse():
    X = _counts()
    got = tfidf(X)
    assert sp.issparse(got)
    ref = TfidfTransformer(norm="l2").fit_transform(sp.csr_matrix(X)).toarray()
    np.testing.assert_allclose(got.toarray(), ref, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(tfidf(X.toarray()), ref, rtol=1e-13, atol=1e-15)


def test_attribute_degree_normalisation():
    X = tfidf(_counts()).toarray()
    deg = X @ X.sum(0)
    deg[deg == 0] = 1
    np.testing.assert_allclose(attribute_degree_normalize(X), X / np.sqrt(deg)[:, None], rtol=1e-13)
    got = attribute_degree_normalize(sp.csr_array(X))
    assert sp.issparse(got)
    np.testing.assert_allclose(got.toarray(), X / np.sqrt(deg)[:, None], rtol=1e-13)


def test_signed_features_raise_or_fall_back():
    X = np.random.default_rng(0).standard_normal((20, 5))
    X0 = X.copy()
    with pytest.raises(ValueError, match="negative"):
        normalize_attributes(X)
    with pytest.warns(UserWarning, match="signed"):
        out = normalize_attributes(X, signed_features="fallback")
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0)
    np.testing.assert_array_equal(X, X0)
    # explicitly switched-off steps accept signed features silently
    out = normalize_attributes(X, tfidf_transform=False, attribute_norm="l2")
    np.testing.assert_allclose(out, X / np.linalg.norm(X, axis=1, keepdims=True))
    with pytest.raises(ValueError, match="signed_features"):
        normalize_attributes(X, signed_features="clip")
    with pytest.raises(ValueError, match="attribute_norm"):
        normalize_attributes(X, attribute_norm="max")


def test_negative_degree_detected_directly():
    # deg = X (X^T 1) < 0 for the second row
    X = np.array([[1.0, 0.0], [-3.0, 0.5]])
    with pytest.raises(ValueError, match="negative"):
        attribute_degree_normalize(X)


def test_inputs_not_modified():
    X = _counts()
    data = X.data.copy()
    normalize_attributes(X)
    np.testing.assert_array_equal(X.data, data)


def test_tfidf_sums_duplicate_entries_before_squaring():
    # a CSR with a duplicate (row 0, column 1) entry behaves as its canonical form
    dup = sp.csr_array((np.array([1.0, 2.0, 3.0, 1.0]), np.array([1, 1, 0, 0]), np.array([0, 2, 4])), shape=(2, 2))
    canon = dup.copy()
    canon.sum_duplicates()
    got = tfidf(dup)
    got.sum_duplicates()
    np.testing.assert_allclose(got.toarray(), tfidf(canon).toarray(), rtol=1e-14)
    np.testing.assert_allclose(np.linalg.norm(got.toarray(), axis=1), 1.0)


@pytest.mark.parametrize("kind", ["float", "int", "duplicates"])
def test_default_pipeline_equals_its_two_steps_bit_for_bit(kind):
    # the default (TF-IDF then degree step) runs on one copy of a sparse input; it must give
    # exactly the composition of the two public steps (and, densely, the dense formulas)
    X = _counts(n=40, d=15, seed=4)
    if kind == "int":
        X = X.astype(np.int64)
    elif kind == "duplicates":
        X = sp.csr_array((np.r_[X.data, [1.0, 2.0]], np.r_[X.indices, [0, 0]],
                          np.r_[X.indptr[:-1], X.indptr[-1] + 2]), shape=X.shape)
        assert not X.has_canonical_format
    ref = attribute_degree_normalize(tfidf(X))
    got = normalize_attributes(X)
    np.testing.assert_array_equal(got.indptr, ref.indptr)
    np.testing.assert_array_equal(got.indices, ref.indices)
    np.testing.assert_array_equal(got.data, ref.data)
    if kind != "duplicates":  # (a duplicate entry counts twice in the document frequency, as in sklearn)
        np.testing.assert_allclose(got.toarray(), normalize_attributes(X.toarray()), rtol=1e-12, atol=1e-15)
