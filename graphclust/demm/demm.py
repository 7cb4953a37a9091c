"""DEMM: the exact (brute-force) Dirichlet-energy clustering of multi-relational graphs."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..memory import check_bytes
from ..sparse import row_normalize
from ..validation import check_scalar
from .common import DEMMBase
from .energy import exact_energy
from .stage1 import StageOneResult
from .stage2 import center_rows
from .weights import relation_costs, update_weights

__all__ = ["DEMM"]

# n x n float64 blocks DEMM holds at its peak: the fused matrix and I - a A (or the kernel
# and its eigen-solver workspace)
_DENSE_BLOCKS = 3


class DEMM(DEMMBase):
    """DEMM (Lin, Jiang and Yang, arXiv 2508.17388, Algorithm 1): exact and dense, small graphs.

    The same objective as :class:`graphclust.DEMMPlus`, solved without approximation: the
    H-step solves ``(I - a A_w) H = X / (1 + alpha)`` with a dense Cholesky factorisation, the
    relation energies are exact traces ``tr(H^T (I - A_hat_r) H)``, and stage II builds the
    dense Gaussian affinity ``S = exp(-||H_i - H_j||^2 / sigma)`` of the centred rows,
    normalises it symmetrically and clusters its top eigenvectors (the first, trivial one
    dropped) with k-means. Time O(n^3), memory O(n^2): **only for graphs up to about 20,000
    nodes**. Larger graphs are refused by the memory guard
    (:func:`graphclust.memory.check_bytes`) with a message naming :class:`~graphclust.DEMMPlus`,
    the linear-memory variant. Without attributes (or ``use_features=False``) ``H`` is the top
    ``dim`` eigenvectors of the fused adjacency (exact, ARPACK), the attribute-less variant.

    As in the official ``demm-main.py``: the fused matrix is re-normalised
    (``renormalize=True``), ``sigma = 1``, the affinity is normalised
    ``D^{-1/2} S D^{-1/2}`` (not in the paper), its ``n_clusters + 1`` leading eigenvectors come
    from ``eigsh``, and ``dim`` defaults to 256 with attributes.

    Parameters
    ----------
    n_clusters : int, default=8
    alpha : float, optional
        None: 4.0 with attributes, 0.8 without (as :class:`DEMMPlus`). Paper Table 11: ACM 2,
        DBLP 1900.
    beta : float, default=2.0
        Paper Table 11: ACM 2, DBLP 4200.
    dim : int, optional
        PCA dimension (None: 256, the official default) or eigenvectors without attributes
        (None: ``n_clusters``).
    n_outer : int, default=10
    sigma : float, default=1.0
        Kernel bandwidth of ``exp(-||x - y||^2 / sigma)``.
    learn_weights, weights, renormalize, self_loops, feature_norm, standardize, use_features, penalty, n_init, random_state, verbose
        As in :class:`DEMMPlus`.
    dtype : {"float64", "float32"}, default="float64"
    device : {"cpu", "cuda", "auto"}, default="cpu"
        Where the dense algebra runs: LAPACK / ARPACK on the host, cupy's dense solver and
        cupyx's Lanczos ``eigsh`` on the GPU (the n x n blocks then live in device memory).

    Attributes
    ----------
    labels_, relation_weights_, weight_history_, energies_ (exact), embedding_, objective_, n_iter_
        As in :class:`DEMMPlus`.

    Examples
    --------
    >>> import graphclust as gc
    >>> g = gc.datasets.multiplex_sbm([100, 100, 100], degrees=(10, 10, 10), signals=(0.9, 0.7, 0.0),
    ...                               n_features=32, feature_signal=1.5, random_state=0)
    >>> est = gc.DEMM(n_clusters=3, dim=32, random_state=0).fit(g)
    >>> gc.metrics.ari(g.labels, est.labels_) > 0.9
    True
    """

    def __init__(
        self,
        n_clusters: int = 8,
        *,
        alpha: float | None = None,
        beta: float = 2.0,
        dim: int | None = None,
        n_outer: int = 10,
        sigma: float = 1.0,
        learn_weights: bool = True,
        weights: Any = None,
        renormalize: bool = True,
        self_loops: bool = True,
        feature_norm: str | None = "l2",
        standardize: bool = True,
        use_features: bool = True,
        penalty: str | None = None,
        n_init: int = 1,
        dtype: str = "float64",
        random_state: Any = None,
        device: str = "cpu",
        verbose: bool = False,
    ) -> None:
        self.n_clusters = n_clusters
        self.alpha = alpha
        self.beta = beta
        self.dim = dim
        self.n_outer = n_outer
        self.sigma = sigma
        self.learn_weights = learn_weights
        self.weights = weights
        self.renormalize = renormalize
        self.self_loops = self_loops
        self.feature_norm = feature_norm
        self.standardize = standardize
        self.use_features = use_features
        self.penalty = penalty
        self.n_init = n_init
        self.dtype = dtype
        self.random_state = random_state
        self.device = device
        self.verbose = verbose

    def _validate_params(self, graph: Any) -> None:
        super()._validate_params(graph)
        check_scalar(self.sigma, "sigma", low=0, low_inclusive=False)
        n = graph.n_nodes
        check_bytes(_DENSE_BLOCKS * n * n * np.dtype(self.dtype).itemsize,
                    what=f"DEMM's dense {n} x {n} matrices (fused adjacency, linear system, Gaussian affinity)",
                    hint="DEMM is exact and dense (about 20,000 nodes at most); use graphclust.DEMMPlus, which "
                         "runs in linear memory")

    def _dim(self, attributed: bool, n: int, k: int) -> int:
        if attributed and self.dim is None:
            return 256
        return super()._dim(attributed, n, k)

    def _fit(self, graph: Any, rng: np.random.Generator) -> None:
        from ..solvers.kmeans import kmeans

        ns, n, k, R, attributed, alpha, d, dtype = self._setup(graph)
        xp, solve, eigsh = ns.xp, _dense_solver(ns), _eigsh(ns)
        A_hat, _, fro_sq = self._relations(graph, attributed)
        penalty = self._penalty(fro_sq, attributed)
        dense = [A.toarray() for A in A_hat]
        X = self._attributes(graph, d, rng, ns) if attributed else None
        v0 = ns.asarray(rng.random(n))
        a = alpha / (1.0 + alpha)
        w = self._initial_weights(graph)
        res = StageOneResult(H=None)
        for _ in range(int(self.n_outer) if self.learn_weights else 1):
            A = sum(float(wr) * M for wr, M in zip(w, dense))
            if self.renormalize:
                s = 1.0 / xp.sqrt(xp.maximum(A.sum(axis=1), np.finfo(np.float64).tiny))
                A = A * s[:, None] * s[None, :]
            if attributed:
                M = -a * A
                diag = xp.arange(n)
                M[diag, diag] += 1.0
                H = solve(M, X / (1.0 + alpha))
                H = row_normalize(H, copy=False)
                fit = float(((H - X) ** 2).sum())
            else:
                _, H = eigsh(A, k=d, which="LA", v0=v0)
                fit = 0.0
            del A
            E = np.array([exact_energy(H, Ar) for Ar in A_hat])
            c = relation_costs(E, penalty, alpha, float(self.beta))
            res.H = H
            res.weights.append(w.copy())
            res.energies.append(E)
            res.objective.append(fit + float(w @ c))
            if self.learn_weights:
                w = update_weights(c)
        res.weights.append(w.copy())
        del dense
        # stage II: dense Gaussian affinity, normalised, k+1 leading eigenvectors
        Hc = center_rows(res.H.astype(dtype, copy=False))
        sq = (Hc * Hc).sum(axis=1)
        S = Hc @ Hc.T
        S *= -2.0
        S += sq[:, None]
        S += sq[None, :]
        xp.maximum(S, 0.0, out=S)
        S *= -1.0 / float(self.sigma)
        xp.exp(S, out=S)
        s = 1.0 / xp.sqrt(S.sum(axis=1))
        S *= s[:, None]
        S *= s[None, :]
        m = min(k + 1, n - 1)
        vals, vecs = eigsh(S, k=m, which="LM", v0=v0, tol=0)
        del S
        order = ns.asarray(np.argsort(ns.to_numpy(vals))[::-1].copy())
        U = vecs[:, order[1: k + 1]] if k + 1 <= m else vecs[:, order[:k]]
        labels, _, _ = kmeans(xp.ascontiguousarray(U), k, n_init=int(self.n_init), random_state=rng, device=ns.name)
        self._set_fitted(graph, res, np.asarray(ns.to_numpy(labels), dtype=np.int64), ns)


def _dense_solver(ns: Any) -> Any:
    """``solve(M, B)`` for DEMM's symmetric positive definite ``I - a A``: LAPACK's Cholesky
    solver on the host, ``cupy.linalg.solve`` (LU) on the GPU."""
    if ns.is_gpu:
        return ns.xp.linalg.solve
    import scipy.linalg as la

    return lambda M, B: la.solve(M, B, assume_a="pos", overwrite_a=True)


def _eigsh(ns: Any) -> Any:
    """ARPACK's ``eigsh`` on the host, cupyx's (Lanczos) on the GPU."""
    if ns.is_gpu:
        from cupyx.scipy.sparse.linalg import eigsh
    else:
        from scipy.sparse.linalg import eigsh
    return eigsh
