"""Top-down pieces: the sparse regularized bisection and the Bethe-Hessian stopping rule."""
from __future__ import annotations

import numpy as np
import pytest

from graphclust.datasets import sbm
from graphclust.hierarchy import TopDownHierarchy, bethe_hessian_stop, regularized_bisection
from graphclust.metrics import accuracy


def _dense_bisection_vectors(A, tau):
    """Reference: dense L_tau as in the official code, two smallest eigenvectors."""
    M = A.toarray()
    n = M.shape[0]
    At = M + tau * M.sum(1).mean() / n
    d = At.sum(1)
    L = np.eye(n) - At / np.sqrt(np.outer(d, d))
    w, V = np.linalg.eigh(L)
    return V[:, :2]


def test_sparse_bisection_matches_dense_reference():
    g = sbm([220, 200], p_in=0.08, p_out=0.02, random_state=0)  # n > 300: matrix-free ARPACK path
    side = regularized_bisection(g.adjacency, tau=0.1, random_state=0)
    assert accuracy(g.labels, side) > 0.97
    V = _dense_bisection_vectors(g.adjacency, 0.1)
    from sklearn.cluster import KMeans

    ref = KMeans(2, n_init=10, random_state=0).fit_predict(V)
    assert accuracy(ref, side) == 1.0


def test_stopping_rule():
    two = sbm([150, 150], p_in=0.1, p_out=0.01, random_state=1)
    one = sbm([300], p=0.05, random_state=1)
    assert bethe_hessian_stop(two.adjacency, random_state=0)
    assert not bethe_hessian_stop(one.adjacency, random_state=0)


def test_top_down_finds_flat_blocks_and_caps_leaves():
    g = sbm([120] * 3, p_in=0.15, p_out=0.01, random_state=2)
    model = TopDownHierarchy(random_state=0).fit(g)
    assert model.n_clusters_ == 3
    assert accuracy(g.labels, model.labels_) > 0.98
    assert len(model.bits_) == 3 and model.n_splits_ == 2
    capped = TopDownHierarchy(n_clusters=2, random_state=0).fit(g)
    assert capped.n_clusters_ == 2


@pytest.mark.parametrize("bad", [{"r_rule": "x"}, {"n_init": 0}, {"max_leaves": 0}])
def test_bad_params(bad):
    g = sbm([20, 20], p_in=0.3, p_out=0.05, random_state=0)
    with pytest.raises((ValueError, TypeError)):
        TopDownHierarchy(**bad).fit(g)
