"""Seeding shared by every method: one ``random_state`` turned into every random draw.

graphclust draws all its random numbers from one host :class:`numpy.random.Generator` made
from the estimator's ``random_state`` (:func:`check_random_state`), and copies them to the
device, so a seed gives the same numbers on CPU and GPU and whatever the thread count.
Third-party code gets what it needs from that Generator, never from a global stream:

- :func:`seed_from` draws an integer seed for libraries that take one (scikit-learn);
- :class:`FixedSeed` is the one documented way to hand an *official* integer seed through
  unchanged: official code that writes ``KMeans(random_state=42)`` is reproduced by passing
  ``random_state=FixedSeed(42)``; every library call then receives 42, and our own draws come
  from ``default_rng(42)``;
- :func:`legacy_normal` reproduces official code that draws ``np.random.RandomState(s).normal``;
- :func:`normal_rows` draws any row range of an ``n x k`` Gaussian block the same way
  whoever draws it (a distributed block, one machine), in fixed global row chunks;
- :func:`spawn` gives independent child generators (restarts, row blocks of a distributed
  vector) that do not depend on how the work is split;
- :func:`global_numpy_seed` seeds and restores ``np.random``'s global state around library
  code that draws from it (pyamg does in places).

Examples
--------
>>> from graphclust.seeding import FixedSeed, check_random_state, seed_from
>>> seed_from(check_random_state(FixedSeed(42)))
42
>>> seed_from(check_random_state(0)) == seed_from(check_random_state(0))
True
"""
from __future__ import annotations

import contextlib
import numbers
import os
from typing import Any, Iterator

import numpy as np

__all__ = ["FixedSeed", "check_random_state", "seed_from", "legacy_normal", "spawn", "global_numpy_seed", "normal_rows", "query_seeds",
           "NORMAL_ROWS_CHUNK"]

_MAX_SEED = 2**32 - 1  # numpy's legacy RandomState and scikit-learn take seeds below 2**32


class FixedSeed:
    """A ``random_state`` whose integer is handed unchanged to every library call.

    Use it to reproduce official code that seeds third-party calls with a constant
    (``KMeans(random_state=42)``): with ``random_state=FixedSeed(42)`` every scikit-learn
    call made through :func:`seed_from` receives ``42``, as in the official code, while
    graphclust's own draws come from ``numpy.random.default_rng(42)``.

    Parameters
    ----------
    seed : int
        In ``[0, 2**32)``.

    Examples
    --------
    >>> FixedSeed(42)
    FixedSeed(42)
    """

    __slots__ = ("seed",)

    def __init__(self, seed: int) -> None:
        if isinstance(seed, bool) or not isinstance(seed, (numbers.Integral, np.integer)):
            raise TypeError(f"FixedSeed takes an int, got {type(seed).__name__}.")
        if not 0 <= int(seed) <= _MAX_SEED:
            raise ValueError(f"FixedSeed must be in [0, 2**32), got {seed}.")
        self.seed = int(seed)

    def __repr__(self) -> str:
        return f"FixedSeed({self.seed})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FixedSeed) and other.seed == self.seed

    def __hash__(self) -> int:
        return hash(("FixedSeed", self.seed))


class _FixedSeedGenerator(np.random.Generator):
    """A Generator that also remembers the :class:`FixedSeed` it was made from."""

    def __init__(self, seed: int) -> None:
        super().__init__(np.random.PCG64(seed))
        self.fixed_seed = seed


