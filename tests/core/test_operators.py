"""The operator protocol's adapters, each against the dense matrix it stands for."""
import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from graphclust.operators import (
    DenseOperator,
    FunctionOperator,
    LinearOperatorAdapter,
    ProductOperator,
    ShiftedOperator,
    SparseOperator,
    WeightedSum,
    apply,
    as_operator,
    is_operator,
    operator_astype,
    sparse_matrix_of,
    to_linear_operator,
)


def _matrix(n=30, m=None, seed=0, density=0.2):
    m = n if m is None else m
    return sp.random(n, m, density=density, format="csr", random_state=seed)


def _blocks(n, seed=1):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, 3)), rng.standard_normal(n)


def _adapters(A):
    """(name, operator, dense reference) for every adapter of the same square matrix A."""
    D = A.toarray()
    upper, lower = sp.triu(A, format="csr"), sp.tril(A, k=-1, format="csr")
    return [
        ("sparse csr", as_operator(A), D),
        ("sparse coo", as_operator(A.tocoo()), D),
        ("sparse csr_matrix", as_operator(sp.csr_matrix(A)), D),
        ("dense", as_operator(D), D),
        ("LinearOperator", as_operator(spla.aslinearoperator(A)), D),
        ("weighted sum", WeightedSum([upper, lower, sp.eye(A.shape[0])], [1.0, 1.0, 0.5]), D + 0.5 * np.eye(len(D))),
        ("shifted", ShiftedOperator(A, shift=0.3, scale=-2.0), -2.0 * (D - 0.3 * np.eye(len(D)))),
        ("shifted, folded", ShiftedOperator(A, shift=0.3, scale=-2.0, fold=True), -2.0 * (D - 0.3 * np.eye(len(D)))),
        ("product", ProductOperator([A, 2 * sp.eye(A.shape[0]), D]), 2 * D @ D),
        ("function", FunctionOperator(A.shape, lambda X: D @ X, lambda X: D.T @ X), D),
    ]


@pytest.mark.parametrize("case", range(10))
def test_adapter_products_match_the_dense_matrix(case):
    A = _matrix()
    name, op, D = _adapters(A)[case]
    X, x = _blocks(A.shape[0])
    assert is_operator(op) and op.shape == D.shape
    np.testing.assert_allclose(op.matmat(X), D @ X, rtol=1e-12, atol=1e-12, err_msg=name)
    np.testing.assert_allclose(op.matmat(x), D @ x, rtol=1e-12, atol=1e-12, err_msg=name)
    out = np.full_like(X, np.nan)
    got = op.matmat(X, out=out)
    assert got is out, name
    np.testing.assert_allclose(out, D @ X, rtol=1e-12, atol=1e-12, err_msg=name)
    # rmatmat: the adjoint (A is not symmetric)
    np.testing.assert_allclose(op.rmatmat(X), D.T @ X, rtol=1e-12, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("case", [0, 1, 3, 5, 6, 7])
def test_diagonal(case):
    A = _matrix()
    A = A + sp.diags_array(np.arange(A.shape[0], dtype=float), format="csr")
    name, op, D = _adapters(sp.csr_array(A))[case]
    np.testing.assert_allclose(op.diagonal(), np.diag(D), rtol=1e-12, err_msg=name)


def test_rectangular_sparse_and_dense():
    A = _matrix(20, 7)
    rng = np.random.default_rng(0)
    for op in (as_operator(A), as_operator(A.toarray()), as_operator(spla.aslinearoperator(A))):
        assert op.shape == (20, 7)
        np.testing.assert_allclose(op.matmat(rng.standard_normal((7, 2))[:, :1]).shape, (20, 1))
        Y = rng.standard_normal((20, 2))
        np.testing.assert_allclose(op.rmatmat(Y), A.T @ Y, rtol=1e-12)


def test_weighted_sum_weights_change_in_place_nothing_re_summed():
    A, B = _matrix(seed=0), _matrix(seed=1)
    op = WeightedSum([A, B], weights=[1.0, 2.0])
    X, _ = _blocks(A.shape[0])
    np.testing.assert_allclose(op.matmat(X), A @ X + 2 * (B @ X), rtol=1e-12)
    op.weights[:] = [0.25, -1.0]
    np.testing.assert_allclose(op.matmat(X), 0.25 * (A @ X) - B @ X, rtol=1e-12)
    op.set_weights([0.0, 3.0])
    np.testing.assert_allclose(op.matmat(X), 3 * (B @ X), rtol=1e-12)
    np.testing.assert_allclose(op.rmatmat(X), 3 * (B.T @ X), rtol=1e-12)
    op.set_weights([0.0, 0.0])
    np.testing.assert_array_equal(op.matmat(X), np.zeros_like(X))
    # the terms are the caller's matrices, untouched
    assert op.operators[0].matrix is A


def test_weighted_sum_of_operators_of_different_kinds():
    A = _matrix()
    op = WeightedSum([A, spla.aslinearoperator(A), A.toarray()], [1.0, 1.0, -2.0])
    X, _ = _blocks(A.shape[0])
    np.testing.assert_allclose(op.matmat(X), np.zeros_like(X), atol=1e-12)


def test_shifted_operator_folded_follows_shift_and_scale_and_nesting():
    A = _matrix(40, seed=3)
    D = A.toarray()
    data = A.data.copy()
    X, _ = _blocks(40)
    op = ShiftedOperator(A, fold=True)
    I = np.eye(40)
    for shift, scale in [(0.0, 1.0), (1.5, 2.0), (-0.5, -3.0)]:
        op.shift, op.scale = shift, scale
        np.testing.assert_allclose(op.matmat(X), scale * (D - shift * I) @ X, rtol=1e-12, atol=1e-12)
    # a folded shift of a shift: one CSR copy with both folded in, following the inner one too
    inner = ShiftedOperator(A, shift=2.0, scale=-1.0)
    outer = ShiftedOperator(inner, shift=0.5, scale=3.0, fold=True)
    ref = 3.0 * (-(D - 2.0 * I) - 0.5 * I)
    np.testing.assert_allclose(outer.matmat(X), ref @ X, rtol=1e-12, atol=1e-12)
    inner.shift = 1.0
    np.testing.assert_allclose(outer.matmat(X), 3.0 * (-(D - I) - 0.5 * I) @ X, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(A.data, data)  # the caller's matrix is never rewritten


def test_folded_shift_equals_unfolded_on_a_matrix_without_diagonal_entries():
    A = sp.csr_array(np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 2.0], [0.0, 2.0, 0.0]]))
    x = np.array([1.0, -1.0, 2.0])
    a = ShiftedOperator(A, shift=0.7, scale=1.3, fold=True).matmat(x)
    b = ShiftedOperator(A, shift=0.7, scale=1.3).matmat(x)
    np.testing.assert_allclose(a, b, rtol=1e-14)


