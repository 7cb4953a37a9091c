"""Reading graphs from files: edge lists, MatrixMarket and graphclust's npz format.

:func:`read` picks the reader from the file extension and returns a :class:`~graphclust.Graph`
(or a :class:`~graphclust.MultiplexGraph` for a multi-relational npz file).
"""
from __future__ import annotations

import gzip
import os
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from .graph import Graph, MultiplexGraph, as_graph, as_multiplex

__all__ = ["read", "read_edgelist", "read_mtx", "read_npz", "write_npz"]


def _csr_from(d: Any, prefix: str) -> sp.csr_array:
    shape = tuple(int(s) for s in d[f"{prefix}_shape"])
    return sp.csr_array((d[f"{prefix}_data"], d[f"{prefix}_indices"], d[f"{prefix}_indptr"]), shape=shape)


def read_npz(path: str | os.PathLike, *, symmetrize: bool = False) -> Graph | MultiplexGraph:
    """Read a graph in graphclust's npz format (see ``shared/datasets/README.md``).

    Keys: ``adj_{indptr,indices,data,shape}`` for one relation, or ``rel{i}_*`` plus
    ``relations`` for a multiplex graph; optional ``x_*`` (sparse features) or ``x`` (dense),
    ``labels`` (int, -1 unknown), ``node_ids``, ``name``. :func:`write_npz` writes it.

    Parameters
    ----------
    path : str or os.PathLike
    symmetrize : bool, default=False
        Use ``max(A, A^T)`` for an asymmetric adjacency instead of refusing it.

    Returns
    -------
    Graph or MultiplexGraph
    """
    with np.load(path, allow_pickle=False) as d:
        keys = set(d.files)
        name = str(d["name"]) if "name" in keys else Path(path).stem
        labels = d["labels"] if "labels" in keys else None
        if "x_indptr" in keys:
            features = _csr_from(d, "x")
        elif "x" in keys:
            features = d["x"]
        else:
            features = None
        g = None
        if "adj_indptr" in keys:
            g = as_graph(_csr_from(d, "adj"), features=features, labels=labels, symmetrize=symmetrize, name=name)
        elif "relations" in keys:
            rel_names = [str(r) for r in d["relations"]]
            mats = {r: _csr_from(d, f"rel{i}") for i, r in enumerate(rel_names)}
            g = as_multiplex(mats, features=features, labels=labels, symmetrize=symmetrize, name=name)
        if g is not None:
            if "node_ids" in keys:  # written by write_npz for graphs with their own node ids
                g.node_ids = d["node_ids"]
            return g
    raise ValueError(f"{path}: not a graphclust npz file (no 'adj_*' or 'rel*_' keys).")


def read_mtx(path: str | os.PathLike, *, symmetrize: bool = False) -> Graph:
    """Read a MatrixMarket file (``.mtx``, optionally gzipped) as a graph."""
    from scipy.io import mmread

    A = mmread(str(path))
    return as_graph(sp.csr_array(A), symmetrize=symmetrize, name=Path(path).stem)


def read_edgelist(
    path: str | os.PathLike,
    *,
    delimiter: str | None = None,
    comments: str = "#",
    directed: bool = False,
    one_based: bool = False,
) -> Graph:
    """Read an edge list: one edge per line, ``u v`` or ``u v weight``.

    Node ids may be any tokens; integer ids ``0..n-1`` are used as indices, anything else is
    mapped to ``0..n-1`` in sorted order and kept in ``Graph.node_ids``. An undirected list
    (the default) may give each edge once or in both directions; the graph is symmetrized with
    ``max(w_uv, w_vu)``.

    Parameters
    ----------
    delimiter : str, optional
        Default: ``","`` for .csv, tab for .tsv, any whitespace otherwise.
    one_based : bool
        Subtract 1 from integer ids.
    """
    path = Path(path)
    suffixes = [s.lower() for s in path.suffixes]
    if delimiter is None:
        delimiter = "," if ".csv" in suffixes else "\t" if ".tsv" in suffixes else None
    opener = gzip.open if suffixes and suffixes[-1] == ".gz" else open
    us, vs, ws = [], [], []
    with opener(path, "rt") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.strip()
            if not line or line.startswith(comments):
                continue
            parts = [p.strip() for p in line.split(delimiter)]
            if len(parts) < 2:
                raise ValueError(f"{path}:{lineno}: expected 'u v [weight]', got {line!r}.")
            us.append(parts[0])
            vs.append(parts[1])
            try:
                ws.append(float(parts[2]) if len(parts) > 2 and parts[2] != "" else 1.0)
            except ValueError:
                raise ValueError(f"{path}:{lineno}: weight {parts[2]!r} is not a number.") from None
    if not us:
        raise ValueError(f"{path}: no edges found.")
    tokens = np.asarray(us + vs)
    node_ids = None
    try:
        ints = tokens.astype(np.int64)
        if one_based:
            ints -= 1
        if ints.min() < 0:
            raise ValueError(f"{path}: negative node id {int(ints.min())}.")
        n = int(ints.max()) + 1
        idx = ints
    except ValueError as err:
        if "negative node id" in str(err):
            raise
        node_ids, idx = np.unique(tokens, return_inverse=True)
        n = node_ids.size
    m = len(us)
    A = sp.coo_array((np.asarray(ws), (idx[:m], idx[m:])), shape=(n, n))
    g = as_graph(A, symmetrize=not directed, directed=directed, name=path.stem)
    if node_ids is not None:
        g.node_ids = node_ids
    return g


