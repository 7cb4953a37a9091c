"""The machine's CPU model, printed by every benchmark script beside its table."""

from __future__ import annotations

import os
import platform
import subprocess


def cpu_model() -> str:
    """The CPU model name, as ``lscpu`` prints it on its "Model name:" line.

    Falls back to the "model name" line of ``/proc/cpuinfo``, then to
    ``platform.processor()`` or ``platform.machine()``; never raises.

    Returns
    -------
    str
        The model name (e.g. ``"AMD EPYC 7B13"``), or ``"unknown CPU"`` when no source names it.
    """
    try:
        env = {**os.environ, "LC_ALL": "C"}  # the English field names, whatever the locale
        out = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10, env=env).stdout
        for line in out.splitlines():
            if line.strip().startswith("Model name:"):
                name = line.split(":", 1)[1].strip()
                if name:
                    return name
    except Exception:
        pass
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    name = line.split(":", 1)[1].strip()
                    if name:
                        return name
    except Exception:
        pass
    try:
        return platform.processor() or platform.machine() or "unknown CPU"
    except Exception:
        return "unknown CPU"