def check_random_state(random_state: Any) -> np.random.Generator:
    """Turn ``random_state`` into a :class:`numpy.random.Generator`.

    Parameters
    ----------
    random_state : None, int, FixedSeed, numpy.random.Generator or numpy.random.RandomState
        ``None`` gives a fresh unseeded generator, an int (any non-negative size) seeds a new
        PCG64 generator, a :class:`FixedSeed` too (and is remembered, see :func:`seed_from`),
        a Generator is returned as is (so a caller can share one stream), and a legacy
        RandomState is wrapped by drawing a seed from it.

    Returns
    -------
    numpy.random.Generator

    Examples
    --------
    >>> rng = check_random_state(0)
    >>> float(rng.random()) == float(np.random.default_rng(0).random())
    True
    """
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, FixedSeed):
        return _FixedSeedGenerator(random_state.seed)
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(0, 2**31 - 1))
    if isinstance(random_state, (numbers.Integral, np.integer)) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"random_state must be a non-negative integer, got {random_state}.")
        return np.random.default_rng(int(random_state))
    raise TypeError(
        "random_state must be None, a non-negative int, a graphclust FixedSeed, a numpy.random.Generator "
        f"or a numpy.random.RandomState, got {type(random_state).__name__}."
    )


def seed_from(rng: np.random.Generator) -> int:
    """An integer seed for a library that wants one (scikit-learn), taken from ``rng``.

    Draws a 31-bit integer from ``rng``; a generator made from a :class:`FixedSeed` returns
    that seed every time instead (and draws nothing), as the official code it reproduces does.

    Parameters
    ----------
    rng : numpy.random.Generator

    Returns
    -------
    int
    """
    fixed = getattr(rng, "fixed_seed", None)
    if fixed is not None:
        return int(fixed)
    return int(rng.integers(0, 2**31 - 1))


def legacy_normal(random_state: Any, rng: np.random.Generator | None, shape: tuple[int, ...]) -> np.ndarray:
    """A Gaussian block as official code drawing ``np.random.RandomState(seed).normal`` gets it.

    With an integer ``random_state`` (or a :class:`FixedSeed`) below ``2**32`` the block is
    ``np.random.RandomState(seed).normal(size=shape)``: for ``random_state=0`` exactly the
    draw of official code that seeds ``RandomState(0)``. Otherwise (a larger int, a Generator,
    a legacy RandomState or None) it is drawn from ``rng``.

    Parameters
    ----------
    random_state : the estimator's ``random_state`` as the user gave it
    rng : numpy.random.Generator or None
        The Generator made from it (None: a fresh one).
    shape : tuple of int

    Returns
    -------
    ndarray of float64
    """
    seed = random_state.seed if isinstance(random_state, FixedSeed) else random_state
    if isinstance(seed, (numbers.Integral, np.integer)) and not isinstance(seed, bool) and 0 <= seed <= _MAX_SEED:
        return np.random.RandomState(int(seed)).normal(size=shape)
    if rng is None:
        rng = np.random.default_rng()
    return rng.standard_normal(shape)


def spawn(rng: np.random.Generator, n: int) -> list[np.random.Generator]:
    """``n`` independent child Generators drawn from ``rng`` (one draw of ``n`` seeds).

    Child ``i`` depends only on ``rng``'s state and ``i``, so work split into blocks seeded
    this way gives the same numbers whatever the number of threads or workers.

    Parameters
    ----------
    rng : numpy.random.Generator
    n : int

    Returns
    -------
    list of numpy.random.Generator

    Examples
    --------
    >>> a = [g.random() for g in spawn(np.random.default_rng(1), 3)]
    >>> b = [g.random() for g in spawn(np.random.default_rng(1), 3)]
    >>> a == b
    True
    """
    seeds = rng.integers(0, 2**63 - 1, size=int(n), dtype=np.int64)
    return [np.random.default_rng(int(s)) for s in seeds]


@contextlib.contextmanager
def global_numpy_seed(rng: np.random.Generator) -> Iterator[None]:
    """Seed ``np.random``'s global state from ``rng`` for the block, then restore it.

    For library code that draws from the global stream (pyamg does in places): its draws
    become a function of our ``random_state``, and the user's global state is left as found.

    Parameters
    ----------
    rng : numpy.random.Generator
    """
    saved = np.random.get_state()
    np.random.seed(seed_from(rng) % (_MAX_SEED + 1))
    try:
        yield
    finally:
        np.random.set_state(saved)


#: Rows per chunk of :func:`normal_rows` (global row chunks: independent of any partition).
NORMAL_ROWS_CHUNK = 1 << 16


