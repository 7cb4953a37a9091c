"""Tests of graphclust.datasets.load: the shipped datasets, data_home / GRAPHCLUST_DATA lookup,
and the error for a missing dataset."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from graphclust import datasets
from graphclust.graph import Graph, MultiplexGraph


@pytest.mark.parametrize("name", datasets.SHIPPED)
def test_shipped_dataset_sizes(name, monkeypatch):
    monkeypatch.delenv("GRAPHCLUST_DATA", raising=False)
    n, m, d, k, multiplex = datasets.KNOWN[name]
    g = datasets.load(name)
    assert isinstance(g, Graph) and not multiplex
    assert g.name == name
    assert g.n_nodes == n
    assert g.n_edges == m
    assert g.features is not None and g.features.shape == (n, d)
    assert g.labels.dtype == np.int64 and g.labels.shape == (n,)
    assert np.unique(g.labels[g.labels >= 0]).size == k
    assert set(np.unique(g.labels)) <= set(range(-1, k))
    A = g.adjacency
    assert isinstance(A, sp.csr_array) and A.dtype == np.float64 and A.has_sorted_indices
    assert (A != A.T).nnz == 0
    assert A.diagonal().sum() == 0  # no self-loops, as the datasets README says
    assert not g.is_weighted
    # the file really is the one in the package
    assert datasets.dataset_path(name) == datasets._DATA_DIR / f"{name}.npz"


def test_list_datasets_matches_known():
    rows = datasets.list_datasets()
    assert [r["name"] for r in rows] == list(datasets.KNOWN)
    for r in rows:
        n, m, d, k, multiplex = datasets.KNOWN[r["name"]]
        assert (r["nodes"], r["edges"], r["features"], r["classes"], r["multiplex"]) == (n, m, d, k, multiplex)
        assert r["shipped"] == (r["name"] in datasets.SHIPPED)


def test_missing_dataset_error_names_graphclust_data(tmp_path, monkeypatch):
    monkeypatch.delenv("GRAPHCLUST_DATA", raising=False)
    with pytest.raises(FileNotFoundError, match="GRAPHCLUST_DATA") as err:
        datasets.load("no_such_dataset", data_home=tmp_path)
    msg = str(err.value)
    assert "no_such_dataset" in msg and "known datasets" in msg and str(tmp_path) in msg
    # a known but unshipped dataset says where to put it, without the "known datasets" hint
    with pytest.raises(FileNotFoundError, match=r"dataset 'amazon_photo' not found\. Looked in") as err:
        datasets.load("amazon_photo", data_home=tmp_path)
    assert "amazon_photo.npz" in str(err.value) and "data_home" in str(err.value)


def write_tiny(folder, n_nodes):
    """A path graph on n_nodes in graphclust's npz format, with labels."""
    folder.mkdir(parents=True, exist_ok=True)
    A = sp.diags_array([np.ones(n_nodes - 1), np.ones(n_nodes - 1)], offsets=[-1, 1]).tocsr()
    np.savez_compressed(folder / "tiny.npz", adj_indptr=A.indptr, adj_indices=A.indices,
                        adj_data=A.data.astype(np.float32), adj_shape=np.array(A.shape),
                        labels=np.arange(n_nodes) % 2, name=np.array("tiny"))


def test_data_home_and_environment_variable(tmp_path, monkeypatch):
    home, env = tmp_path / "home", tmp_path / "env"
    write_tiny(home, 5)
    write_tiny(env, 7)
    monkeypatch.delenv("GRAPHCLUST_DATA", raising=False)
    with pytest.raises(FileNotFoundError):
        datasets.load("tiny")
    assert datasets.load("tiny", data_home=home).n_nodes == 5
    assert datasets.load("tiny", data_home=str(home)).n_nodes == 5
    monkeypatch.setenv("GRAPHCLUST_DATA", str(env))
    g = datasets.load("tiny")
    assert g.n_nodes == 7 and g.n_edges == 6
    np.testing.assert_array_equal(g.labels, np.arange(7) % 2)
    # data_home comes before the environment variable
    assert datasets.load("tiny", data_home=home).n_nodes == 5
    # a shipped dataset is still found when the variable points elsewhere
    assert datasets.load("dblp").n_nodes == datasets.KNOWN["dblp"][0]


def test_load_by_path(tmp_path):
    write_tiny(tmp_path, 4)
    g = datasets.load(str(tmp_path / "tiny.npz"))
    assert g.n_nodes == 4


@pytest.mark.parametrize("name", ["pubmed_structure", "acm_multiplex"])
def test_shared_unshipped_datasets(name, shared_datasets, monkeypatch):
    n, m, d, k, multiplex = datasets.KNOWN[name]
    monkeypatch.setenv("GRAPHCLUST_DATA", str(shared_datasets))
    g = datasets.load(name)
    assert g.n_nodes == n
    assert np.unique(g.labels[g.labels >= 0]).size == k
    if multiplex:
        assert isinstance(g, MultiplexGraph) and g.n_relations >= 2
        assert g.features.shape == (n, d)
        for R in g.relations:
            assert R.shape == (n, n) and (R != R.T).nnz == 0
    else:
        assert isinstance(g, Graph) and g.n_edges == m
        assert (g.features is None) == (d == 0)
