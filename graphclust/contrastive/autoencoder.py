"""The MLP encoder of PamC / SCGC, its SDCN autoencoder pretraining, and DEC self-training.

- :func:`build_autoencoder`: encoder ``F -> 500 -> 500 -> 2000 -> 10`` (ReLU after each
  hidden layer, linear output) and the mirrored decoder, as in SDCN's ``AE``
  (``bdy9527/SDCN``); PamC trains the encoder only.
- :func:`pretrain_autoencoder`: SDCN's recipe (``data/pretrain.py``): MSE reconstruction,
  Adam lr 1e-3, mini-batches of 256, shuffled each epoch, 30 epochs. The official PamC
  numbers start from SDCN's *published* pretrained weights, which are not available here:
  ours are pretrained from scratch with the same recipe, so results differ from the paper's.
- :func:`soft_assignment` (Student's t, one degree of freedom), :func:`target_distribution`
  (DEC's sharpened target) and :func:`kl_divergence` (``KL(P || Q)``, batch mean).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import torch
from torch import nn

__all__ = ["build_autoencoder", "load_encoder_state", "pretrain_autoencoder", "soft_assignment", "target_distribution",
           "kl_divergence"]


def _mlp(sizes: Sequence[int]) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:  # ReLU after every layer but the last (linear output)
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def build_autoencoder(n_features: int, hidden: Sequence[int], embedding_dim: int) -> tuple[nn.Sequential, nn.Sequential]:
    """Encoder from ``n_features`` through the ``hidden`` widths to ``embedding_dim``, and the mirrored decoder.

    Parameters
    ----------
    n_features : int
    hidden : sequence of int
        Hidden widths of the encoder (the official ``(500, 500, 2000)``).
    embedding_dim : int
        Width of ``z`` (the official ``n_z = 10``).

    Returns
    -------
    encoder, decoder : torch.nn.Sequential
        Initialised by torch's default (seed torch first, e.g. with
        :func:`graphclust.torch_backend.torch_seeded`).

    Examples
    --------
    >>> enc, dec = build_autoencoder(8, (16, 4), 2)
    >>> enc(torch.zeros(3, 8)).shape, dec(torch.zeros(3, 2)).shape
    (torch.Size([3, 2]), torch.Size([3, 8]))
    """
    sizes = [int(n_features), *map(int, hidden), int(embedding_dim)]
    return _mlp(sizes), _mlp(sizes[::-1])


# SDCN's AE names its encoder layers enc_1, enc_2, enc_3, z_layer: positions 0, 2, 4, 6 of our
# Sequential (Linear, ReLU, Linear, ReLU, ...).
_SDCN_NAMES = {"enc_1": 0, "enc_2": 2, "enc_3": 4, "z_layer": 6}


def load_encoder_state(encoder: nn.Sequential, state: dict) -> list[str]:
    """Load encoder weights, from our state dict or SDCN's autoencoder; unmatched keys are left out.

    As the official code (which filters the pretrained dict to the model's keys), keys that do
    not belong to the encoder (SDCN's decoder ``dec_*``, ``x_bar_layer``) are ignored; a key
    that matches but has the wrong shape is an error.

    Parameters
    ----------
    encoder : torch.nn.Sequential
        From :func:`build_autoencoder`.
    state : dict
        ``{"0.weight": ..., ...}`` or SDCN's ``{"enc_1.weight": ..., "z_layer.bias": ...}``
        (tensors or arrays).

    Returns
    -------
    list of str
        The keys of ``state`` that were left out.

    Examples
    --------
    >>> enc, _ = build_autoencoder(4, (3,), 2)
    >>> sdcn = {"enc_1.weight": torch.ones(3, 4), "enc_1.bias": torch.zeros(3), "dec_1.weight": torch.ones(1)}
    >>> load_encoder_state(enc, sdcn)
    ['dec_1.weight']
    >>> float(enc[0].weight.sum())
    12.0
    """
    own = encoder.state_dict()
    mapped, skipped = {}, []
    for key, value in state.items():
        layer, _, param = str(key).rpartition(".")
        if layer in _SDCN_NAMES:
            key = f"{_SDCN_NAMES[layer]}.{param}"
        if key not in own:
            skipped.append(str(key))
            continue
        t = torch.as_tensor(value)
        if tuple(t.shape) != tuple(own[key].shape):
            raise ValueError(f"pretrained weight {key!r} has shape {tuple(t.shape)}, the encoder expects "
                             f"{tuple(own[key].shape)}: check hidden, embedding_dim and the number of features.")
        mapped[key] = t.to(dtype=own[key].dtype, device=own[key].device)
    encoder.load_state_dict(mapped, strict=False)
    return skipped


def pretrain_autoencoder(
    encoder: nn.Module,
    decoder: nn.Module,
    X: Any,
    *,
    epochs: int = 30,
    lr: float = 1e-3,
    batch_size: int = 256,
    rng: np.random.Generator,
    progress: Any = None,
) -> list[float]:
    """Train ``decoder(encoder(x)) ~ x`` with MSE and Adam on shuffled mini-batches (SDCN's recipe).

    Parameters
    ----------
    encoder, decoder : torch.nn.Module
    X : tensor (N, F)
        On the modules' device.
    epochs : int, default=30
    lr : float, default=1e-3
    batch_size : int, default=256
    rng : numpy.random.Generator
        Draws the shuffling (one permutation per epoch), so it follows ``random_state``.
    progress : tqdm bar, optional
        Advanced by one per epoch.

    Returns
    -------
    list of float
        Mean reconstruction loss of each epoch.

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> enc, dec = build_autoencoder(4, (8,), 2)
    >>> X = torch.rand(20, 4)
    >>> losses = pretrain_autoencoder(enc, dec, X, epochs=5, batch_size=8, rng=np.random.default_rng(0))
    >>> len(losses), losses[-1] < losses[0]
    (5, True)
    """
    params = list(encoder.parameters()) + list(decoder.parameters())
    opt = torch.optim.Adam(params, lr=lr)
    n = X.shape[0]
    history = []
    for _ in range(epochs):
        order = torch.from_numpy(rng.permutation(n)).to(X.device)
        total = 0.0
        for start in range(0, n, batch_size):
            xb = X[order[start:start + batch_size]]
            loss = nn.functional.mse_loss(decoder(encoder(xb)), xb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.detach()) * xb.shape[0]
        history.append(total / n)
        if progress is not None:
            progress.update(1)
            progress.set_postfix(stage="pretrain", loss=f"{history[-1]:.4g}")
    return history


def soft_assignment(z: Any, centres: Any, v: float = 1.0) -> Any:
    """Student's t soft assignment ``q_ij ~ (1 + |z_i - mu_j|^2 / v)^(-(v + 1) / 2)``, rows summing to 1.

    Parameters
    ----------
    z : tensor (N, d)
    centres : tensor (K, d)
    v : float, default=1.0
        Degrees of freedom (DEC and the official code: 1).

    Returns
    -------
    tensor (N, K)

    Examples
    --------
    >>> q = soft_assignment(torch.tensor([[0.0, 0.0]]), torch.tensor([[0.0, 0.0], [1.0, 0.0]]))
    >>> [round(x, 4) for x in q[0].tolist()]
    [0.6667, 0.3333]
    """
    # |z - mu|^2 by expansion: O(N K d) time and an N x K result, no N x K x d tensor.
    d2 = (z * z).sum(1, keepdim=True) - 2.0 * z @ centres.T + (centres * centres).sum(1)[None, :]
    q = (1.0 + d2.clamp_min(0.0) / v) ** (-(v + 1.0) / 2.0)
    return q / q.sum(dim=1, keepdim=True)


def target_distribution(q: Any) -> Any:
    """DEC's target ``p_ij = (q_ij^2 / f_j) / sum_j' (q_ij'^2 / f_j')`` with ``f_j = sum_i q_ij`` (detached).

    Parameters
    ----------
    q : tensor (N, K)

    Returns
    -------
    tensor (N, K)

    Examples
    --------
    >>> p = target_distribution(torch.tensor([[0.6, 0.4], [0.4, 0.6]]))
    >>> [round(x, 4) for x in p[0].tolist()]
    [0.6923, 0.3077]
    """
    q = q.detach()
    w = q * q / q.sum(dim=0).clamp_min(torch.finfo(q.dtype).tiny)  # an empty column has f_j = 0
    return w / w.sum(dim=1, keepdim=True)


def kl_divergence(p: Any, q: Any) -> Any:
    """``KL(P || Q)`` averaged over rows, as ``F.kl_div(q.log(), p, reduction='batchmean')``.

    Parameters
    ----------
    p, q : tensors (N, K)

    Returns
    -------
    0-d tensor

    Examples
    --------
    >>> p = torch.tensor([[0.5, 0.5]])
    >>> float(kl_divergence(p, p))
    0.0
    """
    return nn.functional.kl_div(q.clamp_min(torch.finfo(q.dtype).tiny).log(), p, reduction="batchmean")
