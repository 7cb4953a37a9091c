"""The networkx example runs and writes its figure."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")


def test_local_networkx_example(tmp_path, capsys):
    path = Path(__file__).resolve().parents[2] / "examples" / "local_networkx.py"
    spec = importlib.util.spec_from_file_location("local_networkx_example", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = mod.main(str(tmp_path / "c.png"))
    assert Path(out).stat().st_size > 10_000
    text = capsys.readouterr().out
    assert "30 of 30 target nodes, 0 others" in text
