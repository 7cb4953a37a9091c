"""Graph input: one validated, canonical representation for every supported input type.

:func:`as_graph` is the single boundary where user data enters graphclust. It accepts scipy
sparse matrices and arrays, dense numpy arrays, networkx graphs (never densified), PyTorch
Geometric ``Data`` objects, ``(2, m)`` edge-index arrays and CuPy arrays, validates them once,
and returns a :class:`Graph` whose adjacency is a canonical float64 CSR matrix. Inputs are
never modified: the adjacency is always a copy, and dense float32 / float64 features in C or
Fortran order are used through a read-only view of the caller's array, never copied.
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
# Stored entries from which the symmetry check runs the parallel fingerprint kernel
# (kernels/cpu/symmetry.py); below, scipy's A - A.T takes well under a millisecond and numba
# is not imported.
_FINGERPRINT_MIN_NNZ = 1 << 16


class _NodeSetGraph:
    """What :class:`Graph` and :class:`MultiplexGraph` share: one node set and its data.

    Subclasses are dataclasses with the fields ``features``, ``labels``, ``node_ids``,
    ``name`` and ``meta`` and implement :meth:`_adjacencies` (their sparse matrices, one per
    relation) and :meth:`_with_adjacencies` (a copy holding other matrices). Node ids,
    :meth:`ids` / :meth:`index`, the device, moving between devices and the consistency
    checks of features, labels and ids against the node set live here once.
    """

    features: Any
    labels: np.ndarray | None
    node_ids: np.ndarray | None
    name: str | None
    meta: dict

    def _adjacencies(self) -> list:  # pragma: no cover - implemented by subclasses
        raise NotImplementedError

    def _with_adjacencies(self, mats: list, features: Any) -> Any:  # pragma: no cover
        raise NotImplementedError

    def _describe(self, i: int) -> str:
        return "adjacency"

    def __post_init__(self) -> None:
        # Cheap structural checks (no pass over the data): a Graph built by hand, or changed
        # with dataclasses.replace, cannot hold matrices of several sizes or devices, nor
        # features / labels / ids of another length than the node set.
        mats = self._adjacencies()
        if not mats:
            raise ValueError(f"{type(self).__name__} needs at least one adjacency.")
        n = None
        device = None
        for i, A in enumerate(mats):
            shape = tuple(getattr(A, "shape", ()))
            if len(shape) != 2 or shape[0] != shape[1]:
                raise ValueError(f"{self._describe(i)} must be square (n x n), got shape {shape}.")
            dev = "cuda" if is_cupy_array(A) else "cpu"
            if n is None:
                n, device = int(shape[0]), dev
                continue
            if int(shape[0]) != n:
                raise ValueError(
                    f"{self._describe(i)} has {shape[0]} nodes but {self._describe(0)} has {n}: all relations "
                    "must share one node set."
                )
            if dev != device:
                raise ValueError(
                    f"{self._describe(i)} is on {dev!r} but {self._describe(0)} is on {device!r}: all relations "
                    "must live on one device (pass device=... to as_multiplex, or move them with .to())."
                )
        if self.features is not None:
            rows = int(self.features.shape[0]) if getattr(self.features, "ndim", 0) >= 1 else -1
            if rows != n:
                raise ValueError(f"features has {rows} rows but the graph has {n} nodes (one row per node).")
        if self.labels is not None and np.shape(self.labels) != (n,):
            raise ValueError(f"labels must have one entry per node ({n}), got shape {np.shape(self.labels)}.")
        if self.node_ids is not None and np.shape(self.node_ids) != (n,):
            raise ValueError(f"node_ids must have one entry per node ({n}), got shape {np.shape(self.node_ids)}.")

    @property
    def n_nodes(self) -> int:
        return int(self._adjacencies()[0].shape[0])

    @property
    def device(self) -> str:
        """``"cpu"`` or ``"cuda"``: where every adjacency lives (checked on all of them)."""
        devices = {"cuda" if is_cupy_array(A) else "cpu" for A in self._adjacencies()}
        if len(devices) != 1:
            raise ValueError(f"the relations of this graph live on several devices: {sorted(devices)}.")
        return devices.pop()

    @property
    def has_features(self) -> bool:
        return self.features is not None

    def ids(self, index: Any) -> np.ndarray:
        """Map internal node indices (0..n-1) to the original node ids.

        Parameters
        ----------
        index : int or array_like of int
            Internal node indices.

        Returns
        -------
        numpy.ndarray
            The original ids (the indices themselves when the graph has none).
        """
        index = np.asarray(index)
        if self.node_ids is None:
            return index
        return self.node_ids[index]

    def index(self, nodes: Any, name: str = "nodes") -> np.ndarray:
        """Map nodes as the user names them to internal indices (the inverse of :meth:`ids`).

        For a graph with original ids (networkx input) ``nodes`` are those ids; otherwise
        indices in ``[0, n)``. One node or a sequence / set of nodes; unknown ids and
        out-of-range indices raise ValueError naming them.

        Parameters
        ----------
        nodes : node id, index, or a sequence / set of them
            The nodes.
        name : str, default "nodes"
            Parameter name used in error messages.

        Returns
        -------
        numpy.ndarray of int64
        """
        from .validation import check_seeds

        if isinstance(nodes, (set, frozenset)):
            nodes = sorted(nodes, key=repr) if self.node_ids is not None else sorted(nodes)
        if self.node_ids is None:
            return check_seeds(nodes, self.n_nodes, name=name)
        lookup = self.meta.get("_id_index")
        if lookup is None:
            lookup = {(v.item() if isinstance(v, np.generic) else v): i for i, v in enumerate(self.node_ids)}
            self.meta["_id_index"] = lookup
        # A tuple that is itself a node (grid_2d_graph's (0, 0)) is one node; a list is a set of nodes.
        one = isinstance(nodes, tuple) and _hashable_in(nodes, lookup)
        items = list(nodes) if isinstance(nodes, (list, tuple, np.ndarray)) and not one else [nodes]
        if not items:
            raise ValueError(f"{name} is empty: give at least one node.")
        out = np.empty(len(items), dtype=np.int64)
        for k, v in enumerate(items):
            try:
                out[k] = lookup[v.item() if isinstance(v, np.generic) else v]
            except (KeyError, TypeError):
                raise ValueError(f"{name}: {v!r} is not a node of the graph.") from None
        return out

    def to(self, device: str) -> Any:
        """Copy of the graph on ``device`` ("cpu", "cuda" or "auto"); self if already there.

        Parameters
        ----------
        device : {"cpu", "cuda", "auto"}
            Target device.
        """
        device = resolve_device(device)
        if device == self.device:
            return self
        ns = get_namespace(device)
        return self._with_adjacencies([ns.to_sparse(A) for A in self._adjacencies()],
                                      _features_to(self.features, ns))


def _normalized(A: Any, self_loops: float) -> Any:
    """``D^{-1/2} (A + s I) D^{-1/2}`` (D the degrees of ``A + s I``) as CSR on A's device."""
    from .sparse import add_self_loops, normalize_symmetric

    s = float(self_loops)
    if not np.isfinite(s) or s < 0:
        raise ValueError(f"self_loops must be a finite, non-negative weight, got {self_loops!r}.")
    return normalize_symmetric(add_self_loops(A, s) if s else A)


