"""S2CAG on a distributed graph: the implicit layout (Horner propagation and the randomized
SVD of :mod:`graphclust.solvers.randomized`, run unchanged on row blocks) and SNEM rounding.

``P`` and ``X_hat`` are prepared on the client by the estimator's own preprocessing (the
graph is on the client when it is partitioned), then cut into the partition's row blocks:
``P`` as a :class:`DistributedOperator` with its halos, ``X_hat`` row blocks (sparse stays
sparse) on the same workers. ``Z @ M = poly(P) (X_hat M)`` and ``Z^T Y = X_hat^T poly(P)^T Y``
are the randomized SVD's two products: ``n x b`` blocks stay on the workers, the client
holds ``d x b`` blocks only.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .blocks import BlockVector
from .operator import DistributedOperator

__all__ = ["propagate", "smoothed_operators", "snem_rounding", "fit_s2cag"]


def propagate(op: DistributedOperator, Y: BlockVector, coeffs: Sequence[float]) -> BlockVector:
    """``sum_t coeffs[t] P^t Y`` by Horner's rule on row blocks (no power of ``P`` is formed).

    Parameters
    ----------
    op : DistributedOperator
    Y : BlockVector
    coeffs : sequence of float

    Returns
    -------
    BlockVector
    """
    c = np.asarray(coeffs, dtype=np.float64)
    T = c.size - 1
    Q = Y * c[T]
    for t in range(T - 1, -1, -1):
        PQ = op.matmat(Q)
        Q = PQ.combine([1.0, c[t]], Y) if c[t] != 0.0 else PQ
    return Q


def _xmul(M: np.ndarray, X: Any) -> np.ndarray:
    return np.asarray(X @ M.astype(np.result_type(X.dtype, M.dtype), copy=False))


def _xtmul(X: Any, Y: np.ndarray) -> np.ndarray:
    return np.asarray(X.T @ Y)


def smoothed_operators(P: DistributedOperator, PT: DistributedOperator, X_parts: list, coeffs: Sequence[float],
                       n_features: int, dtype: Any) -> tuple[Any, Any]:
    """``M -> Z @ M`` (host ``d x b`` to a BlockVector) and ``Y -> Z^T @ Y`` (back to the host)
    for ``Z = sum_t coeffs[t] P^t X_hat``.

    Parameters
    ----------
    P, PT : DistributedOperator
        ``P`` and ``P^T`` (the same operator when ``P`` is symmetric).
    X_parts : list of Futures
        Row blocks of ``X_hat`` on the partition's workers.
    coeffs : sequence of float
    n_features : int
    dtype : numpy dtype

    Returns
    -------
    matvec, rmatvec : callables
    """
    g = P.graph

    def matvec(M: np.ndarray) -> BlockVector:
        M = np.asarray(M)
        parts = [g.client.submit(_xmul, M, Xp, workers=[w], allow_other_workers=False, pure=False)
                 for Xp, w in zip(X_parts, g.workers)]
        return propagate(P, BlockVector(g, parts, M.shape[1], np.result_type(dtype, M.dtype)), coeffs)

    def rmatvec(Y: BlockVector) -> np.ndarray:
        W = propagate(PT, Y, coeffs)
        parts = [g.client.submit(_xtmul, Xp, Wp, workers=[w], allow_other_workers=False, pure=False)
                 for Xp, Wp, w in zip(X_parts, W.parts, g.workers)]
        return np.sum(g.client.gather(parts), axis=0)

    return matvec, rmatvec


def _snem_partials(R: np.ndarray, k: int, V: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    V64 = V.astype(np.float64, copy=False)
    labels = np.argmax(V64 if R is None else V64 @ R, axis=1)
    sums = np.stack([np.bincount(labels, weights=V64[:, c], minlength=k) for c in range(V.shape[1])], axis=1)
    return labels, np.bincount(labels, minlength=k), sums


def snem_rounding(V: BlockVector, n_iter: int = 100) -> np.ndarray:
    """SNEM rounding (:func:`graphclust.solvers.rounding.snem_rounding`) of a distributed embedding.

    Each step is one task per block (assign, then per-cluster counts and sums, ``k x k``)
    and a ``k x k`` update on the client; it stops at the first repeated assignment, a fixed
    point, as the single-machine version does.

    Parameters
    ----------
    V : BlockVector of shape (n, k)
    n_iter : int, default=100

    Returns
    -------
    labels : int64 ndarray of shape (n,), partition order
    """
    g = V.graph
    k = V.shape[1]
    R = None
    labels = None
    for _ in range(int(n_iter) + 1):
        futs = [g.client.submit(_snem_partials, R, k, p, workers=[w], allow_other_workers=False, pure=False)
                for p, w in zip(V.parts, g.workers)]
        out = g.client.gather(futs)
        new = np.concatenate([o[0] for o in out])
        if labels is not None and np.array_equal(new, labels):
            break
        labels = new
        counts = np.sum([o[1] for o in out], axis=0).astype(np.float64)
        scale = np.sqrt(counts)
        scale[scale == 0] = 1.0
        R = np.sum([o[2] for o in out], axis=0).T / scale[None, :]
    return labels.astype(np.int64)


def fit_s2cag(estimator: Any, dgraph: Any, P: Any, X: Any, coeffs: np.ndarray, G: np.ndarray, b: int) -> None:
    """Finish :meth:`graphclust.S2CAG.fit` on a :class:`DistributedGraph` (implicit layout).

    The estimator prepared ``P``, ``X_hat``, the polynomial weights and the start block on
    the client, exactly as on one machine; here they are cut into the partition's row blocks
    and the randomized SVD of :func:`graphclust.solvers.randomized.randomized_svd` runs on
    them unchanged. Sets ``labels_`` (input node order), ``embedding_`` (gathered, ``n x k``),
    ``singular_values_`` and ``path_ = "distributed"``.

    Parameters
    ----------
    estimator : S2CAG
    dgraph : DistributedGraph
    P, X : sparse matrix, dense or sparse matrix
        The propagation matrix and the normalised attributes (input node order).
    coeffs : ndarray
        Polynomial weights of ``Z = sum_t coeffs[t] P^t X``.
    G : ndarray of shape (d, b)
        Start block.
    b : int
        Its width.
    """
    from ..operators import FunctionOperator
    from ..solvers.randomized import randomized_svd

    k = int(estimator.n_clusters)
    dP = DistributedOperator(dgraph.scatter_like(P))
    symmetric = (abs(P - P.T) > 0).nnz == 0
    dPT = dP if symmetric else DistributedOperator(dgraph.scatter_like(P.T))
    matvec, rmatvec = smoothed_operators(dP, dPT, dgraph.scatter_rows(X), coeffs, X.shape[1], P.dtype)
    Z = FunctionOperator(X.shape, matvec, rmatvec, dtype=P.dtype)
    U, s, _ = randomized_svd(Z, G, int(estimator.tau), renormalize=not estimator.faithful,
                             verbose=bool(estimator.verbose))
    first = 1 if estimator.drop_first else 0
    V = U.columns(slice(first, first + k))
    labels = snem_rounding(V, int(estimator.snem_iter))
    estimator.path_ = "distributed"
    estimator.labels_ = dgraph.to_input_order(labels)
    estimator.embedding_ = dgraph.to_input_order(V.to_numpy().astype(np.float64))
    estimator.singular_values_ = np.asarray(s, dtype=np.float64)
