"""Pairwise aggregation by compatible weighted matching, composed into aggregates of up to 4.

One *pass* matches the unknowns of ``A`` on weights compatible with the smooth vector ``w``
(:mod:`graphclust.amg.matching`), builds the pairwise prolongator
(:mod:`graphclust.amg.prolongation`) and forms the
Galerkin operator ``PᵀAP`` and the restricted vector ``Pᵀw``. A *level* of the hierarchy is
``passes`` such passes (BootCMatch's ``aggr_sweeps + 1``; the shipped setting is 2, hence
aggregates of at most 4 unknowns).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..backend import namespace_of
from .matching import compatible_weights, match
from .prolongation import pairwise_prolongator

__all__ = ["CoarseLevel", "pairwise_pass", "coarsen"]

#: Coarsening ratio at or below which the coarsening is said to stagnate (BootCMatch).
STAGNATION_RATIO = 1.2
#: After stagnation a coarsest level this many times ``max_coarse`` is accepted (BootCMatch).
STAGNATION_FACTOR = 100


@dataclass
class CoarseLevel:
    """Result of :func:`coarsen`: prolongator, coarse operator and coarse smooth vector.

    Parameters
    ----------
    P : sparse matrix
        Prolongator from the coarse level to the fine one.
    A : sparse matrix
        Coarse operator ``P.T A P``.
    w : array
        Coarse smooth vector.
    stagnated : bool
        The pass reduced the size too little (coarsening stops).
    """

    P: Any
    A: Any
    w: Any
    stagnated: bool


def galerkin(A: Any, P: Any) -> Any:
    """``PᵀAP`` as a CSR matrix with sorted indices."""
    Ac = (P.T @ A @ P).tocsr()
    Ac.sort_indices()
    return Ac


def pairwise_pass(A: Any, w: Any, *, matching: str = "auto") -> tuple[Any, Any, Any]:
    """One pairwise pass: ``(P, PᵀAP, Pᵀw)``.

    Parameters
    ----------
    A : sparse SPD matrix (CSR)
    w : array (n,)
    matching : {"auto", "suitor", "locally_dominant"}

    Returns
    -------
    P, A_coarse, w_coarse

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> A = sp.csr_array(sp.diags([-np.ones(5), 2 * np.ones(6), -np.ones(5)], [-1, 0, 1]))
    >>> P, Ac, wc = pairwise_pass(A, np.ones(6))
    >>> P.shape, Ac.shape
    ((6, 3), (3, 3))
    """
    mate = match(compatible_weights(A, w), matching)
    P = pairwise_prolongator(mate, w)
    return P, galerkin(A, P), P.T @ w


def coarsen(
    A: Any, w: Any, *, passes: int = 2, max_coarse: int = 0, stagnated: bool = False, matching: str = "auto"
) -> CoarseLevel:
    """One level: up to ``passes`` pairwise passes, stopping early at the coarsest size.

    Parameters
    ----------
    A : sparse SPD matrix (CSR)
    w : array (n,)
        Smooth vector on this level.
    passes : int, default=2
        Pairwise passes (aggregates of up to ``2**passes`` unknowns).
    max_coarse : int, default=0
        Stop the passes once the coarse size is at most ``max_coarse`` (``100 * max_coarse``
        once the coarsening has stagnated, as BootCMatch does).
    stagnated : bool, default=False
        Whether an earlier level already stagnated.
    matching : {"auto", "suitor", "locally_dominant"}

    Returns
    -------
    CoarseLevel
        ``stagnated`` is True when a pass reduced the size by a factor of at most 1.2.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> A = sp.csr_array(sp.diags([-np.ones(7), 2 * np.ones(8), -np.ones(7)], [-1, 0, 1]))
    >>> lvl = coarsen(A, np.ones(8))
    >>> lvl.P.shape, float(abs(lvl.P.T @ lvl.P - sp.eye(2)).max()) < 1e-12
    ((8, 2), True)
    """
    P_lvl, A_t, w_t = None, A, w
    for _ in range(passes):
        n_prev = A_t.shape[0]
        P, A_t, w_t = pairwise_pass(A_t, w_t, matching=matching)
        P_lvl = P if P_lvl is None else (P_lvl @ P).tocsr()
        n_coarse = A_t.shape[0]
        if n_coarse == 0 or n_prev / n_coarse <= STAGNATION_RATIO:
            stagnated = True
        target = (STAGNATION_FACTOR if stagnated else 1) * max_coarse
        if n_coarse == 0 or n_coarse <= target or n_coarse == n_prev:
            break
    xp = namespace_of(w).xp
    return CoarseLevel(P=P_lvl, A=A_t, w=xp.asarray(w_t), stagnated=stagnated)
