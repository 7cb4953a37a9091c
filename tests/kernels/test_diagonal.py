"""kernels.cpu.diagonal.with_diagonal against a dense reference."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from graphclust.kernels.cpu.diagonal import with_diagonal


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("seed", range(4))
def test_every_diagonal_position_stored_and_values_kept(dtype, seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40))
    A = sp.random_array((n, n), density=float(rng.uniform(0.05, 0.6)), format="csr", dtype=dtype, rng=rng)
    keep = rng.random(n) < 0.5  # some rows keep a stored diagonal, the others lose it
    A = A.tolil()
    for i in range(n):
        A[i, i] = rng.random() + 0.5 if keep[i] else 0.0
    A = sp.csr_array(A)
    A.eliminate_zeros()
    A.sort_indices()
    indptr, indices, data, diag = with_diagonal(A.indptr, A.indices, A.data)
    B = sp.csr_array((data, indices, indptr), shape=A.shape)
    np.testing.assert_array_equal(B.toarray(), A.toarray())
    assert data.dtype == dtype and indices.dtype == A.indices.dtype
    np.testing.assert_array_equal(indices[diag], np.arange(n))
    np.testing.assert_array_equal(data[diag], A.diagonal())
    assert B.nnz == A.nnz + int((A.diagonal() == 0).sum())
    for i in range(n):  # rows stay sorted
        assert np.all(np.diff(indices[indptr[i]:indptr[i + 1]]) > 0)


@pytest.mark.parametrize("bad", ["index", "negative", "indptr", "short"])
def test_malformed_structure_raises(bad):
    A = sp.csr_array(np.array([[0.0, 1.0, 0.0], [1.0, 2.0, 3.0], [0.0, 3.0, 0.0]]))
    indptr, indices, data = A.indptr.copy(), A.indices.copy(), A.data.copy()
    if bad == "index":
        indices[-1] = 3
    elif bad == "negative":
        indices[0] = -1
    elif bad == "indptr":
        indptr[1] = indptr[2] + 1
    else:
        indptr[-1] = indices.size + 2
    with pytest.raises(ValueError, match="with_diagonal"):
        with_diagonal(indptr, indices, data)