@dataclass
class Graph(_NodeSetGraph):
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
    meta : dict
        Free-form information (generators store their ground truth here).
    """

    adjacency: Any
    features: Any = None
    labels: np.ndarray | None = None
    node_ids: np.ndarray | None = None
    name: str | None = None
    directed: bool = False
    meta: dict = field(default_factory=dict, repr=False)

    def _adjacencies(self) -> list:
        return [self.adjacency]

    def _with_adjacencies(self, mats: list, features: Any) -> "Graph":
        return dataclasses.replace(self, adjacency=mats[0], features=features)

    @property
    def n_edges(self) -> int:
        """Number of edges; an undirected edge counts once, a self-loop once."""
        return _edge_count(self.adjacency, self.directed)

    @property
    def is_weighted(self) -> bool:
        data = self.adjacency.data
        return bool(data.size and not (data == 1).all())

    def degrees(self) -> Any:
        """Weighted out-degrees (row sums), on the graph's device."""
        from .sparse import degrees

        return degrees(self.adjacency)

    def normalized_adjacency(self, *, self_loops: float = 0.0) -> Any:
        """``D^{-1/2} (A + s I) D^{-1/2}`` as CSR on the graph's device (undirected graphs).

        Parameters
        ----------
        self_loops : float, default=0.0
            Weight ``s`` added on the diagonal before normalizing (``1.0``: the GCN operator).

        Returns
        -------
        CSR matrix
            Zero-degree rows stay zero.

        Examples
        --------
        >>> import numpy as np
        >>> g = as_graph(np.array([[0, 1.0], [1.0, 0]]))
        >>> g.normalized_adjacency(self_loops=1.0).toarray()
        array([[0.5, 0.5],
               [0.5, 0.5]])
        """
        if self.directed:
            raise ValueError("normalized_adjacency needs an undirected graph; this one is directed.")
        return _normalized(self.adjacency, self_loops)

    def __repr__(self) -> str:
        feats = "none" if self.features is None else f"{self.features.shape[1]}"
        name = f"{self.name!r}, " if self.name else ""
        return (
            f"Graph({name}n_nodes={self.n_nodes}, n_edges={self.n_edges}, features={feats}, "
            f"weighted={self.is_weighted}, device={self.device!r})"
        )


