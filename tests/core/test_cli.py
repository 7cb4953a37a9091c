"""Tests of the graphclust command line (graphclust.cli.main) and the method registry."""
from __future__ import annotations

import json
import re
import shutil
import subprocess

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.metrics import adjusted_rand_score

from graphclust import __version__, cli, datasets, registry


@pytest.fixture(scope="module")
def sbm():
    """Three planted blocks of 40 nodes, well above the detectability threshold."""
    sizes = [40, 40, 40]
    P = [[0.3, 0.02, 0.02], [0.02, 0.3, 0.02], [0.02, 0.02, 0.3]]
    G = nx.stochastic_block_model(sizes, P, seed=0)
    truth = np.repeat(np.arange(3), 40)
    assert nx.is_connected(G)
    return G, truth


# --------------------------------------------------------------------------- simple commands


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"graphclust {__version__}"


def test_console_script_version():
    exe = shutil.which("graphclust")
    if exe is None:
        pytest.skip("the graphclust console script is not installed (pip install -e .)")
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == f"graphclust {__version__}"


def test_datasets_command(capsys, monkeypatch):
    monkeypatch.delenv("GRAPHCLUST_DATA", raising=False)
    assert cli.main(["datasets"]) == 0
    out = capsys.readouterr().out
    table, _, notes = out.partition("\n\n")
    lines = table.strip().splitlines()
    assert lines[0].split()[:5] == ["name", "nodes", "edges", "features", "classes"]
    rows = {line.split()[0]: line for line in lines[1:]}
    assert set(rows) == set(datasets.KNOWN)
    for name in datasets.SHIPPED:
        n, m, d, k, _ = datasets.KNOWN[name]
        assert rows[name].split()[1:6] == [str(n), str(m), str(d), str(k), "shipped"]
    # Each dataset that does not load here says where it comes from and how to convert it.
    assert "not installed" in rows["amazon_photo"] and "multiplex" in rows["acm_multiplex"]
    assert "graphclust.io.write_npz" in notes and "GRAPHCLUST_DATA" in notes
    for name in set(datasets.KNOWN) - set(datasets.SHIPPED):
        assert re.search(rf"^  {name}: .*github\.com", notes, re.M), name


