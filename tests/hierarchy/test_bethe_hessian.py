"""Bethe-Hessian: matrix, non-backtracking radius, estimate of K, clustering."""
from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp

from graphclust.datasets import sbm
from graphclust.hierarchy import (
    bethe_hessian_matrix,
    bethe_hessian_clustering,
    estimate_n_clusters,
    nonbacktracking_radius,
)
from graphclust.metrics import accuracy


def test_bethe_hessian_formula_weighted():
    rng = np.random.default_rng(0)
    W = np.triu(rng.random((12, 12)) * (rng.random((12, 12)) < 0.4), 1)
    W = W + W.T
    r = 1.7
    H = bethe_hessian_matrix(sp.csr_array(W), r).toarray()
    expected = (r * r - 1) * np.eye(12) + np.diag(W.sum(1)) - r * W
    assert np.allclose(H, expected)


def test_nonbacktracking_radius_brute_force():
    # Build the 2m x 2m non-backtracking matrix on directed edges explicitly.
    g = sbm([15, 15], p_in=0.4, p_out=0.1, random_state=2)
    A = g.adjacency.toarray()
    edges = [(i, j) for i in range(30) for j in range(30) if A[i, j]]
    index = {e: k for k, e in enumerate(edges)}
    B = np.zeros((len(edges), len(edges)))
    for (u, v), k in index.items():
        for w in np.flatnonzero(A[v]):
            if w != u:
                B[k, index[(v, w)]] = 1
    rho_brute = np.max(np.abs(np.linalg.eigvals(B)))
    assert nonbacktracking_radius(g.adjacency) == pytest.approx(rho_brute, rel=1e-6)
    d = A.sum(1)
    assert nonbacktracking_radius(g.adjacency, "degree") == pytest.approx(d @ d / d.sum() - 1)


def test_nonbacktracking_radius_warns_when_arpack_fails(monkeypatch):
    import scipy.sparse.linalg as spla

    def no_convergence(*args, **kwargs):
        raise spla.ArpackNoConvergence("ARPACK error -1: No convergence", np.array([]), np.array([]))

    monkeypatch.setattr(spla, "eigs", no_convergence)
    g = sbm([15, 15], p_in=0.4, p_out=0.1, random_state=2)
    d = g.adjacency.toarray().sum(1)
    with pytest.warns(RuntimeWarning, match="did not converge.*degree estimate"):
        rho = nonbacktracking_radius(g.adjacency)
    assert rho == pytest.approx(d @ d / d.sum() - 1)


@pytest.mark.parametrize("K", [2, 3, 5])
def test_estimate_n_clusters_on_sbm(K):
    g = sbm([200] * K, p_in=0.12, p_out=0.01, random_state=K)
    assert estimate_n_clusters(g, random_state=0) == K


@pytest.mark.parametrize("method", ["fixed", "zeta"])
def test_clustering_recovers_planted_partition(method):
    g = sbm([150, 150, 150], p_in=0.1, p_out=0.01, random_state=1)
    y, info = bethe_hessian_clustering(g, 3, method=method, random_state=0, return_info=True)
    assert accuracy(g.labels, y) > 0.97
    assert info["method"] == method
    if method == "zeta":
        z = info["zeta"]
        # zeta_1 = 1 and 1 < zeta_p <= sqrt(rho) for the informative ones.
        assert z[0] == 1 and np.all(z[1:] > 1) and np.all(z <= math.sqrt(info["rho"]) + 1e-9)


def test_same_seed_same_labels_and_k_estimated():
    g = sbm([120] * 4, p_in=0.15, p_out=0.01, random_state=3)
    y1, info = bethe_hessian_clustering(g, random_state=5, return_info=True)
    y2 = bethe_hessian_clustering(g, random_state=5)
    assert info["n_clusters"] == 4
    assert np.array_equal(y1, y2)


