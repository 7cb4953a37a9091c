"""PamCLoss and full_negative_loss against direct dense evaluations of the published formulas."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

torch = pytest.importorskip("torch")

from graphclust import memory  # noqa: E402
from graphclust.contrastive import FullNegativeLoss, PamCLoss, full_negative_loss, meta_nodes  # noqa: E402
from graphclust.contrastive.adjacency import propagated_adjacency  # noqa: E402
from graphclust.graph import Graph  # noqa: E402


def _inputs(n=40, d=5, k=4, seed=0, density=0.15):
    rng = np.random.default_rng(seed)
    U = sp.random_array((n, n), density=density, random_state=rng)
    A = sp.csr_array(((U + U.T) > 0).astype(float))
    A.setdiag(0)
    A.eliminate_zeros()
    B = propagated_adjacency(A, order=2, dtype=np.float64)
    z = torch.tensor(rng.standard_normal((n, d)), dtype=torch.float64, requires_grad=True)
    q = torch.softmax(torch.tensor(rng.standard_normal((n, k)) * 2.0), dim=1)
    return z, q, B


def dense_pamc(z, q, B, tau, assignment="hard"):
    """The PamC loss written out densely, term by term (official formula, with fixed K)."""
    Bd = torch.tensor(B.toarray(), dtype=z.dtype)
    n, k = q.shape
    zn = z / z.norm(dim=1, keepdim=True)
    S = (zn @ zn.T) * (1 - torch.eye(n, dtype=z.dtype))
    l_pos = -torch.log((Bd * torch.exp(tau * S)).sum(1) + 1e-10).mean()
    if assignment == "hard":
        M = torch.nn.functional.one_hot(q.argmax(1), num_classes=k).to(z.dtype)
    else:
        M = q.detach().to(z.dtype)
    C = M.T @ z
    norms = C.norm(dim=1, keepdim=True)
    Cn = torch.where(norms > 0, C / norms.clamp_min(1e-300), torch.zeros_like(C))
    SC = (Cn @ Cn.T) * (1 - torch.eye(k, dtype=z.dtype))
    l_neg = torch.log(torch.exp(tau * SC).sum(1) + 1e-10).mean()
    return l_pos + l_neg


def dense_full(z, B, tau):
    """The SCGC Ncontrast loss written out densely (N x N)."""
    Bd = torch.tensor(B.toarray(), dtype=z.dtype)
    n = z.shape[0]
    zn = z / z.norm(dim=1, keepdim=True)
    E = torch.exp(tau * (zn @ zn.T) * (1 - torch.eye(n, dtype=z.dtype)))
    return -torch.log((Bd * E).sum(1) / E.sum(1) + 1e-8).mean()


def _grad(f, z):
    g, = torch.autograd.grad(f(z), z)
    return g


@pytest.mark.parametrize("assignment", ["hard", "soft"])
@pytest.mark.parametrize("tau", [0.25, 1.0, 2.5])
def test_pamc_equals_dense_value_and_gradient(assignment, tau):
    z, q, B = _inputs(seed=int(tau * 4))
    loss = PamCLoss(tau=tau, assignment=assignment)
    ours = loss(z, q, B)
    ref = dense_pamc(z, q, B, tau, assignment)
    assert torch.allclose(ours, ref, rtol=1e-12, atol=1e-12)
    g_ours = _grad(lambda x: loss(x, q, B), z)
    g_ref = _grad(lambda x: dense_pamc(x, q, B, tau, assignment), z)
    assert torch.allclose(g_ours, g_ref, rtol=1e-10, atol=1e-12)


def test_pamc_gradient_matches_finite_differences():
    z, q, B = _inputs(n=12, d=3, k=3, seed=3, density=0.3)
    loss = PamCLoss(tau=0.7)
    assert torch.autograd.gradcheck(lambda x: loss(x, q, B), (z,), eps=1e-6, atol=1e-6)


@pytest.mark.parametrize("tau", [0.5, 1.0, 2.0])
@pytest.mark.parametrize("center", [False, True])
def test_pamc_with_one_node_per_cluster_is_the_full_negative_loss(tau, center):
    # K = N, every node its own cluster: each meta-node is one embedding, so the meta-node
    # term is the full loss's (1/N) sum_i log sum_j e^{tau s~_ij}: an independent check of the
    # approximation (the only difference is where the 1e-10 / 1e-8 guards sit).
    z, _, B = _inputs(n=30, d=4, seed=int(4 * tau))
    q = torch.eye(30, dtype=torch.float64)
    ours = PamCLoss(tau=tau, center=center)(z, q, B)
    zr = z - z.mean(0, keepdim=True) if center else z
    ref = full_negative_loss(zr, B, tau, block_size=7)
    assert torch.allclose(ours, ref, rtol=1e-7, atol=1e-7)
    assert torch.allclose(_grad(lambda x: PamCLoss(tau=tau, center=center)(x, q, B), z),
                          _grad(lambda x: full_negative_loss(x - x.mean(0, keepdim=True) if center else x, B, tau), z),
                          rtol=1e-6, atol=1e-8)


def test_centred_loss_is_invariant_to_a_common_translation():
    z, q, B = _inputs(seed=9)
    shift = torch.tensor([3.0, -1.0, 2.0, 0.5, 4.0], dtype=z.dtype)
    centred = PamCLoss(tau=1.0, center=True)
    assert torch.allclose(centred(z, q, B), centred(z + shift, q, B), rtol=1e-12)
    assert torch.allclose(centred(z, q, B), dense_pamc(z - z.mean(0), q, B, 1.0), rtol=1e-12)
    # the official loss is not invariant: a common shift raises every cosine positive
    official = PamCLoss(tau=1.0)
    assert float(official(z + 10 * shift, q, B)) < float(official(z, q, B)) - 0.1
    with pytest.raises(TypeError, match="center"):
        PamCLoss(center="yes")


def test_adjacency_forms_agree():
    z, q, B = _inputs(seed=4)
    T = torch.sparse_coo_tensor(np.vstack(B.nonzero()), B.data, size=B.shape, check_invariants=True).coalesce()
    G = Graph(adjacency=B)
    vals = [PamCLoss()(z, q, a) for a in (B, sp.csr_matrix(B), T, T.to_sparse_csr(), G)]  # CSR: beta warning
    for v in vals[1:]:
        assert torch.allclose(v, vals[0], rtol=1e-13)


def test_empty_clusters_give_no_nan():
    z, q, B = _inputs(k=4, seed=5)
    # clusters 1 (middle) and 3 (last) get no node: the official one_hot loses column 3 and
    # normalises a zero meta-node for column 1 (NaN); here both stay as zero meta-nodes.
    q = q.clone()
    q[:, 1] = 0.0
    q[:, 3] = 0.0
    assert set(q.argmax(1).tolist()) <= {0, 2}
    for assignment in ("hard", "soft"):
        loss = PamCLoss(tau=1.0, assignment=assignment)
        val = loss(z, q, B)
        g = _grad(lambda x: loss(x, q, B), z)
        assert torch.isfinite(val) and torch.isfinite(g).all()
        assert torch.allclose(val, dense_pamc(z, q, B, 1.0, assignment), rtol=1e-12)
    C = meta_nodes(z.detach(), q)
    assert C.shape == (4, z.shape[1]) and float(C[1].abs().sum()) == 0.0 and float(C[3].abs().sum()) == 0.0


def test_pamc_one_cluster_and_zero_embedding_rows():
    z, q, B = _inputs(k=1, seed=6)
    z = z.detach().clone()
    z[0] = 0.0  # a zero embedding: cosine defined as 0, no NaN
    z.requires_grad_(True)
    val = PamCLoss()(z, q, B)
    assert torch.isfinite(val)
    assert torch.isfinite(_grad(lambda x: PamCLoss()(x, q, B), z)).all()


@pytest.mark.parametrize("block_size", [1, 7, 13, 40, None])
def test_full_negative_blocks_equal_dense(block_size):
    z, _, B = _inputs(seed=7)
    ours = full_negative_loss(z, B, tau=0.6, block_size=block_size)
    ref = dense_full(z, B, 0.6)
    assert torch.allclose(ours, ref, rtol=1e-12, atol=1e-12)
    g_ours = _grad(lambda x: full_negative_loss(x, B, tau=0.6, block_size=block_size), z)
    g_ref = _grad(lambda x: dense_full(x, B, 0.6), z)
    assert torch.allclose(g_ours, g_ref, rtol=1e-10, atol=1e-12)


def test_full_negative_anchors_are_the_mean_over_a_subset():
    z, _, B = _inputs(seed=11)
    Bd = torch.tensor(B.toarray())
    zn = z / z.norm(dim=1, keepdim=True)
    E = torch.exp(0.8 * (zn @ zn.T) * (1 - torch.eye(z.shape[0], dtype=z.dtype)))
    per_node = -torch.log((Bd * E).sum(1) / E.sum(1) + 1e-8)
    anchors = torch.tensor([3, 0, 17, 39, 22])
    for bs in (2, None):
        got = full_negative_loss(z, B, tau=0.8, anchors=anchors, block_size=bs)
        assert torch.allclose(got, per_node[anchors].mean(), rtol=1e-12)
    with pytest.raises(ValueError, match="anchors"):
        full_negative_loss(z, B, anchors=torch.tensor([40]))


def test_full_negative_module_and_no_grad():
    z, q, B = _inputs(seed=8)
    with torch.no_grad():
        a = full_negative_loss(z, B, block_size=5)
    assert torch.allclose(a, FullNegativeLoss(block_size=40)(z, q, B).detach(), rtol=1e-12)


def test_full_negative_refused_above_memory_limit():
    z, _, B = _inputs(n=40, seed=9)
    with memory.memory_limit(10_000):  # a 40 x 40 float64 block x4 needs 51 kB
        with pytest.raises(memory.MemoryLimitError, match="full-negative"):
            full_negative_loss(z, B, block_size=40)
        # the default block size fits the limit, and gives the same value
        val = full_negative_loss(z, B)
    assert torch.allclose(val, dense_full(z, B, 1.0), rtol=1e-12)


def test_bad_inputs():
    z, q, B = _inputs(seed=10)
    with pytest.raises(ValueError, match="shape"):
        PamCLoss()(z[:-1], q[:-1], B)
    with pytest.raises(ValueError, match="rows"):
        PamCLoss()(z, q[:-1], B)
    with pytest.raises(TypeError, match="sparse"):
        PamCLoss()(z, q, torch.tensor(B.toarray()))
    with pytest.raises(TypeError, match="adjacency"):
        PamCLoss()(z, q, B.toarray())
    with pytest.raises(ValueError, match="assignment"):
        PamCLoss(assignment="mean")
    with pytest.raises(ValueError, match="tau"):
        PamCLoss(tau=-1.0)
    with pytest.raises(ValueError, match="block_size"):
        full_negative_loss(z, B, block_size=0)
