"""cupy.linalg stand-in: numpy.linalg on device arrays (host arrays refused)."""
from __future__ import annotations

import numpy as _np


def __getattr__(name):
    from . import _standin, _unwrap, _unwrap_kwargs, _wrap

    attr = getattr(_np.linalg, name)
    if not callable(attr) or isinstance(attr, type):
        return attr

    def func(*args, **kwargs):
        _standin.add()
        return _wrap(attr(*_unwrap(args), **_unwrap_kwargs(kwargs)))

    return func
