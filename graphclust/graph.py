"""Graph input: one validated, canonical representation for every supported input type.

:func:`as_graph` is the single boundary where user data enters graphclust. It accepts scipy
sparse matrices and arrays, dense numpy arrays, networkx graphs (never densified), PyTorch
Geometric ``Data`` objects, ``(2, m)`` edge-index arrays and CuPy arrays, validates them once,
and returns a :class:`Graph` whose adjacency is a canonical float64 CSR matrix. Inputs are
never modified: every path works on a copy.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import scipy.sparse as sp

from .backend import get_namespace, is_cupy_array, resolve_device

__all__ = ["Graph", "MultiplexGraph", "as_graph", "as_multiplex"]

# Relative tolerance of the symmetry check: weights computed in floating point (e.g. a
# normalized matrix) may differ from their transposes in the last bits.
_SYMMETRY_RTOL = 1e-10


@dataclass
class Graph:
    """A validated graph: canonical CSR adjacency plus optional features and labels.

    Build it with :func:`as_graph`, not directly.

    Attributes
    ----------
    adjacency : scipy.sparse.csr_array or cupyx.scipy.sparse.csr_matrix
        n x n, float64, sorted indices, no duplicates, no explicit zeros. Symmetric unless
        ``directed``.
    features : None, ndarray or scipy.sparse.csr_array
        Node attributes, one row per node.
    labels : None or ndarray of int64
        Ground-truth classes, ``-1`` where unknown.
    node_ids : None or ndarray
        Original node identifiers (networkx nodes) when they are not ``0..n-1``.
    name : str or None
    directed : bool
    """

    adjacency: Any
    features: Any = None
    labels: np.ndarray | None = None
    node_ids: np.ndarray | None = None
    name: str | None = None
    directed: bool = False
    meta: dict = field(default_factory=dict, repr=False)

    @property
    def n_nodes(self) -> int:
        return int(self.adjacency.shape[0])

    @property
    def n_edges(self) -> int:
        """Number of edges; an undirected edge counts once, a self-loop once."""
        A = self.adjacency
        if self.directed:
            return int(A.nnz)
        n_loops = int((A.diagonal() != 0).sum())
        return int((A.nnz + n_loops) // 2)

    @property
    def device(self) -> str:
        return "cuda" if is_cupy_array(self.adjacency) else "cpu"

    @property
    def is_weighted(self) -> bool:
        data = self.adjacency.data
        return bool(data.size and not (data == 1).all())

    @property
    def has_features(self) -> bool:
        return self.features is not None

    def degrees(self) -> Any:
        """Weighted out-degrees (row sums), on the graph's device."""
        from .sparse import degrees

        return degrees(self.adjacency)

    def ids(self, index: Any) -> np.ndarray:
        """Map internal node indices (0..n-1) to the original node ids."""
        index = np.asarray(index)
        if self.node_ids is None:
            return index
        return self.node_ids[index]

    def index(self, nodes: Any, name: str = "nodes") -> np.ndarray:
        """Map nodes as the user names them to internal indices (the inverse of :meth:`ids`).

        For a graph with original ids (networkx input) ``nodes`` are those ids; otherwise
        indices in ``[0, n)``. One node or a sequence / set of nodes; unknown ids and
        out-of-range indices raise ValueError naming them.
        """
        from .validation import check_seeds

        if isinstance(nodes, (set, frozenset)):
            nodes = sorted(nodes, key=repr) if self.node_ids is not None else sorted(nodes)
        if self.node_ids is None:
            return check_seeds(nodes, self.n_nodes, name=name)
        items = list(nodes) if isinstance(nodes, (list, tuple, np.ndarray)) else [nodes]
        if not items:
            raise ValueError(f"{name} is empty: give at least one node.")
        lookup = self.meta.get("_id_index")
        if lookup is None:
            lookup = {(v.item() if isinstance(v, np.generic) else v): i for i, v in enumerate(self.node_ids)}
            self.meta["_id_index"] = lookup
        out = np.empty(len(items), dtype=np.int64)
        for k, v in enumerate(items):
            try:
                out[k] = lookup[v.item() if isinstance(v, np.generic) else v]
            except (KeyError, TypeError):
                raise ValueError(f"{name}: {v!r} is not a node of the graph.") from None
        return out

    def to(self, device: str) -> "Graph":
        """Copy of the graph on ``device`` ("cpu", "cuda" or "auto"); self if already there."""
        device = resolve_device(device)
        if device == self.device:
            return self
        ns = get_namespace(device)
        return dataclasses.replace(self, adjacency=ns.to_sparse(self.adjacency), features=_features_to(self.features, ns))

    def __repr__(self) -> str:
        feats = "none" if self.features is None else f"{self.features.shape[1]}"
        name = f"{self.name!r}, " if self.name else ""
        return (
            f"Graph({name}n_nodes={self.n_nodes}, n_edges={self.n_edges}, features={feats}, "
            f"weighted={self.is_weighted}, device={self.device!r})"
        )


