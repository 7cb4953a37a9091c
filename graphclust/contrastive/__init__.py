"""Contrastive deep clustering of attributed graphs (PyTorch): PamC and its full-negative parent.

- :class:`PamCClustering`: the PamC estimator (MLP encoder, DEC self-training, meta-node
  contrastive loss), :mod:`graphclust.contrastive.pamc`;
- :class:`PamCLoss`, :func:`full_negative_loss`, :class:`FullNegativeLoss`: the losses,
  :mod:`graphclust.contrastive.loss`;
- :func:`propagated_adjacency`: the structural target ``B = sum_t A_hat^t`` (scipy only).

torch is imported on first use of a name that needs it, so this package (and the estimator
class, for the registry and the CLI) imports without torch; fitting then asks for the
``torch`` extra.
"""
from __future__ import annotations

import importlib
from typing import Any

from .adjacency import normalized_adjacency, propagated_adjacency

_LAZY = {
    "PamCClustering": "graphclust.contrastive.pamc",
    "PamCLoss": "graphclust.contrastive.loss",
    "FullNegativeLoss": "graphclust.contrastive.loss",
    "full_negative_loss": "graphclust.contrastive.loss",
    "meta_nodes": "graphclust.contrastive.loss",
    "positive_sums": "graphclust.contrastive.loss",
    "edge_list": "graphclust.contrastive.loss",
}

__all__ = sorted(_LAZY) + ["propagated_adjacency", "normalized_adjacency"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'graphclust.contrastive' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