def _edge_count(A: Any, directed: bool) -> int:
    if directed:
        return int(A.nnz)
    n_loops = int((A.diagonal() != 0).sum())
    return int((A.nnz + n_loops) // 2)


@dataclass
class MultiplexGraph(_NodeSetGraph):
    """Several relations (edge types) over one node set. Build it with :func:`as_multiplex`.

    Every relation is an undirected graph (:func:`as_multiplex` symmetrizes or refuses an
    asymmetric one), so :attr:`directed` is always False. All relations share one node
    set, one node order and one device; features and labels belong to the nodes, not to a
    relation.

    Attributes
    ----------
    relations : list of CSR adjacency matrices (canonical, as in :class:`Graph`)
    relation_names : list of str
        One distinct name per relation (dict keys, networkx relation attribute values, or
        ``relation_0, relation_1, ...``).
    features, labels, node_ids, name, meta : as in :class:`Graph`

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> m = as_multiplex({"a": sp.eye(3) + sp.eye(3, k=1) + sp.eye(3, k=-1), "b": sp.eye(3)})
    >>> m.n_edges, m.degrees("a").tolist()
    ([5, 3], [2.0, 3.0, 2.0])
    """

    relations: list
    relation_names: list
    features: Any = None
    labels: np.ndarray | None = None
    node_ids: np.ndarray | None = None
    name: str | None = None
    meta: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.relations = list(self.relations)
        self.relation_names = [str(r) for r in self.relation_names]
        if len(self.relation_names) != len(self.relations):
            raise ValueError(
                f"{len(self.relations)} relations but {len(self.relation_names)} relation names: give one name "
                "per relation."
            )
        if len(set(self.relation_names)) != len(self.relation_names):
            dup = sorted({r for r in self.relation_names if self.relation_names.count(r) > 1})
            raise ValueError(f"relation names must be distinct; repeated: {dup}.")
        super().__post_init__()

    def _adjacencies(self) -> list:
        return self.relations

    def _with_adjacencies(self, mats: list, features: Any) -> "MultiplexGraph":
        return dataclasses.replace(self, relations=mats, features=features)

    def _describe(self, i: int) -> str:
        names = getattr(self, "relation_names", None)
        return f"relation {names[i]!r}" if names and i < len(names) else f"relation {i}"

    @property
    def n_relations(self) -> int:
        return len(self.relations)

    @property
    def directed(self) -> bool:
        """Always False: the relations of a multiplex graph are undirected."""
        return False

    @property
    def n_edges(self) -> list:
        """Edges of each relation (an undirected edge counts once, a self-loop once)."""
        return [_edge_count(A, False) for A in self.relations]

    def relation_index(self, relation: int | str) -> int:
        """Position of ``relation`` (its name or its index); a ValueError for an unknown one.

        Parameters
        ----------
        relation : int or str
            Relation name or index.

        Returns
        -------
        int
        """
        if isinstance(relation, str):
            try:
                return self.relation_names.index(relation)
            except ValueError:
                raise ValueError(
                    f"unknown relation {relation!r}; the relations are {self.relation_names}."
                ) from None
        if isinstance(relation, (bool, np.bool_)) or not isinstance(relation, (int, np.integer)):
            raise TypeError(f"relation must be a name or an index, got {type(relation).__name__}.")
        i = int(relation)
        if not -self.n_relations <= i < self.n_relations:
            raise ValueError(f"relation index {i} out of range for {self.n_relations} relations.")
        return i % self.n_relations

    def adjacency(self, relation: int | str) -> Any:
        """The CSR adjacency of one relation (by name or index).

        Parameters
        ----------
        relation : int or str
            Relation name or index.

        Returns
        -------
        sparse matrix
        """
        return self.relations[self.relation_index(relation)]

    def degrees(self, relation: int | str | None = None) -> Any:
        """Weighted degrees of one relation, or a list with those of every relation (None).

        Parameters
        ----------
        relation : int, str or None, default None
            Relation name or index; None for all of them.

        Returns
        -------
        array or list of arrays
        """
        from .sparse import degrees

        if relation is None:
            return [degrees(A) for A in self.relations]
        return degrees(self.adjacency(relation))

    def normalized_adjacency(self, relation: int | str, *, self_loops: float = 0.0) -> Any:
        """``D^{-1/2} (A_r + s I) D^{-1/2}`` of one relation, as CSR on the graph's device.

        Parameters
        ----------
        relation : int or str
        self_loops : float, default=0.0
            Weight added on the diagonal before normalizing.
        """
        return _normalized(self.adjacency(relation), self_loops)

    def weighted_sum(
        self, weights: Sequence[float] | None = None, *, normalized: bool = False, self_loops: float = 0.0
    ) -> Any:
        """``sum_r w_r A_r`` as an :class:`graphclust.operators.WeightedSum` (nothing summed).

        Parameters
        ----------
        weights : sequence of float, optional
            One weight per relation (default all ones); changeable in place afterwards
            (``op.weights[:] = w``).
        normalized : bool, default=False
            Sum the normalized adjacencies (:meth:`normalized_adjacency`) instead.
        self_loops : float, default=0.0
            With ``normalized``: the diagonal weight added to each relation.

        Returns
        -------
        graphclust.operators.WeightedSum
        """
        from .operators import WeightedSum

        mats = [_normalized(A, self_loops) for A in self.relations] if normalized else self.relations
        return WeightedSum(mats, weights)

    def graph(self, relation: int | str) -> Graph:
        """One relation as a :class:`Graph` sharing features, labels and node ids.

        Parameters
        ----------
        relation : int or str
            Relation name or index.

        Returns
        -------
        Graph
        """
        i = self.relation_index(relation)
        return Graph(self.relations[i], self.features, self.labels, self.node_ids, self.relation_names[i])

    def __repr__(self) -> str:
        rel = ", ".join(f"{r}: {int(A.nnz)} nnz" for r, A in zip(self.relation_names, self.relations))
        return f"MultiplexGraph(n_nodes={self.n_nodes}, relations=[{rel}], device={self.device!r})"


# --------------------------------------------------------------------------- helpers


def _hashable_in(key: Any, lookup: dict) -> bool:
    try:
        return key in lookup
    except TypeError:  # an unhashable entry inside the tuple
        return False


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


def _refuse_complex(dtype: Any, name: str) -> None:
    if np.dtype(dtype).kind == "c":
        # casting to float64 would silently drop the imaginary part
        raise TypeError(f"{name} has complex entries (dtype {dtype}); graphclust needs real, non-negative weights.")


def _canonical_csr(A: Any, *, name: str = "adjacency", on_gpu: bool = False) -> Any:
    """float64 CSR copy with sorted indices, duplicates summed and explicit zeros removed.

    Sparse input has its index arrays checked first (:func:`~graphclust.validation.check_sparse_structure`):
    nothing malformed reaches scipy's or graphclust's compiled code. Complex input is refused;
    a boolean matrix keeps scipy's reading of duplicates (True, not 2).
    """
    from .validation import check_sparse_structure

    if on_gpu:
        import cupyx.scipy.sparse as csp

        if csp.issparse(A):
            check_sparse_structure(A, name)
            _refuse_complex(A.dtype, name)
            is_bool = A.dtype == bool
            A = A.astype(np.float64) if A.dtype != np.float64 else A.copy()
            A = A.tocsr()
        else:
            # dense CuPy input: the checks of the host path, then a float64 cast before the
            # conversion (cuSPARSE's dense2csr takes floating types only)
            if A.ndim != 2:
                raise ValueError(f"{name} must be 2-D (an n x n adjacency), got an array of shape {A.shape}.")
            if A.dtype.kind not in "biuf":
                _refuse_complex(A.dtype, name)
                raise TypeError(f"{name} must be numeric, got dtype {A.dtype}.")
            is_bool = A.dtype == bool
            A = csp.csr_matrix(A.astype(np.float64))
        A.sum_duplicates()
        if is_bool:
            A.data = A.data.clip(0, 1)  # duplicates of True stay True
        A.eliminate_zeros()
        return A
    if sp.issparse(A):
        check_sparse_structure(A, name)
        _refuse_complex(A.dtype, name)
        is_bool = A.dtype == bool
        A = sp.csr_array(A, dtype=np.float64, copy=True)
        A.sum_duplicates()  # also sorts indices
        if is_bool:
            np.minimum(A.data, 1.0, out=A.data)  # duplicates of True stay True, as scipy reads them
    else:
        arr = np.asarray(A)
        if arr.dtype == object:
            raise TypeError(f"{name}: cannot read an array of Python objects as a graph.")
        if arr.ndim != 2:
            raise ValueError(f"{name} must be 2-D (an n x n adjacency), got an array of shape {arr.shape}.")
        _refuse_complex(arr.dtype, name)
        if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
            raise TypeError(f"{name} must be numeric, got dtype {arr.dtype}.")
        A = sp.csr_array(arr.astype(np.float64))
        A.sum_duplicates()
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
        if not bool(xp.isfinite(A.data.sum())):
            # each weight is finite but the degrees overflow: every method would compute inf / nan
            raise ValueError(
                f"{name}: the edge weights are too large (their sum overflows float64, largest "
                f"{float(A.data.max()):.3g}); rescale them, e.g. divide by the largest weight."
            )
    if directed:
        return A
    if symmetrize:
        # The larger of w_ij and w_ji: a one-way edge of an unweighted list stays weight 1.
        return _canonical_csr(A.maximum(A.T), name=name, on_gpu=is_cupy_array(A))
    if not is_cupy_array(A) and A.nnz >= _FINGERPRINT_MIN_NNZ:
        from .kernels.cpu.symmetry import exactly_symmetric  # numba: on first use only

        # one parallel pass over the rows in storage order instead of A - A.T's transpose
        # (a random scatter of all entries: 0.25 s of 0.3 s validating a 10M-entry graph);
        # when it answers False, the difference below measures the asymmetry against the
        # tolerance
        if exactly_symmetric(A.indptr, A.indices, A.data):
            return A
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
        X = _dense_features(features, n_nodes)
    if on_gpu:
        return get_namespace("cuda").to_sparse(X) if _is_sparse(X) else get_namespace("cuda").asarray(X)
    return X


# Dense features in these dtypes and memory layouts are used as they are (a read-only view of
# the caller's array, never a copy: a (200000, 5000) float64 matrix is 7.5 GiB).
_FEATURE_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
# Elements per chunk of the finiteness check (bounds its boolean temporary to ~4 MB).
_FINITE_CHUNK = 1 << 22


def _all_finite(X: Any, xp: Any) -> bool:
    rows = max(1, _FINITE_CHUNK // max(1, X.shape[1]))
    return all(bool(xp.isfinite(X[s:s + rows]).all()) for s in range(0, X.shape[0], rows))


def _dense_features(features: Any, n_nodes: int) -> Any:
    """Validated dense features: a read-only view when the dtype and layout are accepted.

    float32 / float64 arrays that are C- or F-contiguous are not copied (methods never write
    into features; the view is read-only so that none can by mistake). Anything else (an
    integer, boolean or float16 array, a strided slice, a list) is copied once, to float64 C
    order (float32 stays float32), through the memory guard.
    """
    from .memory import check_dense

    xp = get_namespace("cuda" if is_cupy_array(features) else "cpu").xp
    X = xp.asarray(features)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2:
        raise ValueError(f"features must be 2-D (n_nodes x n_features), got shape {X.shape}.")
    if X.shape[0] != n_nodes:
        raise ValueError(f"features has {X.shape[0]} rows but the graph has {n_nodes} nodes (one row per node).")
    if not (X.dtype == bool or np.issubdtype(X.dtype, np.integer) or np.issubdtype(X.dtype, np.floating)):
        raise TypeError(f"features must be numeric, got dtype {X.dtype}.")
    contiguous = X.flags.c_contiguous or X.flags.f_contiguous
    if X.dtype in _FEATURE_DTYPES and contiguous:
        if not is_cupy_array(X):
            X = X.view()
            X.flags.writeable = False
    else:
        target = X.dtype if X.dtype in _FEATURE_DTYPES else np.dtype(np.float64)
        check_dense(
            X.shape, target, what="a copy of the features",
            hint="pass a C-contiguous float32 or float64 array, which is used without a copy (float32 halves it)",
        )
        X = xp.ascontiguousarray(X, dtype=target)
    if not _all_finite(X, xp):
        raise ValueError("features has non-finite entries (NaN or inf).")
    return X


def _validate_labels(labels: Any, n_nodes: int) -> np.ndarray | None:
    if labels is None:
        return None
    y = _to_numpy(labels)
    y = y.get() if is_cupy_array(y) else np.asarray(y)
    if y.ndim != 1 or y.shape[0] != n_nodes:
        raise ValueError(f"labels must be 1-D with one entry per node ({n_nodes}), got shape {y.shape}.")
    if y.dtype.kind == "c":
        raise TypeError(f"labels must be integer classes or categories, got complex dtype {y.dtype}.")
    if np.issubdtype(y.dtype, np.integer):
        if y.dtype.kind == "u" and y.size and int(y.max()) > np.iinfo(np.int64).max:
            raise ValueError(f"labels has a class id {int(y.max())} too large for int64.")
        return y.astype(np.int64, copy=True)
    if np.issubdtype(y.dtype, np.floating):
        if not np.all(np.isfinite(y)):
            # Encoding NaN as one more category would also shift the -1 (unknown) entries.
            raise ValueError("labels has non-finite entries (NaN or inf); mark unknown classes with -1.")
        frac = y != np.round(y)
        if frac.any():
            # Encoding floats as categories would turn the unknown marker -1 into a class.
            raise ValueError(
                f"labels must be integer classes (-1 = unknown); got the non-integer value {y[frac][0].item()!r}."
            )
        if y.size and (y.min() < np.iinfo(np.int64).min or y.max() > np.iinfo(np.int64).max):
            raise ValueError("labels has class ids too large for int64.")
        return y.astype(np.int64)
    # Categorical labels (strings...): encode as 0..c-1 in sorted order.
    try:
        return np.unique(y, return_inverse=True)[1].astype(np.int64).ravel()
    except TypeError:
        raise TypeError(
            "labels mixes values that cannot be sorted together (e.g. numbers and strings); give integer "
            "classes (-1 = unknown) or categories of one type."
        ) from None


def _from_edge_index(edge_index: Any, num_nodes: int | None, edge_weight: Any) -> Any:
    from .validation import check_num_nodes

    ei = _to_numpy(edge_index)
    ei = ei.get() if is_cupy_array(ei) else np.asarray(ei)
    if ei.ndim != 2 or ei.shape[0] != 2:
        raise ValueError(f"edge_index must have shape (2, m), got {ei.shape}.")
    if ei.size and (ei.dtype == bool or not np.issubdtype(ei.dtype, np.integer)):
        raise TypeError(f"edge_index must hold integer node indices, got dtype {ei.dtype}.")
    m = ei.shape[1]
    # Python ints: uint64 ids at or above 2**63 must not overflow on the way
    lo, hi = (int(ei.min()), int(ei.max())) if m else (0, -1)
    if num_nodes is None:
        if not m:
            raise ValueError("edge_index is empty (no edges): pass num_nodes for a graph without edges.")
        if lo < 0:
            raise ValueError(f"edge_index out of range: node indices must be >= 0, found {lo}.")
        num_nodes = check_num_nodes(hi + 1, name="the largest node index + 1")
    else:
        num_nodes = check_num_nodes(num_nodes)
    if m and (lo < 0 or hi >= num_nodes):
        raise ValueError(
            f"edge_index out of range: node indices must lie in [0, {num_nodes}), found {lo}..{hi}."
        )
    if edge_weight is None:
        w = np.ones(m)
    else:
        w = _to_numpy(edge_weight)
        w = np.asarray(w.get() if is_cupy_array(w) else w).ravel()
        _refuse_complex(w.dtype, "edge_weight")
        if not (np.issubdtype(w.dtype, np.number) or w.dtype == bool):
            raise TypeError(f"edge_weight must be numeric, got dtype {w.dtype}.")
        w = w.astype(np.float64)
    if w.shape[0] != m:
        raise ValueError(f"edge_weight has {w.shape[0]} entries for {m} edges.")
    return sp.coo_array((w, (ei[0].astype(np.int64), ei[1].astype(np.int64))), shape=(num_nodes, num_nodes))


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
        attribute holding each node's vector. Overrides features carried by ``data``. Dense
        float32 / float64 arrays in C or Fortran order are kept without a copy (a read-only
        view); other dense input is copied once to float64 (float32 stays float32).
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
        g = data if data.meta.get("_validated") else _revalidate(data, symmetrize=symmetrize)
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
        if (
            not _is_sparse(data) and data.ndim == 2 and data.shape[0] == 2 and data.dtype.kind in "iu"
            and (data.shape[1] != 2 or num_nodes is not None)
        ):
            # a (2, m) edge index on the device, read as on the host (same rule for 2 x 2)
            A = get_namespace("cuda").to_sparse(_from_edge_index(data, num_nodes, edge_weight))
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
    meta["_validated"] = True
    g = Graph(A, X, y, node_ids, name, directed=bool(directed), meta=meta)
    return g.to(device) if device is not None else g


def _revalidate(g: Graph, *, symmetrize: bool) -> Graph:
    """A :class:`Graph` built directly (not by :func:`as_graph`) goes through the checks once."""
    on_gpu = is_cupy_array(g.adjacency)
    A = _canonical_csr(g.adjacency, on_gpu=on_gpu)
    A = _validate_adjacency(A, symmetrize=symmetrize, directed=bool(g.directed))
    n = A.shape[0]
    if g.node_ids is not None and len(g.node_ids) != n:
        raise ValueError(f"node_ids has {len(g.node_ids)} entries for a graph with {n} nodes.")
    meta = dict(g.meta)
    meta["_validated"] = True
    return dataclasses.replace(
        g, adjacency=A, features=_validate_features(g.features, n, on_gpu), labels=_validate_labels(g.labels, n),
        meta=meta,
    )


def _is_range(ids: list) -> bool:
    """True when ``ids`` are the integers ``0..n-1`` in some order."""
    return all(isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)) for v in ids) and set(
        ids
    ) == set(range(len(ids)))


