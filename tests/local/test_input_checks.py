"""Local clustering input checks (issue 10): a tuple node id is one seed, overflow is refused
(never reported as converged), every parameter is checked whatever the method."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

import graphclust as gc
from graphclust.local import approximate_pagerank, flow_diffusion


def test_tuple_node_id_is_one_seed():
    # Before: (0, 0) was read as the seed list [0, 0] and failed.
    G = nx.grid_2d_graph(4, 4)
    x = approximate_pagerank(G, (0, 0))
    assert x.node_ids[0] == (0, 0)
    ref = approximate_pagerank(G, [(0, 0)])
    np.testing.assert_array_equal(x.values, ref.values)


def test_tuple_node_wins_over_its_members():
    # Before: LocalClustering().fit(H, (0, 1)) silently seeded nodes 0 and 1.
    H = nx.Graph([(0, (0, 1)), ((0, 1), 1), (0, 1), (1, 2), (2, 0), (2, 3), (3, 4)])
    a = approximate_pagerank(H, (0, 1))
    b = approximate_pagerank(H, [(0, 1)])
    c = approximate_pagerank(H, [0, 1])
    np.testing.assert_array_equal(a.values, b.values)
    assert not np.array_equal(a.values, c.values) or a.node_ids.tolist() != c.node_ids.tolist()
    assert a.node_ids[0] == (0, 1)


@pytest.mark.parametrize("call", [
    lambda: flow_diffusion(nx.cycle_graph(10), 0, mass=1e200, p=4.0),
    lambda: gc.LocalClustering(p=1e6).fit(nx.karate_club_graph(), 0),
], ids=["mass-1e200", "p-1e6"])
def test_overflow_refused(call):
    # Before: infinite potentials with converged=True.
    with pytest.raises(ValueError, match="overflowed float64"):
        call()


def test_tiny_weights_refused_not_non_finite():
    A = sp.csr_array(nx.to_scipy_sparse_array(nx.cycle_graph(10)) * 5e-324)
    for call in (lambda: approximate_pagerank(A, 0), lambda: flow_diffusion(A, 0, mass=3.0)):
        try:
            x = call()
        except ValueError as err:
            assert "overflowed" in str(err)
        else:
            assert np.all(np.isfinite(x.values))


def test_volume_overflow_message():
    # Before: "mass must be finite" for a volume the user gave.
    with pytest.raises(ValueError, match="volume \\* mass_grid overflows"):
        gc.LocalClustering(volume=1e308).fit(nx.karate_club_graph(), 0)


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"method": "flow", "alpha": "x"}, TypeError, "alpha"),
    ({"method": "flow", "eps": float("nan")}, ValueError, "eps must be finite"),
    ({"method": "flow", "label_eps": -5}, ValueError, "label_eps"),
    ({"method": "pagerank", "p": 0.5}, ValueError, "p must be >"),
    ({"method": "pagerank", "max_iters": 2.5}, TypeError, "max_iters"),
    ({"method": "pagerank", "mass": -1}, ValueError, "mass"),
    ({"method": "pagerank", "volume": "big"}, TypeError, "volume"),
    ({"method": "flow", "random_state": "seed"}, (TypeError, ValueError), "random_state"),
])
def test_unused_parameters_are_checked(kwargs, exc, match):
    # Before: parameters the chosen method does not use were never checked.
    with pytest.raises(exc, match=match):
        gc.LocalClustering(**kwargs).fit(nx.karate_club_graph(), 0)


def test_local_graph_built_directly_is_validated():
    A = sp.csr_array(np.array([[0, np.nan], [np.nan, 0]]))
    with pytest.raises(ValueError, match="non-finite"):
        approximate_pagerank(gc.Graph(A), 0)