@dataclass
class MultiplexGraph:
    """Several relations (edge types) over one node set. Build it with :func:`as_multiplex`.

    Attributes
    ----------
    relations : list of CSR adjacency matrices (canonical, as in :class:`Graph`)
    relation_names : list of str
    features, labels, node_ids, name : as in :class:`Graph`
    """

    relations: list
    relation_names: list
    features: Any = None
    labels: np.ndarray | None = None
    node_ids: np.ndarray | None = None
    name: str | None = None

    @property
    def n_nodes(self) -> int:
        return int(self.relations[0].shape[0])

    @property
    def n_relations(self) -> int:
        return len(self.relations)

    @property
    def device(self) -> str:
        return "cuda" if is_cupy_array(self.relations[0]) else "cpu"

    def graph(self, relation: int | str) -> Graph:
        """One relation as a :class:`Graph` sharing features and labels."""
        i = self.relation_names.index(relation) if isinstance(relation, str) else int(relation)
        return Graph(self.relations[i], self.features, self.labels, self.node_ids, self.relation_names[i])

    def ids(self, index: Any) -> np.ndarray:
        index = np.asarray(index)
        return index if self.node_ids is None else self.node_ids[index]

    def to(self, device: str) -> "MultiplexGraph":
        device = resolve_device(device)
        if device == self.device:
            return self
        ns = get_namespace(device)
        relations = [ns.to_sparse(A) for A in self.relations]
        return dataclasses.replace(self, relations=relations, features=_features_to(self.features, ns))

    def __repr__(self) -> str:
        rel = ", ".join(f"{r}: {int(A.nnz)} nnz" for r, A in zip(self.relation_names, self.relations))
        return f"MultiplexGraph(n_nodes={self.n_nodes}, relations=[{rel}], device={self.device!r})"


# --------------------------------------------------------------------------- helpers


def _is_sparse(x: Any) -> bool:
    if sp.issparse(x):
        return True
    return is_cupy_array(x) and type(x).__module__.startswith("cupyx")


def _features_to(features: Any, ns: Any) -> Any:
    """Node features moved to the device of namespace ``ns`` (sparse stays sparse)."""
    if features is None:
        return None
    return ns.to_sparse(features) if _is_sparse(features) else ns.asarray(features)


def _is_networkx(data: Any) -> bool:
    return type(data).__module__.startswith("networkx")


def _is_torch(x: Any) -> bool:
    return type(x).__module__.startswith("torch")


def _is_pyg_data(data: Any) -> bool:
    return type(data).__module__.startswith("torch_geometric") and hasattr(data, "edge_index")


def _to_numpy(x: Any) -> Any:
    """Torch tensors and cupy arrays to numpy; everything else untouched."""
    if _is_torch(x):
        import torch

        x = x.detach().cpu()
        if x.layout != torch.strided:
            # Any sparse layout (COO, CSR, CSC...) goes through COO, never through a dense copy.
            x = (x if x.is_sparse else x.to_sparse_coo()).coalesce()
            idx = x.indices().numpy()
            return sp.csr_array((x.values().numpy(), (idx[0], idx[1])), shape=tuple(x.shape))
        return x.numpy()
    return x


