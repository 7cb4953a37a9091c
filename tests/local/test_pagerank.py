"""ACL push against the exact lazy personalised PageRank (a sparse linear solve)."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from graphclust.local import approximate_pagerank, approximate_pagerank_batch

from ._graphs import random_weighted


def exact_lazy_ppr(A, seeds, alpha):
    """Solve (I - (1-alpha)/2 (I + A D^-1)) p = alpha s: the fixed point of the lazy ACL push.

    The push keeps x + pr(r) = pr(s) with pr(s) = alpha s + (1 - alpha) pr(s) W,
    W = (I + D^-1 A) / 2 (row-vector convention), i.e. the column form above.
    """
    A = sp.csr_array(A, dtype=float)
    n = A.shape[0]
    d = np.asarray(A.sum(axis=1)).ravel()
    s = np.zeros(n)
    np.add.at(s, np.atleast_1d(seeds), 1.0)
    I = sp.eye(n, format="csc")
    M = I - (1 - alpha) / 2 * (I + A @ sp.diags_array(1.0 / d))
    return spla.spsolve(sp.csc_array(M), alpha * s), d


@pytest.mark.parametrize(
    "A, seeds, alpha, eps",
    [
        (nx.to_scipy_sparse_array(nx.karate_club_graph(), weight=None).astype(float), 0, 0.15, 1e-4),
        (random_weighted(40, 0.15, seed=1), 5, 0.15, 1e-5),
        (random_weighted(40, 0.15, seed=2, loops=True), [3, 17], 0.3, 1e-3),
        (random_weighted(25, 0.3, seed=3), 0, 0.05, 1e-6),
    ],
)
def test_acl_within_eps_degree_of_exact_ppr(A, seeds, alpha, eps):
    p, d = exact_lazy_ppr(A, seeds, alpha)
    res = approximate_pagerank(A, seeds, alpha=alpha, eps=eps)
    x = res.to_dense()
    gap = p - x
    # 0 <= p_i - x_i <= eps * d_i at every node (pr of a residual below eps*d is below eps*d).
    assert gap.min() >= -1e-12
    assert np.all(gap <= eps * d + 1e-12)
    # The bound is not vacuous: the approximation is non-trivial and the sweep order sensible.
    assert res.info["converged"] and x.sum() > 0.5 * len(np.atleast_1d(seeds))
    assert x.sum() + res.info["residual"] == pytest.approx(len(np.atleast_1d(seeds)), rel=1e-10)
    # Sorted output, node ids equal indices for a plain matrix.
    assert np.all(np.diff(res.values) <= 0) and np.array_equal(res.node_ids, res.indices)


def test_acl_mass_conserved_and_small_eps_converges_to_exact():
    A = random_weighted(30, 0.2, seed=4)
    p, _ = exact_lazy_ppr(A, 7, 0.2)
    x = approximate_pagerank(A, 7, alpha=0.2, eps=1e-12).to_dense()
    np.testing.assert_allclose(x, p, atol=1e-9)


def test_isolated_seed_keeps_its_mass():
    A = sp.csr_array(np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]], dtype=float))
    res = approximate_pagerank(A, 2)
    assert res.indices.tolist() == [2] and res.values[0] == pytest.approx(1.0)


def test_batch_equals_single_and_workspace_is_reset():
    from graphclust.local import _common

    A = random_weighted(60, 0.08, seed=5)
    seeds = [0, 5, [1, 2], 59, 0]
    batch = approximate_pagerank_batch(A, seeds, eps=1e-5)
    for s, b in zip(seeds, batch):
        one = approximate_pagerank(A, s, eps=1e-5)
        np.testing.assert_array_equal(one.indices, b.indices)
        np.testing.assert_allclose(one.values, b.values, rtol=0, atol=0)
    ws = _common._local.ws
    assert ws.clean and not ws.rec.any() and not ws.u8.any()


def test_networkx_ids_and_seed_validation():
    G = nx.relabel_nodes(nx.karate_club_graph(), {i: f"n{i}" for i in range(34)})
    res = approximate_pagerank(G, "n33", eps=1e-4)
    assert res.node_ids[0] == "n33"
    assert set(res.to_dict()) == set(res.node_ids.tolist())
    with pytest.raises(ValueError, match="not a node"):
        approximate_pagerank(G, "zz")
    A = nx.to_scipy_sparse_array(nx.karate_club_graph())
    with pytest.raises(ValueError, match="out of range"):
        approximate_pagerank(A, 34)
    with pytest.raises(ValueError, match="alpha"):
        approximate_pagerank(A, 0, alpha=0.0)
    with pytest.raises(ValueError, match="eps"):
        approximate_pagerank(A, 0, eps=-1.0)


def test_input_not_modified():
    A = random_weighted(20, 0.3, seed=6)
    before = A.copy()
    approximate_pagerank(A, 0)
    assert (A != before).nnz == 0


def test_batch_overflow_rounds_give_the_same_results(monkeypatch):
    """Tiny output buffers force the overflow path (rows stop, later rounds re-run)."""
    import graphclust.local.flow as flow_mod
    import graphclust.local.pagerank as pr_mod
    from graphclust.local import flow_diffusion_batch

    A = random_weighted(80, 0.06, seed=8)
    small = lambda n, q, rows, round_: n if round_ >= 2 else 7 * (round_ + 1)  # noqa: E731
    seeds = list(range(0, 80, 7))
    ref = approximate_pagerank_batch(A, seeds, eps=1e-5)
    fref = flow_diffusion_batch(A, seeds, 40.0, random_state=3)
    monkeypatch.setattr(pr_mod, "batch_capacity", small)
    monkeypatch.setattr(flow_mod, "batch_capacity", small)
    got = approximate_pagerank_batch(A, seeds, eps=1e-5)
    fgot = flow_diffusion_batch(A, seeds, 40.0, random_state=3)
    for a, b in zip(ref + fref, got + fgot):
        np.testing.assert_array_equal(a.indices, b.indices)
        np.testing.assert_array_equal(a.values, b.values)
    assert all(len(r) > 7 for r in ref)  # the overflow really happened