def normal_rows(seed: int, start: int, stop: int, k: int, dtype: Any = np.float64) -> np.ndarray:
    """Rows ``start:stop`` of the ``n x k`` standard normal block of ``seed``.

    Row chunk ``c`` (rows from ``c * NORMAL_ROWS_CHUNK`` on) is drawn from
    ``default_rng(SeedSequence(seed, spawn_key=(c,)))``, so a row range has the same numbers
    whoever draws it: one process for all rows, or each worker of a cluster for its own. A
    large block is filled chunk by chunk on several threads, with the same numbers.

    Parameters
    ----------
    seed : int
        Non-negative.
    start, stop : int
        Global rows, ``0 <= start <= stop``.
    k : int
        Columns.
    dtype : numpy dtype, default=float64
        float32 is drawn in float32 (other numbers than float64), anything else in float64.

    Returns
    -------
    ndarray of shape (stop - start, k)

    Examples
    --------
    >>> a = normal_rows(3, 0, 10, 2)
    >>> b = np.vstack([normal_rows(3, 0, 4, 2), normal_rows(3, 4, 10, 2)])
    >>> bool(np.array_equal(a, b))
    True
    """
    start, stop, k = int(start), int(stop), int(k)
    out = np.empty((max(stop - start, 0), k), dtype=dtype)
    # float32 blocks are drawn in float32 (half the work); float64 for any other dtype
    draw = np.float32 if np.dtype(dtype) == np.float32 else np.float64
    chunks = range(start // NORMAL_ROWS_CHUNK, (stop - 1) // NORMAL_ROWS_CHUNK + 1 if stop > start else 0)

    def fill(c: int) -> None:
        lo = c * NORMAL_ROWS_CHUNK
        a, b = max(start, lo), min(stop, lo + NORMAL_ROWS_CHUNK)
        rng = np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(c,)))
        # Draws fill row by row: the first rows of a chunk do not depend on how many follow.
        if a == lo and out.dtype == draw:
            # a whole chunk from its first row: drawn in place (the same numbers, no copy)
            rng.standard_normal(dtype=draw, out=out[a - start:b - start])
        else:
            out[a - start:b - start] = rng.standard_normal((b - lo, k), dtype=draw)[a - lo:]

    workers = min(len(chunks), _cpu_threads())
    if workers > 1 and out.size >= _THREADED_DRAW_MIN:
        # numpy's generators release the GIL while they fill, and each chunk has its own
        # generator and rows: threads give the same numbers (1M x 30: 0.35 -> 0.18 s on 2 cores)
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(fill, chunks))
    else:
        for c in chunks:
            fill(c)
    return out


# Values from which :func:`normal_rows` fills its chunks on several threads (below, starting
# the threads costs more than they save).
_THREADED_DRAW_MIN = 1 << 20


def _cpu_threads() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def query_seeds(random_state: Any, n_queries: int) -> np.ndarray:
    """One int64 seed per query of a batch, so a query's result does not depend on its batch.

    Parameters
    ----------
    random_state : None, int, Generator, ... or a sequence of ``n_queries`` integers
        A ``random_state`` draws the seeds (one draw of ``n_queries``); a sequence *is* the
        seeds (how a batch split into chunks, e.g. over Dask tasks, hands each chunk its own).
    n_queries : int

    Returns
    -------
    ndarray of int64, shape (n_queries,)

    Examples
    --------
    >>> s = query_seeds(0, 4)
    >>> bool(np.array_equal(query_seeds(s[2:], 2), s[2:]))
    True
    """
    if isinstance(random_state, (list, tuple, np.ndarray)):
        seeds = np.asarray(random_state)
        if seeds.shape != (n_queries,) or not np.issubdtype(seeds.dtype, np.integer) or (seeds < 0).any():
            raise ValueError(f"random_state as per-query seeds must be {n_queries} non-negative integers, "
                             f"got {seeds.shape} of dtype {seeds.dtype}.")
        return seeds.astype(np.int64)
    rng = check_random_state(random_state)
    return rng.integers(0, 2**63 - 1, size=int(n_queries), dtype=np.int64)
