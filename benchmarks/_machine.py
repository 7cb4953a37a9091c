"""The machine's CPU model, printed by every benchmark script beside its table."""

from __future__ import annotations

import os
import platform
import subprocess
from typing import Callable


def _field(read: Callable[[], str], prefix: str) -> str:
    """The value after ``prefix:`` on the first line of ``read()`` that starts with it
    (case-insensitive), or "" when there is none or ``read`` fails."""
    try:
        for line in read().splitlines():
            if line.strip().lower().startswith(prefix):
                return line.split(":", 1)[1].strip()
    except Exception:  # a missing tool or file only means this source names nothing
        pass
    return ""


def _lscpu() -> str:
    env = {**os.environ, "LC_ALL": "C"}  # the English field names, whatever the locale
    return subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10, env=env).stdout


def _cpuinfo() -> str:
    with open("/proc/cpuinfo") as f:
        return f.read()


def cpu_model() -> str:
    """The CPU model name, as ``lscpu`` prints it on its "Model name:" line.

    Falls back to the "model name" line of ``/proc/cpuinfo``, then to
    ``platform.processor()`` or ``platform.machine()``; never raises.

    Returns
    -------
    str
        The model name (e.g. ``"AMD EPYC 7B13"``), or ``"unknown CPU"`` when no source names it.
    """
    name = _field(_lscpu, "model name") or _field(_cpuinfo, "model name")
    if name:
        return name
    try:
        return platform.processor() or platform.machine() or "unknown CPU"
    except Exception:
        return "unknown CPU"
