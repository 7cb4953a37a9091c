"""Which way to apply the smoothed representation ``Z = sum_t c_t P^t X_hat``: cost models.

Three layouts compute the same thing (in exact arithmetic):

``implicit``
    ``Z`` is never formed; every product with ``Z`` or ``Z^T`` is a Horner loop of ``T``
    narrow sparse products with ``P`` plus one with ``X_hat``. Memory ``O(nnz + n b)``.
``explicit`` (official S2CAG layout; M-S2CAG ``mode="dense"``)
    ``Z`` is materialised (``T`` wide sparse products), then every product is a skinny GEMM.
``gram``
    ``Z`` is materialised, then its Gram ``Z^T Z`` (one BLAS-3 product); the power steps run on
    ``d x b`` blocks (:mod:`graphclust.solvers.gram`) and only two products touch ``Z``.

:func:`official_cost` is the official code's rule (explicit vs implicit, operation counts).
:func:`estimated_seconds` weighs the operation counts of all three by the throughput each kind
of work reaches (a narrow sparse product gathers a few columns per non-zero and runs far below
a BLAS-3 product); ``path="auto"`` / ``mode="auto"`` picks the smallest estimate among the
layouts whose dense blocks (the attribute block and ``Z``) fit in graphclust's one memory
limit (:func:`graphclust.memory.get_memory_limit`).
"""
from __future__ import annotations

from .. import memory
from ..solvers.propagate import tiles_stay_cached

__all__ = ["official_cost", "estimated_seconds", "choose_layout", "check_dense_budget", "dense_bytes"]

# Multiply-adds per second of each kind of work, float64, on the 2-core reference machine
# (AMD EPYC, 32 MB L3), best of 5. When the gathered block fits in the last-level cache
# (amazon_photo: n = 7,650, d = 745, nnz(P) = 245,812):
#   narrow  sparse product with 8-18 columns (P: 1.1-2.4 ms for 2-4.4M)        ~ 1.5e9
#   wide    sparse product with hundreds of columns, column-tiled (P @ X_hat)  ~ 4e9
#   gram    Z^T Z by BLAS-3 (7650 x 745: 65 ms for 2.1G)                        ~ 3e10
#   gemm    skinny Z @ M / Z^T @ M with 8-18 columns (5-7 ms for 46-100M)      ~ 1e10
# When it does not (1M nodes, 10M non-zeros, docs/benchmarks/spmm.md), every non-zero misses
# the cache: 16 columns 0.57e9, 64 columns 0.9e9. The choice only needs the ratios.
_RATE = {"narrow": 1.5e9, "wide": 4e9, "gram": 3e10, "gemm": 1e10}
_RATE_OUT_OF_CACHE = {"narrow": 0.57e9, "wide": 0.9e9}
_CACHE_BYTES = 32 * 2**20
# float32 over float64, same machine and graph: materialising Z (tiled wide products)
# 0.20-0.23 vs 0.42-0.45 s, the Gram by sgemm 37 vs 61 ms, skinny GEMMs memory-bound (half the
# bytes); a narrow sparse product is latency-bound and gains little (the implicit layout's
# whole fit 0.60 vs 0.63 s), docs/benchmarks/s2cag.md
_FLOAT32_SPEEDUP = {"narrow": 1.0, "wide": 2.0, "gram": 1.65, "gemm": 2.0}


def _rate(kind: str, itemsize: int) -> float:
    """Throughput of in-cache work of ``kind`` for values of ``itemsize`` bytes."""
    return _RATE[kind] * (_FLOAT32_SPEEDUP[kind] if itemsize <= 4 else 1.0)


def _sparse_rate(kind: str, fits: bool, itemsize: int = 8) -> float:
    """Throughput of a sparse product whose gathered block fits in the cache or not."""
    return _rate(kind, itemsize) if fits else _RATE_OUT_OF_CACHE[kind]


def official_cost(n: int, d: int, nnz_p: int, k: int, T: int, tau: int, oversample: int = 10) -> tuple[int, int]:
    """The official cost rule of S2CAG: ``(cost_explicit, cost_implicit)``.

    ``cost_explicit = nnz(P) d T + 2 (tau+1) n d (k+p) + 3 n (k+p)^2`` (materialise ``Z``),
    ``cost_implicit = 2 (tau+1) (n d + nnz(P) T) (k+p) + 3 n (k+p)^2`` (apply ``Z`` as an
    operator). The official code takes the explicit path when its cost is strictly smaller.

    Parameters
    ----------
    n : int
        Number of nodes.
    d : int
        Number of attributes.
    nnz_p : int
        Stored non-zeros of the propagation matrix ``P``.
    k : int
        Number of clusters.
    T : int
        Propagation steps.
    tau : int
        Power iterations of the randomized SVD.
    oversample : int, default 10
        Oversampling ``p`` of the randomized SVD.

    Returns
    -------
    cost_explicit, cost_implicit : int

    Examples
    --------
    >>> official_cost(1000, 50, 5000, 5, 10, 7)
    (15175000, 24675000)
    """
    b = k + oversample
    explicit = nnz_p * d * T + 2 * (tau + 1) * n * d * b + 3 * n * b * b
    implicit = 2 * (tau + 1) * (n * d + nnz_p * T) * b + 3 * n * b * b
    return int(explicit), int(implicit)


