"""One memory guard for every dense block whose size comes from user input.

A dense array sized by the user's data (an ``n x k`` start block, an ``n x n`` matrix of a
method that is dense by definition, a contingency table, a feature copy) is checked here
before it is allocated. A block above the limit is refused at once with a
:class:`MemoryLimitError` (a :class:`ValueError`) that names the block, the size it would
need, the limit, and what to do instead, rather than dying minutes later in the allocator.

The limit is one setting: :func:`set_memory_limit` (bytes, or a string such as ``"8GiB"``),
or the environment variable ``GRAPHCLUST_MEMORY_LIMIT`` read at first use. By default it is
:data:`DEFAULT_FRACTION` of the memory available when graphclust first asks (read once
from ``/proc/meminfo``, psutil where installed, or ``os.sysconf``).

Examples
--------
>>> import numpy as np
>>> from graphclust import memory
>>> memory.check_dense((1000, 10), np.float64, what="start block")   # 80 kB: fine
80000
>>> with memory.memory_limit(10_000):
...     memory.check_dense((1000, 10), np.float64, what="start block", hint="use a smaller k")
Traceback (most recent call last):
...
graphclust.memory.MemoryLimitError: start block of shape (1000, 10) (float64) needs 78.1 KiB, above the memory limit of 9.8 KiB; use a smaller k (the limit is graphclust.memory.set_memory_limit / $GRAPHCLUST_MEMORY_LIMIT).
"""
from __future__ import annotations

import contextlib
import math
import os
import re
from typing import Any, Iterator

import numpy as np

__all__ = [
    "MemoryLimitError",
    "DEFAULT_FRACTION",
    "available_memory",
    "get_memory_limit",
    "set_memory_limit",
    "memory_limit",
    "dense_nbytes",
    "check_bytes",
    "check_dense",
    "format_bytes",
]

#: Fraction of the available memory one dense block may take by default.
DEFAULT_FRACTION = 0.5

_ENV = "GRAPHCLUST_MEMORY_LIMIT"
_limit: int | None = None  # the user's setting (or the environment's), bytes
_available: int | None = None  # read once


class MemoryLimitError(ValueError):
    """A dense block would exceed graphclust's memory limit (a ValueError: bad input size)."""


def format_bytes(nbytes: float) -> str:
    """``nbytes`` as a short human-readable string (binary units).

    Parameters
    ----------
    nbytes : float
        A byte count.

    Returns
    -------
    str

    Examples
    --------
    >>> format_bytes(3 * 2**30)
    '3.0 GiB'
    """
    value = float(nbytes)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(value) < 1024 or unit == "PiB":
            return f"{value:.0f} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} EiB"  # pragma: no cover


_UNITS = {"": 1, "b": 1, "k": 10**3, "kb": 10**3, "kib": 2**10, "m": 10**6, "mb": 10**6, "mib": 2**20,
          "g": 10**9, "gb": 10**9, "gib": 2**30, "t": 10**12, "tb": 10**12, "tib": 2**40,
          "p": 10**15, "pb": 10**15, "pib": 2**50}


def _parse_bytes(value: Any, name: str) -> int:
    if isinstance(value, str):
        m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([a-zA-Z]*)\s*", value)
        if m is None or m.group(2).lower() not in _UNITS:
            raise ValueError(f"{name} must be a number of bytes or a size such as '8GiB', got {value!r}.")
        value = float(m.group(1)) * _UNITS[m.group(2).lower()]
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number of bytes or a size string, got {type(value).__name__}.")
    if not math.isfinite(float(value)) or value <= 0:
        raise ValueError(f"{name} must be a positive, finite number of bytes, got {value!r}.")
    return int(value)


def available_memory() -> int:
    """Bytes of memory available to this process, read once and cached.

    ``MemAvailable`` of ``/proc/meminfo`` (Linux), else psutil's ``virtual_memory().available``
    where psutil is installed, else physical pages times page size; 8 GiB when nothing answers.

    Returns
    -------
    int
    """
    global _available
    if _available is None:
        _available = _read_available()
    return _available


