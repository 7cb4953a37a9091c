"""The networkx example runs, finds the planted cluster and draws it around its seed."""
from __future__ import annotations

import runpy
from pathlib import Path

import pytest

matplotlib = pytest.importorskip("matplotlib")


def test_local_networkx_example(capsys):
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(__file__).resolve().parents[2] / "examples" / "local_networkx.py"
    plt.close("all")
    ns = runpy.run_path(str(path), run_name="__main__")
    assert "30 of 30 target nodes, 0 others" in capsys.readouterr().out
    # the drawing: the 30 cluster nodes, and the seed marked
    sizes = {c.get_label(): len(c.get_offsets()) for c in ns["ax"].collections}
    assert sizes["cluster"] == 30 and sizes["seed"] == 1 and sizes["neighbourhood"] > 0
    plt.close("all")