def estimated_seconds(
    n: int,
    d: int,
    nnz_p: int,
    nnz_x: int,
    b: int,
    T: int,
    applications: int,
    itemsize: int = 8,
    dense_features: bool = False,
) -> dict[str, float]:
    """Estimated seconds of each layout for ``applications`` products with ``Z`` or ``Z^T``.

    Parameters
    ----------
    n, d : int
        Shape of ``Z`` (nodes x attributes).
    nnz_p, nnz_x : int
        Non-zeros of ``P`` and of the sparse attribute matrix.
    b : int
        Width of the blocks multiplied (``k + oversample`` for S2CAG, ``k`` for M-S2CAG).
    T : int
        Order of the polynomial.
    applications : int
        Number of products with ``Z`` or ``Z^T`` the solver makes in the ``n``-space
        (S2CAG: ``2 (tau + 1)``; M-S2CAG: ``2 tau + 2``).
    itemsize : int, default 8
        Bytes per value of the blocks (4 for float32): decides whether they fit in the cache,
        and float32 speeds up the wide, BLAS-3 and skinny dense products (``_FLOAT32_SPEEDUP``).
    dense_features : bool, default False
        The attribute matrix is a dense array (``nnz_x = n d``): its products are GEMMs.

    Returns
    -------
    dict with keys ``"implicit"``, ``"explicit"``, ``"gram"`` (seconds on the reference
    machine; only the ratios matter).

    Examples
    --------
    >>> est = estimated_seconds(7650, 745, 245812, 1979909, 18, 9, 16)
    >>> min(est, key=est.get)
    'gram'
    """
    # a wide block stays cached if it is small, or if propagate cuts it into cached tiles
    wide_fits = n * d * itemsize <= _CACHE_BYTES or tiles_stay_cached(n, itemsize)
    narrow = _sparse_rate("narrow", n * b * itemsize <= _CACHE_BYTES, itemsize)
    propagate_wide = T * nnz_p * d / _sparse_rate("wide", wide_fits, itemsize)
    gemm = _rate("gemm", itemsize)
    return {
        "implicit": applications * b * (T * nnz_p / narrow + nnz_x / (gemm if dense_features else narrow)),
        "explicit": propagate_wide + applications * n * d * b / gemm,
        # Gram, three products with Z, and one K @ M (d^2 b) per step (two applications; the
        # d x d algebra is float64 whatever the working dtype)
        "gram": propagate_wide
        + n * d * d / 2 / _rate("gram", itemsize)
        + 3 * n * d * b / gemm
        + applications / 2 * d * d * b / _RATE["gemm"],
    }


def dense_bytes(n: int, d: int, itemsize: int) -> int:
    """Bytes of the dense working set of the explicit and Gram layouts (``X_hat`` and ``Z``).

    Parameters
    ----------
    n : int
        Number of nodes.
    d : int
        Number of attributes.
    itemsize : int
        Bytes per value (4 or 8).

    Returns
    -------
    int

    Examples
    --------
    >>> dense_bytes(1000, 10, 8) > 0
    True
    """
    return 2 * int(n) * int(d) * int(itemsize)


def check_dense_budget(n: int, d: int, itemsize: int, layout: str) -> None:
    """Refuse a dense layout whose blocks exceed the memory limit (:mod:`graphclust.memory`).

    Parameters
    ----------
    n : int
        Number of nodes.
    d : int
        Number of attributes.
    itemsize : int
        Bytes per value (4 or 8).
    layout : str
        The layout; only the dense ones (explicit, Gram) are checked.

    Raises
    ------
    graphclust.memory.MemoryLimitError
        A ValueError naming the layout, the bytes it needs and the limit.
    """
    memory.check_bytes(
        dense_bytes(n, d, itemsize),
        what=f"the {layout!r} layout (two dense n x d blocks, {n} x {d}, {itemsize}-byte values)",
        hint="use the implicit layout, which never forms them, or dtype='float32' (half the bytes)",
    )


def choose_layout(
    estimates: dict[str, float], n: int, d: int, itemsize: int | dict[str, int], allowed: tuple[str, ...]
) -> str:
    """The fastest layout of ``allowed`` by ``estimates``; dense layouts only within the memory limit.

    Parameters
    ----------
    estimates : dict of str to float
        Estimated seconds of each layout.
    n : int
        Number of nodes.
    d : int
        Number of attributes.
    itemsize : int or dict of str to int
        Bytes per value of the dense blocks (4 or 8), one for all layouts or one per layout
        (``{"gram": 4, "explicit": 8}`` when only the Gram layout runs in float32).
    allowed : tuple of str
        The layouts to choose from.

    Returns
    -------
    str

    Examples
    --------
    >>> choose_layout({"implicit": 2.0, "gram": 1.0}, 10**6, 10**4, 8, ("implicit", "gram"))
    'implicit'
    """
    sizes = itemsize if isinstance(itemsize, dict) else {a: itemsize for a in allowed}
    limit = memory.get_memory_limit()
    candidates = [a for a in allowed if a == "implicit" or dense_bytes(n, d, sizes[a]) <= limit]
    return min(candidates, key=lambda a: estimates[a])
