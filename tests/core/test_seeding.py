"""graphclust.seeding.normal_rows: a row range has the same numbers whoever draws it."""
from __future__ import annotations

import numpy as np
import pytest

from graphclust.seeding import NORMAL_ROWS_CHUNK, normal_rows


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_row_ranges_agree_across_chunk_boundaries(dtype):
    # whole chunks are drawn in place, partial ones through a copy: both give the same rows
    c = NORMAL_ROWS_CHUNK
    n = 2 * c + 37
    whole = normal_rows(11, 0, n, 3, dtype)
    assert whole.dtype == (np.float32 if dtype == np.float32 else np.dtype(dtype))
    for start, stop in [(0, n), (5, c + 3), (c - 1, c + 1), (c, 2 * c), (2 * c + 1, n), (7, 7)]:
        np.testing.assert_array_equal(normal_rows(11, start, stop, 3, dtype), whole[start:stop])
    pieces = np.vstack([normal_rows(11, a, b, 3, dtype) for a, b in [(0, 10), (10, c + 5), (c + 5, n)]])
    np.testing.assert_array_equal(pieces, whole)


def test_chunks_are_the_spawned_streams():
    # chunk 1 is default_rng(SeedSequence(seed, spawn_key=(1,))), drawn from its first row
    c = NORMAL_ROWS_CHUNK
    ref = np.random.default_rng(np.random.SeedSequence(4, spawn_key=(1,))).standard_normal((5, 2))
    np.testing.assert_array_equal(normal_rows(4, c, c + 5, 2), ref)


@pytest.mark.parametrize("start", [0, 17])
def test_threaded_fill_draws_each_chunk_from_its_stream(start):
    # a block large enough to be filled on several threads (whole chunks in place, a partial
    # first chunk through a copy) holds, chunk by chunk, the spawned stream's numbers
    import graphclust.seeding as seeding

    c, k = NORMAL_ROWS_CHUNK, 7
    n = 3 * c + 5
    assert (n - start) * k >= seeding._THREADED_DRAW_MIN
    got = normal_rows(9, start, n, k)
    ref = np.vstack([
        np.random.default_rng(np.random.SeedSequence(9, spawn_key=(i,))).standard_normal((min(n, (i + 1) * c) - i * c, k))
        for i in range(4)
    ])[start:]
    np.testing.assert_array_equal(got, ref)
