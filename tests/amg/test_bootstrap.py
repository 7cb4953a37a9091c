"""Smooth vectors against exact eigenvectors, planted partitions, reproducibility."""
import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.linalg import eigsh

from graphclust.amg import laplacian_spd, smooth_embedding, smooth_vectors
from graphclust.metrics import ari
from graphclust.solvers.kmeans import kmeans


def planted(k=4, size=100, p_in=0.1, p_out=0.005, seed=0):
    G = nx.planted_partition_graph(k, size, p_in, p_out, seed=seed)
    return sp.csr_array(nx.to_scipy_sparse_array(G)), np.repeat(np.arange(k), size)


def test_smooth_vectors_span_the_low_eigenspace():
    A, _ = planted(seed=1)
    L = laplacian_spd(A)
    W, report = smooth_vectors(A, max_hierarchies=20, random_state=0)
    assert W.shape == (400, report.n_hierarchies + 1)
    assert np.allclose(W[:, 0], 1.0)
    U = smooth_embedding(W)
    _, V = eigsh(L, k=4, which="SA")
    # the 4 lowest eigenvectors (the planted blocks) lie almost inside span(W)
    residual = V - U @ (U.T @ V)
    assert np.linalg.norm(residual, axis=0).max() < 0.2
    assert max(report.operator_complexity) < 2
    assert report.rates[-1] < report.rates[0]


def test_planted_partition_recovered():
    A, y = planted(seed=2)
    W, _ = smooth_vectors(A, max_hierarchies=15, random_state=0)
    labels, _, _ = kmeans(smooth_embedding(W), 4, n_init=20, random_state=0)
    assert ari(y, labels) > 0.9


def test_reproducible_and_input_untouched():
    A, _ = planted(seed=3)
    A0 = A.copy()
    W1, r1 = smooth_vectors(A, max_hierarchies=5, random_state=7)
    W2, r2 = smooth_vectors(A, max_hierarchies=5, random_state=7)
    assert np.array_equal(W1, W2) and r1.rates == r2.rates
    assert (A != A0).nnz == 0


def test_spd_matrix_input_and_target_rate():
    n = 300
    T = sp.csr_array(sp.diags([-np.ones(n - 1), 2.0 * np.ones(n), -np.ones(n - 1)], [-1, 0, 1]))
    W, report = smooth_vectors(T, target_rate=0.5, random_state=0)
    assert report.converged and report.rates[-1] <= 0.5 and W.shape[1] == report.n_hierarchies + 1
    # the first smooth vector is smooth: small Rayleigh quotient compared with a random vector
    w = W[:, 1]
    x = np.random.default_rng(0).standard_normal(n)
    assert (w @ T @ w) / (w @ w) < 0.05 * (x @ T @ x) / (x @ x)


@pytest.mark.parametrize("bad", [dict(max_hierarchies=0), dict(composite="cubic"), dict(solver_iters=0),
                                 dict(kind="matrix")])
def test_bad_parameters(bad):
    A, _ = planted(size=10)
    with pytest.raises((ValueError, TypeError)):
        smooth_vectors(A, **bad)
