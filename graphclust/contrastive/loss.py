"""Contrastive clustering losses: PamC (meta-node negatives) and the full-negative SCGC loss.

Both losses score embeddings ``z`` (N x d) against a propagated adjacency ``B``
(:func:`graphclust.contrastive.propagated_adjacency`) with the cosine similarity
``s(a, b) = a.b / (|a| |b|)`` scaled by ``tau``, an *inverse* temperature (``exp(tau * s)``,
as in the official code). Self-pairs are masked to similarity 0: they still contribute
``B_ii * e^0`` to the positives and ``e^0 = 1`` to the denominators.

- :class:`PamCLoss` (Kulatilleke, Portmann, Chandra, arXiv 2209.14067; official code
  ``gayanku/PAMC``, model ``SCGC_TRIMPOSCCSP``)::

      L_pos = -(1/N) sum_i log( sum_j B_ij exp(tau s~_ij) + 1e-10 )
      c_k   = sum_{i in cluster k} z_i                     (meta-nodes: sums, not means)
      L_neg =  (1/K) sum_k log( sum_l exp(tau s~(c_k, c_l)) + 1e-10 )
      L     = L_pos + L_neg

  The positives are a scatter-add over the nonzeros of ``B`` (O(nnz(B) d), no N x N), the
  meta-nodes an ``index_add_`` of the rows of ``z`` (O(N d), not the official N x K x d
  broadcast), the negatives a K x K matrix.
- :func:`full_negative_loss` (SCGC / SCGC*, ``gayanku/SCGC`` ``Ncontrast``, the Graph-MLP loss
  PamC approximates), every node against every node::

      L = -(1/N) sum_i log( sum_j B_ij exp(tau s~_ij) / sum_j exp(tau s~_ij) + 1e-8 )

  The denominator is computed in row blocks under activation checkpointing, so neither the
  forward nor the backward pass holds more than one block of rows at a time.

Optional centring (``center=True``, off by default here, on by default in
:class:`~graphclust.contrastive.PamCClustering`): ``z`` is replaced by ``z - mean_i z_i`` before
both terms, which makes the loss invariant to a common translation of the embeddings. Why:
cosine positives are lowered by adding one large common vector to every ``z_i`` (every pair's
cosine goes to 1); the full-negative loss pays for that in every node's denominator, but the
meta-node term does not once the drift has emptied all but one cluster (measured on acm:
``|mean z|`` 0.4 -> 14, mean pairwise cosine 0.33 -> 0.99, 3025 of 3025 nodes in one cluster
within 15 epochs, loss decreasing). Not in the official code; see docs/pamc.md.

Deviation from the official code (documented): empty clusters. The official
``F.one_hot(argmax)`` loses trailing empty clusters and its cosine divides a zero meta-node by
0 (NaN). Here the number of clusters is fixed at ``q.shape[1]`` and every norm is clamped below
by ``eps``, so an empty cluster is a zero meta-node with similarity 0 to all others.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
import torch
from torch import nn
from torch.utils.checkpoint import checkpoint

from ..graph import Graph
from ..memory import check_bytes, get_memory_limit
from ..torch_backend import to_torch_sparse
from ..validation import check_bool, check_choice, check_scalar

__all__ = ["PamCLoss", "FullNegativeLoss", "full_negative_loss", "edge_list", "positive_sums", "meta_nodes",
           "ASSIGNMENTS"]

#: Meta-node assignments of :class:`PamCLoss`.
ASSIGNMENTS = ("hard", "soft")

# Rows of one block of the full-negative denominator are sized so the block's working set
# (similarities, exponentials, their gradients: about 4 b x N floats) stays near this.
_BLOCK_TARGET_BYTES = 64 * 2**20


def edge_list(adjacency: Any, n_nodes: int, *, device: Any = None, dtype: Any = None) -> tuple[Any, Any, Any]:
    """``(rows, cols, values)`` of a propagated adjacency, as torch tensors on ``device``.

    Parameters
    ----------
    adjacency : Graph, scipy sparse matrix or torch sparse tensor
        ``B`` (N x N). A Graph contributes its adjacency matrix as is.
    n_nodes : int
        ``N``, checked against the shape.
    device, dtype : torch device and dtype of the result (values only for ``dtype``)

    Returns
    -------
    rows, cols : int64 tensors of shape (nnz,)
    values : tensor of shape (nnz,)

    Examples
    --------
    >>> r, c, v = edge_list(sp.csr_array([[0.0, 2.0], [3.0, 0.0]]), 2)
    >>> r.tolist(), c.tolist(), v.tolist()
    ([0, 1], [1, 0], [2.0, 3.0])
    """
    if isinstance(adjacency, Graph):
        adjacency = adjacency.adjacency
        if not sp.issparse(adjacency):
            adjacency = adjacency.get()  # a Graph on the GPU (CuPy): via the host, once
    if isinstance(adjacency, torch.Tensor):
        T = adjacency
        if T.layout == torch.strided:
            raise TypeError("adjacency must be sparse (a torch sparse tensor, scipy sparse matrix or Graph), "
                            "got a dense tensor.")
        if not (T.is_sparse and T.is_coalesced()):
            T = to_torch_sparse(T)
    elif sp.issparse(adjacency):
        T = to_torch_sparse(adjacency)
    else:
        raise TypeError("adjacency must be a graphclust Graph, a scipy sparse matrix or a torch sparse tensor, "
                        f"got {type(adjacency).__name__}.")
    if tuple(T.shape) != (n_nodes, n_nodes):
        raise ValueError(f"adjacency has shape {tuple(T.shape)}, expected ({n_nodes}, {n_nodes}) for {n_nodes} "
                         "embeddings.")
    idx = T.indices().to(device)
    vals = T.values().to(device=device, dtype=dtype)
    return idx[0], idx[1], vals


def _normalize(x: Any, eps: float) -> Any:
    # x / max(|x|, eps) with the clamp on the squared norm: a zero row maps to zero with a zero
    # (not NaN) gradient, which torch's norm does not promise at 0.
    return x * torch.rsqrt((x * x).sum(dim=1, keepdim=True).clamp_min(eps * eps))


def positive_sums(z: Any, rows: Any, cols: Any, values: Any, tau: float, eps: float = 1e-12) -> Any:
    """``pos_i = sum_j B_ij exp(tau s~_ij)`` over the nonzeros of ``B`` (self-pairs: ``s~_ii = 0``).

    One scatter-add over the edge list: O(nnz(B) d) time and memory.

    Parameters
    ----------
    z : tensor (N, d)
    rows, cols, values : edge list of ``B`` (:func:`edge_list`)
    tau : float
        Inverse temperature.
    eps : float
        Lower bound of the norms.

    Returns
    -------
    tensor (N,)

    Examples
    --------
    >>> z = torch.tensor([[1.0, 0.0], [1.0, 0.0]])
    >>> r, c, v = edge_list(sp.csr_array([[1.0, 1.0], [1.0, 1.0]]), 2, dtype=z.dtype)
    >>> torch.allclose(positive_sums(z, r, c, v, tau=1.0), torch.tensor([1 + np.e, 1 + np.e]))
    True
    """
    zn = _normalize(z, eps)
    s = (zn[rows] * zn[cols]).sum(dim=1)
    s = torch.where(rows == cols, torch.zeros_like(s), s)
    return torch.zeros(z.shape[0], dtype=z.dtype, device=z.device).index_add_(0, rows, values * torch.exp(tau * s))


def meta_nodes(z: Any, q: Any, assignment: str = "hard") -> Any:
    """Meta-nodes ``c_k``: the sum of the embeddings of each cluster (K x d).

    Parameters
    ----------
    z : tensor (N, d)
        Gradients flow to ``z``.
    q : tensor (N, K)
        Soft assignments; detached (no gradient flows through the assignment).
    assignment : {"hard", "soft"}, default="hard"
        ``"hard"`` (the official code): ``c_k = sum_{i: argmax_j q_ij = k} z_i`` by one
        ``index_add_`` (O(N d)). ``"soft"`` (the paper's wording, "learnt soft cluster
        assignments", form not published): ``c_k = sum_i q_ik z_i`` = ``q^T z`` (O(N K d) time,
        no N x K x d tensor).

    Returns
    -------
    tensor (K, d)

    Examples
    --------
    >>> z = torch.tensor([[1.0, 0.0], [2.0, 0.0], [0.0, 1.0]])
    >>> q = torch.tensor([[0.9, 0.1, 0.0], [0.8, 0.2, 0.0], [0.3, 0.7, 0.0]])
    >>> meta_nodes(z, q).tolist()
    [[3.0, 0.0], [0.0, 1.0], [0.0, 0.0]]
    """
    q = q.detach()
    if assignment == "soft":
        return q.to(z.dtype).T @ z
    a = q.argmax(dim=1)
    return torch.zeros(q.shape[1], z.shape[1], dtype=z.dtype, device=z.device).index_add_(0, a, z)


def _check_inputs(z: Any, q: Any | None) -> None:
    if not isinstance(z, torch.Tensor) or z.ndim != 2:
        raise TypeError(f"z must be a 2-D torch tensor (N, d), got {type(z).__name__}.")
    if q is not None:
        if not isinstance(q, torch.Tensor) or q.ndim != 2:
            raise TypeError(f"q must be a 2-D torch tensor (N, K), got {type(q).__name__}.")
        if q.shape[0] != z.shape[0]:
            raise ValueError(f"q has {q.shape[0]} rows and z {z.shape[0]}: one row per node in both.")


class PamCLoss(nn.Module):
    """The PamC contrastive loss: structural positives and meta-node negatives.

    ``loss(z, q, adjacency)`` returns ``L_pos + L_neg`` (module docstring): positives over the
    nonzeros of the propagated adjacency by a scatter-add, negatives between the K meta-nodes.
    Per call: O(nnz(B) d + N d + K^2 d) time, no N x N and no N x K x d tensor.

    Parameters
    ----------
    tau : float, default=1.0
        Inverse temperature: similarities enter as ``exp(tau * s)`` (the official ``--tau``).
    assignment : {"hard", "soft"}, default="hard"
        How nodes form meta-nodes (:func:`meta_nodes`): ``"hard"`` argmax one-hot, detached
        (the official code); ``"soft"`` weights ``q``, detached (the paper's wording; its
        exact form is not published, so this is our reading).
    eps : float, default=1e-12
        Lower bound of every norm (an empty cluster gives a zero meta-node, not NaN).
    center : bool, default=False
        Subtract the mean embedding before both terms (module docstring): the loss becomes
        invariant to a common translation of ``z``, which removes the collapse of the
        positives along a shared direction. False is the official loss.

    Examples
    --------
    >>> import torch, scipy.sparse as sp
    >>> z = torch.randn(6, 3, generator=torch.Generator().manual_seed(0))
    >>> q = torch.softmax(torch.randn(6, 2, generator=torch.Generator().manual_seed(1)), dim=1)
    >>> B = sp.random_array((6, 6), density=0.5, random_state=0) + sp.eye_array(6)
    >>> bool(torch.isfinite(PamCLoss(tau=0.5)(z, q, B)))
    True
    """

    def __init__(self, tau: float = 1.0, assignment: str = "hard", eps: float = 1e-12, center: bool = False) -> None:
        super().__init__()
        check_bool(center, "center")
        self.center = bool(center)
        self.tau = check_scalar(tau, "tau", low=0)
        self.assignment = check_choice(assignment, "assignment", ASSIGNMENTS)
        self.eps = check_scalar(eps, "eps", low=0, low_inclusive=False)

    def extra_repr(self) -> str:
        """The settings shown in the module's repr."""
        return f"tau={self.tau}, assignment={self.assignment!r}, center={self.center}"

    def positive(self, z: Any, adjacency: Any) -> Any:
        """``L_pos = -(1/N) sum_i log(pos_i + 1e-10)``.

        Parameters
        ----------
        z : tensor (N, d)
            Embeddings.
        adjacency : Graph, scipy sparse matrix or torch sparse tensor
            The propagated adjacency ``B`` (N x N).
        """
        rows, cols, vals = edge_list(adjacency, z.shape[0], device=z.device, dtype=z.dtype)
        return -torch.log(positive_sums(z, rows, cols, vals, self.tau, self.eps) + 1e-10).mean()

    def negative(self, z: Any, q: Any) -> Any:
        """``L_neg = (1/K) sum_k log(sum_l exp(tau s~(c_k, c_l)) + 1e-10)``, self-pair ``e^0`` included.

        Parameters
        ----------
        z : tensor (N, d)
            Embeddings.
        q : tensor (N, K)
            Soft cluster assignments (they define the meta-nodes ``c_k``).
        """
        C = _normalize(meta_nodes(z, q, self.assignment), self.eps)
        S = C @ C.T
        S = S * (1.0 - torch.eye(S.shape[0], dtype=S.dtype, device=S.device))  # s~_kk = 0
        return torch.log(torch.exp(self.tau * S).sum(dim=1) + 1e-10).mean()

    def forward(self, z: Any, q: Any, adjacency: Any) -> Any:
        """The loss (a 0-d tensor).

        Parameters
        ----------
        z : tensor (N, d)
            Embeddings.
        q : tensor (N, K)
            Soft cluster assignments (only their argmax, or their detached values, are used).
        adjacency : Graph, scipy sparse matrix or torch sparse tensor
            The propagated adjacency ``B`` (N x N); a coalesced torch COO tensor on ``z``'s
            device is used without conversion.
        """
        _check_inputs(z, q)
        if self.center:
            z = z - z.mean(dim=0, keepdim=True)  # O(N d); gradients flow through the mean
        return self.positive(z, adjacency) + self.negative(z, q)


