"""The attributed-graph example runs, reproduces the official Lazega figures and writes its plot."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")


def test_bootamg_example(tmp_path, capsys, shared_datasets):
    path = Path(__file__).resolve().parents[2] / "examples" / "bootamg_attributed.py"
    spec = importlib.util.spec_from_file_location("bootamg_example", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = mod.main(str(tmp_path / "e.png"))
    assert Path(out).stat().st_size > 10_000
    assert "modularity 0.2156, entropy 10.553" in capsys.readouterr().out
