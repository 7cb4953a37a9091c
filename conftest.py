"""Root pytest configuration: skip collecting the torch modules' doctests when torch is absent.

``--doctest-modules`` imports every module under graphclust/; the few that define torch
modules (and the torch backend's examples) need torch at import, so without the ``torch``
extra they are left out of collection instead of failing it. The estimator module
(graphclust/contrastive/pamc.py) imports without torch and is collected either way.
"""
from __future__ import annotations

import importlib.util

collect_ignore: list[str] = []
if importlib.util.find_spec("torch") is None:
    collect_ignore += [
        "graphclust/torch_backend.py",
        "graphclust/contrastive/loss.py",
        "graphclust/contrastive/autoencoder.py",
        "graphclust/contrastive/pamc.py",  # its example fits a model
    ]