def read(path: str | os.PathLike, **kwargs: Any) -> Graph | MultiplexGraph:
    """Read a graph file, choosing the reader by extension.

    ``.npz`` → :func:`read_npz`; ``.mtx`` → :func:`read_mtx`; ``.txt``, ``.csv``, ``.tsv``,
    ``.edges``, ``.el`` (optionally ``.gz``) → :func:`read_edgelist`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "g.csv"
    >>> _ = p.write_text("a,b\\nb,c,2.5\\n")
    >>> g = read(p)
    >>> g.n_nodes, g.node_ids.tolist()
    (3, ['a', 'b', 'c'])
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    ext = suffixes[-1] if suffixes else ""
    if ext == ".npz":
        return read_npz(path, **kwargs)
    if ext == ".mtx":
        return read_mtx(path, **kwargs)
    if ext in (".txt", ".csv", ".tsv", ".edges", ".el", ""):
        return read_edgelist(path, **kwargs)
    raise ValueError(f"{path}: unknown graph file type {ext!r}; use .npz, .mtx, .txt, .csv or .tsv.")


def _csr_items(prefix: str, M: Any) -> dict[str, np.ndarray]:
    M = sp.csr_array(M)
    M.sort_indices()
    return {
        f"{prefix}_indptr": M.indptr.astype(np.int64),
        f"{prefix}_indices": M.indices.astype(np.int32),
        f"{prefix}_data": M.data.astype(np.float32),
        f"{prefix}_shape": np.asarray(M.shape, dtype=np.int64),
    }


def write_npz(graph: Any, path: str | os.PathLike, *, labels: Any = None, name: str | None = None) -> Path:
    """Write a graph in graphclust's npz format, readable by :func:`read_npz` and
    :func:`graphclust.datasets.load` (put it in ``$GRAPHCLUST_DATA`` as ``NAME.npz``).

    This is how a dataset obtained elsewhere (PyG, OGB, a MatrixMarket or edge-list file,
    networkx) becomes a graphclust dataset: ``write_npz(graphclust.as_graph(data), "x.npz")``.

    Parameters
    ----------
    graph : graph-like or MultiplexGraph
        Anything :func:`graphclust.as_graph` accepts, or a :class:`~graphclust.MultiplexGraph`
        (one ``rel{i}_*`` CSR per relation). Features, if any, are stored sparse (``x_*``)
        or dense (``x``) as given; weights are stored as float32.
    path : str or os.PathLike
        Target file (``.npz`` is appended by numpy when missing).
    labels : array of int, optional
        Ground-truth classes (-1 = unknown); default the graph's ``labels``.
    name : str, optional
        Dataset name stored in the file; default the graph's name, else the file stem.

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile, pathlib, scipy.sparse as sp
    >>> A = sp.csr_array(np.array([[0, 1], [1, 0]]))
    >>> p = write_npz(A, pathlib.Path(tempfile.mkdtemp()) / "pair.npz", labels=[0, 1])
    >>> g = read_npz(p)
    >>> g.n_nodes, g.labels.tolist(), g.name
    (2, [0, 1], 'pair')
    """
    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    if not isinstance(graph, (Graph, MultiplexGraph)):
        graph = as_graph(graph)
    items: dict[str, Any] = {}
    if isinstance(graph, MultiplexGraph):
        rel_names = list(graph.relation_names)
        for i, A in enumerate(graph.relations):
            items.update(_csr_items(f"rel{i}", A))
        items["relations"] = np.asarray(rel_names, dtype=str)
    else:
        items.update(_csr_items("adj", graph.adjacency))
    feats = getattr(graph, "features", None)
    if feats is not None:
        if sp.issparse(feats):
            items.update(_csr_items("x", feats))
        else:
            items["x"] = np.asarray(feats)
    if labels is None:
        labels = getattr(graph, "labels", None)
    if labels is not None:
        labels = np.asarray(labels, dtype=np.int64)
        if labels.shape != (graph.n_nodes,):
            raise ValueError(f"labels must have one entry per node ({graph.n_nodes}), got shape {labels.shape}.")
        items["labels"] = labels
    if getattr(graph, "node_ids", None) is not None:
        ids = np.asarray(graph.node_ids)
        if ids.dtype.kind in "iuU":  # stored without pickle; other id types are dropped
            items["node_ids"] = ids
    items["name"] = np.asarray(name or getattr(graph, "name", None) or path.stem)
    np.savez_compressed(path, **items)
    return path
