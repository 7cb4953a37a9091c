"""Block subspace iteration against numpy's symmetric eigensolver."""
import numpy as np
import pytest
from scipy import linalg

from graphclust.solvers.subspace import subspace_iteration


def _sym(n=80, seed=0):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    lam = np.concatenate([[9.0, -7.0, 5.0, 3.0], rng.uniform(-1, 1, n - 4)])
    return (Q * lam) @ Q.T


def test_converges_to_dominant_invariant_subspace():
    B = _sym()
    w, V = np.linalg.eigh(B)
    top = V[:, np.argsort(-np.abs(w))[:4]]
    Q = subspace_iteration(lambda X: B @ X, np.random.default_rng(1).standard_normal((80, 4)), 200)
    np.testing.assert_allclose(Q @ Q.T, top @ top.T, atol=1e-8)
    np.testing.assert_allclose(Q.T @ Q, np.eye(4), atol=1e-12)


def test_matches_official_loop_step_for_step():
    # official KSI loop: Q = qr(G); repeat: Q = qr(B Q) with scipy's economic QR
    B = _sym(seed=2)
    G = np.random.RandomState(0).normal(size=(80, 3))
    Q = linalg.qr(G, mode="economic")[0]
    for _ in range(7):
        Q = linalg.qr(B @ Q, mode="economic")[0]
    np.testing.assert_allclose(subspace_iteration(lambda X: B @ X, G, 7), Q, atol=1e-10)


def test_tol_stops_early_and_zero_steps():
    B = _sym(seed=3)
    G = np.random.default_rng(0).standard_normal((80, 2))
    calls = []

    def apply(X):
        calls.append(1)
        return B @ X

    subspace_iteration(apply, G, 500, tol=1e-6)
    assert len(calls) < 500
    np.testing.assert_allclose(subspace_iteration(apply, G, 0), np.linalg.qr(G)[0])
    with pytest.raises(ValueError, match="n_iter"):
        subspace_iteration(apply, G, -2)
