"""Multiplex stochastic block model: several relations over one planted partition.

Each relation is a planted-partition SBM (:func:`graphclust.datasets.sbm`, sampled
block-wise in O(n + m)) with its own average degree and signal strength; a relation of
signal 0 is pure noise (an Erdos-Renyi graph independent of the blocks). Optional node
attributes are Gaussian around a random centre per block, so that they carry the
partition too, with a tunable signal-to-noise ratio.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..validation import check_random_state, check_scalar

__all__ = ["multiplex_sbm"]


def _probabilities(sizes: np.ndarray, degree: float, signal: float) -> tuple[float, float]:
    """``(p_in, p_out)`` giving expected degree ``degree`` with ``p_out = (1 - signal) p_in``."""
    n = float(sizes.sum())
    # expected degree of a node of a mean-sized block (weighted by block sizes)
    within = float((sizes * (sizes - 1)).sum()) / n
    between = n - 1 - within
    p_in = degree / (within + (1.0 - signal) * between)
    return p_in, (1.0 - signal) * p_in


def multiplex_sbm(
    sizes: Sequence[int],
    *,
    degrees: Sequence[float] = (10.0, 10.0, 10.0),
    signals: Sequence[float] = (0.9, 0.6, 0.0),
    names: Sequence[str] | None = None,
    n_features: int | None = None,
    feature_signal: float = 1.0,
    dtype: Any = np.float64,
    random_state: Any = None,
):
    """Sample a multiplex planted-partition graph with one relation per entry of ``degrees``.

    Relation ``r`` is a planted-partition SBM over the blocks ``sizes`` with expected degree
    ``degrees[r]`` and ``p_out = (1 - signals[r]) * p_in``: signal 1 puts every edge inside a
    block, signal 0 makes the relation pure noise (``p_in = p_out``, independent of the
    blocks). Nodes are laid out block after block (node ``i``'s block is ``labels[i]``).

    Parameters
    ----------
    sizes : sequence of int
        Block sizes.
    degrees : sequence of float, default=(10, 10, 10)
        Expected average degree of each relation (> 0).
    signals : sequence of float, default=(0.9, 0.6, 0.0)
        Signal strength of each relation, in [0, 1].
    names : sequence of str, optional
        Relation names. Default ``"signal_0.9"`` and so on, and ``"noise"`` for signal 0.
    n_features : int, optional
        When given, attributes ``X = feature_signal * C[labels] + N(0, 1)`` with block centres
        ``C`` drawn uniformly on the unit sphere scaled to ``sqrt(n_features)`` times 1/2 (so
        ``feature_signal = 1`` gives a per-coordinate signal-to-noise ratio of about 1/4).
    feature_signal : float, default=1.0
    dtype : numpy dtype, default=float64
        Dtype of the attributes.
    random_state : None, int or Generator

    Returns
    -------
    graphclust.MultiplexGraph
        Unweighted, symmetric relations without self-loops; ``labels`` the planted blocks.

    Examples
    --------
    >>> g = multiplex_sbm([50, 50], degrees=(8, 8), signals=(0.9, 0.0), n_features=5, random_state=0)
    >>> g.relation_names, g.n_nodes, g.features.shape
    (['signal_0.9', 'noise'], 100, (100, 5))
    """
    from ..graph import MultiplexGraph
    from .sbm import sbm

    sizes_arr = np.asarray(sizes, dtype=np.int64)
    if sizes_arr.ndim != 1 or sizes_arr.size == 0 or np.any(sizes_arr < 1):
        raise ValueError(f"sizes must be a non-empty sequence of positive block sizes, got {sizes!r}.")
    degrees = [check_scalar(c, "degrees", low=0, low_inclusive=False) for c in degrees]
    signals = [check_scalar(s, "signals", low=0, high=1) for s in signals]
    if len(degrees) != len(signals) or not degrees:
        raise ValueError(f"degrees and signals need one entry per relation, got {len(degrees)} and {len(signals)}.")
    if names is None:
        names = ["noise" if s == 0 else f"signal_{s:g}" for s in signals]
    names = [str(x) for x in names]
    if len(names) != len(degrees) or len(set(names)) != len(names):
        raise ValueError(f"names must be {len(degrees)} distinct relation names, got {names!r}.")
    rng = check_random_state(random_state)
    n = int(sizes_arr.sum())
    relations = []
    for c, s in zip(degrees, signals):
        p_in, p_out = _probabilities(sizes_arr, c, s)
        if p_in > 1:
            raise ValueError(f"degree {c} with signal {s} needs p_in = {p_in:.3g} > 1: blocks too small.")
        relations.append(sbm(sizes_arr, p_in=p_in, p_out=p_out, random_state=rng).adjacency)
    labels = np.repeat(np.arange(sizes_arr.size, dtype=np.int64), sizes_arr)
    X = None
    if n_features is not None:
        f = check_scalar(n_features, "n_features", kind=int, low=1)
        sig = check_scalar(feature_signal, "feature_signal", low=0)
        C = rng.standard_normal((sizes_arr.size, f))
        C *= 0.5 * np.sqrt(f) / np.linalg.norm(C, axis=1, keepdims=True)
        X = rng.standard_normal((n, f)).astype(dtype, copy=False)
        X += (sig * C[labels]).astype(dtype, copy=False)
    return MultiplexGraph(relations, names, X, labels, None, "multiplex_sbm")
