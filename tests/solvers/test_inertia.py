"""negative_eigenpairs: the count and the eigenpairs of the negative eigenvalues, against LAPACK."""
from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.linalg
import scipy.sparse as sp

from graphclust.backend import single_thread
from graphclust.datasets import sbm
from graphclust.hierarchy import bethe_hessian_matrix, nonbacktracking_radius
from graphclust.solvers.eigen import eigenpairs
from graphclust.solvers.inertia import negative_eigenpairs


def _reference(H: sp.csr_array, tol: float = 1e-5) -> np.ndarray:
    """Every eigenvalue (LAPACK), and a check that none sits in the band counted as 0."""
    with single_thread():  # multithreaded LAPACK collapses on a busy machine
        w = scipy.linalg.eigvalsh(H.toarray())
    band = tol * np.abs(w).max()
    assert not np.any(np.abs(w) <= 10 * band), "test case with an eigenvalue too close to 0"
    return w


def _check_pairs(H, vals, X, w_ref):
    n_neg = int(np.sum(w_ref < 0))
    assert vals.size == n_neg
    assert np.allclose(vals, w_ref[:n_neg], rtol=0, atol=1e-6 * np.abs(w_ref).max())
    assert np.allclose(X.T @ X, np.eye(n_neg), atol=1e-8)
    R = H @ X - X * vals[None, :]
    assert np.linalg.norm(R, axis=0).max() <= 1e-4 * np.abs(w_ref).max()


def _bethe_hessian(sizes, p_in, p_out, seed):
    g = sbm(sizes, p_in=p_in, p_out=p_out, random_state=seed)
    rho = nonbacktracking_radius(g.adjacency)
    return g, bethe_hessian_matrix(g.adjacency, math.sqrt(rho))


@pytest.mark.parametrize("seed", [0, 1])
def test_small_dense_case_matches_eigvalsh(seed):
    # n <= 300: the dense path.
    _, H = _bethe_hessian([60] * 4, 0.3, 0.02, seed)
    w = _reference(H)
    vals, X = negative_eigenpairs(H, random_state=seed)
    _check_pairs(H, vals, X, w)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_iterative_path_matches_eigvalsh_on_a_bethe_hessian(seed):
    # n = 1200 > 300: the growing Chebyshev block; K = 6 planted blocks.
    _, H = _bethe_hessian([200] * 6, 0.1, 0.005, seed)
    w = _reference(H)
    assert int(np.sum(w < 0)) == 6
    vals, X = negative_eigenpairs(H, random_state=seed)
    _check_pairs(H, vals, X, w)


def test_block_grows_past_the_first_block():
    # 30 negative eigenvalues (more than the first 12-column block, and than 24): a random
    # graph Laplacian shifted down between two of its eigenvalues.
    rng = np.random.default_rng(3)
    n = 700
    U = sp.random_array((n, n), density=8 / n, random_state=rng, format="csr")
    A = ((U + U.T) > 0).astype(float)
    L = sp.diags_array(np.asarray(A.sum(axis=1)).ravel()) - A
    with single_thread():
        w0 = scipy.linalg.eigvalsh(L.toarray())
    shift = (w0[29] + w0[30]) / 2
    H = sp.csr_array(L - shift * sp.identity(n))
    w = _reference(H)
    vals, X = negative_eigenpairs(H, random_state=0)
    _check_pairs(H, vals, X, w)


def test_max_count_caps_the_count():
    _, H = _bethe_hessian([200] * 6, 0.1, 0.005, 0)
    with single_thread():
        w = scipy.linalg.eigvalsh(H.toarray())
    vals, X = negative_eigenpairs(H, max_count=3, random_state=0)
    assert vals.size == 3 and X.shape == (H.shape[0], 3)
    assert np.allclose(vals, w[:3], atol=1e-6 * np.abs(w).max())


def test_positive_definite_has_no_negative_eigenvalue():
    rng = np.random.default_rng(0)
    d = rng.uniform(1.0, 5.0, 500)
    vals, X = negative_eigenpairs(sp.diags_array([d], offsets=[0], format="csr"), random_state=0)
    assert vals.size == 0 and X.shape == (500, 0)


def test_same_seed_same_pairs():
    _, H = _bethe_hessian([200] * 6, 0.1, 0.005, 0)
    a = negative_eigenpairs(H, random_state=5)
    b = negative_eigenpairs(H, random_state=5)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])


def test_progress_bar_total_matches_the_steps(monkeypatch):
    import tqdm.auto

    bars = []

    class Recorder(tqdm.auto.tqdm):
        def __init__(self, *args, **kwargs):
            kwargs["disable"] = False
            super().__init__(*args, **kwargs)
            bars.append(self)

    monkeypatch.setattr(tqdm.auto, "tqdm", Recorder)
    _, H = _bethe_hessian([200] * 6, 0.1, 0.005, 0)
    calls = []
    import graphclust.solvers.inertia as inertia

    real = inertia.eigenpairs

    def counting(*args, **kwargs):
        hook = kwargs["converge"]
        kwargs["converge"] = lambda theta: (calls.append(1), hook(theta))[1]
        return real(*args, **kwargs)

    monkeypatch.setattr(inertia, "eigenpairs", counting)
    vals, _ = negative_eigenpairs(H, random_state=0, verbose=True)
    assert vals.size == 6
    (bar,) = bars
    assert bar.n == bar.total == len(calls) > 1


def test_bad_input():
    with pytest.raises(ValueError, match="square"):
        negative_eigenpairs(sp.csr_array((3, 4)))
    with pytest.raises(ValueError, match="max_count"):
        negative_eigenpairs(sp.identity(5, format="csr"), max_count=0)
    with pytest.raises(ValueError, match="tol"):
        negative_eigenpairs(sp.identity(5, format="csr"), tol=0)


def test_eigenpairs_converge_hook():
    # Only the pairs the hook asks for must converge: the rest of the block is returned as is.
    d = np.concatenate([-np.arange(1.0, 4.0), np.linspace(1.0, 1.001, 997)])  # slow cluster above 0
    A = sp.diags_array([d], offsets=[0], format="csr")
    seen = []

    def hook(theta):
        seen.append(theta)
        return max(int(np.sum(theta < 0)), 1)  # 0 would stop at once

    w, V = eigenpairs(A, 8, which="smallest", method="chebyshev", block_size=8, converge=hook, random_state=0)
    assert np.allclose(w[:3], [-3.0, -2.0, -1.0], atol=1e-6)
    assert len(seen) < 100  # did not wait for the cluster at 1
    assert all(np.all(np.diff(t) >= -1e-12) for t in seen)  # ascending, in A's terms
    with pytest.raises(TypeError, match="converge"):
        eigenpairs(A, 2, which="smallest", method="chebyshev", converge=3)
    with pytest.raises(ValueError, match="converge"):
        eigenpairs(A, 2, which="smallest", method="arpack", converge=hook)
