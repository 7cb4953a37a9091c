"""The attributed-graph example runs, reproduces the official Lazega figures and draws its embeddings."""
from __future__ import annotations

import runpy
from pathlib import Path

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")


def test_bootamg_example(capsys, shared_datasets, monkeypatch):
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    monkeypatch.setenv("GRAPHCLUST_SHARED", str(shared_datasets.parent))
    path = Path(__file__).resolve().parents[2] / "examples" / "bootamg_attributed.py"
    plt.close("all")
    ns = runpy.run_path(str(path), run_name="__main__")
    assert "modularity 0.2156, entropy 10.553" in capsys.readouterr().out
    # one point per partner in each embedding panel, and the matched table covers them all
    for ax in ns["axes"]:
        assert any(len(c.get_offsets()) == 36 for c in ax.collections)
    assert np.asarray(ns["ax"].images[0].get_array()).sum() == 36
    plt.close("all")