def _canonical_csr(A: Any, *, name: str = "adjacency", on_gpu: bool = False) -> Any:
    """float64 CSR copy with sorted indices, duplicates summed and explicit zeros removed."""
    if on_gpu:
        import cupyx.scipy.sparse as csp

        A = csp.csr_matrix(A, dtype=np.float64, copy=True)
        A.sum_duplicates()
        A.eliminate_zeros()
        return A
    if sp.issparse(A):
        A = sp.csr_array(A, dtype=np.float64, copy=True)
    else:
        arr = np.asarray(A)
        if arr.dtype == object:
            raise TypeError(f"{name}: cannot read an array of Python objects as a graph.")
        if arr.ndim != 2:
            raise ValueError(f"{name} must be 2-D (an n x n adjacency), got an array of shape {arr.shape}.")
        if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
            raise TypeError(f"{name} must be numeric, got dtype {arr.dtype}.")
        A = sp.csr_array(arr.astype(np.float64))
    A.sum_duplicates()  # also sorts indices
    A.eliminate_zeros()
    return A


def _validate_adjacency(A: Any, *, symmetrize: bool, directed: bool, name: str = "adjacency") -> Any:
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"{name} must be square (n x n), got shape {tuple(A.shape)}.")
    if A.shape[0] == 0:
        raise ValueError(f"{name} is empty: the graph has no nodes.")
    xp = get_namespace("cuda" if is_cupy_array(A) else "cpu").xp
    if A.nnz:
        if not bool(xp.isfinite(A.data).all()):
            raise ValueError(f"{name} has non-finite edge weights (NaN or inf).")
        if bool((A.data < 0).any()):
            raise ValueError(f"{name} has negative edge weights; graphclust needs non-negative weights.")
    if directed:
        return A
    if symmetrize:
        # The larger of w_ij and w_ji: a one-way edge of an unweighted list stays weight 1.
        return _canonical_csr(A.maximum(A.T), name=name, on_gpu=is_cupy_array(A))
    diff = A - A.T
    if diff.nnz:
        scale = float(abs(A.data).max()) if A.nnz else 1.0
        worst = float(abs(diff.data).max()) if diff.nnz else 0.0
        if worst > _SYMMETRY_RTOL * scale:
            raise ValueError(
                f"{name} is not symmetric (largest |A - A^T| entry is {worst:.3g}); this method needs an "
                "undirected graph. To use max(A, A^T), build the graph with graphclust.as_graph(data, "
                "symmetrize=True) and pass that (e.g. model.fit(graphclust.as_graph(data, symmetrize=True))); "
                "graphclust.io.read(path, symmetrize=True) for files."
            )
    return A


def _validate_features(features: Any, n_nodes: int, on_gpu: bool) -> Any:
    if features is None:
        return None
    features = _to_numpy(features)
    if _is_sparse(features):
        if features.ndim != 2:
            raise ValueError(f"features must be 2-D (n_nodes x n_features), got shape {features.shape}.")
        if features.shape[0] != n_nodes:
            raise ValueError(
                f"features has {features.shape[0]} rows but the graph has {n_nodes} nodes (one row per node)."
            )
        X = _canonical_csr(features, name="features", on_gpu=is_cupy_array(features))
        xp = get_namespace("cuda" if is_cupy_array(X) else "cpu").xp
        if X.nnz and not bool(xp.isfinite(X.data).all()):
            raise ValueError("features has non-finite entries (NaN or inf).")
    else:
        xp = get_namespace("cuda" if is_cupy_array(features) else "cpu").xp
        X = xp.array(features, copy=True)
        if X.ndim == 1:
            X = X[:, None]
        if X.ndim != 2:
            raise ValueError(f"features must be 2-D (n_nodes x n_features), got shape {X.shape}.")
        if X.shape[0] != n_nodes:
            raise ValueError(f"features has {X.shape[0]} rows but the graph has {n_nodes} nodes (one row per node).")
        if X.dtype == bool or np.issubdtype(X.dtype, np.integer):
            X = X.astype(np.float64)
        if not np.issubdtype(X.dtype, np.floating):
            raise TypeError(f"features must be numeric, got dtype {X.dtype}.")
        if not bool(xp.isfinite(X).all()):
            raise ValueError("features has non-finite entries (NaN or inf).")
    if on_gpu:
        return get_namespace("cuda").to_sparse(X) if _is_sparse(X) else get_namespace("cuda").asarray(X)
    return X


