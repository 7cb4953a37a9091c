"""Hierarchy input checks (issue 10): clear errors for extreme weights and impossible counts."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import graphclust as gc

from ..test_api import planted


@pytest.mark.parametrize("cls", [gc.BottomUpHierarchy, gc.TopDownHierarchy])
def test_weights_whose_sum_overflows(cls):
    # Before: ArpackError from BottomUpHierarchy.
    A, _, _ = planted(sizes=(10, 10))
    with pytest.raises(ValueError, match="too large"):
        cls(2).fit(A * 1e308)


def test_degree_moment_overflow_named():
    A = sp.csr_array(([1e300, 1e300], ([0, 1], [1, 0])), shape=(3, 3))
    with pytest.raises(ValueError, match="too large for the Bethe-Hessian"):
        gc.BottomUpHierarchy(1).fit(A)


def test_isolated_nodes_explained():
    # Before: "n_clusters must be <= 5, got 6" on a 6-node graph, without saying why.
    B = sp.lil_array((6, 6))
    for u, v in [(0, 1), (1, 2), (2, 0), (3, 4)]:
        B[u, v] = B[v, u] = 1
    with pytest.raises(ValueError, match="isolated"):
        gc.BottomUpHierarchy(6).fit(B.tocsr())


@pytest.mark.parametrize("k, exc", [(0, ValueError), (-1, ValueError), (2.5, TypeError), (1000, ValueError)])
def test_top_down_n_clusters(k, exc):
    A, _, _ = planted(sizes=(10, 10))
    with pytest.raises(exc, match="n_clusters"):
        gc.TopDownHierarchy(k).fit(A)


def test_max_clusters_checked_at_the_call():
    from graphclust.hierarchy.bethe_hessian import estimate_n_clusters

    A, _, _ = planted(sizes=(10, 10))
    assert estimate_n_clusters(A, max_clusters=np.float32(4), random_state=0) >= 1
    with pytest.raises(TypeError, match="max_clusters"):
        estimate_n_clusters(A, max_clusters="4")


def test_malformed_matrix_refused_by_the_public_functions():
    from graphclust.hierarchy.bethe_hessian import bethe_hessian_matrix

    bad = sp.csr_array((np.ones(2), np.array([7, 0]), np.array([0, 1, 2])), shape=(2, 2))
    with pytest.raises(ValueError, match="out of range"):
        bethe_hessian_matrix(bad, 1.5)
