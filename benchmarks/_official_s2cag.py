"""A transcription of the official S2CAG / M-S2CAG core step, as an in-run timing peer.

Plain numpy / scipy, step for step as the official ``run_SSCAG`` (HKBU-LAGAS/S2CAG, commit
51c5679; ../shared/specs/s2cag.md sections 4.1-4.3): dense ``X_hat``, the official cost rule
between the explicit ``PowerIteration`` path and the implicit Horner operator, the range
finder without re-orthonormalisation, ``svd_flip``, the first vector dropped, 100 SNEM steps;
M-S2CAG with the dense ``Z``, the sqrt-row-sum scaling and ``tau`` QR steps. It is not the
official code (library versions and small details differ) but does the same work with the same
libraries, so the ratio of our fit to it, timed interleaved in one process, measures the
"default fit / official core step" column on a machine where absolute times are unreliable
(a loaded one). Only the core step is timed, as the official figure: the caller passes ``P``
and the dense ``X_hat`` prepared once.
"""
from __future__ import annotations

import numpy as np

from graphclust.s2cag import official_cost


def _nsr_explicit(P, X, T, alpha):
    """Official ``PowerIteration``: ``f <- alpha (P f + X)`` T times from ``f = X``, scaled."""
    f = X
    for _ in range(T):
        f = alpha * (P @ f + X)
    return f * ((1 - alpha) / (1 - alpha ** (T + 1)))


def _svd_flip(U, Vt):
    idx = np.argmax(np.abs(U), axis=0)
    signs = np.sign(U[idx, np.arange(U.shape[1])])
    return U * signs, Vt * signs[:, None]


def _snem(V, iters=100):
    n, k = V.shape
    labels = np.argmax(V, axis=1)
    for _ in range(iters):
        Y = np.zeros((n, k))
        Y[np.arange(n), labels] = 1.0
        Y /= np.maximum(np.sqrt(Y.sum(axis=0)), 1.0)[None, :]
        labels = np.argmax(V @ (V.T @ Y), axis=1)
    return labels


def s2cag_core(P, X, k, T, alpha, tau, oversample=10):
    """Official ``--method sub`` core step; ``P`` CSR, ``X`` dense ``X_hat``."""
    n, d = X.shape
    b = k + oversample
    explicit, implicit = official_cost(n, d, int(P.nnz), k, T, tau, oversample)
    if explicit < implicit:
        Z = _nsr_explicit(P, X, T, alpha)

        def mat(M):
            return Z @ M

        def rmat(M):
            return Z.T @ M

    else:
        c = (1 - alpha) / (1 - alpha ** (T + 1))
        PT = P.T.tocsr()

        def mat(M):
            Y = X @ M
            Q = Y
            for _ in range(T):
                Q = alpha * (P @ Q) + Y
            return c * Q

        def rmat(M):
            Q = M
            for _ in range(T):
                Q = alpha * (PT @ Q) + M
            return X.T @ (c * Q)

    Q = np.random.RandomState(0).normal(size=(d, b))
    for _ in range(tau):
        Q = rmat(mat(Q))
    Q = np.linalg.qr(mat(Q))[0]
    Uh, _, Vt = np.linalg.svd(rmat(Q).T, full_matrices=False)
    U, _ = _svd_flip(Q @ Uh, Vt)
    return _snem(U[:, 1:k + 1])


def ms2cag_core(P, X, k, T, alpha, gamma, tau):
    """Official ``--method mod`` core step."""
    n = X.shape[0]
    Z = _nsr_explicit(P, X, T, alpha)
    r = Z.sum(axis=1)
    r[r < 0] = 0
    Z = np.sqrt(r)[:, None] * Z
    w = Z @ (Z.T @ np.ones(n))
    W = w.sum()
    Q = np.linalg.qr(np.random.RandomState(0).normal(size=(n, k)))[0]
    for _ in range(tau):
        Y = Z @ (Z.T @ Q)
        Y = Y - gamma * np.outer(w, w @ Q) / W
        Q = np.linalg.qr(Y)[0]
    return _snem(Q)
