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

__all__ = ["read", "read_edgelist", "read_mtx", "read_npz", "write_npz", "GraphFileError", "MissingGraphFileError"]


def _csr_from(d: Any, prefix: str) -> sp.csr_array:
    shape = tuple(int(s) for s in d[f"{prefix}_shape"])
    return sp.csr_array((d[f"{prefix}_data"], d[f"{prefix}_indices"], d[f"{prefix}_indptr"]), shape=shape)


class GraphFileError(ValueError):
    """A graph file that cannot be read: the message names the file and what is wrong."""


class MissingGraphFileError(GraphFileError, FileNotFoundError):
    """The path does not exist (both a ValueError and a FileNotFoundError)."""


def _file_error(path: Any, err: BaseException, what: str) -> GraphFileError:
    reason = str(err) or type(err).__name__
    return GraphFileError(f"{path}: {what} ({type(err).__name__}: {reason}).")


def _named(path: Any, err: Exception) -> Exception:
    """The same kind of error (ValueError / TypeError), with the file named in the message."""
    from .memory import MemoryLimitError

    if isinstance(err, MemoryLimitError):
        return err
    cls = TypeError if isinstance(err, TypeError) else GraphFileError
    return cls(f"{path}: {err}")


def read_npz(path: str | os.PathLike, *, symmetrize: bool = False) -> Graph | MultiplexGraph:
    """Read a graph in graphclust's npz format (the keys below; :func:`write_npz` writes it).

    Keys: ``adj_{indptr,indices,data,shape}`` for one relation, or ``rel{i}_*`` plus
    ``relations`` for a multiplex graph; optional ``x_*`` (sparse features) or ``x`` (dense),
    ``labels`` (int, -1 unknown), ``node_ids``, ``name`` (:func:`write_npz` writes it). The index arrays are checked completely before
    use (a malformed file is refused, never read out of bounds); an empty, truncated or
    non-npz file, or one holding Python objects (pickles are never loaded), raises a
    ValueError naming the file.

    Parameters
    ----------
    path : str or os.PathLike
    symmetrize : bool, default=False
        Use ``max(A, A^T)`` for an asymmetric adjacency instead of refusing it.

    Returns
    -------
    Graph or MultiplexGraph

    Examples
    --------
    >>> import tempfile, pathlib, numpy as np
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "g.npz"
    >>> np.savez(p, adj_indptr=[0, 1, 2], adj_indices=[1, 0], adj_data=[1.0, 1.0], adj_shape=[2, 2])
    >>> read_npz(p).n_edges
    1
    """
    import zipfile

    try:
        d = np.load(path, allow_pickle=False)
    except (OSError, EOFError, zipfile.BadZipFile) as err:
        raise _file_error(path, err, "not a readable npz file (empty, truncated or another format)") from err
    except ValueError as err:  # numpy's "... allow_pickle" advice for a pickle or junk bytes
        raise GraphFileError(
            f"{path}: not an npz archive of arrays (junk bytes or a pickle; graphclust never loads pickles)."
        ) from err
    if not hasattr(d, "files"):  # np.load of a .npy file gives a bare array
        raise GraphFileError(f"{path}: holds a single array, not an npz archive of graph arrays.")
    with d:
        try:
            keys = set(d.files)
            name = str(d["name"]) if "name" in keys else Path(path).stem
            labels = d["labels"] if "labels" in keys else None
            node_ids = d["node_ids"] if "node_ids" in keys else None  # written by write_npz
            if "x_indptr" in keys:
                features = _csr_from(d, "x")
            elif "x" in keys:
                features = d["x"]
            else:
                features = None
            if "adj_indptr" in keys:
                mats = _csr_from(d, "adj")
                rel_names = None
            elif "relations" in keys:
                rel_names = [str(r) for r in d["relations"]]
                mats = {r: _csr_from(d, f"rel{i}") for i, r in enumerate(rel_names)}
            else:
                raise GraphFileError(f"{path}: not a graphclust npz file (no 'adj_*' or 'rel*_' keys).")
        except GraphFileError:
            raise
        except KeyError as err:
            raise GraphFileError(f"{path}: a graphclust npz array is missing ({err.args[0] if err.args else err}).") from err
        except (OSError, EOFError, zipfile.BadZipFile, ValueError, TypeError) as err:
            raise _file_error(path, err, "damaged or malformed npz arrays") from err
    try:
        if rel_names is None:
            g = as_graph(mats, features=features, labels=labels, symmetrize=symmetrize, name=name)
        else:
            g = as_multiplex(mats, features=features, labels=labels, symmetrize=symmetrize, name=name)
    except (ValueError, TypeError) as err:
        raise _named(path, err) from err
    if node_ids is not None:
        if len(node_ids) != g.n_nodes:
            raise GraphFileError(f"{path}: node_ids has {len(node_ids)} entries for {g.n_nodes} nodes.")
        g.node_ids = node_ids
    return g


