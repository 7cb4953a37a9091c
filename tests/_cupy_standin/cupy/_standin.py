"""Launch counter of the stand-in (see ../README.md)."""
from __future__ import annotations

_count = [0]


def launches() -> int:
    """Kernel launches so far (one per function / ufunc / method call; cupy.repeat with a list
    of counts costs one per element)."""
    return _count[0]


def add(k: int = 1) -> None:
    _count[0] += int(k)


def reset() -> None:
    _count[0] = 0
