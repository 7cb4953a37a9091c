"""SNEM rounding: turn a spectral embedding into a partition (S2CAG, DEMM).

Given an embedding ``V`` (n x k), SNEM alternates::

    Y = one_hot(labels) with column j scaled by 1 / sqrt(|C_j|)
    labels = argmax_j (V V^T Y)[i, j]

i.e. each node joins the cluster with the largest normalised affinity
``sum_{l in C_j} <v_i, v_l> / sqrt(|C_j|)`` under the kernel ``V V^T``, starting from
``labels = argmax_j V[i, j]``. Each step costs ``O(n k^2)``: the cluster sums ``V^T Y`` come from
one pass of :func:`graphclust.solvers.kmeans.cluster_sums`, never a dense one-hot matrix.
"""
from __future__ import annotations

from typing import Any

from ..backend import namespace_of
from .kmeans import cluster_sums

__all__ = ["snem_rounding"]


def snem_rounding(V: Any, n_iter: int = 100, *, stop_when_stable: bool = True) -> Any:
    """SNEM rounding of an embedding (official S2CAG ``SNEM_rounding``).

    Parameters
    ----------
    V : dense array (n, k), numpy or cupy
        Embedding; its number of columns is the number of clusters.
    n_iter : int, default 100
        Number of reassignment steps (the official code always runs 100).
    stop_when_stable : bool, default True
        Stop as soon as an assignment repeats the previous one. The step is a deterministic
        function of the labels alone, so a repeated assignment is a fixed point and stopping
        there returns exactly what the remaining steps would.

    Returns
    -------
    labels : int64 array (n,) on V's device, values in ``[0, k)`` (some may be unused).

    Examples
    --------
    >>> import numpy as np
    >>> V = np.array([[1.0, 0.1], [0.9, 0.0], [0.1, 1.0], [0.0, 0.8]])
    >>> snem_rounding(V)
    array([0, 0, 1, 1])
    """
    xp = namespace_of(V).xp
    V = xp.asarray(V, dtype=xp.float64)
    if V.ndim != 2 or V.shape[1] < 1:
        raise ValueError(f"V must be a 2-D embedding with at least one column, got shape {V.shape}.")
    if int(n_iter) < 0:
        raise ValueError(f"n_iter must be >= 0, got {n_iter}.")
    k = V.shape[1]
    labels = xp.argmax(V, axis=1)
    for _ in range(int(n_iter)):
        counts, sums = cluster_sums(V, labels, k, xp)
        scale = xp.sqrt(counts.astype(xp.float64))
        scale[scale == 0] = 1.0  # empty cluster: its column of Y is zero anyway
        R = sums.T / scale[None, :]  # R = V^T Y  (k x k)
        new = xp.argmax(V @ R, axis=1)
        if stop_when_stable and bool((new == labels).all()):
            break
        labels = new
    return labels.astype(xp.int64)
