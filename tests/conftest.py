"""Shared test fixtures: the benchmark datasets of ../shared and the GPU marker.

Tests that need ``../shared/datasets`` skip with a clear message when it is absent (a user's
clone has no shared/); under CI (``CI=true``) a missing folder is an error, never a skip, so
the suite is honest about what it ran.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("GRAPHCLUST_SHARED", REPO.parent / "shared"))


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
