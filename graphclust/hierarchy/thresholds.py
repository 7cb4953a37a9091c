"""Chernoff-Hellinger exact-recovery thresholds for hierarchical SBMs.

With ``p_ab = Q_ab log(N) / N`` and community proportions ``pi``, the Chernoff-Hellinger
divergence of communities ``a`` and ``b`` is (Abbe & Sandon, FOCS 2015)

    CH(a, b) = sup_{t in [0, 1]} sum_c pi_c [t Q_ac + (1 - t) Q_bc - Q_ac^t Q_bc^(1 - t)].

Exact recovery of all K communities is possible iff ``min_{a != b} CH(a, b) > 1``. At an
intermediate depth ``l`` only the pairs whose lowest common ancestor is shallower than ``l``
must be told apart, so the depth-``l`` condition is ``min {CH(a, b) : lca(a, b) < l} > 1``
(our reconstruction of Dreveton et al., arXiv 2306.00833, Sec. 4.2, which states it in another
form; the paper states that bottom-up attains it).

For the balanced binary-tree SBM the divergence between two leaves with LCA at depth ``l'``
has the closed form ``2^-(l'+1) mean_{c in S} (sqrt(a_m(c)) - sqrt(a_l'))^2`` (S one child
subtree of the LCA, m(c) the LCA depth of a fixed leaf of S and c), and the top-down
proxy replaces the mean of square roots by the square root of the mean (a proxy derived
for graphclust, not a formula of the paper); :func:`btsbm_thresholds` returns both.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from scipy.optimize import minimize_scalar

__all__ = ["chernoff_hellinger", "exact_recovery_threshold", "btsbm_thresholds"]


def chernoff_hellinger(Q: Any, pi: Any, a: int, b: int) -> float:
    """Chernoff-Hellinger divergence between communities ``a`` and ``b``.

    Parameters
    ----------
    Q : array-like, shape (K, K)
        Scaled edge probabilities (``p = Q log N / N``), non-negative and symmetric.
    pi : array-like, shape (K,)
        Community proportions (normalised to sum to 1).
    a, b : int
        Community indices.

    Returns
    -------
    float
        ``sup_t sum_c pi_c [t Q_ac + (1-t) Q_bc - Q_ac^t Q_bc^(1-t)]``, maximised over
        ``t in [0, 1]`` by bounded scalar optimisation (the objective is concave in ``t``).

    Examples
    --------
    >>> round(chernoff_hellinger([[10, 1], [1, 10]], [0.5, 0.5], 0, 1), 4)  # (sqrt(10)-1)^2 / 2
    2.3377
    """
    Qm = np.asarray(Q, dtype=np.float64)
    p = np.asarray(pi, dtype=np.float64)
    if Qm.ndim != 2 or Qm.shape[0] != Qm.shape[1] or p.shape != (Qm.shape[0],):
        raise ValueError(f"Q must be K x K and pi of length K; got {Qm.shape} and {p.shape}.")
    if np.any(Qm < 0) or np.any(p < 0) or p.sum() <= 0:
        raise ValueError("Q and pi must be non-negative (pi not all zero).")
    p = p / p.sum()
    qa, qb = Qm[a], Qm[b]

    def neg(t: float) -> float:
        with np.errstate(divide="ignore", invalid="ignore"):
            geo = np.where((qa > 0) & (qb > 0), qa**t * qb ** (1 - t), 0.0)
        return -float(np.sum(p * (t * qa + (1 - t) * qb - geo)))

    res = minimize_scalar(neg, bounds=(0.0, 1.0), method="bounded", options={"xatol": 1e-10})
    return float(max(-res.fun, -neg(0.0), -neg(1.0)))


def exact_recovery_threshold(lca_depth: Any, a: Any, sizes: Any = None) -> dict[str, np.ndarray]:
    """Chernoff-Hellinger quantities per depth of a depth-homogeneous HSBM.

    Parameters
    ----------
    lca_depth : array-like of int, shape (K, K)
        LCA depths of the leaves (diagonal = leaf depth), see
        :func:`graphclust.datasets.hsbm.tree_lca_depths`.
    a : array-like, shape (depth + 1,)
        ``p_l = a_l log N / N``.
    sizes : array-like, shape (K,), optional
        Community sizes (proportions are what matters); equal by default.

    Returns
    -------
    dict with
        ``"ch_by_lca_depth"``: shape (depth,), entry ``l'`` = min CH over leaf pairs whose
        LCA is at depth ``l'`` (inf when there is none);
        ``"threshold_by_depth"``: shape (depth + 1,), entry ``l`` = min CH over pairs with
        LCA shallower than ``l`` (entry 0 is inf: nothing to recover); exact recovery at
        depth ``l`` is predicted possible iff it exceeds 1;
        ``"ch"``: the K x K matrix of pairwise divergences (0 on the diagonal).

    Examples
    --------
    >>> from graphclust.datasets.hsbm import tree_lca_depths
    >>> out = exact_recovery_threshold(tree_lca_depths(3), [40, 50, 60, 100])
    >>> out["ch_by_lca_depth"].round(3).tolist()
    [2.08, 1.129, 0.635]
    """
    M = np.asarray(lca_depth, dtype=np.int64)
    a_arr = np.asarray(a, dtype=np.float64)
    K = M.shape[0]
    D = int(M.max())
    if a_arr.shape != (D + 1,):
        raise ValueError(f"a must have depth + 1 = {D + 1} entries, got shape {a_arr.shape}.")
    pi = np.ones(K) if sizes is None else np.asarray(sizes, dtype=np.float64)
    Q = a_arr[M]
    ch = np.zeros((K, K))
    # The divergence only depends on the rows of Q: cache identical (row a, row b) pairs,
    # which makes balanced trees cost one optimisation per LCA depth.
    cache: dict[tuple[bytes, bytes], float] = {}
    for i in range(K):
        for j in range(i + 1, K):
            key = (Q[i].tobytes() + pi.tobytes(), Q[j].tobytes())
            if key not in cache:
                cache[key] = chernoff_hellinger(Q, pi, i, j)
            ch[i, j] = ch[j, i] = cache[key]
    by_lca = np.full(D, np.inf)
    iu, ju = np.triu_indices(K, k=1)
    for level in range(D):
        sel = M[iu, ju] == level
        if sel.any():
            by_lca[level] = ch[iu[sel], ju[sel]].min()
    thresh = np.full(D + 1, np.inf)
    for level in range(1, D + 1):
        thresh[level] = by_lca[:level].min()
    return {"ch_by_lca_depth": by_lca, "threshold_by_depth": thresh, "ch": ch}


def btsbm_thresholds(a: Any) -> dict[str, np.ndarray]:
    """Closed-form bottom-up and top-down CH quantities of the binary-tree SBM.

    Parameters
    ----------
    a : array-like, shape (d + 1,)
        ``a_0 < ... < a_d`` (root to within-community), ``p_l = a_l log N / N``.

    Returns
    -------
    dict with ``"bottom_up"`` and ``"top_down"``, arrays of shape (d,): entry ``l'`` is the
    divergence for pairs with LCA at depth ``l'``. Exact recovery at depth ``l`` is predicted
    possible for the method iff every entry ``l' < l`` exceeds 1 (the top-down quantity is
    a derived proxy, not the paper's formula).

    Examples
    --------
    >>> out = btsbm_thresholds([40, 42, 46, 100])
    >>> out["bottom_up"].round(3).tolist(), out["top_down"].round(3).tolist()
    ([1.721, 1.56, 1.294], [0.792, 1.064, 1.294])
    """
    a_arr = np.asarray(a, dtype=np.float64)
    if a_arr.ndim != 1 or a_arr.size < 2 or np.any(a_arr < 0):
        raise ValueError("a must be a 1-D array of at least 2 non-negative values.")
    d = a_arr.size - 1
    sq = np.sqrt(a_arr)
    bu = np.empty(d)
    td = np.empty(d)
    for lp in range(d):
        # Leaves of one child subtree S of a depth-lp node, seen from a fixed leaf of S:
        # itself (LCA depth d) and 2^(d-m-1) leaves at LCA depth m, lp < m < d.
        depths = [d] + [m for m in range(lp + 1, d) for _ in range(2 ** (d - m - 1))]
        depths = np.array(depths)
        bu[lp] = 2.0 ** -(lp + 1) * np.mean((sq[depths] - sq[lp]) ** 2)
        td[lp] = 2.0 ** -(lp + 1) * (np.sqrt(np.mean(a_arr[depths])) - sq[lp]) ** 2
    return {"bottom_up": bu, "top_down": td}
