"""Random graph with one planted target cluster and noisy node labels (the LFD model)."""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..validation import check_random_state, check_scalar

__all__ = ["planted_local", "PlantedLocal"]


class PlantedLocal(NamedTuple):
    """Result of :func:`planted_local`; unpacks as ``graph, noisy_labels, target``.

    Attributes
    ----------
    graph : graphclust.Graph
        Unweighted graph; ``graph.labels`` is the true target indicator (1 in K, 0 outside).
    noisy_labels : ndarray of int64
        The noisy binary labels.
    target : ndarray of int64
        The nodes of the target cluster K (``0..k-1``).
    """

    graph: Any
    noisy_labels: np.ndarray
    target: np.ndarray


def planted_local(
    n: int,
    k: int,
    p: float,
    q: float,
    q_out: float,
    a1: float,
    a0: float,
    random_state: Any = None,
) -> PlantedLocal:
    """Sample a graph with a planted target cluster ``K = {0, ..., k-1}`` and noisy labels.

    Edges are independent: inside ``K`` with probability ``p``, between ``K`` and the rest
    with probability ``q``, among the other nodes with probability ``q_out`` (an
    Erdos-Renyi background; the LFD theory does not constrain it). Labels: a node of ``K``
    has label 1 with probability ``a1``, a node outside has label 0 with probability ``a0``,
    independently. The ratio of expected internal to external degree of a node of ``K`` is
    ``gamma = p (k - 1) / (q (n - k))``.

    Sampling is block-wise (a Binomial edge count per block, then that many distinct node
    pairs, via :func:`graphclust.datasets.sbm`): O(n + m) time and memory, no loop over the
    O(n^2) pairs. For graphs of different size with the *same local structure* keep ``p``,
    ``k``, ``q (n - k)`` and ``q_out (n - k)`` fixed.

    Parameters
    ----------
    n, k : int
        Number of nodes and target cluster size (``1 <= k < n``).
    p, q, q_out : float
        Edge probabilities in [0, 1].
    a1, a0 : float
        Label accuracies inside and outside the target, in [0, 1].
    random_state : None, int or Generator

    Returns
    -------
    PlantedLocal
        ``(graph, noisy_labels, target)``.

    Examples
    --------
    >>> from graphclust.datasets.planted_local import planted_local
    >>> g, y, K = planted_local(2000, 100, 0.08, 0.004, 0.004, 0.9, 0.9, random_state=0)
    >>> g.n_nodes, len(K), int(g.labels.sum())
    (2000, 100, 100)
    """
    from .sbm import sbm
    from ..local.labels import flip_labels

    n = check_scalar(n, "n", kind=int, low=2)
    k = check_scalar(k, "k", kind=int, low=1, high=n - 1)
    p = check_scalar(p, "p", low=0.0, high=1.0)
    q = check_scalar(q, "q", low=0.0, high=1.0)
    q_out = check_scalar(q_out, "q_out", low=0.0, high=1.0)
    a1 = check_scalar(a1, "a1", low=0.0, high=1.0)
    a0 = check_scalar(a0, "a0", low=0.0, high=1.0)
    rng = check_random_state(random_state)
    g = sbm([k, n - k], p=[[p, q], [q, q_out]], random_state=rng, name="planted_local")
    truth = (np.arange(n) < k).astype(np.int64)
    g.labels = truth
    noisy = flip_labels(truth, a1, a0, random_state=rng)
    return PlantedLocal(g, noisy, np.arange(k, dtype=np.int64))