def test_datasets_command_finds_installed_files(tmp_path, capsys, monkeypatch):
    from graphclust.io import write_npz

    write_npz(datasets.load("cora"), tmp_path / "amazon_photo.npz")  # any graph will do
    monkeypatch.setenv("GRAPHCLUST_DATA", str(tmp_path))
    assert cli.main(["datasets"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("amazon_photo"))
    assert row.rstrip().endswith("found") and "  amazon_photo:" not in out


def test_methods_command(capsys):
    assert cli.main(["methods"]) == 0
    out = capsys.readouterr().out
    names = [line.split()[0] for line in out.strip().splitlines()]
    assert names == registry.names()
    assert "spectral" in names
    assert any(line.split()[1] == "local" for line in out.splitlines())


def test_no_command_is_an_error(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main([])
    assert exc.value.code == 2


# --------------------------------------------------------------------------- cluster


def test_cluster_edge_list_to_npy(sbm, tmp_path, capsys):
    G, truth = sbm
    path = tmp_path / "sbm.txt"
    nx.write_edgelist(G, path, data=False)
    out = tmp_path / "labels.npy"
    rc = cli.main(["cluster", "spectral", str(path), "-k", "3", "--random-state", "0", "--out", str(out)])
    assert rc == 0
    text = capsys.readouterr().out
    assert "spectral" in text and re.search(r"n_nodes:\s+120\b", text)
    labels = np.load(out)
    assert labels.shape == (120,)
    assert adjusted_rand_score(truth, labels) > 0.95
    # same seed, same labels
    out2 = tmp_path / "labels2.npy"
    cli.main(["cluster", "spectral", str(path), "-k", "3", "--random-state", "0", "--out", str(out2)])
    np.testing.assert_array_equal(np.load(out2), labels)


@pytest.mark.slow
def test_cluster_demm_plus_acm_multiplex_end_to_end(shared_datasets, tmp_path, capsys):
    """``graphclust cluster demm+ acm_multiplex``: the labels file holds the estimator's labels."""
    from graphclust import DEMMPlus, metrics

    opts = ["-o", "dim=32", "-o", "n_outer=3", "-o", "dtype=float32"]  # lean, not the paper's settings
    out = tmp_path / "labels.csv"
    rc = cli.main(["cluster", "demm+", "acm_multiplex", "--data-home", str(shared_datasets), *opts,
                   "--random-state", "0", "--out", str(out), "--json"])
    assert rc == 0
    result = json.loads(capsys.readouterr().out)
    assert result["method"] == "demm+" and result["n_nodes"] == 3025 and result["n_clusters"] == 3
    rows = np.loadtxt(out, delimiter=",", skiprows=1, dtype=np.int64)
    np.testing.assert_array_equal(rows[:, 0], np.arange(3025))
    g = datasets.load("acm_multiplex", data_home=shared_datasets)
    est = DEMMPlus(3, dim=32, n_outer=3, dtype="float32", random_state=0).fit(g)
    np.testing.assert_array_equal(rows[:, 1], est.labels_)
    # the reported scores are those of the written labels against the dataset's classes
    for name, value in metrics.evaluate(g.labels, rows[:, 1]).items():
        assert result[name] == pytest.approx(value)
    assert metrics.accuracy(g.labels, rows[:, 1]) > 0.85


def test_cluster_csv_string_ids_out_csv(sbm, tmp_path, capsys):
    G, truth = sbm
    G = nx.relabel_nodes(G, {i: f"node{i:03d}" for i in G.nodes})
    path = tmp_path / "sbm.csv"
    path.write_text("".join(f"{u},{v}\n" for u, v in G.edges))
    out = tmp_path / "labels.csv"
    rc = cli.main(["cluster", "spectral", str(path), "-k", "3", "--random-state", "1", "--out", str(out),
                   "-o", "n_init=3"])
    assert rc == 0
    assert f"wrote the label of each of the 120 nodes to {out}" in capsys.readouterr().out
    lines = out.read_text().strip().splitlines()
    assert lines[0] == "node,label"
    rows = [line.split(",") for line in lines[1:]]
    assert len(rows) == 120
    ids = [r[0] for r in rows]
    assert ids == sorted(f"node{i:03d}" for i in range(120))  # string ids written back
    labels = np.array([int(r[1]) for r in rows])
    truth_by_id = np.array([truth[int(i[4:])] for i in ids])
    assert adjusted_rand_score(truth_by_id, labels) > 0.95


def write_sbm_npz(path, G, truth):
    A = sp.csr_array(nx.to_scipy_sparse_array(G, nodelist=range(G.number_of_nodes())))
    np.savez(path, adj_indptr=A.indptr, adj_indices=A.indices, adj_data=A.data, adj_shape=np.array(A.shape),
             labels=truth, name=np.array(path.stem))


def test_cluster_npz_with_labels_json(sbm, tmp_path, capsys):
    G, truth = sbm
    path = tmp_path / "sbm.npz"
    write_sbm_npz(path, G, truth)
    capsys.readouterr()
    rc = cli.main(["cluster", "spectral", str(path), "--json", "--random-state", "0"])  # k from the labels
    assert rc == 0
    res = json.loads(capsys.readouterr().out)
    assert res["method"] == "spectral" and res["n_nodes"] == 120 and res["n_clusters"] == 3
    assert set(res) >= {"acc", "nmi", "ari", "f1", "seconds"}
    assert res["ari"] > 0.95 and res["acc"] > 0.95
    assert res["seconds"] >= 0


def test_cluster_dataset_by_name(sbm, tmp_path, capsys, monkeypatch):
    """A dataset name (not a path) is looked up in --data-home, then $GRAPHCLUST_DATA."""
    G, truth = sbm
    write_sbm_npz(tmp_path / "planted3.npz", G, truth)
    monkeypatch.chdir(tmp_path.parent)  # the name must not resolve as a file in the working folder
    monkeypatch.delenv("GRAPHCLUST_DATA", raising=False)
    capsys.readouterr()
    assert cli.main(["cluster", "spectral", "planted3", "--data-home", str(tmp_path), "--json",
                     "--random-state", "0"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["input"] == "planted3" and res["n_nodes"] == 120 and res["ari"] > 0.95
    monkeypatch.setenv("GRAPHCLUST_DATA", str(tmp_path))
    assert cli.main(["cluster", "spectral", "planted3", "-k", "3", "--random-state", "0"]) == 0
    ari = float(re.search(r"\bari:\s+(\S+)", capsys.readouterr().out).group(1))
    assert ari > 0.95


def test_cluster_errors(sbm, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("GRAPHCLUST_DATA", raising=False)
    rc = cli.main(["cluster", "spectral", "no_such_dataset", "-k", "2"])
    assert rc == 2
    err = capsys.readouterr().err
    assert err.startswith("graphclust: error:") and "no_such_dataset" in err and "GRAPHCLUST_DATA" in err

    with pytest.raises(SystemExit) as exc:
        cli.main(["cluster", "no_such_method", "cora"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err

    G, _ = sbm
    path = tmp_path / "g.txt"
    nx.write_edgelist(G, path, data=False)

    def user_error(argv, *needles):
        capsys.readouterr()
        assert cli.main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("graphclust: error:") and "Traceback" not in err, err
        for needle in needles:
            assert needle in err, (needle, err)
        return err

    # every user error: exit code 2 and one line
    user_error(["cluster", "spectral", str(path)], "give -k/--n-clusters")
    user_error(["cluster", "spectral", str(path), "-k", "3", "-o", "n_init"], "must look like name=value")
    user_error(["cluster", "spectral", str(path), "-k", "3", "--out", str(tmp_path / "x.parquet")],
               "--out must end in")
    # a missing file is a missing file, not a missing dataset
    err = user_error(["cluster", "spectral", str(tmp_path / "nofile.csv"), "-k", "2"], "no such file")
    assert "dataset" not in err
    # an unknown parameter lists the method's parameters
    user_error(["cluster", "spectral", str(path), "-k", "3", "-o", "nonsense=1"],
               "'nonsense'", "n_init", "eigen_solver", "random_state")
    user_error(["cluster", "spectral", str(path), "-k", "500"], "n_clusters")
    user_error(["cluster", "spectral", str(path), "-k", "3", "-o", "n_init=2.5"], "n_init")
    user_error(["cluster", "local", str(path)], "needs --seed")
    user_error(["cluster", "local", str(path), "--seed", "abc"], "node index")
    # a malformed input file
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,heavy\n")
    user_error(["cluster", "spectral", str(bad), "-k", "2"], "not a number")


def test_internal_errors_are_not_user_errors(sbm, tmp_path, capsys, monkeypatch):
    # A TypeError from inside a method (a bug) is reported as such (exit 1, one line); the
    # traceback comes with --debug.
    from graphclust.spectral import spectral as mod

    def broken(*args, **kwargs):
        raise TypeError("unsupported operand type(s)")

    monkeypatch.setattr(mod, "spectral_embedding", broken)
    G, _ = sbm
    path = tmp_path / "g.txt"
    nx.write_edgelist(G, path, data=False)
    assert cli.main(["cluster", "spectral", str(path), "-k", "3"]) == 1
    err = capsys.readouterr().err
    assert "internal error: TypeError" in err and "--debug" in err and "Traceback" not in err
    with pytest.raises(TypeError, match="unsupported operand"):
        cli.main(["--debug", "cluster", "spectral", str(path), "-k", "3"])


def test_local_with_a_named_seed(sbm, tmp_path, capsys):
    G, truth = sbm
    G = nx.relabel_nodes(G, {i: f"v{i}" for i in G.nodes})
    path = tmp_path / "named.csv"
    path.write_text("".join(f"{u},{v}\n" for u, v in G.edges))
    out = tmp_path / "cluster.csv"
    assert cli.main(["cluster", "local", str(path), "--seed", "v5", "--out", str(out), "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["seed"] == "v5" and any("wrote the" in n for n in res["notes"])
    lines = out.read_text().split()
    assert lines[0] == "node" and "v5" in lines[1:]
    # the same cluster as the Python API finds from the same file
    from graphclust import LocalClustering, io

    api = LocalClustering().fit(io.read(path), "v5").cluster_
    assert set(lines[1:]) == {str(v) for v in api}
    assert cli.main(["cluster", "local", str(path), "--seed", "nobody"]) == 2
    assert "nobody" in capsys.readouterr().err


def test_hierarchy_output_explains_scored_cut(sbm, tmp_path, capsys):
    G, truth = sbm
    path = tmp_path / "sbm.npz"
    write_sbm_npz(path, G, truth)
    capsys.readouterr()
    assert cli.main(["cluster", "bottom_up", str(path), "--random-state", "0"]) == 0
    out = capsys.readouterr().out
    if "scored_cut" in out:
        assert re.search(r"note: scored_cut: the finest level has \d+ clusters; the scores are those of the "
                         r"hierarchy cut at 3 clusters", out)


def test_parse_value():
    assert cli._parse_value("true") is True and cli._parse_value("False") is False
    assert cli._parse_value("none") is None
    assert cli._parse_value("3") == 3 and isinstance(cli._parse_value("3"), int)
    assert cli._parse_value("0.5") == 0.5
    assert cli._parse_value("subspace") == "subspace"
    assert cli._parse_options(["a=1", "b = x"]) == {"a": 1, "b": "x"}


# --------------------------------------------------------------------------- registry


def test_registry_table():
    assert registry.names() == list(registry.METHODS)
    assert registry.names("local") == ["local"]
    for name, info in registry.METHODS.items():
        assert info.name == name
        assert info.kind in ("partition", "local", "hierarchy")
        module, _, cls = info.target.partition(":")
        assert module.startswith("graphclust.") and cls
    with pytest.raises(ValueError, match="unknown method 'nope'; known methods: spectral"):
        registry.get("nope")


def test_registry_loads_spectral():
    cls = registry.load("spectral")
    assert cls.__name__ == "SpectralClustering"
    assert hasattr(cls, "fit_predict")