def _relation_ids(M: Any, g: Graph) -> list | None:
    """The node ids a relation carries, or None for a plain matrix (nodes by position).

    A networkx graph carries its node list (also when it is ``0..n-1``) and a
    :class:`Graph` its ``node_ids`` (``0..n-1`` when it has none, as its docstring says);
    matrices, edge indices and PyG ``Data`` carry none.
    """
    if _is_networkx(M):
        return list(M.nodes)
    if isinstance(M, Graph):
        return list(range(g.n_nodes)) if g.node_ids is None else g.node_ids.tolist()
    return None


def _show_ids(ids: Any, limit: int = 3) -> str:
    ids = list(ids)
    shown = ", ".join(repr(v) for v in ids[:limit])
    return shown + (", ..." if len(ids) > limit else "")


def _align_relations(ids: list, names: list, n: int) -> tuple:
    """The node order of a multiplex graph and the permutation that brings each relation to it.

    Relations read from networkx graphs carry their own node order (the order nodes were
    added), which usually differs between two graphs over the same nodes; stacking their
    matrices as they are would silently mix up the nodes. The first relation that carries
    ids fixes the order (features and labels follow it), except that a first relation
    without ids (a matrix) next to ids ``0..n-1`` makes the order ``0..n-1``. A relation
    without ids is read as nodes ``0..n-1`` when the ids are the integers ``0..n-1`` in some
    order, and as already being in the reference order otherwise. A relation over other ids
    than the reference raises a ValueError naming both.

    Returns
    -------
    node_ids : ndarray or None
    perms : list of (int64 ndarray or None)
        For relation ``j``, ``perms[j][i]`` is the row of relation ``j`` holding node ``i``
        of the reference order; None when the relation is already in that order.
    """
    carrying = [j for j, ids_j in enumerate(ids) if ids_j is not None]
    if not carrying:
        return None, [None] * len(ids)
    first = carrying[0]
    ref_is_range = _is_range(ids[first])
    ref = list(range(n)) if ids[0] is None and ref_is_range else ids[first]
    ref_name = names[0] if ids[0] is None and ref_is_range else names[first]
    perms = []
    for j, (ids_j, nm) in enumerate(zip(ids, names)):
        if ids_j is None:
            if not ref_is_range:
                perms.append(None)  # by position, in the reference order
                continue
            ids_j = list(range(n))
        if ids_j == ref:
            perms.append(None)
            continue
        where = {v: i for i, v in enumerate(ids_j)}
        missing = [v for v in ref if v not in where]
        if missing or len(where) != n:
            extra = [v for v in ids_j if v not in set(ref)] if len(where) == n else ["(repeated ids)"]
            raise ValueError(
                f"relation {nm!r} (relation {j}) has other node ids than relation {ref_name!r}: "
                f"{_show_ids(missing)} of {ref_name!r} are not among its nodes, which include "
                f"{_show_ids(extra)}; all relations must share one node set (relabel the nodes so they agree)."
            )
        perms.append(np.array([where[v] for v in ref], dtype=np.int64))
    return _node_ids(ref), perms


