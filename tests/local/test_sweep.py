"""Sweep cut against brute force over prefixes; conductance against networkx."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from graphclust.local import approximate_pagerank, conductance, flow_diffusion, sweep_cut, sweep_cut_batch

from ._graphs import random_weighted


def brute_conductance(A, S):
    A = A.toarray()
    mask = np.zeros(A.shape[0], bool)
    mask[list(S)] = True
    d = A.sum(axis=1)
    vol, total = d[mask].sum(), d.sum()
    cut = A[np.ix_(mask, ~mask)].sum()
    den = min(vol, total - vol)
    return cut / den if den > 1e-12 * total else 1.0


@pytest.mark.parametrize("normalize", [True, False])
@pytest.mark.parametrize("loops", [False, True])
def test_sweep_matches_brute_force(normalize, loops):
    A = random_weighted(50, 0.1, seed=21, loops=loops)
    scores = approximate_pagerank(A, 4, eps=1e-4)
    res = sweep_cut(A, scores, normalize=normalize)
    d = np.asarray(A.sum(axis=1)).ravel()
    key = scores.values / d[scores.indices] if normalize else scores.values
    # Brute force: sort by (-key, node) and evaluate every prefix from scratch.
    order = scores.indices[np.lexsort((scores.indices, -key))]
    np.testing.assert_array_equal(res.order, order)
    profile = np.array([brute_conductance(A, order[: i + 1]) for i in range(len(order))])
    np.testing.assert_allclose(res.profile, profile, rtol=1e-10, atol=1e-12)
    best = int(np.argmin(profile))
    assert res.conductance == pytest.approx(profile[best])
    assert sorted(res.indices.tolist()) == sorted(order[: best + 1].tolist())


def test_tie_rules():
    # Three disjoint triangles: prefixes "A" and "A+B" both have conductance 0.
    G = nx.disjoint_union_all([nx.complete_graph(3)] * 3)
    scores = np.array([3, 3, 3, 2, 2, 2, 0, 0, 0], dtype=float)
    first = sweep_cut(G, scores, normalize=False, tie="first")
    last = sweep_cut(G, scores, normalize=False, tie="last")
    assert sorted(first.cluster.tolist()) == [0, 1, 2] and first.conductance == 0.0
    assert sorted(last.cluster.tolist()) == [0, 1, 2, 3, 4, 5] and last.conductance == 0.0
    with pytest.raises(ValueError, match="tie"):
        sweep_cut(G, scores, tie="middle")


def test_input_formats_and_ids():
    G = nx.relabel_nodes(nx.karate_club_graph(), lambda i: f"v{i}")
    s = approximate_pagerank(G, "v0", eps=1e-4)
    a = sweep_cut(G, s)
    b = sweep_cut(G, (s.node_ids, s.values))
    c = sweep_cut(G, s.to_dense())
    d = sweep_cut(G, s.to_sparse())
    for r in (b, c, d):
        assert r.cluster.tolist() == a.cluster.tolist() and r.conductance == a.conductance
    cluster, phi = a
    assert phi == pytest.approx(conductance(G, cluster))
    assert "v0" in cluster.tolist()
    empty = sweep_cut(G, np.zeros(34))
    assert len(empty.cluster) == 0 and empty.conductance == 1.0
    with pytest.raises(ValueError, match="length"):
        sweep_cut(G, np.ones(5))


def test_batch_and_conductance_against_networkx():
    A = random_weighted(60, 0.08, seed=22)
    G = nx.from_scipy_sparse_array(A)
    xs = [flow_diffusion(A, s, 30.0, random_state=0) for s in (0, 7, 30)]
    batch = sweep_cut_batch(A, xs, normalize=False, tie="last")
    for x, b in zip(xs, batch):
        one = sweep_cut(A, x, normalize=False, tie="last")
        assert one.cluster.tolist() == b.cluster.tolist() and one.conductance == b.conductance
        assert one.conductance == pytest.approx(nx.conductance(G, set(one.cluster.tolist()), weight="weight"))
    S = list(range(20))
    assert conductance(A, S) == pytest.approx(nx.conductance(G, S, weight="weight"))
    assert conductance(A, []) == 1.0 and conductance(A, range(60)) == 1.0
