"""Compatible weighted matching: edge weights from a smooth vector, and ½-approximate matchings.

BootCMatch (D'Ambra, Filippone & Vassilevski) pairs the unknowns of an SPD matrix ``A`` by a
maximum-product matching on weights that depend on the current smooth vector ``w``::

    â_ij = 1 - 2 a_ij w_i w_j / (a_ii w_i² + a_jj w_j²)

(pairs that ``w`` says are "close" get large weights), turned into a max-sum problem by
``c_ij = log(|â_ij| / (0.999 min |â|))`` so that every weight is positive. Any half-approximate
maximum-weight matching will do (the official code uses Preis's algorithm); graphclust offers

- :func:`suitor_matching` on CPU (numba kernel ``graphclust.kernels.cpu.matching``), and
- :func:`locally_dominant_matching`, written against an array namespace only (numpy or
  CuPy): rounds in which every unmatched vertex points at its heaviest unmatched neighbour and
  mutual pointers are matched. It runs in parallel on the GPU.

Both break ties by one total order on the edges (weight, then larger endpoint, then smaller
endpoint), so they return the same matching: the greedy one, at least half the maximum weight.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from ..backend import namespace_of

__all__ = ["compatible_weights", "suitor_matching", "locally_dominant_matching", "match"]

_EPS = float(np.finfo(np.float64).eps)


def compatible_weights(A: Any, w: Any) -> Any:
    """Symmetric matrix of the positive max-sum weights ``c_ij`` compatible with ``w``.

    Parameters
    ----------
    A : sparse matrix (n, n)
        Symmetric positive definite (scipy CSR, or cupyx CSR on the GPU).
    w : array of shape (n,)
        The current smooth vector.

    Returns
    -------
    C : CSR matrix (n, n)
        The off-diagonal pattern of ``A`` (explicit zeros of ``A`` included) with weights
        ``c_ij > 0``; no diagonal.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> A = sp.csr_array(np.array([[2., -1, 0], [-1, 2, -1], [0, -1, 2]]))
    >>> C = compatible_weights(A, np.ones(3))
    >>> C.nnz, bool((C.data > 0).all()), np.isclose(C[0, 1], C[1, 2])
    (4, True, np.True_)
    """
    ns = namespace_of(A, w)
    xp = ns.xp
    C = A.tocoo()
    off = C.row != C.col
    r, c, a = C.row[off], C.col[off], C.data[off]
    d = A.diagonal()
    w = xp.asarray(w, dtype=xp.float64)
    den = d[r] * w[r] ** 2 + d[c] * w[c] ** 2
    safe = den > _EPS
    ahat = xp.where(safe, 1.0 - 2.0 * a * w[r] * w[c] / xp.where(safe, den, 1.0), _EPS)
    ahat = xp.maximum(xp.abs(ahat), _EPS)  # an exact zero would be log(0)
    if ahat.size == 0:
        return ns.to_sparse(sp.csr_array(A.shape, dtype=np.float64)) if not ns.is_gpu else A.tocsr() * 0
    cw = xp.log(ahat / (0.999 * ahat.min()))
    out = ns.sparse.coo_matrix((cw, (r, c)), shape=A.shape).tocsr()
    out.sort_indices()
    return out if ns.is_gpu else sp.csr_array(out)


def suitor_matching(C: Any) -> np.ndarray:
    """Half-approximate maximum-weight matching of a symmetric weight matrix (numba, CPU).

    Parameters
    ----------
    C : scipy sparse matrix (n, n)
        Symmetric edge weights, no diagonal (as :func:`compatible_weights` returns).

    Returns
    -------
    mate : int64 array (n,)
        Partner of each vertex, -1 if unmatched.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> C = sp.csr_array(np.array([[0, 1., 0], [1, 0, 3], [0, 3, 0]]))
    >>> suitor_matching(C).tolist()
    [-1, 2, 1]
    """
    from ..kernels.cpu.matching import suitor_matching as kernel

    C = sp.csr_array(C)
    return kernel(C.indptr.astype(np.int64, copy=False), C.indices, C.data.astype(np.float64, copy=False))


def _edge_ranks(C: Any, xp: Any) -> tuple[Any, Any, Any]:
    """Directed edges (row, col) of C sorted by (row, rank), rank = position in the total order."""
    Cc = C.tocoo()
    r, c, wt = Cc.row.astype(xp.int64), Cc.col.astype(xp.int64), Cc.data
    # rank every directed entry by (weight, larger endpoint, smaller endpoint): both entries of
    # an undirected edge get the same key, hence consecutive positions and the same rank.
    hi, lo = xp.maximum(r, c), xp.minimum(r, c)
    order = xp.lexsort(xp.stack([lo, hi, wt]))
    rank = xp.empty_like(order)
    key_change = xp.ones(order.size, dtype=bool)
    key_change[1:] = (hi[order][1:] != hi[order][:-1]) | (lo[order][1:] != lo[order][:-1])
    rank[order] = xp.cumsum(key_change) - 1
    by_row = xp.lexsort(xp.stack([rank, r]))
    return r[by_row], c[by_row], rank[by_row]


def locally_dominant_matching(C: Any, max_rounds: int | None = None) -> Any:
    """The same matching as :func:`suitor_matching`, by parallel rounds of array operations.

    In each round every unmatched vertex points at its heaviest unmatched neighbour; edges
    chosen from both ends (locally dominant) are matched. Written against the array namespace
    of ``C`` (numpy or CuPy), with sorts, comparisons and scatters only.

    Parameters
    ----------
    C : sparse matrix (n, n), scipy or cupyx
        Symmetric edge weights, no diagonal.
    max_rounds : int, optional
        Safety bound on the rounds (default ``n``; typically a few dozen are needed).

    Returns
    -------
    mate : int64 array (n,) on the device of ``C``

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> C = sp.csr_array(np.array([[0, 1., 0], [1, 0, 3], [0, 3, 0]]))
    >>> locally_dominant_matching(C).tolist()
    [-1, 2, 1]
    """
    xp = namespace_of(C).xp
    n = int(C.shape[0])
    mate = xp.full(n, -1, dtype=xp.int64)
    r, c, rank = _edge_ranks(C, xp)
    rounds = n if max_rounds is None else int(max_rounds)
    best = xp.full(n, -1, dtype=xp.int64)
    for _ in range(rounds):
        live = (mate[r] < 0) & (mate[c] < 0)
        r, c, rank = r[live], c[live], rank[live]
        if r.size == 0:
            break
        # rows are sorted and ranks ascend inside a row: the last entry of a row is its best
        last = xp.ones(r.size, dtype=bool)
        last[:-1] = r[1:] != r[:-1]
        best[:] = -1
        best[r[last]] = rank[last]
        dominant = last & (best[c] == rank)
        u, v = r[dominant], c[dominant]
        mate[u] = v
        mate[v] = u
    return mate


def match(C: Any, method: str = "auto") -> Any:
    """Half-approximate matching of ``C``: Suitor on CPU, locally dominant on the GPU.

    Parameters
    ----------
    C : sparse matrix
        Symmetric weights, no diagonal.
    method : {"auto", "suitor", "locally_dominant"}

    Returns
    -------
    mate : int64 array, -1 for unmatched vertices

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> match(sp.csr_array(np.array([[0, 2.], [2, 0]]))).tolist()
    [1, 0]
    """
    ns = namespace_of(C)
    if method == "auto":
        method = "locally_dominant" if ns.is_gpu else "suitor"
    if method == "suitor":
        if ns.is_gpu:
            raise ValueError("method='suitor' runs on CPU only; use 'locally_dominant' on the GPU.")
        return suitor_matching(C)
    if method == "locally_dominant":
        return locally_dominant_matching(C)
    raise ValueError(f"method must be 'auto', 'suitor' or 'locally_dominant', got {method!r}.")
