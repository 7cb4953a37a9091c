"""kernels.cpu.symmetry.exactly_symmetric against scipy's A - A.T on the same matrices."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings, strategies as st

from graphclust.kernels.cpu.symmetry import exactly_symmetric


def _symmetric(n, density, rng, dtype=np.float64):
    M = sp.random_array((n, n), density=density, format="csr", dtype=dtype, rng=rng)
    S = sp.csr_array(M + M.T)
    S.sum_duplicates()
    S.eliminate_zeros()
    return S


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 30), density=st.floats(0.0, 0.5), seed=st.integers(0, 10**6),
       edit=st.sampled_from(["none", "value", "ulp", "drop", "add", "swap_values"]))
def test_agrees_with_scipy(n, density, seed, edit):
    rng = np.random.default_rng(seed)
    A = _symmetric(n, density, rng).tolil()
    rows, cols = A.nonzero()
    off = [(i, j) for i, j in zip(rows, cols) if i != j]
    if edit != "none" and off:
        i, j = off[int(rng.integers(len(off)))]
        if edit == "value":
            A[i, j] = A[i, j] + 1.0
        elif edit == "ulp":
            A[i, j] = np.nextafter(A[i, j], np.inf)
        elif edit == "drop":
            A[i, j] = 0.0
        elif edit == "swap_values" and len(off) > 2:
            k, l = off[int(rng.integers(len(off)))]
            A[i, j], A[k, l] = A[k, l], A[i, j]
    if edit == "add" and n > 1:
        i, j = rng.choice(n, 2, replace=False)
        A[i, j] = A[i, j] + 2.0
    A = sp.csr_array(A)
    A.eliminate_zeros()
    A.sort_indices()
    expected = (A - A.T).nnz == 0
    assert exactly_symmetric(A.indptr, A.indices, A.data) == expected


def test_row_order_within_rows_does_not_matter_and_float32():
    A = _symmetric(200, 0.05, np.random.default_rng(1), np.float32)
    order = np.random.default_rng(2)
    idx, dat = A.indices.copy(), A.data.copy()
    for i in range(200):  # shuffle each row's entries
        s, e = A.indptr[i], A.indptr[i + 1]
        p = order.permutation(e - s)
        idx[s:e], dat[s:e] = idx[s:e][p], dat[s:e][p]
    assert exactly_symmetric(A.indptr, idx, dat)
    jj = next(j for j in range(A.nnz) if idx[j] != np.searchsorted(A.indptr, j, side="right") - 1)
    dat[jj] *= 2  # an off-diagonal entry loses its mirror's value
    assert not exactly_symmetric(A.indptr, idx, dat)


@pytest.mark.parametrize("bad", ["index", "indptr"])
def test_malformed_structure_is_not_claimed_symmetric(bad):
    A = _symmetric(10, 0.3, np.random.default_rng(0))
    indptr, indices = A.indptr.copy(), A.indices.copy()
    if bad == "index":
        indices[0] = 10
    else:
        indptr[5] = indptr[6] + 1
    assert not exactly_symmetric(indptr, indices, A.data)
