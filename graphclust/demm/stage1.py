"""Stage I of DEMM+: alternate the H-step and the relation-weight step (FAAO, Algorithm 2),
and the attribute-less variant DEMM-NA (Algorithm 4).

Both loops keep one fused operator (:class:`FusedAdjacency`) whose weights change in place
at every outer step, one sketched incidence per relation (n x m each) and n x d blocks:
memory O(nnz + n d + n m), no n x n array.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ..sparse import row_normalize
from .energy import sketched_energies
from .neumann import neumann_series
from .weights import relation_costs, update_weights

__all__ = ["StageOneResult", "faao", "attributeless"]


@dataclass
class StageOneResult:
    """What stage I returns.

    Attributes
    ----------
    H : dense array (n, d)
        The representation, built with the weights before the last update (official).
    weights : list of ndarray (R,)
        ``weights[t]`` built ``H`` at step ``t``; the last entry is the final update.
    energies : list of ndarray (R,)
        Sketched Dirichlet energy of each relation at each step.
    objective : list of float
        Stage-I objective at each step (see the callers).
    """

    H: Any
    weights: list = field(default_factory=list)
    energies: list = field(default_factory=list)
    objective: list = field(default_factory=list)


def _loop(
    fused: Any, step: Callable[[], Any], sketches: list, penalty: np.ndarray, alpha: float, beta: float,
    n_outer: int, learn_weights: bool, fit_term: Callable[[Any], float], bar: Any,
) -> StageOneResult:
    res = StageOneResult(H=None)
    for _ in range(n_outer if learn_weights else 1):
        w = fused.weights.copy()
        H = step()
        E = sketched_energies(H, sketches)
        c = relation_costs(E, penalty, alpha, beta)
        res.H = H
        res.weights.append(w)
        res.energies.append(E)
        res.objective.append(fit_term(H) + float(w @ c))
        if learn_weights:
            fused.set_weights(update_weights(c))
        if bar is not None:
            bar.update(1)
    res.weights.append(fused.weights.copy())
    return res


def faao(
    fused: Any, X: Any, sketches: list, fro_sq: np.ndarray, *, alpha: float, beta: float, n_terms: int,
    n_outer: int, tail: bool = True, learn_weights: bool = True, bar: Any = None,
) -> StageOneResult:
    """FAAO: ``H = rownorm(neumann(A_fused, X))``, then ``w = c^{-2} / sum c^{-2}``, repeated.

    Parameters
    ----------
    fused : FusedAdjacency
        Its weights are updated in place.
    X : dense array (n, d)
        Reduced attributes, on the operator's device.
    sketches : list of (n, m_r) arrays
        Sketched incidences (:func:`graphclust.demm.energy.sketched_incidence`).
    fro_sq : ndarray (R,)
        ``||A_hat_r||_F^2``.
    alpha, beta, n_terms, n_outer, tail, learn_weights
        See :class:`graphclust.DEMMPlus`.
    bar : tqdm bar, optional

    Returns
    -------
    StageOneResult
        ``objective[t] = ||H - X||_F^2 + sum_r w_r (alpha E_r + beta ||A_hat_r||_F^2)``
        (paper Eq. 4) with the weights ``w`` that built ``H``.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from graphclust.demm.fused import FusedAdjacency
    >>> A = sp.csr_array(np.array([[0.5, 0.5], [0.5, 0.5]]))
    >>> op = FusedAdjacency([A, sp.csr_array(np.eye(2))], [0.5, 0.5])
    >>> E = [np.array([[0.7], [-0.7]]), np.zeros((2, 1))]
    >>> res = faao(op, np.eye(2), E, np.array([1.0, 2.0]), alpha=1.0, beta=1.0, n_terms=3, n_outer=2)
    >>> len(res.objective), bool(np.isclose(res.weights[-1].sum(), 1.0))
    (2, True)
    """

    def step() -> Any:
        return row_normalize(neumann_series(fused, X, alpha, n_terms, tail=tail), copy=False)

    def fit_term(H: Any) -> float:
        return float(((H - X) ** 2).sum())

    return _loop(fused, step, sketches, fro_sq, alpha, beta, n_outer, learn_weights, fit_term, bar)


def attributeless(
    fused: Any, start: Any, sketches: list, penalty: np.ndarray, *, alpha: float, beta: float, n_outer: int,
    n_iter: int = 50, learn_weights: bool = True, bar: Any = None,
) -> StageOneResult:
    """DEMM-NA: ``H`` = top-d eigenvectors of the fused adjacency, then the weight step, repeated.

    The eigenvectors come from ``n_iter`` steps of subspace iteration on ``A_fused^2`` from a
    fixed start block (the official ``KSI``: eigenvalues of largest modulus), through
    :func:`graphclust.solvers.subspace.subspace_iteration` with the operator applied twice.

    Parameters
    ----------
    fused : FusedAdjacency
    start : dense array (n, d)
        Start block (the official code seeds a Gaussian block with 42 at every call: the
        same block is reused at every outer step).
    sketches, alpha, beta, n_outer, learn_weights, bar
        As in :func:`faao`.
    penalty : ndarray (R,)
        The regulariser per relation (official: ``||A_hat_r||_F``, not squared).
    n_iter : int, default=50

    Returns
    -------
    StageOneResult
        ``objective[t] = sum_r w_r (alpha E_r + beta penalty_r)``.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from graphclust.demm.fused import FusedAdjacency
    >>> op = FusedAdjacency([sp.csr_array(np.eye(3))], [1.0])
    >>> res = attributeless(op, np.eye(3, 2), [np.zeros((3, 1))], np.array([1.0]), alpha=1, beta=1, n_outer=1)
    >>> res.H.shape
    (3, 2)
    """
    from ..solvers.subspace import subspace_iteration

    def step() -> Any:
        return subspace_iteration(lambda Q: fused.matmat(fused.matmat(Q)), start, n_iter)

    return _loop(fused, step, sketches, penalty, alpha, beta, n_outer, learn_weights, lambda H: 0.0, bar)