def test_isolated_vertices_join_largest_community():
    g = sbm([100, 60], p_in=0.2, p_out=0.01, random_state=0)
    A = sp.block_diag([g.adjacency, sp.csr_array((3, 3))], format="csr")
    y = bethe_hessian_clustering(A, 2, random_state=0)
    big = np.bincount(y[:160]).argmax()
    assert np.all(y[160:] == big)
    assert accuracy(g.labels, y[:160]) > 0.95


def test_bad_input():
    with pytest.raises(TypeError):
        bethe_hessian_clustering(np.eye(3), 2)
    g = sbm([20, 20], p_in=0.3, p_out=0.05, random_state=0)
    with pytest.raises(ValueError, match="n_clusters"):
        bethe_hessian_clustering(g, 0)
    with pytest.raises(ValueError, match="method"):
        bethe_hessian_clustering(g, 2, method="nope")


@pytest.mark.parametrize("seed", [0, 1])
def test_estimate_equals_the_exact_count_of_negative_eigenvalues(seed):
    # Small dense case (LAPACK path) and a 1500-node one (growing Chebyshev block): the
    # estimate is the number of negative eigenvalues of H_{sqrt(rho)} that eigvalsh finds.
    import scipy.linalg

    from graphclust.backend import single_thread

    for sizes, p_in, p_out in (([50] * 5, 0.4, 0.03), ([250] * 6, 0.08, 0.004)):
        g = sbm(sizes, p_in=p_in, p_out=p_out, random_state=seed)
        rho = nonbacktracking_radius(g.adjacency)
        with single_thread():  # multithreaded LAPACK collapses on a busy machine (10x here)
            w = scipy.linalg.eigvalsh(bethe_hessian_matrix(g.adjacency, math.sqrt(rho)).toarray())
        assert np.abs(w).min() > 1e-3 * np.abs(w).max()  # no eigenvalue in the band counted as 0
        exact = int(np.sum(w < 0))
        assert exact == len(sizes)  # well above the threshold: one per planted block
        assert estimate_n_clusters(g, rho=rho, random_state=seed) == exact


def test_estimated_k_reuses_the_counting_eigenvectors(monkeypatch):
    # The count's eigenpairs are the fixed-r embedding: no second eigensolve when K is estimated.
    import graphclust.hierarchy.bethe_hessian as bh

    g = sbm([250] * 6, p_in=0.08, p_out=0.004, random_state=0)
    calls = []
    real = bh.eigenpairs
    monkeypatch.setattr(bh, "eigenpairs", lambda *a, **k: (calls.append(a[1]), real(*a, **k))[1])
    y, info = bethe_hessian_clustering(g, method="fixed", random_state=0, return_info=True)
    assert calls == [] and info["n_clusters"] == 6
    assert accuracy(g.labels, y) > 0.99
    # The zeta embedding starts from them too: its first solve (K pairs at sqrt(rho)) is skipped.
    bethe_hessian_clustering(g, method="zeta", random_state=0)
    zeta_calls = len(calls)
    calls.clear()
    bethe_hessian_clustering(g, 6, method="zeta", random_state=0)
    assert len(calls) == zeta_calls + 1 and calls[0] == 6


@pytest.mark.parametrize("n_clusters", [None, 6])
def test_verbose_bars_end_at_their_totals(monkeypatch, n_clusters):
    import tqdm.auto

    bars = []

    class Recorder(tqdm.auto.tqdm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            bars.append(self)

    monkeypatch.setattr(tqdm.auto, "tqdm", Recorder)
    g = sbm([250] * 6, p_in=0.08, p_out=0.004, random_state=0)
    from graphclust.hierarchy import BottomUpHierarchy

    model = BottomUpHierarchy(n_clusters, method="fixed", random_state=0, verbose=True).fit(g)
    assert model.n_clusters_ == 6
    stage = [b for b in bars if b.unit == "stage"]
    steps = [b for b in bars if b.unit == "step"]
    # rho, (the count of K), embedding, k-means
    assert len(stage) == 1 and stage[0].total == (4 if n_clusters is None else 3) == stage[0].n
    assert len(steps) == (1 if n_clusters is None else 0)
    for b in steps:
        assert b.n == b.total > 1
