"""Dirichlet energies of a representation on each relation: exact, and by a sketched incidence.

The Dirichlet energy of ``H`` (n x d) on relation ``r`` is ``tr(H^T (I - A_hat_r) H) =
||H^T E_hat_r||_F^2`` with ``E_hat_r = D_r^{-1/2} E_r`` the degree-scaled oriented incidence
matrix (n x M_r, one column per edge). DEMM+ estimates it through a CountSketch of the
incidence (paper Algorithm 5; the official code's ``clarkson_woodruff_transform``): every
edge is hashed to one of ``m`` buckets with a random sign, giving ``E_tilde_r = E_hat_r S^T``
(n x m), and ``||H^T E_tilde_r||_F^2`` is an unbiased estimate of the energy. The sketch is
built here straight from the CSR adjacency, edge by edge of its upper triangle, in O(nnz)
time and O(n m) memory for the result (no incidence matrix, no networkx).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..backend import namespace_of
from ..sparse import degrees, inverse_power

__all__ = ["sketched_incidence", "sketched_energies", "exact_energy", "count_sketch_hash"]


def count_sketch_hash(n_items: int, sketch_size: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Bucket and sign of every item of a CountSketch, drawn on the host from ``rng``.

    The draws are those of :func:`scipy.linalg.clarkson_woodruff_transform` given the same
    Generator (``integers(0, m, M)`` then ``choice([1, -1], M)``), so a fresh
    ``default_rng(42)`` per relation gives the official code's sketch for edges enumerated in
    the same order.

    Parameters
    ----------
    n_items : int
    sketch_size : int
    rng : numpy.random.Generator

    Returns
    -------
    bucket : int64 array (n_items,), sign : float64 array (n_items,) of +-1

    Examples
    --------
    >>> b, s = count_sketch_hash(5, 3, np.random.default_rng(0))
    >>> b.shape, set(s.tolist()) <= {-1.0, 1.0}
    ((5,), True)
    """
    bucket = rng.integers(0, int(sketch_size), int(n_items), dtype=np.int64)
    sign = rng.choice(np.array([1.0, -1.0]), int(n_items))
    return bucket, sign


def _upper_edges(A: Any) -> tuple[Any, Any, Any]:
    """Rows, columns and weights of the strict upper triangle of a CSR matrix (on its device)."""
    xp = namespace_of(A).xp
    nnz = int(A.indptr[-1])
    # row of every stored entry; searchsorted works on both devices (cupy.repeat cannot
    # take an array of repeats)
    rows = xp.searchsorted(A.indptr, xp.arange(nnz, dtype=A.indptr.dtype), side="right") - 1
    cols = A.indices
    upper = cols > rows
    return rows[upper].astype(xp.int64), cols[upper].astype(xp.int64), A.data[upper].astype(xp.float64)


def sketched_incidence(
    A: Any, sketch_size: int, rng: np.random.Generator, *, self_loop: float = 0.0, eps: float = 0.0
) -> Any:
    """The CountSketch ``E_tilde = D^{-1/2} E S^T`` (n x m, dense) of a relation's incidence.

    Edge ``e = (i, j)``, ``i < j``, of weight ``w`` is a column of ``E`` with ``-sqrt(w)`` at
    ``i`` and ``+sqrt(w)`` at ``j`` (networkx's oriented incidence, weighted so that
    ``E E^T = D - A``); the sketch adds ``s_e`` times that column, scaled by ``d^{-1/2}``, to
    bucket ``b_e``. Edges are enumerated in CSR order of the upper triangle (the order of
    networkx's ``G.edges()`` for a graph built from the matrix).

    Parameters
    ----------
    A : CSR matrix, symmetric, without diagonal (scipy or cupyx)
    sketch_size : int
        Number of buckets ``m``.
    rng : numpy.random.Generator
        Draws the hash (on the host; the same numbers on both devices).
    self_loop : float, default=0.0
        Weight of a self-loop added to every node: it enters the degrees ``d`` but no edge
        (a loop's incidence column is zero), so that ``E_tilde`` sketches the energy
        ``tr(H^T (I - A_hat) H)`` of ``A_hat = (D + s I)^{-1/2} (A + s I) (D + s I)^{-1/2}``, the
        matrix DEMM propagates with (its Laplacian ``D - A`` does not change). The official
        code sketches the stored relations, which carry a unit diagonal.
    eps : float, default=0.0
        Added to ``d^{-1/2}`` as the official code does (1e-15 or 1e-10 in its versions);
        isolated nodes have no incident edge, so their rows are zero whatever ``eps``.

    Returns
    -------
    dense float64 array of shape (n, m), on A's device

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.csr_array(np.array([[0.0, 1.0], [1.0, 0.0]]))
    >>> E = sketched_incidence(A, 3, np.random.default_rng(0))
    >>> float((E ** 2).sum())     # one edge: ||D^{-1/2} e||^2 = 2
    2.0
    """
    ns = namespace_of(A)
    xp = ns.xp
    n = int(A.shape[0])
    m = int(sketch_size)
    i, j, w = _upper_edges(A)
    bucket, sign = count_sketch_hash(int(i.shape[0]), m, rng)
    bucket, sign = ns.asarray(bucket), ns.asarray(sign)
    scale = inverse_power(degrees(A) + self_loop, -0.5) + eps
    val = sign * xp.sqrt(w)
    flat = n * m
    E = xp.bincount(j * m + bucket, weights=val * scale[j], minlength=flat)
    E -= xp.bincount(i * m + bucket, weights=val * scale[i], minlength=flat)
    return E.reshape(n, m)


def sketched_energies(H: Any, sketches: list) -> np.ndarray:
    """``||H^T E_tilde_r||_F^2`` for every relation (float64 on the host).

    Parameters
    ----------
    H : dense array (n, d)
    sketches : list of dense arrays (n, m_r), from :func:`sketched_incidence`

    Returns
    -------
    ndarray of shape (R,)

    Examples
    --------
    >>> H = np.eye(2); E = np.array([[1.0], [-1.0]])
    >>> sketched_energies(H, [E]).tolist()
    [2.0]
    """
    out = np.empty(len(sketches))
    for r, E in enumerate(sketches):
        P = H.T @ E.astype(H.dtype, copy=False)
        out[r] = float((P.astype(np.float64) ** 2).sum())
    return out


def exact_energy(H: Any, A_hat: Any) -> float:
    """``tr(H^T (I - A_hat) H)`` computed with one sparse product (DEMM's exact trace).

    Parameters
    ----------
    H : dense array (n, d)
    A_hat : sparse or dense (n, n) matrix or operator with ``matmat``

    Returns
    -------
    float

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> exact_energy(np.array([[1.0], [-1.0]]), sp.csr_array([[0.0, 1.0], [1.0, 0.0]]))
    4.0
    """
    from ..operators import as_operator

    AH = as_operator(A_hat).matmat(H)
    return float((H * H).sum() - (H * AH).sum())
