"""Gram-space solvers against the n-space loops they replace (same start block, same steps)."""
import numpy as np
import pytest

from graphclust.solvers.gram import factored_randomized_svd, factored_subspace_iteration, gram
from graphclust.solvers.randomized import randomized_svd
from graphclust.solvers.subspace import subspace_iteration


def _tall(n=300, d=12, seed=0):
    rng = np.random.default_rng(seed)
    scales = np.geomspace(10.0, 0.05, d)
    return rng.standard_normal((n, d)) * scales, rng


def test_gram_is_symmetric_float64_for_float32_input():
    F, _ = _tall()
    K = gram(F.astype(np.float32))
    assert K.dtype == np.float64 and np.array_equal(K, K.T)
    np.testing.assert_allclose(K, F.T @ F, rtol=1e-5, atol=1e-4)


def _modularity_middle(F, gamma=1.0):
    u = F.sum(axis=0)
    W = float(u @ u)
    return lambda M: M - np.outer(u, u @ M) * (gamma / W)


@pytest.mark.parametrize("n_iter", [0, 1, 2, 25])
def test_subspace_iteration_matches_n_space_loop_signs_included(n_iter):
    F, rng = _tall()
    F = np.abs(F)  # positive rows: the M-S2CAG setting, B = F C F^T has one negative eigenvalue
    middle = _modularity_middle(F)
    G = rng.standard_normal((F.shape[0], 4))
    ours = factored_subspace_iteration(F, gram(F), middle, G, n_iter)
    ref = subspace_iteration(lambda Q: F @ middle(F.T @ Q), G, n_iter)
    np.testing.assert_allclose(ours, ref, atol=1e-9)
    np.testing.assert_allclose(ours.T @ ours, np.eye(4), atol=1e-12)


def test_subspace_iteration_float32_close_to_float64():
    F, rng = _tall()
    G = rng.standard_normal((F.shape[0], 3))
    ref = factored_subspace_iteration(F, gram(F), lambda M: M, G, 20)
    F32 = F.astype(np.float32)
    ours = factored_subspace_iteration(F32, gram(F32), lambda M: M, G.astype(np.float32), 20)
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours, ref, atol=1e-4)


def test_rank_deficient_block_falls_back_to_the_n_space():
    F, rng = _tall(d=3)
    F = np.hstack([F, F[:, :1]])  # rank 3, and the block asks for 5 directions
    G = rng.standard_normal((F.shape[0], 5))
    ours = factored_subspace_iteration(F, gram(F), lambda M: M, G, 10)
    ref = subspace_iteration(lambda Q: F @ (F.T @ Q), G, 10)
    np.testing.assert_allclose(ours.T @ ours, np.eye(5), atol=1e-10)
    # the three directions B has are the n-space loop's; the rest are arbitrary in both
    np.testing.assert_allclose(np.abs(ours[:, :3]), np.abs(ref[:, :3]), atol=1e-8)


@pytest.mark.parametrize("renormalize", [True, False])
def test_randomized_svd_matches_operator_loop(renormalize):
    F, rng = _tall(d=20)
    G = rng.standard_normal((20, 6))
    U, s, Vt = factored_randomized_svd(F, gram(F), G, 3, renormalize=renormalize)
    U2, s2, Vt2 = randomized_svd(F, G, 3, renormalize=renormalize)
    np.testing.assert_allclose(s, s2, rtol=1e-10)
    np.testing.assert_allclose(U[:, :4], U2[:, :4], atol=1e-8)
    np.testing.assert_allclose(Vt[:4], Vt2[:4], atol=1e-8)
    # and it is an SVD of F: the leading triplets against LAPACK
    np.testing.assert_allclose(s[:3], np.linalg.svd(F, compute_uv=False)[:3], rtol=1e-8)


def test_bad_arguments():
    F, rng = _tall()
    with pytest.raises(ValueError, match="n_iter"):
        factored_subspace_iteration(F, gram(F), lambda M: M, rng.standard_normal((300, 2)), -1)
    with pytest.raises(ValueError, match="K must be"):
        factored_subspace_iteration(F, np.eye(3), lambda M: M, rng.standard_normal((300, 2)), 2)
    with pytest.raises(ValueError, match="n_iter"):
        factored_randomized_svd(F, gram(F), rng.standard_normal((12, 2)), -2)
