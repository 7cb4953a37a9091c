"""Stochastic block model generator, sampled block-wise in O(n + m).

A graph with ``n`` nodes and ``m`` edges costs ``O(n + m)`` memory and ``O(n + m log m)``
time (the log comes from sorting while removing duplicate draws); no ``n x n`` array, and no
loop over the ``O(n^2)`` node pairs, is ever made.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import scipy.sparse as sp

from ..validation import check_random_state, check_scalar

__all__ = ["sbm"]

# Block pairs at least this dense are drawn as one Bernoulli trial per pair (O(N) = O(m / p)
# work, at most 1/_DENSE_P times the edge count); sparser pairs use draws with replacement,
# where duplicates are rare (expected fraction below p / 2), so top-up rounds stay few.
_DENSE_P = 0.25
# Peak bytes of a sample, measured with tracemalloc (n = 400k, 1.6M-5.2M edges, standard and
# degree-corrected, sparse and dense block pairs): at most 96 per edge plus 16 per node, plus
# 9 per node pair of a dense block pair (one uniform draw and one mask byte each), plus the
# index arrays of the K (K + 1) / 2 block pairs.
_BYTES_PER_EDGE, _BYTES_PER_NODE, _BYTES_PER_DENSE_PAIR, _BYTES_PER_BLOCK_PAIR = 96, 16, 9, 64
# Node pairs of one block pair are indexed by int64 positions.
_MAX_PAIRS = 2**62


def sbm(
    sizes: Sequence[int],
    p: Any = None,
    *,
    p_in: float | None = None,
    p_out: float | None = None,
    degree_corrected: bool = False,
    theta: Any = None,
    random_state: Any = None,
    name: str = "sbm",
):
    """Sample an undirected stochastic block model (optionally degree-corrected).

    Nodes ``0..n-1`` are laid out block after block (block ``r`` holds ``sizes[r]``
    consecutive nodes) and the planted block of every node is returned as ``labels``.

    **Standard SBM** (``theta`` is None and ``degree_corrected=False``): every pair of
    distinct nodes ``u`` in block ``r``, ``v`` in block ``s`` is an edge independently with
    probability ``p[r, s]``. Sampling is block-wise: the edge count of each block pair is
    drawn from its Binomial law, then that many distinct positions are drawn uniformly
    among the pair's node pairs (draws with replacement, duplicates removed, missing ones
    drawn again; block pairs with ``p >= 0.25`` are drawn as one Bernoulli trial per node
    pair, which is still ``O(m)``). The law is exactly the SBM's.

    **Degree-corrected SBM** (``theta`` given, or ``degree_corrected=True``): the
    Karrer-Newman Poisson model. Within every block ``theta`` is rescaled to mean 1; block
    pair ``(r, s)`` receives ``Poisson(p[r, s] * n_r * n_s)`` edges (``Poisson(p[r, r] *
    n_r**2 / 2)`` inside a block) whose endpoints are drawn independently with probability
    proportional to ``theta`` inside their blocks; self-loops are dropped and multi-edges
    merged. So ``u ~ v`` with probability ``1 - exp(-theta_u theta_v p[r, s])``
    (``~ theta_u theta_v p[r, s]`` when small) and the expected degree of ``u`` is close
    to ``theta_u`` times the expected degree of its block. With ``degree_corrected=True``
    and no ``theta``, ``theta`` is drawn as ``1 + Pareto(2.5)`` (a heavy-tailed degree
    sequence with finite variance).

    Parameters
    ----------
    sizes : sequence of int
        Block sizes (each >= 1).
    p : array-like of shape (K, K) or float, optional
        Symmetric matrix of edge probabilities in ``[0, 1]``. A scalar means the same
        probability for every pair (an Erdos-Renyi graph). Give either ``p`` or the pair
        ``p_in`` / ``p_out``.
    p_in, p_out : float, optional
        Convenience for the planted partition model: ``p = p_out`` off the diagonal and
        ``p_in`` on it.
    degree_corrected : bool, default=False
        Sample the degree-corrected model; see above.
    theta : array-like of shape (n,), optional
        Non-negative node weights for the degree-corrected model (implies it). Rescaled to
        mean 1 within each block (a block whose weights are all zero keeps them zero).
    random_state : None, int or numpy.random.Generator
        Seed; the same seed gives the same graph.
    name : str, default="sbm"
        Name stored on the returned graph.

    Returns
    -------
    graph : graphclust.Graph
        Unweighted, symmetric, no self-loops, with ``labels`` set to the planted blocks
        (int64).

    Examples
    --------
    >>> from graphclust.datasets.sbm import sbm
    >>> g = sbm([50, 50], p_in=0.3, p_out=0.01, random_state=0)
    >>> g.n_nodes, g.labels[:3].tolist(), g.labels[-1].item()
    (100, [0, 0, 0], 1)
    """
    from ..graph import Graph

    sizes_arr, P = _check_blocks(sizes, p, p_in, p_out)
    dc = theta is not None or bool(degree_corrected)
    _check_sample_size(sizes_arr, P, dc, name)
    rng = check_random_state(random_state)
    n = int(sizes_arr.sum())
    labels = np.repeat(np.arange(sizes_arr.size, dtype=np.int64), sizes_arr)
    if dc:
        if theta is None:
            theta_arr = 1.0 + rng.pareto(2.5, size=n)
        else:
            theta_arr = np.array(theta, dtype=np.float64, copy=True)
            if theta_arr.ndim != 1 or theta_arr.shape[0] != n:
                raise ValueError(f"theta must be a 1-D array with one weight per node ({n}), got shape {theta_arr.shape}.")
            if not np.all(np.isfinite(theta_arr)) or np.any(theta_arr < 0):
                raise ValueError("theta must contain finite, non-negative weights.")
        rows, cols = _sample_dcsbm(sizes_arr, P, theta_arr, rng)
    else:
        rows, cols = _sample_sbm(sizes_arr, P, rng)
    # The CSR built here is canonical by construction (float64, symmetric, sorted, no
    # duplicates, no zeros, no self-loops), so the O(m) checks of as_graph are skipped.
    return Graph(adjacency=_symmetric_csr(rows, cols, n), labels=labels, name=name)


def _check_blocks(sizes: Any, p: Any, p_in: Any, p_out: Any) -> tuple[np.ndarray, np.ndarray]:
    """Validate block sizes and probabilities; return (sizes int64, P float64 K x K)."""
    if isinstance(sizes, (list, tuple)) and any(isinstance(v, (bool, np.bool_)) for v in sizes):
        # np.asarray([True, 3]) is [1, 3]: a bool is never a block size
        raise TypeError(f"sizes must be integers, got a bool in {list(sizes)!r}.")
    sizes_arr = np.asarray(sizes)
    if sizes_arr.ndim != 1 or sizes_arr.size == 0:
        raise ValueError(f"sizes must be a non-empty 1-D sequence of block sizes, got {sizes!r}.")
    if sizes_arr.dtype == bool or not np.issubdtype(sizes_arr.dtype, np.integer):
        if np.issubdtype(sizes_arr.dtype, np.floating) and np.all(sizes_arr == np.round(sizes_arr)):
            sizes_arr = sizes_arr.astype(np.int64)
        else:
            raise TypeError(f"sizes must be integers, got dtype {sizes_arr.dtype}.")
    sizes_arr = sizes_arr.astype(np.int64)
    if np.any(sizes_arr < 1):
        raise ValueError(f"sizes must all be >= 1, got {sizes_arr.tolist()}.")
    K = sizes_arr.size
    from ..memory import check_dense

    check_dense((K, K), np.float64, what=f"the {K} x {K} block probability matrix", hint="use fewer blocks")
    if p is not None and (p_in is not None or p_out is not None):
        raise ValueError("give either p or p_in/p_out, not both.")
    if p is None:
        if p_in is None or p_out is None:
            raise ValueError("give the edge probabilities: p (K x K matrix) or both p_in and p_out.")
        p_in = check_scalar(p_in, "p_in", low=0, high=1)
        p_out = check_scalar(p_out, "p_out", low=0, high=1)
        P = np.full((K, K), p_out, dtype=np.float64)
        np.fill_diagonal(P, p_in)
    else:
        P = np.array(p, dtype=np.float64, copy=True)
        if P.ndim == 0:
            P = np.full((K, K), float(P))
        if P.shape != (K, K):
            raise ValueError(f"p must be a scalar or a {K} x {K} matrix (one row per block), got shape {P.shape}.")
        if not np.all(np.isfinite(P)) or np.any(P < 0) or np.any(P > 1):
            raise ValueError("p must contain probabilities in [0, 1].")
        if not np.allclose(P, P.T, rtol=0, atol=1e-12):
            raise ValueError("p must be symmetric (the graph is undirected).")
        P = (P + P.T) / 2
    return sizes_arr, P


def _pair_sum(f: np.ndarray, W: np.ndarray) -> float:
    """``sum_{r < s} f_r f_s W_rs + sum_r f_r (f_r - 1) / 2 W_rr`` in float64 (no overflow)."""
    diag = np.diag(W)
    return float((f @ W @ f - np.sum(f * f * diag)) / 2 + np.sum(f * (f - 1) / 2 * diag))


def _check_sample_size(sizes: np.ndarray, P: np.ndarray, degree_corrected: bool, name: str) -> None:
    """Refuse, before anything is allocated, a sample whose memory exceeds the limit.

    The expected edge count comes from the block sizes and probabilities in float64, so
    absurd sizes (``10**12`` nodes) are refused at once instead of overflowing int64 or
    running out of memory minutes later.
    """
    from ..memory import check_bytes

    f = sizes.astype(np.float64)
    n = float(f.sum())
    m = _pair_sum(f, P)
    dense_pairs = 0.0 if degree_corrected else _pair_sum(f, (P >= _DENSE_P).astype(np.float64))
    K = f.size
    need = (_BYTES_PER_NODE * n + _BYTES_PER_EDGE * m + _BYTES_PER_DENSE_PAIR * dense_pairs
            + _BYTES_PER_BLOCK_PAIR * K * (K + 1) / 2)
    check_bytes(
        min(need, 2.0**80),
        what=f"sampling {name} ({n:.3g} nodes, {K} blocks, {m:.3g} expected edges)",
        hint="use fewer nodes or smaller edge probabilities",
    )
    if not degree_corrected and float(np.max(np.maximum(f * f, f))) > _MAX_PAIRS:
        raise ValueError(
            f"{name}: a block pair has more than 2^62 node pairs, which int64 positions cannot index; use "
            "smaller blocks."
        )


def _block_pairs(K: int) -> tuple[np.ndarray, np.ndarray]:
    """Index arrays (r, s) of the block pairs with r <= s."""
    r, s = np.triu_indices(K)
    return r.astype(np.int64), s.astype(np.int64)


def _sample_sbm(sizes: np.ndarray, P: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Edges (u < v) of a standard SBM, as two int64 arrays."""
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    r, s = _block_pairs(sizes.size)
    # Number of node pairs in each block pair (as Python ints would overflow nowhere below 2^63).
    n_pairs = np.where(r == s, sizes[r] * (sizes[r] - 1) // 2, sizes[r] * sizes[s]).astype(np.int64)
    probs = P[r, s]
    rows_out, cols_out = [], []

    dense = (probs >= _DENSE_P) & (n_pairs > 0)
    for b in np.flatnonzero(dense):
        # One Bernoulli trial per node pair: O(n_pairs) <= O(m / _DENSE_P).
        idx = np.flatnonzero(rng.random(n_pairs[b]) < probs[b]).astype(np.int64)
        u, v = _unrank(idx, r[b], s[b], sizes, offsets)
        rows_out.append(u)
        cols_out.append(v)

    sparse_b = np.flatnonzero(~dense & (probs > 0) & (n_pairs > 0))
    if sparse_b.size:
        counts = rng.binomial(n_pairs[sparse_b], probs[sparse_b]).astype(np.int64)
        keep = counts > 0
        sparse_b, counts = sparse_b[keep], counts[keep]
    if sparse_b.size:
        idx, which = _distinct_positions(n_pairs[sparse_b], counts, rng)
        # ``which`` indexes sparse_b; group per block pair to unrank with its own sizes.
        blocks = sparse_b[which]
        u, v = _unrank_many(idx, r[blocks], s[blocks], sizes, offsets)
        rows_out.append(u)
        cols_out.append(v)
    if not rows_out:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(rows_out), np.concatenate(cols_out)


def _distinct_positions(
    n_pairs: np.ndarray, counts: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``counts[b]`` distinct positions in ``[0, n_pairs[b])`` for every group ``b``.

    Uniform over subsets: draws with replacement, then duplicates are dropped and only the
    missing number is drawn again, which keeps the result a uniform random subset. Returns
    (positions, group index) as int64 arrays.
    """
    base = np.concatenate([[0], np.cumsum(n_pairs)[:-1]]).astype(np.int64)
    have = np.zeros(0, dtype=np.int64)  # global keys base[b] + position, sorted and unique
    need = counts.copy()
    while True:
        groups = np.repeat(np.arange(counts.size, dtype=np.int64), need)
        if groups.size == 0:
            break
        draw = rng.integers(0, n_pairs[groups], dtype=np.int64) + base[groups]
        have = _sorted_unique(np.concatenate([have, draw]))
        got = np.bincount(np.searchsorted(base, have, side="right") - 1, minlength=counts.size)
        need = counts - got
    group = np.searchsorted(base, have, side="right") - 1
    return have - base[group], group


def _sorted_unique(x: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an int array (sort + neighbour compare; ``np.unique`` is
    many times slower on large int64 arrays in numpy 2.4)."""
    x = np.sort(x)
    if x.size == 0:
        return x
    keep = np.empty(x.size, dtype=bool)
    keep[0] = True
    np.not_equal(x[1:], x[:-1], out=keep[1:])
    return x[keep]


def _unrank(idx: np.ndarray, r: int, s: int, sizes: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Map positions inside block pair (r, s) to node pairs (u, v)."""
    rr = np.full(idx.size, r, dtype=np.int64)
    ss = np.full(idx.size, s, dtype=np.int64)
    return _unrank_many(idx, rr, ss, sizes, offsets)


def _unrank_many(
    idx: np.ndarray, r: np.ndarray, s: np.ndarray, sizes: np.ndarray, offsets: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised unranking: off-diagonal pairs are row-major over n_r x n_s, diagonal
    pairs enumerate ``i < j`` as ``j * (j - 1) / 2 + i``."""
    u = np.empty(idx.size, dtype=np.int64)
    v = np.empty(idx.size, dtype=np.int64)
    off = r != s
    ns = sizes[s[off]]
    u[off] = offsets[r[off]] + idx[off] // ns
    v[off] = offsets[s[off]] + idx[off] % ns
    diag = ~off
    t = idx[diag]
    j = np.floor((1.0 + np.sqrt(1.0 + 8.0 * t.astype(np.float64))) / 2.0).astype(np.int64)
    # Correct float rounding of the square root for very large positions.
    j -= (j * (j - 1) // 2) > t
    j += ((j + 1) * j // 2) <= t
    i = t - j * (j - 1) // 2
    u[diag] = offsets[r[diag]] + i
    v[diag] = offsets[r[diag]] + j
    return u, v


def _sample_dcsbm(
    sizes: np.ndarray, P: np.ndarray, theta: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Edges of the Karrer-Newman degree-corrected SBM (Poisson multigraph, then simplified)."""
    K = sizes.size
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    # Per-block sampling tables: normalised cumulative theta inside the block.
    cdfs = []
    totals = np.empty(K)
    for b in range(K):
        w = theta[offsets[b]:offsets[b + 1]]
        totals[b] = w.sum()
        cdfs.append(np.cumsum(w) / totals[b] if totals[b] > 0 else None)
    # Mean-1 weights: the expected number of (u, v) edges is theta_u theta_v p_rs.
    r, s = _block_pairs(K)
    sr, ss = sizes[r].astype(np.float64), sizes[s].astype(np.float64)
    lam = np.where(r == s, P[r, s] * sr * sr / 2.0, P[r, s] * sr * ss)
    ok = np.array([totals[a] > 0 and totals[b] > 0 for a, b in zip(r, s)], dtype=bool)
    lam = np.where(ok, lam, 0.0)
    counts = rng.poisson(lam).astype(np.int64)
    # Endpoints: draw per block all the endpoints that fall in it, then hand them out.
    ends_per_block = np.bincount(r, weights=counts, minlength=K).astype(np.int64) + np.bincount(
        s, weights=counts, minlength=K
    ).astype(np.int64)
    pools = []
    for b in range(K):
        m_b = int(ends_per_block[b])
        if m_b == 0:
            pools.append(np.empty(0, dtype=np.int64))
            continue
        pos = np.searchsorted(cdfs[b], rng.random(m_b), side="right")
        pools.append(offsets[b] + np.minimum(pos, sizes[b] - 1))
    cursor = np.zeros(K, dtype=np.int64)
    rows_out, cols_out = [], []
    for b in np.flatnonzero(counts):
        a, c, m = r[b], s[b], counts[b]
        u = pools[a][cursor[a]:cursor[a] + m]
        cursor[a] += m
        v = pools[c][cursor[c]:cursor[c] + m]
        cursor[c] += m
        rows_out.append(u)
        cols_out.append(v)
    if not rows_out:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    u = np.concatenate(rows_out)
    v = np.concatenate(cols_out)
    keep = u != v
    return u[keep], v[keep]


def _symmetric_csr(rows: np.ndarray, cols: np.ndarray, n: int) -> sp.csr_array:
    """Unweighted symmetric CSR from an undirected edge list (duplicates merged)."""
    idx_dtype = np.int32 if n < 2**31 - 1 else np.int64
    A = sp.coo_array(
        (np.ones(2 * rows.size), (np.concatenate([rows, cols]).astype(idx_dtype), np.concatenate([cols, rows]).astype(idx_dtype))),
        shape=(n, n),
    ).tocsr()
    A.sum_duplicates()
    A.data[:] = 1.0
    A.sort_indices()
    return A