def _validate_labels(labels: Any, n_nodes: int) -> np.ndarray | None:
    if labels is None:
        return None
    y = _to_numpy(labels)
    y = y.get() if is_cupy_array(y) else np.asarray(y)
    if y.ndim != 1 or y.shape[0] != n_nodes:
        raise ValueError(f"labels must be 1-D with one entry per node ({n_nodes}), got shape {y.shape}.")
    if np.issubdtype(y.dtype, np.integer):
        return y.astype(np.int64, copy=True)
    if np.issubdtype(y.dtype, np.floating):
        if not np.all(np.isfinite(y)):
            # Encoding NaN as one more category would also shift the -1 (unknown) entries.
            raise ValueError("labels has non-finite entries (NaN or inf); mark unknown classes with -1.")
        if np.all(y == np.round(y)):
            return y.astype(np.int64)
    # Categorical labels (strings...): encode as 0..c-1 in sorted order.
    return np.unique(y, return_inverse=True)[1].astype(np.int64)


def _from_edge_index(edge_index: Any, num_nodes: int | None, edge_weight: Any) -> Any:
    ei = np.asarray(_to_numpy(edge_index))
    if ei.ndim != 2 or ei.shape[0] != 2:
        raise ValueError(f"edge_index must have shape (2, m), got {ei.shape}.")
    if ei.size and not np.issubdtype(ei.dtype, np.integer):
        raise TypeError(f"edge_index must hold integer node indices, got dtype {ei.dtype}.")
    m = ei.shape[1]
    if num_nodes is None:
        num_nodes = int(ei.max()) + 1 if m else 0
    if m and (ei.min() < 0 or ei.max() >= num_nodes):
        raise ValueError(
            f"edge_index out of range: node indices must lie in [0, {num_nodes}), found "
            f"{int(ei.min())}..{int(ei.max())}."
        )
    w = np.ones(m) if edge_weight is None else np.asarray(_to_numpy(edge_weight), dtype=np.float64).ravel()
    if w.shape[0] != m:
        raise ValueError(f"edge_weight has {w.shape[0]} entries for {m} edges.")
    return sp.coo_array((w, (ei[0], ei[1])), shape=(num_nodes, num_nodes))


def _networkx_attribute_matrix(G: Any, nodes: list, attr: str) -> np.ndarray:
    rows = []
    for v in nodes:
        if attr not in G.nodes[v]:
            raise ValueError(f"node {v!r} has no attribute {attr!r} (asked for as features or labels).")
        rows.append(np.asarray(G.nodes[v][attr]))
    return np.stack(rows)


def _node_ids(nodes: list) -> np.ndarray | None:
    if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in nodes) and list(nodes) == list(
        range(len(nodes))
    ):
        return None
    ids = np.empty(len(nodes), dtype=object)
    ids[:] = nodes
    # A homogeneous numeric or string array is nicer to use than object, but only when all ids
    # share one kind: np.asarray([1, "a"]) would silently turn the int 1 into the string "1".
    kinds = {
        "int" if isinstance(v, (int, np.integer)) and not isinstance(v, bool)
        else "float" if isinstance(v, (float, np.floating))
        else "str" if isinstance(v, str)
        else "other"
        for v in nodes
    }
    if len(kinds) == 1 and kinds != {"other"}:
        typed = np.asarray(nodes)
        if typed.ndim == 1 and typed.dtype != object:
            return typed
    return ids


