"""The DEMM example runs, recovers the planted partition and ranks the noise relation last."""
import runpy
from pathlib import Path

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")


def test_demm_example(capsys):
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(__file__).resolve().parents[2] / "examples" / "demm_multiplex.py"
    plt.close("all")
    ns = runpy.run_path(str(path), run_name="__main__")
    assert ns["ari"] > 0.9
    w = ns["est"].relation_weights_
    assert min(w, key=w.get) == "noise" and max(w, key=w.get) == "strong"
    assert "networkx MultiGraph" in capsys.readouterr().out
    # the embedding panel has one point per node; the matched table covers every node
    assert ns["axes"][0].collections[0].get_offsets().shape == (600, 2)
    assert np.asarray(ns["axes"][1].images[0].get_array()).sum() == 600
    plt.close("all")
