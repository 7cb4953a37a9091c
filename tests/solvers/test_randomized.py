"""Randomized SVD against numpy's exact SVD, and svd_flip against scikit-learn."""
import numpy as np
import pytest
from sklearn.utils.extmath import svd_flip as sk_svd_flip

from graphclust.solvers.randomized import randomized_range_finder, randomized_svd, svd_flip


def _low_rank(m=120, d=60, seed=0):
    rng = np.random.default_rng(seed)
    U, _ = np.linalg.qr(rng.standard_normal((m, d)))
    V, _ = np.linalg.qr(rng.standard_normal((d, d)))
    s = 0.7 ** np.arange(d) * 10
    return (U * s) @ V.T, s


def test_svd_flip_matches_sklearn():
    rng = np.random.default_rng(0)
    U = rng.standard_normal((30, 6))
    Vt = rng.standard_normal((6, 9))
    a, b = svd_flip(U, Vt)
    c, d = sk_svd_flip(U.copy(), Vt.copy(), u_based_decision=True)
    np.testing.assert_array_equal(a, c)
    np.testing.assert_array_equal(b, d)


@pytest.mark.parametrize("renormalize", [True, False])
def test_randomized_svd_recovers_top_singular_values(renormalize):
    Z, s = _low_rank()
    G = np.random.RandomState(0).normal(size=(Z.shape[1], 15))
    U, sv, Vt = randomized_svd(Z, G, 4, renormalize=renormalize)
    np.testing.assert_allclose(sv[:5], s[:5], rtol=1e-8)
    # leading singular vectors agree with numpy's up to sign (svd_flip fixes the sign)
    Ue = np.linalg.svd(Z, full_matrices=False)[0]
    Ue, _ = sk_svd_flip(Ue, np.eye(Ue.shape[1]))
    np.testing.assert_allclose(U[:, :5], Ue[:, :5], atol=1e-6)
    np.testing.assert_allclose(U.T @ U, np.eye(15), atol=1e-10)


def test_no_renormalization_is_the_literal_official_loop():
    from scipy import linalg

    Z, _ = _low_rank(seed=1)
    G = np.random.RandomState(0).normal(size=(Z.shape[1], 12))
    Q = G
    for _ in range(3):
        Q = Z.T @ (Z @ Q)
    Q = linalg.qr(Z @ Q, mode="economic")[0]
    got = randomized_range_finder(Z, G, 3, renormalize=False)
    np.testing.assert_allclose(np.abs(got), np.abs(Q), atol=1e-10)


def test_renormalization_spans_the_same_subspace_when_well_conditioned():
    Z, _ = _low_rank(seed=2)
    G = np.random.default_rng(3).standard_normal((Z.shape[1], 10))
    a = randomized_range_finder(Z, G, 2, renormalize=False)
    b = randomized_range_finder(Z, G, 2, renormalize=True)
    # same projector
    np.testing.assert_allclose(a @ a.T, b @ b.T, atol=1e-8)


def test_negative_iterations_rejected():
    with pytest.raises(ValueError, match="n_iter"):
        randomized_range_finder(np.eye(3), np.ones((3, 2)), -1)
