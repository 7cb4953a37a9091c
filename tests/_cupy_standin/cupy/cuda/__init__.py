"""cupy.cuda stand-in: one fake device."""
from __future__ import annotations

from . import runtime  # noqa: F401


class Device:
    def __init__(self, device=0):
        self.id = int(device)

    def synchronize(self):
        pass

    def use(self):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    @property
    def mem_info(self):
        return (8 << 30, 16 << 30)


class Stream:
    null = None

    def __init__(self, *args, **kwargs):
        pass

    def synchronize(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def get_current_stream():
    return Stream()