def _permute_rows(X: Any, perm: Any) -> Any:
    if perm is None or X is None:
        return X
    if is_cupy_array(X):
        import cupy

        perm = cupy.asarray(perm)
    return X[perm]


def _permute_adjacency(A: Any, perm: Any) -> Any:
    if perm is None:
        return A
    if is_cupy_array(A):
        import cupy

        p = cupy.asarray(perm)
        return _canonical_csr(A[p][:, p], on_gpu=True)
    return _canonical_csr(A[perm][:, perm])


def _same_data(X: Any, Y: Any) -> bool:
    """Equal node features / labels (same shape, same values; sparse or dense)."""
    if X is Y:
        return True
    if X.shape != Y.shape or _is_sparse(X) != _is_sparse(Y):
        return False
    if _is_sparse(X):
        return (X != Y).nnz == 0
    xp = get_namespace("cuda" if is_cupy_array(X) else "cpu").xp
    return bool(xp.array_equal(X, Y))


def _carried(values: list, names: list, what: str) -> Any:
    """The one value of ``what`` the relations carry (None if none); refuse disagreeing ones."""
    given = [(nm, v) for nm, v in zip(names, values) if v is not None]
    if not given:
        return None
    nm0, v0 = given[0]
    for nm, v in given[1:]:
        if not _same_data(v0, v):
            raise ValueError(
                f"relations {nm0!r} and {nm!r} carry different {what}; a multiplex graph has one set of node "
                f"{what}: pass {what}=... to as_multiplex to choose them."
            )
    return v0


