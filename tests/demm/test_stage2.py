"""Stage II pieces: random features approximate the Gaussian kernel, Sinkhorn gives a doubly
stochastic matrix, SSKC recovers separated groups."""
import numpy as np
import pytest

from graphclust.demm.random_features import VARIANTS, projection_matrix, random_fourier_features
from graphclust.demm.sinkhorn import sinkhorn_factors
from graphclust.demm.stage2 import center_rows, sskc


@pytest.mark.parametrize("variant", ["orf", "rff"])
def test_random_features_approximate_the_gaussian_kernel(variant):
    rng = np.random.default_rng(0)
    H = rng.standard_normal((30, 16)) * 0.3
    gamma = 0.5
    K = np.exp(-gamma * ((H[:, None] - H[None]) ** 2).sum(-1))
    approx = np.mean([(lambda Z: Z @ Z.T)(random_fourier_features(H, projection_matrix(16, gamma, np.random.default_rng(s), variant)))
                      for s in range(300)], axis=0)
    assert np.abs(approx - K).max() < 0.05


def test_demm_code_variant_scales_coordinates_before_rotating():
    rng = np.random.default_rng(1)
    W_code = projection_matrix(5, 0.5, np.random.default_rng(3), "demm_code")
    W_orf = projection_matrix(5, 0.5, np.random.default_rng(3), "orf")
    G = np.random.default_rng(3).standard_normal((5, 5))
    Q = np.linalg.qr(G)[0]
    # both share Q; demm_code = sqrt(2 gamma) diag(s) Q^T, orf = sqrt(2 gamma) Q^T diag(s)
    s_code = np.linalg.norm(W_code, axis=1)          # row norms of diag(s) Q^T are s
    s_orf = np.linalg.norm(W_orf, axis=0)            # column norms of Q^T diag(s) are s
    np.testing.assert_allclose(s_code, s_orf)
    np.testing.assert_allclose(W_code, (s_code[:, None] * Q.T))
    np.testing.assert_allclose(W_orf, Q.T * s_orf[None, :])
    assert set(VARIANTS) == {"demm_code", "orf", "rff"}
    x = rng.standard_normal(5)
    assert not np.allclose(x @ W_code, x @ W_orf)


def test_sinkhorn_gives_a_doubly_stochastic_matrix():
    rng = np.random.default_rng(2)
    Z = rng.random((50, 6)) + 0.05
    S0 = Z @ Z.T
    Zl, Zr = sinkhorn_factors(Z, 500)
    S = Zl @ Zr.T
    np.testing.assert_allclose(S.sum(axis=0), 1, atol=1e-10)
    np.testing.assert_allclose(S.sum(axis=1), 1, atol=1e-8)
    # S is a diagonal scaling of Z Z^T (only rows of the factors were rescaled)
    u = S[:, 0] / S0[:, 0]
    v = S[0, :] / (S0[0, :] * u[0])
    np.testing.assert_allclose(S, u[:, None] * S0 * v[None, :], rtol=1e-8)
    # after any number of rounds the column sums are exactly 1
    Zl2, Zr2 = sinkhorn_factors(Z, 2)
    np.testing.assert_allclose((Zl2 @ Zr2.T).sum(axis=0), 1, atol=1e-12)
    # the input is untouched
    assert np.array_equal(Z, rng.__class__(np.random.PCG64(2)).random((50, 6)) + 0.05)


def test_center_rows():
    H = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 3.0]])
    np.testing.assert_allclose(center_rows(H).mean(axis=1), 0)
    np.testing.assert_allclose(np.linalg.norm(center_rows(H, True), axis=1), 1)
    # official pcc_norm: the centred row over the norm of the row before centring
    np.testing.assert_allclose(center_rows(H), (H - H.mean(1, keepdims=True)) / np.linalg.norm(H, axis=1)[:, None])
    U = H / np.linalg.norm(H, axis=1, keepdims=True)
    np.testing.assert_allclose(center_rows(U), U - U.mean(1, keepdims=True))   # unit rows: only centred
    assert np.array_equal(center_rows(np.zeros((2, 3))), np.zeros((2, 3)))    # zero rows stay zero


def test_sskc_separates_groups():
    rng = np.random.default_rng(0)
    centres = np.eye(6)[:3]
    y = np.repeat(np.arange(3), 40)
    H = centres[y] + rng.normal(0, 0.05, (120, 6))
    H /= np.linalg.norm(H, axis=1, keepdims=True)
    from graphclust.metrics import ari

    labels, Zr = sskc(H, 3, gamma=1 / 6, random_state=0)
    assert ari(y, labels) == 1.0 and Zr.shape == (120, 12)
