"""The closed-form relation-weight step of DEMM (paper Eq. 11).

With the representation fixed, relation ``r`` costs ``c_r = alpha * E_r + beta * F_r``:
its Dirichlet energy ``E_r`` (how rough the representation is on that relation) plus the
regulariser ``F_r``, ``||A_hat_r||_F^2`` (``||A_hat_r||_F`` in the official attribute-less
variant). The weights are ``w_r = c_r^{-2} / sum_s c_s^{-2}``: a relation on which the
representation is smooth, i.e. one that agrees with the attributes and the other
relations, gets a large weight; a noisy relation, on which it is rough, a small one.
"""
from __future__ import annotations

import numpy as np

__all__ = ["relation_costs", "update_weights"]


def relation_costs(energies: np.ndarray, fro: np.ndarray, alpha: float, beta: float) -> np.ndarray:
    """``c_r = alpha * energies_r + beta * fro_r``.

    Parameters
    ----------
    energies : numpy.ndarray of shape (R,)
        Dirichlet energy of the representation on each relation.
    fro : numpy.ndarray of shape (R,)
        Squared Frobenius norm of each normalized relation.
    alpha, beta : float
        Weights of the two terms.

    Returns
    -------
    numpy.ndarray of shape (R,)

    Examples
    --------
    >>> relation_costs(np.array([1.0, 2.0]), np.array([0.5, 0.5]), 2.0, 1.0).tolist()
    [2.5, 4.5]
    """
    return alpha * np.asarray(energies, dtype=np.float64) + beta * np.asarray(fro, dtype=np.float64)


def update_weights(costs: np.ndarray) -> np.ndarray:
    """``w_r = c_r^{-2} / sum_s c_s^{-2}`` (computed stably, relative to the smallest cost).

    Parameters
    ----------
    costs : ndarray of shape (R,), positive

    Returns
    -------
    ndarray of shape (R,), non-negative, summing to 1

    Examples
    --------
    >>> update_weights(np.array([1.0, 2.0])).round(3).tolist()     # 1 : 1/4
    [0.8, 0.2]
    """
    c = np.asarray(costs, dtype=np.float64)
    if np.any(~np.isfinite(c)) or np.any(c <= 0):
        raise ValueError(f"relation costs must be positive and finite, got {c.tolist()}; raise beta.")
    inv = (c.min() / c) ** 2
    return inv / inv.sum()