def _denominator_block(zn_block: Any, zn: Any, nodes: Any, tau: float) -> Any:
    # sum_j exp(tau s~_ij) for the rows of one block (``nodes``: their indices): the diagonal
    # term exp(tau s_ii) is replaced by e^0 = 1 (s~_ii = 0), as the official mask does.
    E = torch.exp(tau * (zn_block @ zn.T))
    i = torch.arange(zn_block.shape[0], device=zn.device)
    return E.sum(dim=1) - E[i, nodes] + 1.0


def _block_rows(n: int, itemsize: int, block_size: int | None) -> int:
    if block_size is None:
        target = min(_BLOCK_TARGET_BYTES, get_memory_limit() // 4)
        return int(max(1, min(n, target // max(1, 4 * n * itemsize))))
    return check_scalar(block_size, "block_size", kind=int, low=1)


def full_negative_loss(z: Any, adjacency: Any, tau: float = 1.0, *, block_size: int | None = None,
                       anchors: Any = None, eps: float = 1e-12) -> Any:
    """The full-negative SCGC / SCGC* loss (all N x N pairs), exact, in row blocks.

    ``L = -(1/N) sum_i log( sum_j B_ij exp(tau s~_ij) / sum_j exp(tau s~_ij) + 1e-8 )`` with
    ``s~_ii = 0`` (the official ``Ncontrast`` of ``gayanku/SCGC``). The numerator is a
    scatter-add over the nonzeros of ``B``; the denominator runs over all pairs in blocks of
    ``block_size`` rows, each recomputed in the backward pass (activation checkpointing), so
    memory is O(block_size N + nnz(B)) instead of the dense O(N^2) while time stays O(N^2 d).

    Parameters
    ----------
    z : tensor (N, d)
    adjacency : Graph, scipy sparse matrix or torch sparse tensor
        ``B`` (N x N).
    tau : float, default=1.0
        Inverse temperature.
    block_size : int, optional
        Rows per block; default: blocks of about 64 MiB of working set. ``block_size=N`` is
        the dense form (one N x N block).
    anchors : int tensor, optional
        Average over these anchor nodes only (every node stays a negative): the exact mean
        of the per-node terms over a subset, e.g. a uniform sample as an unbiased estimate,
        in O(len(anchors) N d). Default: all N nodes (the loss above).
    eps : float, default=1e-12
        Lower bound of the norms.

    Returns
    -------
    0-d tensor

    Raises
    ------
    graphclust.memory.MemoryLimitError
        When one block's working set (about ``4 * block_size * N`` values) exceeds the memory
        limit, e.g. a dense form asked for at a size where N x N does not fit.

    Examples
    --------
    >>> import torch, scipy.sparse as sp
    >>> z = torch.randn(6, 3, generator=torch.Generator().manual_seed(0))
    >>> B = sp.eye_array(6, format="csr")
    >>> a = full_negative_loss(z, B, block_size=2); b = full_negative_loss(z, B, block_size=6)
    >>> bool(torch.allclose(a, b))
    True
    """
    _check_inputs(z, None)
    tau = check_scalar(tau, "tau", low=0)
    n = z.shape[0]
    itemsize = z.element_size()
    rows_per_block = min(n, _block_rows(n, itemsize, block_size))
    check_bytes(4 * rows_per_block * n * itemsize,
                what=f"a {rows_per_block} x {n} row block of the full-negative loss",
                hint="use a smaller block_size (the default sizes blocks to fit), or the PamC loss")
    rows, cols, vals = edge_list(adjacency, n, device=z.device, dtype=z.dtype)
    num = positive_sums(z, rows, cols, vals, tau, eps)
    zn = _normalize(z, eps)
    if anchors is None:
        nodes = torch.arange(n, device=z.device)
    else:
        nodes = torch.as_tensor(anchors, dtype=torch.long, device=z.device).reshape(-1)
        if nodes.numel() == 0 or int(nodes.min()) < 0 or int(nodes.max()) >= n:
            raise ValueError(f"anchors must be a non-empty set of node indices in [0, {n}).")
        num = num[nodes]
    if rows_per_block >= nodes.numel():
        den = _denominator_block(zn[nodes], zn, nodes, tau)
    else:
        parts = []
        for start in range(0, nodes.numel(), rows_per_block):
            idx = nodes[start:start + rows_per_block]
            if torch.is_grad_enabled() and zn.requires_grad:
                # Recomputed in the backward pass: only one block of rows is ever held.
                parts.append(checkpoint(_denominator_block, zn[idx], zn, idx, tau, use_reentrant=False))
            else:
                parts.append(_denominator_block(zn[idx], zn, idx, tau))
        den = torch.cat(parts)
    return -torch.log(num / den + 1e-8).mean()


class FullNegativeLoss(nn.Module):
    """:func:`full_negative_loss` as a module with :class:`PamCLoss`'s call signature.

    ``loss(z, q, adjacency)`` ignores ``q`` (the full loss needs no assignment), so a model can
    swap one loss for the other.

    Parameters
    ----------
    tau : float, default=1.0
    block_size : int, optional
    eps : float, default=1e-12

    Examples
    --------
    >>> import torch, scipy.sparse as sp
    >>> z = torch.randn(4, 2, generator=torch.Generator().manual_seed(0))
    >>> bool(torch.isfinite(FullNegativeLoss()(z, None, sp.eye_array(4, format="csr"))))
    True
    """

    def __init__(self, tau: float = 1.0, block_size: int | None = None, eps: float = 1e-12) -> None:
        super().__init__()
        self.tau = check_scalar(tau, "tau", low=0)
        self.block_size = block_size
        self.eps = eps

    def forward(self, z: Any, q: Any, adjacency: Any) -> Any:
        """The loss (``q`` is ignored).

        Parameters
        ----------
        z : tensor (N, d)
            Embeddings.
        q : tensor or None
            Ignored (the loss of the full-negative parent has no cluster term).
        adjacency : Graph, scipy sparse matrix or torch sparse tensor
            The propagated adjacency ``B`` (N x N).
        """
        return full_negative_loss(z, adjacency, self.tau, block_size=self.block_size, eps=self.eps)
