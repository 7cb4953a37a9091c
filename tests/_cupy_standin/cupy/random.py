"""cupy.random stand-in (graphclust draws on the host; this exists for completeness)."""
from __future__ import annotations

import numpy as _np


def default_rng(seed=None):
    from . import _wrap

    rng = _np.random.default_rng(seed)

    class _Gen:
        def __getattr__(self, name):
            f = getattr(rng, name)
            return lambda *a, **k: _wrap(_np.asarray(f(*a, **k)))

    return _Gen()