def read_mtx(path: str | os.PathLike, *, symmetrize: bool = False) -> Graph:
    """Read a MatrixMarket file (``.mtx``, optionally gzipped) as a graph.

    Complex matrices are refused (the imaginary part is never dropped).

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    symmetrize : bool, default False
        Make a one-triangle or directed matrix symmetric (``max(A, A.T)``) instead of refusing it.

    Examples
    --------
    >>> import tempfile, pathlib, scipy.io, scipy.sparse as sp
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "g.mtx"
    >>> scipy.io.mmwrite(p, sp.coo_array([[0.0, 2.0], [2.0, 0.0]]))
    >>> read_mtx(p).adjacency.toarray()
    array([[0., 2.],
           [2., 0.]])
    """
    from scipy.io import mmread

    try:
        A = mmread(str(path))
    except (OSError, EOFError, ValueError, IndexError, TypeError) as err:
        raise _file_error(path, err, "not a readable MatrixMarket file") from err
    try:
        return as_graph(A if sp.issparse(A) else np.asarray(A), symmetrize=symmetrize, name=Path(path).stem)
    except (ValueError, TypeError) as err:
        raise _named(path, err) from err


# Column names that mark the first line of an edge list as a header (compared in lower case).
_HEADER_WORDS = frozenset(
    "source target src dst from to node node1 node2 node_1 node_2 head tail "
    "id1 id2 id_1 id_2 weight value count".split()
)


def _is_number(token: str) -> bool:
    try:
        float(token)
        return True
    except ValueError:
        return False


def _looks_like_header(first: list, rest: list, later_ids: set) -> bool:
    """Auto-detection of a header line: named columns, or text above numeric columns.

    A first line whose ids appear again as node ids further down is an edge, never a header.
    """
    if first[0] in later_ids or (len(first) > 1 and first[1] in later_ids):
        return False
    if all(t.lower() in _HEADER_WORDS for t in first[:3]):
        return True
    if not rest:
        return False
    ids_numeric = all(_is_number(t) for r in rest for t in r[:2])
    if ids_numeric and len(first) > 1 and first[0] != first[1] and not any(_is_number(t) for t in first[:2]):
        return True  # "source,target" above integer ids
    # a third column named above numeric weights ("a,b,weight" / "a b weight")
    return (
        len(first) > 2 and not _is_number(first[2]) and not first[2].startswith("{")
        and all(len(r) > 2 and _is_number(r[2]) for r in rest)
    )


def _split(line: str, delimiter: str | None) -> list:
    if delimiter is None:
        # networkx's write_edgelist puts a dict after the two ids: keep it as one field
        parts = line.split(None, 2)
    else:
        parts = line.split(delimiter)
        if len(parts) > 3 and parts[2].lstrip().startswith("{"):
            parts = parts[:2] + [delimiter.join(parts[2:])]
    return [p.strip() for p in parts]


def _weight(field: str, path: Any, lineno: int) -> float:
    if field == "":
        return 1.0
    if field.startswith("{"):
        # nx.read_edgelist semantics: a dict of edge attributes, the weight under "weight"
        import ast

        try:
            attrs = ast.literal_eval(field)
        except (ValueError, SyntaxError):
            raise GraphFileError(f"{path}:{lineno}: edge data {field!r} is not a dict literal.") from None
        if not isinstance(attrs, dict):
            raise GraphFileError(f"{path}:{lineno}: edge data {field!r} is not a dict.")
        field = attrs.get("weight", 1.0)
        if isinstance(field, bool) or not isinstance(field, (int, float)):
            raise GraphFileError(f"{path}:{lineno}: weight {field!r} is not a number.")
        return float(field)
    try:
        return float(field)
    except ValueError:
        raise GraphFileError(f"{path}:{lineno}: weight {field!r} is not a number.") from None


def _integer_ids(tokens: list) -> np.ndarray | None:
    """The tokens as int64 (object array of Python ints past int64) when all are integers, else None."""
    try:
        values = [int(t) for t in tokens]
    except ValueError:
        return None
    try:
        return np.array(values, dtype=np.int64)
    except OverflowError:
        arr = np.empty(len(values), dtype=object)
        arr[:] = values
        return arr