def test_astype_and_apply_work_in_the_asked_dtype():
    A = _matrix()
    X32 = _blocks(A.shape[0])[0].astype(np.float32)
    for op in (as_operator(A), WeightedSum([A, A]), ShiftedOperator(A, 1.0, fold=True),
               ProductOperator([A, A]), as_operator(spla.aslinearoperator(A)), as_operator(A.toarray())):
        op32 = operator_astype(op, np.float32)
        assert op32.dtype == np.float32
        assert op32.matmat(X32).dtype == np.float32, type(op).__name__
    f = FunctionOperator(A.shape, lambda X: A @ X.astype(np.float64))  # returns float64 whatever it gets
    assert operator_astype(f, np.float32) is f
    assert apply(f, X32).dtype == np.float32


def test_to_linear_operator_feeds_scipy():
    A = _matrix(60, seed=4)
    S = sp.csr_array(A + A.T)
    op = WeightedSum([sp.triu(S, format="csr"), sp.tril(S, k=-1, format="csr")])
    L = to_linear_operator(op)
    w = spla.eigsh(L, k=3, which="LA", return_eigenvectors=False, tol=1e-10)
    np.testing.assert_allclose(np.sort(w), np.linalg.eigvalsh(S.toarray())[-3:], rtol=1e-8)
    lin = spla.aslinearoperator(S)
    assert to_linear_operator(lin) is lin


def test_sparse_matrix_of():
    A = _matrix()
    assert sparse_matrix_of(A) is A
    assert sparse_matrix_of(SparseOperator(A)) is A
    assert sparse_matrix_of(A.tocoo()).format == "csr"
    assert sparse_matrix_of(A.toarray()) is None
    assert sparse_matrix_of(WeightedSum([A])) is None


def test_errors_name_the_problem():
    A = _matrix()
    with pytest.raises(TypeError, match="linear operator"):
        as_operator([[1.0, 2.0]])
    with pytest.raises(ValueError, match="one node set"):
        WeightedSum([A, _matrix(31)])
    with pytest.raises(ValueError, match="at least one"):
        WeightedSum([])
    op = WeightedSum([A, A])
    with pytest.raises(ValueError, match="2 entries"):
        op.set_weights([1.0])
    with pytest.raises(ValueError, match="finite"):
        op.set_weights([1.0, np.nan])
    with pytest.raises(ValueError, match="square"):
        ShiftedOperator(_matrix(5, 4), 1.0)
    with pytest.raises(ValueError, match="operator 0 has shape"):
        ProductOperator([_matrix(5, 4), _matrix(5, 4)])
    with pytest.raises(ValueError, match="2-D"):
        DenseOperator(np.ones(3))
    for bad in (as_operator(A.toarray()), WeightedSum([A]), ProductOperator([A]),
                LinearOperatorAdapter(spla.aslinearoperator(A)), FunctionOperator(A.shape, lambda X: A @ X)):
        with pytest.raises(ValueError, match="cannot multiply"):
            bad.matmat(np.ones((A.shape[0] + 1, 2)))
    with pytest.raises(TypeError, match="callables"):
        FunctionOperator((3, 3), "not a function")
    with pytest.raises(ValueError, match="device"):
        FunctionOperator((3, 3), lambda X: X, device="tpu")
    assert FunctionOperator((3, 3), lambda X: X).rmatmat is None
