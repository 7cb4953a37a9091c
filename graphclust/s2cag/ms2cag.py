"""M-S2CAG: the modularity-maximising variant of S2CAG (official ``--method mod``).

With ``Z`` the smoothed representation (official explicit-path weights), the official code
forms ``Z' = diag(sqrt(max(Z 1, 0))) Z`` and runs subspace iteration on the modularity matrix
of the affinity ``Z' Z'^T``::

    B = Z' Z'^T - gamma * w w^T / (1^T w),    w = Z' Z'^T 1

then SNEM on the k resulting vectors. It materialises ``Z`` (dense ``n x d``).

Here ``B`` is applied as an operator, never formed and, by default, without ``Z`` either:

* the row sums ``r = Z 1 = sum_t c_t P^t (X_hat 1)`` come from propagating one column;
* ``Z' M = sqrt(r) * (sum_t c_t P^t (X_hat M))`` and ``Z'^T M = X_hat^T sum_t c_t (P^T)^t
  (sqrt(r) * M)``, with ``P^T`` an explicit CSR transpose;
* ``w = Z' (Z'^T 1)``, and the rank-one correction uses the column sums of ``Z' Z'^T Q``
  exactly as the official code does.

Each step costs ``O(T nnz(P) k + nnz(X) k)`` and the memory is ``O(nnz(P) + nnz(X) + n k)``.

When ``d`` is small the Gram layout is faster: ``B = Z' C Z'^T`` with ``u = Z'^T 1`` and the
``d x d`` middle ``C = I - gamma u u^T / (u^T u)`` (since ``w = Z' u`` and ``1^T w = u^T u``),
so the ``tau`` steps run on ``d x k`` blocks with the Gram ``Z'^T Z'``
(:func:`graphclust.solvers.gram.factored_subspace_iteration`, which returns the official
iterate, signs included, to rounding). ``mode="auto"`` picks the faster of the two by
:mod:`graphclust.s2cag.cost`; ``mode="dense"`` reproduces the official dense path operation
for operation (for checking).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..backend import namespace_of
from ..sparse import transpose_csr
from ..solvers.gram import factored_subspace_iteration, gram
from ..solvers.propagate import geometric_coefficients, propagate
from ..solvers.rounding import snem_rounding
from ..solvers.subspace import subspace_iteration
from ..validation import check_scalar
from ..seeding import legacy_normal
from .s2cag import _dense, _feature_ops, _S2CAGCommon

__all__ = ["MS2CAG"]


def _adapt(Z: Any) -> Any:
    """``Z' = diag(sqrt(max(Z 1, 0))) Z`` in place: the official "adapt" row scaling.

    Row sums accumulate in float64 (for a float64 ``Z`` that is numpy's own sum, bit for bit).
    """
    xp = namespace_of(Z).xp
    r = Z.sum(axis=1, dtype=xp.float64)
    r[r < 0] = 0
    Z *= xp.sqrt(r).astype(Z.dtype)[:, None]
    return Z


class MS2CAG(_S2CAGCommon):
    """M-S2CAG: modularity-maximising S2CAG (KDD 2025).

    Parameters
    ----------
    n_clusters : int
        Number of clusters k (also the width of the subspace iteration).
    T : int, default 10
        Order of the smoothing polynomial.
    alpha : float, default 0.9
        Ratio of consecutive polynomial weights (> 0; > 1 allowed).
    gamma : float, default 1.0
        Modularity resolution (weight of the rank-one null-model term).
    tau : int, default 50
        Subspace iteration steps (no convergence test, as in the official code).
    mode : {"auto", "implicit", "gram", "dense"}, default "auto"
        ``"implicit"``: apply ``B`` through propagation, ``O(T nnz(P) k + nnz(X) k)`` per
        step, no ``n x d`` matrix. ``"gram"``: form ``Z'`` (dense ``n x d``) and its Gram once,
        then ``O(d^2 k)`` per step. ``"dense"``: the official path (dense ``Z``, two skinny
        products per step), for checking. ``"auto"``: the faster of implicit and gram by
        :func:`graphclust.s2cag.cost.estimated_seconds`, gram only when its dense blocks fit in
        the memory limit (:mod:`graphclust.memory`). All give the official iterate to rounding.
    dtype : {"auto", "float64", "float32"}, default "auto"
        Working precision of ``P``, ``X_hat``, ``Z`` and the products (the ``d x d`` algebra
        and SNEM stay float64). float32 halves memory and about halves the time of the dense
        work; the subspace iteration re-orthonormalises every step, so it keeps the official
        labels where the problem is well conditioned (all the official runs checked, see
        docs/benchmarks). ``"auto"``: float32 on the Gram layout (BLAS-3 and wide sparse
        products, 1.7-2x faster in float32), float64 on the implicit and dense layouts.
    tfidf, attribute_norm, signed_features, symmetric_self_loops, symmetric_normalization, self_loops
        Preprocessing options, as in :class:`graphclust.S2CAG`.
    snem_iter : int, default 100
        SNEM rounding steps.
    random_state : int, Generator or None, default 0
        An int seeds ``np.random.RandomState(random_state).normal(size=(n, k))`` for the start
        block (``0`` = the official draw); a Generator or None draws from it.
    device : {"cpu", "cuda", "auto"}, default "cpu"
    verbose : bool, default False

    Attributes
    ----------
    labels_ : ndarray of int64 (n,)
    embedding_ : ndarray (n, k)
        The orthonormal block returned by the subspace iteration (input of SNEM).
    mode_ : {"implicit", "gram", "dense"}
        The layout that was used.

    Examples
    --------
    >>> import graphclust as gc
    >>> g = gc.datasets.load("acm")                                           # doctest: +SKIP
    >>> labels = gc.MS2CAG(n_clusters=3, T=15, alpha=0.8).fit_predict(g)     # doctest: +SKIP
    """

    def __init__(
        self,
        n_clusters: int = 8,
        T: int = 10,
        alpha: float = 0.9,
        gamma: float = 1.0,
        tau: int = 50,
        *,
        mode: str = "auto",
        dtype: str = "auto",
        tfidf: bool = True,
        attribute_norm: str | None = "degree",
        signed_features: str = "raise",
        symmetric_self_loops: float = 1.0,
        symmetric_normalization: bool = True,
        self_loops: float = 1.0,
        snem_iter: int = 100,
        random_state: Any = 0,
        device: str = "cpu",
        verbose: bool = False,
    ) -> None:
        self.n_clusters = n_clusters
        self.T = T
        self.alpha = alpha
        self.gamma = gamma
        self.tau = tau
        self.mode = mode
        self.dtype = dtype
        self.tfidf = tfidf
        self.attribute_norm = attribute_norm
        self.signed_features = signed_features
        self.symmetric_self_loops = symmetric_self_loops
        self.symmetric_normalization = symmetric_normalization
        self.self_loops = self_loops
        self.snem_iter = snem_iter
        self.random_state = random_state
        self.device = device
        self.verbose = verbose

    def _validate_params(self, graph: Any) -> None:
        super()._validate_params(graph)
        self._check_common()
        check_scalar(self.gamma, "gamma", low=0)
        if self.mode not in ("auto", "implicit", "gram", "dense"):
            raise ValueError(f"mode must be 'auto', 'implicit', 'gram' or 'dense', got {self.mode!r}.")

    def _fit(self, graph: Any, rng: np.random.Generator | None) -> None:
        P, X = self._preprocess(graph)
        ns = namespace_of(P)
        xp = ns.xp
        k, gamma = int(self.n_clusters), float(self.gamma)
        n = X.shape[0]
        coeffs = geometric_coefficients(int(self.T), float(self.alpha), "power_iteration")
        mode = self._layout(self.mode, P, X, k, 2 * int(self.tau) + 2, ("implicit", "gram"))
        P, X = self._cast(P, X, mode)
        G = ns.asarray(legacy_normal(self.random_state, rng, (n, k)))
        if mode == "gram":
            Z = _adapt(self._smoothed(P, X, coeffs))
            u = ns.to_numpy(Z.sum(axis=0, dtype=xp.float64))  # Z'^T 1
            W = self._total_weight(float(u @ u))  # 1^T w with w = Z' u

            def middle(M: np.ndarray) -> np.ndarray:  # C M, C = I - gamma u u^T / W
                return M - np.outer(u, u @ M) * (gamma / W)

            Q = factored_subspace_iteration(Z, gram(Z), middle, G, int(self.tau), verbose=self.verbose)
        else:
            Q = self._iterate_n_space(mode, P, X, coeffs, G, gamma)
        labels = snem_rounding(Q, int(self.snem_iter))
        self.mode_ = mode
        self.labels_ = ns.to_numpy(labels).astype(np.int64)
        self.embedding_ = ns.to_numpy(Q).astype(np.float64, copy=False)

    @staticmethod
    def _total_weight(W: float) -> float:
        if not W > 0:
            raise ValueError(
                "M-S2CAG: the affinity Z' Z'^T has no positive total weight (all smoothed rows "
                "sum to <= 0); check the features."
            )
        return W

    def _iterate_n_space(self, mode: str, P: Any, X: Any, coeffs: Any, G: Any, gamma: float) -> Any:
        """Subspace iteration on ``B`` applied in the n-space (implicit or official dense)."""
        ns = namespace_of(P)
        xp = ns.xp
        n = X.shape[0]
        ones = xp.ones((n, 1), dtype=P.dtype)
        if mode == "dense":
            Z = _adapt(self._smoothed(P, X, coeffs))

            def zmul(M: Any) -> Any:
                return Z @ M

            def ztmul(M: Any) -> Any:
                return Z.T @ M

        else:
            PT = transpose_csr(P)
            xmul, xtmul = _feature_ops(X)
            r = propagate(P, xmul(xp.ones((X.shape[1], 1), dtype=P.dtype)), coeffs)[:, 0]  # Z 1, without Z
            r[r < 0] = 0
            sq = xp.sqrt(r)[:, None]

            def zmul(M: Any) -> Any:
                return sq * propagate(P, xmul(M), coeffs)

            def ztmul(M: Any) -> Any:
                return xtmul(propagate(PT, sq * M, coeffs))

        w = zmul(ztmul(ones))  # affinity degrees of Z' Z'^T (n x 1)
        W = self._total_weight(float(w.sum()))

        def apply_B(Q: Any) -> Any:
            Y = zmul(ztmul(Q))
            # official: B Q = A_Z - gamma * w (1^T A_Z) / W, with 1^T A_Z the column sums
            return Y - (w @ Y.sum(axis=0, keepdims=True)) * (gamma / W)

        return subspace_iteration(apply_B, G.astype(P.dtype, copy=False), int(self.tau), verbose=self.verbose)
