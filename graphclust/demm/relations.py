"""Per-relation normalised adjacencies of a multi-relational graph (DEMM's preprocessing).

DEMM works with one normalised adjacency per relation, ``A_hat_r = D_r^{-1/2} (A_r + I)
D_r^{-1/2}`` (self-loops removed, then one unit self-loop added, BMGC style, as the official
code's ``graph_process``), and with its squared Frobenius norm, which enters the relation
weights as a regulariser. Everything here is O(nnz) and stays sparse.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import scipy.sparse as sp

from ..backend import namespace_of
from ..sparse import add_self_loops, degrees, normalize_symmetric

__all__ = ["strip_diagonal", "normalized_relations", "frobenius_sq"]


def strip_diagonal(A: Any) -> Any:
    """``A`` without its diagonal entries, as a CSR matrix (a new one; ``A`` is untouched).

    Parameters
    ----------
    A : sparse matrix
        Square matrix.

    Returns
    -------
    scipy.sparse.csr_array

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> strip_diagonal(sp.csr_array([[1.0, 2.0], [2.0, 0.0]])).toarray()
    array([[0., 2.],
           [2., 0.]])
    """
    C = A.tocoo()
    keep = C.row != C.col
    ns = namespace_of(A)
    # through COO: cupyx's csr_matrix takes no (data, (row, col)) triplets
    out = ns.sparse.coo_matrix((C.data[keep], (C.row[keep], C.col[keep])), shape=A.shape).tocsr()
    if not ns.is_gpu:
        import scipy.sparse as sp

        out = sp.csr_array(out)
    out.sum_duplicates()
    out.sort_indices()
    return out


def frobenius_sq(A: Any) -> float:
    """Squared Frobenius norm of a sparse matrix (sum of its squared stored values).

    Parameters
    ----------
    A : sparse matrix
        Any sparse matrix.

    Returns
    -------
    float

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> frobenius_sq(sp.csr_array([[0.0, 2.0], [1.0, 0.0]]))
    5.0
    """
    xp = namespace_of(A).xp
    return float(xp.sum(A.data.astype(xp.float64) ** 2))


def normalized_relations(
    relations: Sequence[Any], *, self_loops: bool = True, loop_mask: Any = None, dtype: Any = np.float64
) -> tuple[list, list, np.ndarray]:
    """Per-relation normalised adjacencies and their squared Frobenius norms.

    Parameters
    ----------
    relations : sequence of CSR adjacency matrices over one node set
    self_loops : bool, default=True
        Add one unit self-loop to every node before normalising (the official code's
        ``graph_process``, which first removes any existing diagonal). False normalises
        ``A_r`` without its diagonal.
    loop_mask : boolean array (n,), optional
        Add the self-loops only at these nodes (default: every node).
    dtype : numpy dtype, default=float64
        Dtype of the normalised matrices (the products run in it).

    Returns
    -------
    A_hat : list of CSR matrices
        ``D_r^{-1/2} (A_r + I) D_r^{-1/2}`` (or without ``I``), in ``dtype``.
    plain : list of CSR matrices
        ``A_r`` without diagonal, float64 (the sketched incidence is built from it).
    fro_sq : ndarray of shape (R,)
        ``||A_hat_r||_F^2`` computed in float64.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.csr_array([[0.0, 1.0], [1.0, 0.0]])
    >>> A_hat, plain, fro = normalized_relations([A])
    >>> A_hat[0].toarray()
    array([[0.5, 0.5],
           [0.5, 0.5]])
    >>> fro.round(12).tolist()
    [1.0]
    """
    A_hat, plain, fro = [], [], []
    for A in relations:
        B = strip_diagonal(A)
        if not self_loops:
            N = normalize_symmetric(B)
        elif loop_mask is None:
            N = normalize_symmetric(add_self_loops(B))
        else:
            ns = namespace_of(B)
            loops = ns.sparse.diags(ns.xp.asarray(loop_mask, dtype=B.dtype), format="csr")
            N = normalize_symmetric(B + loops if ns.is_gpu else sp.csr_array(B + loops))
        fro.append(frobenius_sq(N))
        A_hat.append(N.astype(dtype) if N.dtype != np.dtype(dtype) else N)
        plain.append(B)
    return A_hat, plain, np.asarray(fro, dtype=np.float64)


def row_sums(A: Any) -> Any:
    """Row sums of a sparse matrix as a dense float64 vector on its device."""
    xp = namespace_of(A).xp
    return xp.asarray(degrees(A), dtype=xp.float64)