# --------------------------------------------------------------------------- public


def as_graph(
    data: Any,
    *,
    features: Any = None,
    labels: Any = None,
    weight: str | None = "weight",
    symmetrize: bool = False,
    directed: bool = False,
    num_nodes: int | None = None,
    edge_weight: Any = None,
    device: str | None = None,
    name: str | None = None,
) -> Graph:
    """Convert and validate a graph from any supported input.

    Parameters
    ----------
    data : graph-like
        One of: a scipy.sparse matrix or array (any format); a dense numpy array (n x n,
        for small graphs); a networkx graph (node order kept, edge weights from ``weight``,
        never densified); a torch_geometric ``Data`` (``edge_index``, ``edge_weight``, ``x``,
        ``y``, ``num_nodes``); a ``(2, m)`` integer edge-index array (pass ``num_nodes`` for
        trailing isolated nodes; a 2 x 2 integer array is read as an edge index only when
        ``num_nodes`` is given, otherwise as a dense adjacency); a CuPy array or cupyx sparse
        matrix (the graph then lives on the GPU); or a :class:`Graph`.
    features : array-like, sparse matrix, torch tensor or str, optional
        Node attributes, one row per node. For networkx input a string names a node
        attribute holding each node's vector. Overrides features carried by ``data``.
    labels : array-like or str, optional
        Ground-truth classes (``-1`` = unknown); a string names a networkx node attribute.
        Non-integer labels are encoded as 0..c-1 in sorted order.
    weight : str or None
        networkx edge attribute holding the weight; None for an unweighted graph.
    symmetrize : bool
        Replace A by ``max(A, A^T)`` instead of rejecting an asymmetric matrix.
    directed : bool
        Keep an asymmetric adjacency as a directed graph (methods for undirected graphs
        refuse it).
    num_nodes : int, optional
        Number of nodes for edge-index input.
    edge_weight : array-like, optional
        Weights of the edges of an edge-index input.
    device : {"cpu", "cuda", "auto"}, optional
        Where the returned graph lives; default: where the input lives.
    name : str, optional

    Returns
    -------
    Graph

    Raises
    ------
    ValueError
        Non-square or empty adjacency, asymmetric adjacency (unless ``symmetrize`` or
        ``directed``), negative or non-finite weights, features or labels with the wrong
        number of rows, edge index out of range.
    TypeError
        Unsupported input type or non-numeric data.

    Examples
    --------
    >>> import networkx as nx
    >>> g = as_graph(nx.karate_club_graph(), weight=None)
    >>> g.n_nodes, g.n_edges
    (34, 78)
    >>> import numpy as np
    >>> as_graph(np.array([[0, 1, 2], [1, 0, 2]]), num_nodes=3, symmetrize=True).n_edges
    2
    """
    node_ids = None
    meta: dict = {}
    on_gpu = False
    if isinstance(data, MultiplexGraph):
        raise TypeError("got a MultiplexGraph where a single graph is needed; pick one relation with .graph(i).")
    if isinstance(data, Graph):
        g = data
        if features is not None:
            g = dataclasses.replace(g, features=_validate_features(features, g.n_nodes, g.device == "cuda"))
        if labels is not None:
            g = dataclasses.replace(g, labels=_validate_labels(labels, g.n_nodes))
        if g.directed and not directed:
            g = dataclasses.replace(
                g, adjacency=_validate_adjacency(g.adjacency, symmetrize=symmetrize, directed=False), directed=False
            )
        return g.to(device) if device is not None else g

    if _is_networkx(data):
        import networkx as nx

        nodes = list(data.nodes)
        if not nodes:
            raise ValueError("the networkx graph is empty: it has no nodes.")
        A = nx.to_scipy_sparse_array(data, nodelist=nodes, weight=weight, dtype=np.float64, format="csr")
        node_ids = _node_ids(nodes)
        if isinstance(features, str):
            features = _networkx_attribute_matrix(data, nodes, features)
        if isinstance(labels, str):
            labels = _networkx_attribute_matrix(data, nodes, labels)
        name = name or (data.name or None)
    elif _is_pyg_data(data):
        n = num_nodes if num_nodes is not None else data.num_nodes
        w = edge_weight
        if w is None:
            w = getattr(data, "edge_weight", None)
        if w is None and getattr(data, "edge_attr", None) is not None and data.edge_attr.dim() == 1:
            w = data.edge_attr
        A = _from_edge_index(data.edge_index, n, w)
        if features is None and getattr(data, "x", None) is not None:
            features = data.x
        if labels is None and getattr(data, "y", None) is not None and data.y.dim() == 1:
            labels = data.y
    elif is_cupy_array(data):
        on_gpu = True
        A = data
    else:
        data = _to_numpy(data)
        if sp.issparse(data):
            A = data
        else:
            if isinstance(data, (list, tuple)):
                data = np.asarray(data)
            if not isinstance(data, np.ndarray):
                raise TypeError(
                    f"cannot read a graph from {type(data).__name__}: expected a scipy sparse matrix, a numpy "
                    "array, a networkx graph, a torch_geometric Data, a (2, m) edge index or a CuPy array."
                )
            is_edge_index = (
                data.ndim == 2
                and data.shape[0] == 2
                and np.issubdtype(data.dtype, np.integer)
                and (data.shape[1] != 2 or num_nodes is not None)
            )
            if is_edge_index:
                A = _from_edge_index(data, num_nodes, edge_weight)
            else:
                if data.ndim == 2 and data.shape[0] != data.shape[1]:
                    raise ValueError(
                        f"adjacency must be square (n x n), got shape {data.shape}; for an edge list pass a (2, m) "
                        "integer array."
                    )
                A = data
    A = _canonical_csr(A, on_gpu=on_gpu)
    A = _validate_adjacency(A, symmetrize=symmetrize, directed=directed)
    n = A.shape[0]
    X = _validate_features(features, n, on_gpu)
    y = _validate_labels(labels, n)
    g = Graph(A, X, y, node_ids, name, directed=bool(directed), meta=meta)
    return g.to(device) if device is not None else g