def _is_canonical_csr(A: Any) -> bool:
    if is_cupy_array(A):
        return getattr(A, "format", None) == "csr" and A.dtype == np.float64 and bool(A.has_canonical_format)
    return isinstance(A, sp.csr_array) and A.dtype == np.float64 and A.has_canonical_format and not (
        A.nnz and bool((A.data == 0).any())
    )


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
    """Build a :class:`MultiplexGraph`: several undirected relations over one node set.

    Parameters
    ----------
    relations : list, dict or networkx MultiGraph
        A list of adjacencies (anything :func:`as_graph` reads, :class:`Graph` included), a
        dict ``{name: adjacency}`` (names kept), or a networkx (Multi)Graph whose edges carry
        their relation's name in the attribute ``relation``. Every relation is validated as
        :func:`as_graph` does (a :class:`Graph` too), against one node count and one device.
        Relations that carry node ids (networkx graphs, Graphs) are aligned on them: the
        first one fixes the node order (features and labels follow it), and a relation over
        other node ids is refused, naming it. Features and labels carried by relations
        (``Graph.features``, PyG ``Data.x`` / ``y``) are kept when ``features`` /
        ``labels`` are not given and all relations that carry them agree.
    features, labels : optional
        As in :func:`as_graph`; given, they override those carried by the relations.
    relation : str, default="relation"
        networkx input: the edge attribute naming the relation.
    weight, symmetrize, name
        As in :func:`as_graph`.
    device : {"cpu", "cuda", "auto"}, optional
        Where the graph lives; default: where the relations live (all on one device, or a
        ValueError names the one that differs).

    Returns
    -------
    MultiplexGraph

    Raises
    ------
    ValueError
        Empty input, relations over other node counts, node ids or devices, repeated
        relation names, disagreeing carried features or labels, and every error of
        :func:`as_graph`, each naming the relation.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.random(20, 20, density=0.2, random_state=0); A = A + A.T
    >>> B = sp.eye(20)
    >>> m = as_multiplex({"a": A, "b": B})
    >>> m.n_relations, m.relation_names, m.n_edges[1]
    (2, ['a', 'b'], 20)
    """
    if isinstance(relations, MultiplexGraph):
        mg = relations
        if features is not None:
            mg = dataclasses.replace(mg, features=_validate_features(features, mg.n_nodes, mg.device == "cuda"))
        if labels is not None:
            mg = dataclasses.replace(mg, labels=_validate_labels(labels, mg.n_nodes))
        return mg.to(device) if device is not None else mg
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
    if len(set(names)) != len(names):
        raise ValueError(f"relation names must be distinct once written as strings, got {names}.")
    if any(isinstance(M, MultiplexGraph) for M in mats):
        raise TypeError("a relation cannot itself be a MultiplexGraph; pass its relations (.relations) instead.")

    graphs = []
    for M, nm in zip(mats, names):
        if isinstance(M, Graph):
            graphs.append(M)  # validated below, relation by relation
            continue
        try:
            graphs.append(as_graph(M, weight=weight, symmetrize=symmetrize, name=nm))
        except (ValueError, TypeError) as err:
            raise type(err)(f"relation {nm!r}: {err}") from None
    n = graphs[0].n_nodes
    for g, nm in zip(graphs, names):
        if g.n_nodes != n:
            raise ValueError(
                f"relation {nm!r} has {g.n_nodes} nodes but relation {names[0]!r} has {n}: all relations must "
                "share one node set."
            )
    if device is not None:
        graphs = [g.to(device) for g in graphs]
    else:
        for g, nm in zip(graphs, names):
            if g.device != graphs[0].device:
                raise ValueError(
                    f"relation {nm!r} is on {g.device!r} but relation {names[0]!r} is on {graphs[0].device!r}: all "
                    "relations must live on one device (pass device=... to move them)."
                )
    on_gpu = graphs[0].device == "cuda"

    adjacencies = []
    for M, g, nm in zip(mats, graphs, names):
        A = g.adjacency
        if isinstance(M, Graph):
            # A Graph may have been built by hand or be directed: validate it like any input.
            try:
                if not _is_canonical_csr(A):
                    A = _canonical_csr(A, name=f"relation {nm!r}", on_gpu=on_gpu)
                A = _validate_adjacency(A, symmetrize=symmetrize, directed=False)
            except (ValueError, TypeError) as err:
                raise type(err)(f"relation {nm!r}: {err}") from None
        adjacencies.append(A)

    perms = [None] * len(graphs)
    if node_ids is None:
        node_ids, perms = _align_relations([_relation_ids(M, g) for M, g in zip(mats, graphs)], names, n)
    adjacencies = [_permute_adjacency(A, p) for A, p in zip(adjacencies, perms)]
    if features is None:
        features = _carried([_permute_rows(g.features, p) for g, p in zip(graphs, perms)], names, "features")
    if labels is None:
        labels = _carried([_permute_rows(g.labels, p) for g, p in zip(graphs, perms)], names, "labels")
    X = _validate_features(features, n, on_gpu)
    y = _validate_labels(labels, n)
    return MultiplexGraph(adjacencies, names, X, y, node_ids, name)