def _read_available() -> int:
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        import psutil  # optional

        return int(psutil.virtual_memory().available)
    except Exception:  # noqa: BLE001 - psutil absent or unusable: try the next source
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return 8 * 2**30


def get_memory_limit() -> int:
    """The limit in bytes one dense block may take.

    The value given to :func:`set_memory_limit`, else ``$GRAPHCLUST_MEMORY_LIMIT``, else
    :data:`DEFAULT_FRACTION` of :func:`available_memory`.

    Returns
    -------
    int
    """
    if _limit is not None:
        return _limit
    env = os.environ.get(_ENV)
    if env:
        return _parse_bytes(env, f"${_ENV}")
    return int(DEFAULT_FRACTION * available_memory())


def set_memory_limit(limit: int | float | str | None) -> None:
    """Set the memory limit of one dense block (``None`` restores the default).

    Parameters
    ----------
    limit : int, float, str or None
        Bytes (``2**33``), a size string (``"8GiB"``, ``"500MB"``) or None.

    Examples
    --------
    >>> from graphclust import memory
    >>> memory.set_memory_limit("2GiB"); memory.get_memory_limit()
    2147483648
    >>> memory.set_memory_limit(None)
    """
    global _limit
    _limit = None if limit is None else _parse_bytes(limit, "limit")


@contextlib.contextmanager
def memory_limit(limit: int | float | str | None) -> Iterator[None]:
    """Context manager: :func:`set_memory_limit` for the duration of a ``with`` block.

    Parameters
    ----------
    limit : int, float, str or None
        As in :func:`set_memory_limit`.
    """
    global _limit
    saved = _limit
    set_memory_limit(limit)
    try:
        yield
    finally:
        _limit = saved


def dense_nbytes(shape: Any, dtype: Any = np.float64) -> int:
    """Bytes of a dense array of ``shape`` and ``dtype``, computed without overflow.

    Parameters
    ----------
    shape : int or tuple of int
    dtype : numpy dtype, default=float64

    Returns
    -------
    int

    Examples
    --------
    >>> dense_nbytes((10**6, 10**6))
    8000000000000
    """
    dims = (shape,) if np.ndim(shape) == 0 else tuple(shape)
    total = int(np.dtype(dtype).itemsize)
    for s in dims:
        total *= max(int(s), 0)  # Python ints: no overflow for absurd sizes
    return total


def check_bytes(nbytes: int, *, what: str, hint: str | None = None) -> int:
    """Refuse an allocation of ``nbytes`` above the limit; return ``nbytes`` otherwise.

    Parameters
    ----------
    nbytes : int
        Size of the block about to be allocated (several blocks: their sum).
    what : str
        Names the block in the message ("the n x n affinity", "a start block of n x k").
    hint : str, optional
        What the user can do instead ("use DEMMPlus", "a smaller n_clusters", "float32").

    Returns
    -------
    int
        ``nbytes``.

    Raises
    ------
    MemoryLimitError
        (a ValueError) naming ``what``, the size, the limit and ``hint``.
    """
    nbytes = int(nbytes)
    limit = get_memory_limit()
    if nbytes > limit:
        advice = f"; {hint}" if hint else ""
        raise MemoryLimitError(
            f"{what} needs {format_bytes(nbytes)}, above the memory limit of {format_bytes(limit)}{advice} "
            f"(the limit is graphclust.memory.set_memory_limit / ${_ENV})."
        )
    return nbytes


def check_dense(shape: Any, dtype: Any = np.float64, *, what: str = "a dense array", hint: str | None = None) -> int:
    """:func:`check_bytes` for a dense array of ``shape`` and ``dtype``; returns its bytes.

    Parameters
    ----------
    shape : int or tuple of int
    dtype : numpy dtype, default=float64
    what : str, default="a dense array"
        Names the block; the message adds the shape and dtype.
    hint : str, optional
        What to do instead.

    Returns
    -------
    int
        The bytes the array needs.
    """
    dims = (shape,) if np.ndim(shape) == 0 else tuple(int(s) for s in shape)
    return check_bytes(dense_nbytes(dims, dtype), what=f"{what} of shape {dims} ({np.dtype(dtype).name})", hint=hint)
