from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from graphclust.kernels.cpu.rows import balanced_bounds, range_bounds


def _work(indptr, b):
    return indptr[b[1:]] + b[1:] - indptr[b[:-1]] - b[:-1]


def test_range_bounds_split_a_row_range_by_work():
    A = sp.random(500, 500, density=0.02, format="csr", random_state=42)
    b = range_bounds(A.indptr, 100, 400, 7)
    assert b[0] == 100 and b[-1] == 400 and np.all(np.diff(b) >= 0)
    work = _work(A.indptr, b)
    assert work.sum() == A.indptr[400] - A.indptr[100] + 300
    assert work.max() - work.min() <= 2 * np.diff(A.indptr).max() + 2  # equal work, to a row


def test_balanced_bounds_cover_all_rows_with_more_chunks_than_rows():
    A = sp.csr_array(np.eye(3))
    b = balanced_bounds(A.indptr, 8)  # empty chunks allowed, never decreasing
    assert b[0] == 0 and b[-1] == 3 and b.size == 9 and np.all(np.diff(b) >= 0)
    assert balanced_bounds(np.zeros(1, dtype=np.int64), 4).tolist() == [0, 0, 0, 0, 0]
