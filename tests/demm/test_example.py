"""The DEMM example runs, recovers the planted partition and ranks the noise relation last."""
import importlib.util
from pathlib import Path


def test_demm_example(capsys):
    path = Path(__file__).resolve().parents[2] / "examples" / "demm_multiplex.py"
    spec = importlib.util.spec_from_file_location("demm_example", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = mod.main()
    assert out["ari"] > 0.9
    w = out["weights"]
    assert min(w, key=w.get) == "noise" and max(w, key=w.get) == "strong"
    assert "networkx MultiGraph" in capsys.readouterr().out