def read_edgelist(
    path: str | os.PathLike,
    *,
    delimiter: str | None = None,
    comments: str = "#",
    directed: bool = False,
    header: bool | None = None,
    ids: str = "map",
    one_based: bool = False,
) -> Graph:
    """Read an edge list: one edge per line, ``u v``, ``u v weight`` or ``u v {'weight': w}``.

    Node ids may be any tokens. By default (``ids="map"``) the distinct ids are numbered
    ``0..n-1`` in sorted order (numerically when all are integers) and kept in
    ``Graph.node_ids``, so labels map back to them: one-based or sparse integer ids give no
    phantom nodes. ``ids="index"`` uses integer ids as row numbers instead (ids that are not
    integers are refused; the node count is checked against the memory limit). An undirected
    list (the default) may give each edge once or in both directions; the graph is
    symmetrized with ``max(w_uv, w_vu)``. A line repeated is a multi-edge: its weights add up. The file may start with a UTF-8 byte-order mark;
    text after ``comments`` is ignored, also at the end of a line; networkx's
    ``write_edgelist`` dict column is read as :func:`networkx.read_edgelist` reads it (the
    weight under ``"weight"``, 1 without one).

    Parameters
    ----------
    path : str or os.PathLike
        The file (``.gz`` is decompressed).
    delimiter : str, optional
        Default: ``","`` for .csv, tab for .tsv, any whitespace otherwise.
    comments : str
        Start of a comment (whole line or end of line).
    directed : bool
        Keep the edges one-way (a directed graph).
    header : bool, optional
        Whether the first non-comment line names the columns; default: detected (column
        names like ``source,target``, or text above numeric columns).
    ids : {"map", "index"}
        How node ids become node indices (see above).
    one_based : bool
        Integer ids are 1-based indices (implies ``ids="index"``, subtracts 1).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "karate.csv"
    >>> _ = p.write_text("source,target\\n1,2\\n2,3\\n")
    >>> g = read_edgelist(p)
    >>> g.n_nodes, g.node_ids.tolist()
    (3, [1, 2, 3])
    """
    from .validation import check_choice, check_num_nodes

    check_choice(ids, "ids", ("map", "index"))
    if header not in (None, True, False):
        raise TypeError(f"header must be None (detect), True or False, got {header!r}.")
    if not isinstance(comments, str) or not comments:
        raise ValueError(f"comments must be a non-empty string, got {comments!r}.")
    if one_based:
        ids = "index"
    path = Path(path)
    suffixes = [s.lower() for s in path.suffixes]
    if delimiter is None:
        delimiter = "," if ".csv" in suffixes else "\t" if ".tsv" in suffixes else None
    opener = gzip.open if suffixes and suffixes[-1] == ".gz" else open
    rows = []
    try:
        with opener(path, "rt", encoding="utf-8-sig") as fh:  # -sig: a byte-order mark is dropped
            for lineno, line in enumerate(fh, 1):
                line = line.split(comments, 1)[0].strip()
                if line:
                    rows.append((lineno, _split(line, delimiter)))
    except (OSError, EOFError, UnicodeDecodeError) as err:
        raise _file_error(path, err, "cannot be read as a text edge list") from err
    if rows and header is None:
        later = {t for _, r in rows[1:] for t in r[:2]}
        header = _looks_like_header(rows[0][1], [r for _, r in rows[1:6]], later)
    if rows and header:
        rows = rows[1:]
    us, vs, ws = [], [], []
    for lineno, parts in rows:
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise GraphFileError(f"{path}:{lineno}: expected 'u v [weight]', got {' '.join(parts)!r}.")
        us.append(parts[0])
        vs.append(parts[1])
        ws.append(_weight(parts[2], path, lineno) if len(parts) > 2 else 1.0)
    if not us:
        raise GraphFileError(f"{path}: no edges found.")
    tokens = us + vs
    ints = _integer_ids(tokens)
    node_ids = None
    if ids == "index":
        if ints is None or ints.dtype == object:
            raise GraphFileError(
                f"{path}: ids='index' needs integer node ids that fit in int64; use ids='map' for other ids."
            )
        if one_based:
            ints = ints - 1
        if ints.min() < 0:
            raise GraphFileError(f"{path}: negative node id {int(ints.min())}" + (" (one_based=True)." if one_based else "."))
        n = check_num_nodes(int(ints.max()) + 1, name=f"{path}: largest node id + 1",
                            hint="ids='index' sizes the graph by the largest id; the default ids='map' does not.")
        idx = ints
    else:
        keys = ints if ints is not None else np.asarray(tokens)
        uniq, idx = np.unique(keys, return_inverse=True)
        idx = idx.ravel()
        n = uniq.size
        if not (ints is not None and uniq[0] == 0 and uniq[-1] == n - 1):
            node_ids = uniq  # ids are not already 0..n-1
    m = len(us)
    A = sp.coo_array((np.asarray(ws, dtype=np.float64), (idx[:m], idx[m:])), shape=(n, n))
    try:
        g = as_graph(A, symmetrize=not directed, directed=directed, name=path.stem)
    except (ValueError, TypeError) as err:
        raise _named(path, err) from err
    if node_ids is not None:
        g.node_ids = node_ids
    return g


def read(path: str | os.PathLike, **kwargs: Any) -> Graph | MultiplexGraph:
    """Read a graph file, choosing the reader by extension.

    ``.npz`` → :func:`read_npz`; ``.mtx`` → :func:`read_mtx`; ``.txt``, ``.csv``, ``.tsv``,
    ``.edges``, ``.el`` (optionally ``.gz``) → :func:`read_edgelist`.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    **kwargs
        Passed to the reader (e.g. ``symmetrize=True``, ``delimiter=";"``).

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
        raise MissingGraphFileError(f"no such file: {path}")
    if not path.is_file():
        raise GraphFileError(f"{path}: not a file.")
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
