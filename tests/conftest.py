"""Shared test fixtures: the benchmark datasets of ../shared and the GPU marker.

Tests that need ``../shared/datasets`` skip with a clear message when it is absent (a user's
clone has no shared/); under CI (``CI=true``) a missing folder is an error, never a skip, so
the suite is honest about what it ran.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("GRAPHCLUST_SHARED", REPO.parent / "shared"))

# The strict CuPy stand-in (tests/_cupy_standin/README.md): with GRAPHCLUST_CUPY_STANDIN=1 the
# GPU-marked tests run against it instead of skipping (``pytest -m gpu``, second run of .ci/run).
STANDIN = os.environ.get("GRAPHCLUST_CUPY_STANDIN", "").lower() in ("1", "true", "yes")
collect_ignore = ["_cupy_standin"]  # never imported as test modules (it would shadow cupy)
if STANDIN:
    sys.path.insert(0, str(Path(__file__).resolve().parent / "_cupy_standin"))
    for _mod in [m for m in sys.modules if m.split(".")[0] in ("cupy", "cupyx")]:
        del sys.modules[_mod]
    import cupy as _cupy

    assert getattr(_cupy, "_STANDIN", False), "GRAPHCLUST_CUPY_STANDIN=1 but another cupy was imported"
    from graphclust import backend as _backend

    _backend.cuda_available.cache_clear()
    _backend.get_namespace.cache_clear()


def _on_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _shared_subdir(name: str) -> Path:
    path = SHARED / name
    if not path.is_dir():
        if _on_ci():
            raise RuntimeError(f"CI run without {path}: the shared data must be present beside the checkout.")
        pytest.skip(f"{path} not found (shared benchmark data is not part of a user's clone)")
    return path


@pytest.fixture(scope="session")
def shared_datasets() -> Path:
    """Path of ``../shared/datasets`` (skips when absent outside CI)."""
    return _shared_subdir("datasets")


@pytest.fixture(scope="session")
def shared_targets() -> Path:
    """Path of ``../shared/targets`` (skips when absent outside CI)."""
    return _shared_subdir("targets")


def pytest_collection_modifyitems(config, items):
    from graphclust.backend import cuda_available

    if cuda_available():
        return
    skip = pytest.mark.skip(reason="needs CuPy and a CUDA device")
    for item in items:
        if item.get_closest_marker("gpu") is not None:
            item.add_marker(skip)


_GPU_COUNTS = {"passed": 0, "failed": 0, "skipped": 0}
_GPU_IDS: set = set()


def pytest_collection_finish(session):
    _GPU_IDS.update(item.nodeid for item in session.items if item.get_closest_marker("gpu") is not None)


def pytest_runtest_logreport(report):
    if report.nodeid not in _GPU_IDS:
        return
    if report.when == "call":
        _GPU_COUNTS[report.outcome] = _GPU_COUNTS.get(report.outcome, 0) + 1
    elif report.when == "setup" and report.outcome != "passed":
        _GPU_COUNTS["skipped" if report.outcome == "skipped" else "failed"] += 1


def pytest_terminal_summary(terminalreporter):
    from graphclust.backend import cuda_available

    where = "CuPy stand-in" if STANDIN else ("CuPy on a CUDA device" if cuda_available() else "no CUDA device")
    ran = _GPU_COUNTS["passed"] + _GPU_COUNTS["failed"]
    terminalreporter.write_line(
        f"GPU-marked tests ({where}): {ran} executed ({_GPU_COUNTS['passed']} passed, {_GPU_COUNTS['failed']} "
        f"failed), {_GPU_COUNTS['skipped']} skipped."
    )


def pytest_sessionfinish(session, exitstatus):
    # A stand-in run that executed no GPU test checked nothing: fail it rather than pass silently.
    if STANDIN and _GPU_IDS and _GPU_COUNTS["passed"] + _GPU_COUNTS["failed"] == 0:
        session.exitstatus = 1
