"""The structural target of the contrastive losses: the propagated adjacency ``B``.

Official preprocessing (``gayanku/PAMC`` ``utils.load_graph`` and ``train.get_A_r_flexSP``):
``A <- max(A, A^T)``, ``A_hat = D~^{-1} (A + I)`` (row-normalised, self-loops added), and
``B = sum_{t=1..r} A_hat^t`` with ``--influence`` (the setting of every PamC run), or
``B = A_hat^r`` without it. Built here with sparse products (:func:`graphclust.sparse.spgemm`),
each refused through the memory guard before it runs when its fill-in could be too large:
``nnz(B)`` grows quickly with ``r`` on kNN graphs. No torch needed.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from ..graph import Graph
from ..sparse import add_self_loops, normalize_random_walk, spgemm
from ..validation import check_bool, check_scalar

__all__ = ["propagated_adjacency", "normalized_adjacency"]


def _adjacency_of(adjacency: Any) -> sp.csr_array:
    if isinstance(adjacency, Graph):
        A = adjacency.adjacency
        if not sp.issparse(A):  # a Graph on the GPU: B is built on the host, once
            A = A.get()
        return sp.csr_array(A, dtype=np.float64)
    if sp.issparse(adjacency):
        A = sp.csr_array(adjacency, dtype=np.float64)
        if A.shape[0] != A.shape[1]:
            raise ValueError(f"adjacency must be square, got shape {A.shape}.")
        return A
    raise TypeError(f"adjacency must be a graphclust Graph or a scipy sparse matrix, got {type(adjacency).__name__}.")


def normalized_adjacency(adjacency: Any, *, self_loops: float = 1.0) -> sp.csr_array:
    """``A_hat = D~^{-1} (max(A, A^T) + self_loops * I)``, the official row-normalised adjacency.

    Parameters
    ----------
    adjacency : Graph or scipy sparse matrix
        Symmetrised with ``max(A, A^T)`` (a no-op for a graphclust Graph, symmetric already).
    self_loops : float, default=1.0
        Weight added on the diagonal before normalising.

    Returns
    -------
    scipy.sparse.csr_array of float64, rows summing to 1 (zero rows stay zero).

    Examples
    --------
    >>> A = sp.csr_array([[0.0, 1.0], [1.0, 0.0]])
    >>> normalized_adjacency(A).toarray()
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """
    A = _adjacency_of(adjacency)
    self_loops = check_scalar(self_loops, "self_loops", low=0)
    A = sp.csr_array(A.maximum(A.T))
    A.eliminate_zeros()
    return sp.csr_array(normalize_random_walk(add_self_loops(A, self_loops)))


def propagated_adjacency(
    adjacency: Any,
    order: int = 1,
    *,
    influence: bool = True,
    self_loops: float = 1.0,
    dtype: Any = np.float32,
) -> sp.csr_array:
    """The propagated adjacency ``B = sum_{t=1..order} A_hat^t`` (or ``A_hat^order``), sparse.

    Parameters
    ----------
    adjacency : Graph or scipy sparse matrix
    order : int, default=1
        ``r`` (the official ``--order``).
    influence : bool, default=True
        Sum the powers 1..r (the official ``--influence``, used by every PamC run and by
        SCGC*); False gives ``A_hat^r`` alone (plain SCGC).
    self_loops : float, default=1.0
        Diagonal weight added before the row normalisation.
    dtype : numpy dtype, default=float32
        Of the returned values (the powers are summed in float64).

    Returns
    -------
    scipy.sparse.csr_array
        Indices sorted, explicit zeros removed. Row sums are ``order`` with ``influence``
        (1 without) on rows of non-isolated nodes.

    Raises
    ------
    graphclust.memory.MemoryLimitError
        When a power's worst-case fill-in exceeds the memory limit.

    Examples
    --------
    >>> A = sp.csr_array([[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    >>> B = propagated_adjacency(A, order=2)
    >>> B.nnz, np.allclose(B.sum(axis=1), 2.0)
    (9, True)
    """
    order = check_scalar(order, "order", kind=int, low=1)
    check_bool(influence, "influence")
    A_hat = normalized_adjacency(adjacency, self_loops=self_loops)
    hint = "use a smaller order (r), or influence=False with a sparser graph"
    power = A_hat
    total = A_hat.copy() if influence else None
    for t in range(2, order + 1):
        power = spgemm(power, A_hat, what=f"the propagated adjacency A_hat^{t}", hint=hint)
        if influence:
            total = sp.csr_array(total + power)
    B = total if influence else power
    B = sp.csr_array(B, dtype=dtype)
    B.eliminate_zeros()
    B.sort_indices()
    return B
