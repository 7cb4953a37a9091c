"""Flow diffusion against the KKT conditions of its dual and a reference convex solve."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.optimize as so
import scipy.sparse as sp

from graphclust.local import flow_diffusion, flow_diffusion_batch

from ._graphs import random_weighted


def phi(t, q):
    return np.sign(t) * np.abs(t) ** (q - 1)


def mass_of(A, x, delta, q):
    """m_i = Delta_i + sum_j w_ij phi(x_j - x_i), recomputed from x alone."""
    C = sp.coo_array(A)
    keep = C.row != C.col
    r, c, w = C.row[keep], C.col[keep], C.data[keep]
    m = delta.copy()
    np.add.at(m, r, w * phi(x[c] - x[r], q))
    return m


def dual(A, x, delta, T, q):
    C = sp.coo_array(sp.triu(A, 1))
    return (C.data * np.abs(x[C.row] - x[C.col]) ** q).sum() / q + x @ (T - delta)


def dual_grad(A, x, delta, T, q):
    return T - mass_of(A, x, delta, q)


@pytest.mark.parametrize("p", [2.0, 4.0, 1.5])
@pytest.mark.parametrize("loops", [False, True])
def test_kkt_conditions(p, loops):
    A = random_weighted(60, 0.08, seed=11, loops=loops)
    d = np.asarray(A.sum(axis=1)).ravel()
    seed, mass, tol = 3, 0.3 * d.sum(), 1e-7
    res = flow_diffusion(A, seed, mass, p=p, tol=tol, max_iters=200000, random_state=0)
    assert res.info["converged"]
    x = res.to_dense()
    delta = np.zeros(60)
    delta[seed] = mass
    q = p / (p - 1)
    m = mass_of(A, x, delta, q)
    # Mass at most the sink everywhere; equal where x > 0 (up to the tolerance).
    assert np.all(m <= d + tol * 1.01 + 1e-9)
    pos = x > 0
    assert np.all(np.abs(m[pos] - d[pos]) <= tol * 1.01 + 1e-9)
    # Primal feasibility gives locality: sum of sinks on the support <= source mass.
    assert d[pos].sum() <= mass + 1e-9
    assert pos.sum() > 3  # not a trivial instance


@pytest.mark.parametrize("p", [2.0, 3.0])
def test_matches_reference_convex_solve(p):
    A = random_weighted(14, 0.3, seed=12)
    n = A.shape[0]
    d = np.asarray(A.sum(axis=1)).ravel()
    delta = np.zeros(n)
    delta[[0, 5]] = [0.25 * d.sum(), 0.15 * d.sum()]
    q = p / (p - 1)
    ours = flow_diffusion(A, [0, 5], delta[[0, 5]], p=p, tol=1e-10, max_iters=500000, random_state=1)
    x = ours.to_dense()
    ref = so.minimize(
        lambda z: dual(A, z, delta, d, q), np.zeros(n), jac=lambda z: dual_grad(A, z, delta, d, q),
        method="L-BFGS-B",
        bounds=[(0, None)] * n, options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 100000},
    )
    assert ref.success
    f_ours, f_ref = dual(A, x, delta, d, q), dual(A, ref.x, delta, d, q)
    assert f_ours <= f_ref + 1e-7 * abs(f_ref)
    np.testing.assert_allclose(x, ref.x, atol=1e-4 * max(1.0, ref.x.max()))


def test_unweighted_l2_step_and_sink_options():
    G = nx.barbell_graph(6, 0)
    x = flow_diffusion(G, 0, mass=45.0, random_state=0)
    assert set(x.node_ids.tolist()) <= set(range(7))
    # A constant sink of 1: the support has at most `mass` nodes.
    y = flow_diffusion(G, 0, mass=4.5, sink=1.0, tol=1e-8, max_iters=10000, random_state=0)
    assert 1 <= len(y) <= 4
    z = flow_diffusion(G, 0, mass=4.5, sink=np.ones(12), tol=1e-8, max_iters=10000, random_state=0)
    np.testing.assert_allclose(np.sort(z.values), np.sort(y.values))
    u = flow_diffusion(G, 0, mass=45.0, sink="unweighted", random_state=0)
    np.testing.assert_allclose(u.values, x.values)  # unweighted graph: same sinks


def test_batch_equals_single_and_determinism():
    A = random_weighted(80, 0.05, seed=13)
    seeds, masses = [0, 10, [3, 4]], [20.0, 35.0, 50.0]
    batch = flow_diffusion_batch(A, seeds, masses, random_state=7)
    assert all(len(b) > 0 and b.info["converged"] for b in batch)
    # The batch draws one push-order seed per query from random_state, the single call one:
    # the first query sees the same seed, hence the same result.
    first = flow_diffusion(A, 0, 20.0, random_state=7)
    np.testing.assert_array_equal(first.indices, batch[0].indices)
    np.testing.assert_array_equal(first.values, batch[0].values)
    again = flow_diffusion_batch(A, seeds, masses, random_state=7)
    for a, b in zip(batch, again):
        np.testing.assert_array_equal(a.values, b.values)


def test_validation():
    A = random_weighted(10, 0.3, seed=14)
    with pytest.raises(ValueError, match="p must be"):
        flow_diffusion(A, 0, 5.0, p=1.0)
    with pytest.raises(ValueError, match="mass"):
        flow_diffusion(A, 0, -1.0)
    with pytest.raises(ValueError, match="out of range"):
        flow_diffusion(A, 10, 5.0)
    with pytest.raises(ValueError, match="sink"):
        flow_diffusion(A, 0, 5.0, sink="bogus")
    B = sp.csr_array(np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]], dtype=float))
    with pytest.raises(ValueError, match="no edges"):
        flow_diffusion(B, 2, 5.0)
