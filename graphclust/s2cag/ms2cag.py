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
``mode="dense"`` reproduces the official dense path operation for operation (for checking).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..backend import namespace_of
from ..sparse import transpose_csr
from ..solvers.propagate import geometric_coefficients, propagate
from ..solvers.rounding import snem_rounding
from ..solvers.subspace import subspace_iteration
from ..validation import check_scalar
from .s2cag import _dense, _feature_ops, _S2CAGCommon, start_block

__all__ = ["MS2CAG"]


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
    mode : {"implicit", "dense"}, default "implicit"
        ``"implicit"``: apply ``B`` through propagation, ``O(T nnz(P) k + nnz(X) k)`` per
        step, no ``n x d`` matrix. ``"dense"``: the official path (dense ``Z``), for checking.
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
        mode: str = "implicit",
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
        if self.mode not in ("implicit", "dense"):
            raise ValueError(f"mode must be 'implicit' or 'dense', got {self.mode!r}.")

    def _fit(self, graph: Any, rng: np.random.Generator | None) -> None:
        P, X = self._preprocess(graph)
        ns = namespace_of(P)
        xp = ns.xp
        k, gamma = int(self.n_clusters), float(self.gamma)
        n = X.shape[0]
        coeffs = geometric_coefficients(int(self.T), float(self.alpha), "power_iteration")
        ones = xp.ones((n, 1), dtype=xp.float64)

        if self.mode == "dense":
            Z = propagate(P, _dense(X), coeffs, verbose=self.verbose)
            r = Z.sum(axis=1)
            r[r < 0] = 0
            Z *= xp.sqrt(r)[:, None]  # Z' = diag(sqrt r) Z, the official "adapt"

            def zmul(M: Any) -> Any:
                return Z @ M

            def ztmul(M: Any) -> Any:
                return Z.T @ M

        else:
            PT = transpose_csr(P)
            xmul, xtmul = _feature_ops(X)
            r = propagate(P, xmul(xp.ones((X.shape[1], 1), dtype=xp.float64)), coeffs)[:, 0]  # Z 1, without Z
            r[r < 0] = 0
            sq = xp.sqrt(r)[:, None]

            def zmul(M: Any) -> Any:
                return sq * propagate(P, xmul(M), coeffs)

            def ztmul(M: Any) -> Any:
                return xtmul(propagate(PT, sq * M, coeffs))

        w = zmul(ztmul(ones))  # affinity degrees of Z' Z'^T (n x 1)
        W = float(w.sum())
        if not W > 0:
            raise ValueError(
                "M-S2CAG: the affinity Z' Z'^T has no positive total weight (all smoothed rows "
                "sum to <= 0); check the features."
            )

        def apply_B(Q: Any) -> Any:
            Y = zmul(ztmul(Q))
            # official: B Q = A_Z - gamma * w (1^T A_Z) / W, with 1^T A_Z the column sums
            return Y - (w @ Y.sum(axis=0, keepdims=True)) * (gamma / W)

        G = ns.asarray(start_block(self.random_state, rng, (n, k)))
        Q = subspace_iteration(apply_B, G, int(self.tau), verbose=self.verbose)
        labels = snem_rounding(Q, int(self.snem_iter))
        self.labels_ = ns.to_numpy(labels).astype(np.int64)
        self.embedding_ = ns.to_numpy(Q)
