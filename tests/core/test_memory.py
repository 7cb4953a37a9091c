"""The one memory setting: sizes, the environment variable, the context manager, the messages."""
from __future__ import annotations

import numpy as np
import pytest

from graphclust import memory


def test_sizes_parse_in_every_unit():
    for text, expected in [("8GiB", 8 * 2**30), ("500MB", 5 * 10**8), ("1PiB", 2**50), ("2 tb", 2 * 10**12),
                           ("1e6", 10**6)]:
        with memory.memory_limit(text):
            assert memory.get_memory_limit() == expected
    with pytest.raises(ValueError, match="size such as"):
        memory.set_memory_limit("8 parsecs")
    with pytest.raises(ValueError, match="positive"):
        memory.set_memory_limit(0)
    with pytest.raises(TypeError):
        memory.set_memory_limit([1])


def test_environment_default_and_context_restore(monkeypatch):
    default = memory.get_memory_limit()
    assert default == int(memory.DEFAULT_FRACTION * memory.available_memory())
    monkeypatch.setenv("GRAPHCLUST_MEMORY_LIMIT", "3GiB")
    assert memory.get_memory_limit() == 3 * 2**30
    with memory.memory_limit(1234):
        assert memory.get_memory_limit() == 1234  # the setting wins over the environment
    assert memory.get_memory_limit() == 3 * 2**30


def test_refusal_names_size_limit_and_advice():
    with memory.memory_limit("1GiB"), pytest.raises(memory.MemoryLimitError) as err:
        memory.check_dense((60_000, 60_000), np.float64, what="np.eye(n)", hint="use a smaller k")
    msg = str(err.value)
    assert isinstance(err.value, ValueError)
    assert "np.eye(n) of shape (60000, 60000) (float64)" in msg and "26.8 GiB" in msg and "1.0 GiB" in msg
    assert "use a smaller k" in msg and "set_memory_limit" in msg
    assert memory.dense_nbytes((2**40, 2**40), np.int64) == 2**83  # Python ints: no overflow