def _align_relations(graphs: list, names: list) -> tuple:
    """Put every relation in the node order of the first relation.

    Relations read from networkx graphs carry their own node order (the order nodes were
    added), which usually differs between two graphs over the same nodes; stacking their
    matrices as they are would silently mix up the nodes. A relation without ids (a matrix)
    is read as nodes ``0..n-1`` when the ids are the integers ``0..n-1`` in some order, and
    as already being in the reference order otherwise.
    """
    n = graphs[0].n_nodes
    first = next(i for i, g in enumerate(graphs) if g.node_ids is not None)
    ids_first = graphs[first].node_ids.tolist()
    ref_is_range = all(isinstance(v, int) and not isinstance(v, bool) for v in ids_first) and set(
        ids_first
    ) == set(range(n))
    # The first relation fixes the order (features and labels follow it).
    ref = list(range(n)) if graphs[0].node_ids is None and ref_is_range else ids_first
    node_ids = None if graphs[0].node_ids is None and ref_is_range else graphs[first].node_ids
    adjacencies = []
    for g, nm in zip(graphs, names):
        if g.node_ids is None and not ref_is_range:
            adjacencies.append(g.adjacency)
            continue
        ids = list(range(n)) if g.node_ids is None else g.node_ids.tolist()
        if ids == ref:
            adjacencies.append(g.adjacency)
            continue
        where = {v: i for i, v in enumerate(ids)}
        try:
            perm = np.array([where[v] for v in ref], dtype=np.int64)
        except (KeyError, TypeError):
            raise ValueError(
                f"relation {nm!r} has other node ids than relation {names[first]!r}; all relations must share "
                "one node set."
            ) from None
        A = g.adjacency
        if is_cupy_array(A):
            import cupy

            p = cupy.asarray(perm)
            adjacencies.append(_canonical_csr(A[p][:, p], on_gpu=True))
        else:
            adjacencies.append(_canonical_csr(A[perm][:, perm]))
    return node_ids, adjacencies


def as_multiplex(
    relations: Any,
    *,
    features: Any = None,
    labels: Any = None,
    relation: str = "relation",
    weight: str | None = "weight",
    symmetrize: bool = False,
    device: str | None = None,
    name: str | None = None,
) -> MultiplexGraph:
    """Build a :class:`MultiplexGraph`: several relations over one node set.

    Parameters
    ----------
    relations : list, dict or networkx MultiGraph
        A list of adjacencies (anything :func:`as_graph` reads), a dict ``{name: adjacency}``,
        or a networkx (Multi)Graph whose edges carry the relation name in the attribute
        ``relation``. Relations that carry node ids (networkx graphs) are aligned on them:
        the first relation fixes the node order (features and labels follow it), and
        relations over other node ids are refused.
    features, labels, weight, symmetrize, device, name
        As in :func:`as_graph`.

    Returns
    -------
    MultiplexGraph

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.random(20, 20, density=0.2, random_state=0); A = A + A.T
    >>> B = sp.eye(20)
    >>> as_multiplex({"a": A, "b": B}).n_relations
    2
    """
    if isinstance(relations, MultiplexGraph):
        return relations.to(device) if device is not None else relations
    node_ids = None
    if _is_networkx(relations):
        G = relations
        nodes = list(G.nodes)
        if not nodes:
            raise ValueError("the networkx graph is empty: it has no nodes.")
        index = {v: i for i, v in enumerate(nodes)}
        by_rel: dict = {}
        for u, v, d in G.edges(data=True):
            if relation not in d:
                raise ValueError(f"edge ({u!r}, {v!r}) has no {relation!r} attribute naming its relation.")
            w = 1.0 if weight is None else float(d.get(weight, 1.0))
            by_rel.setdefault(d[relation], []).append((index[u], index[v], w))
        names = sorted(by_rel, key=str)
        mats = []
        for r in names:
            e = np.asarray(by_rel[r], dtype=np.float64)
            i, j = e[:, 0].astype(np.int64), e[:, 1].astype(np.int64)
            M = sp.coo_array((e[:, 2], (i, j)), shape=(len(nodes), len(nodes)))
            # An undirected networkx edge is listed once: mirror it (self-loops only once).
            mats.append(M if G.is_directed() else M + M.T - sp.diags_array(M.diagonal()))
        names = [str(r) for r in names]
        node_ids = _node_ids(nodes)
        if isinstance(features, str):
            features = _networkx_attribute_matrix(G, nodes, features)
        if isinstance(labels, str):
            labels = _networkx_attribute_matrix(G, nodes, labels)
    elif isinstance(relations, Mapping):
        names = [str(k) for k in relations]
        mats = list(relations.values())
    elif isinstance(relations, Sequence) and not isinstance(relations, (str, bytes)):
        mats = list(relations)
        names = [f"relation_{i}" for i in range(len(mats))]
    else:
        raise TypeError(
            f"relations must be a list or dict of adjacencies or a networkx MultiGraph, got {type(relations).__name__}."
        )
    if not mats:
        raise ValueError("relations is empty: give at least one relation.")
    graphs = [
        as_graph(M, weight=weight, symmetrize=symmetrize, name=nm) if not isinstance(M, Graph) else M
        for M, nm in zip(mats, names)
    ]
    sizes = {g.n_nodes for g in graphs}
    if len(sizes) != 1:
        raise ValueError(f"all relations must share one node set; got node counts {sorted(sizes)}.")
    n = graphs[0].n_nodes
    adjacencies = [g.adjacency for g in graphs]
    if node_ids is None and any(g.node_ids is not None for g in graphs):
        node_ids, adjacencies = _align_relations(graphs, names)
    on_gpu = graphs[0].device == "cuda"
    X = _validate_features(features, n, on_gpu)
    y = _validate_labels(labels, n)
    mg = MultiplexGraph(adjacencies, names, X, y, node_ids, name)
    return mg.to(device) if device is not None else mg
