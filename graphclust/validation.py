"""Small shared checks used once, at the boundary of every public function.

Every failure is a :class:`ValueError` or :class:`TypeError` whose message names the
parameter and says what was expected, so a user sees at once what to fix.
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .seeding import check_random_state, seed_from  # noqa: F401  (one definition, in seeding)

__all__ = [
    "check_random_state",
    "check_n_clusters",
    "check_scalar",
    "check_seeds",
    "check_node_vector",
    "check_features",
    "check_choice",
    "check_bool",
    "check_num_nodes",
    "check_sparse_structure",
    "check_labels",
]


def check_scalar(
    value: Any,
    name: str,
    *,
    kind: type = float,
    low: float | None = None,
    high: float | None = None,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
) -> Any:
    """Check that ``value`` is a finite number of ``kind`` (int or float) in a range.

    Returns the value converted to ``kind``.

    Parameters
    ----------
    value : object
        The value to check.
    name : str
        Parameter name used in the error message.
    kind : {float, int}, default float
        The type the value must be (and is converted to); ``bool`` is refused for both.
    low, high : float, optional
        Bounds of the allowed range (None: unbounded on that side).
    low_inclusive, high_inclusive : bool, default True
        Whether each bound itself is allowed.

    Examples
    --------
    >>> check_scalar(0.5, "alpha", low=0, high=1)
    0.5
    """
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.number)):
        raise TypeError(f"{name} must be {'an' if kind is int else 'a'} {kind.__name__}, got {type(value).__name__} ({value!r}).")
    if kind is int:
        if not float(value).is_integer():
            raise TypeError(f"{name} must be an integer, got {value!r}.")
        value = int(value)
        if not -(2**63) <= value < 2**63:  # the kernels take int64: a larger count is refused here
            raise ValueError(f"{name} must fit in a 64-bit integer, got {value!r}.")
    else:
        value = float(value)
        if not np.isfinite(value):
            raise ValueError(f"{name} must be finite, got {value!r}.")
    if low is not None and (value < low or (value == low and not low_inclusive)):
        op = ">=" if low_inclusive else ">"
        raise ValueError(f"{name} must be {op} {low}, got {value!r}.")
    if high is not None and (value > high or (value == high and not high_inclusive)):
        op = "<=" if high_inclusive else "<"
        raise ValueError(f"{name} must be {op} {high}, got {value!r}.")
    return value


def check_n_clusters(n_clusters: Any, n_nodes: int, name: str = "n_clusters") -> int:
    """Check that ``n_clusters`` is an integer in ``[1, n_nodes]``.

    Parameters
    ----------
    n_clusters : object
        The requested number of clusters.
    n_nodes : int
        Number of nodes of the graph (the largest allowed value).
    name : str, default "n_clusters"
        Parameter name used in the error message.

    Examples
    --------
    >>> check_n_clusters(3, 10)
    3
    """
    return check_scalar(n_clusters, name, kind=int, low=1, high=n_nodes)


def check_bool(value: Any, name: str, *, allow_int: bool = False) -> Any:
    """Check a flag: ``True`` / ``False`` (numpy bools too); ints >= 0 with ``allow_int``
    (verbosity levels). A string such as ``"False"`` is truthy in Python, so it is refused.

    Parameters
    ----------
    value : object
        The flag to check.
    name : str
        Parameter name used in the error message.
    allow_int : bool, default False
        Also accept non-negative integers (returned as int), as verbosity levels are.

    Examples
    --------
    >>> check_bool(np.bool_(True), "tfidf")
    True
    """
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if allow_int and isinstance(value, (numbers.Integral, np.integer)) and value >= 0:
        return int(value)
    raise TypeError(f"{name} must be True or False, got {type(value).__name__} ({value!r}).")


def check_labels(labels: Any, name: str = "labels", n_nodes: int | None = None) -> np.ndarray:
    """Check a 1-D vector of class labels, one per node when ``n_nodes`` is given.

    Integers, bools, integral floats, or categories of one sortable type (strings...) are
    accepted; NaN, infinite, fractional and complex labels are refused. Integral floats and
    bools come back as int64, the rest unchanged (no copy).

    Parameters
    ----------
    labels : array-like, shape (n,)
    name : str, default="labels"
        The parameter named in the error messages.
    n_nodes : int, optional
        The length ``labels`` must have.

    Returns
    -------
    ndarray, shape (n,)

    Examples
    --------
    >>> check_labels([0.0, 1.0, 1.0]).tolist()
    [0, 1, 1]
    >>> check_labels([[0, 1]], "y_true")
    Traceback (most recent call last):
    ...
    ValueError: labels must be 1-D: y_true has shape (1, 2).
    """
    y = np.asarray(labels)
    if y.ndim != 1:
        raise ValueError(f"labels must be 1-D: {name} has shape {y.shape}.")
    if n_nodes is not None and y.shape[0] != n_nodes:
        raise ValueError(f"{name} must have one entry per node ({n_nodes}), got {y.shape[0]}.")
    kind = y.dtype.kind
    if kind == "c":
        raise TypeError(f"{name} must hold class labels, got complex dtype {y.dtype}.")
    if kind == "f":
        if not np.all(np.isfinite(y)):
            raise ValueError(f"{name} has NaN or infinite entries; every node needs a label (-1 = unknown in y_true).")
        frac = y != np.round(y)
        if frac.any():
            raise ValueError(f"{name} must hold integer labels, got the non-integer value {y[frac][0].item()!r}.")
        return y.astype(np.int64)
    if kind == "b":
        return y.astype(np.int64)
    if kind == "O":
        if any(isinstance(v, float) and v != v for v in y.tolist()):
            raise ValueError(f"{name} has NaN entries; every node needs a label.")
        try:
            np.unique(y)
        except TypeError:
            raise TypeError(f"{name} mixes label types that cannot be compared (e.g. numbers and strings).") from None
    return y


def check_choice(value: Any, name: str, choices: tuple) -> Any:
    """Check that ``value`` is one of ``choices``.

    Parameters
    ----------
    value : object
        The value to check.
    name : str
        Parameter name used in the error message.
    choices : tuple
        The allowed values.

    Returns
    -------
    object
        ``value``, unchanged.

    Examples
    --------
    >>> check_choice("flow", "method", ("flow", "pagerank"))
    'flow'
    """
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}.")
    return value


def check_seeds(seeds: Any, n_nodes: int, name: str = "seeds") -> np.ndarray:
    """Check seed nodes: one int or a 1-D sequence of ints in ``[0, n_nodes)``, at least one.

    Returns an int64 array (duplicates kept in order; callers decide what they mean).

    Parameters
    ----------
    seeds : int or sequence of int
        Seed node index or indices.
    n_nodes : int
        Number of nodes of the graph.
    name : str, default "seeds"
        Parameter name used in the error message.

    Examples
    --------
    >>> check_seeds(3, 10)
    array([3])
    """
    arr = np.atleast_1d(np.asarray(seeds))
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a node index or a 1-D sequence of node indices, got shape {arr.shape}.")
    if arr.size == 0:
        raise ValueError(f"{name} is empty: give at least one seed node.")
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        if np.issubdtype(arr.dtype, np.floating) and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
            arr = arr.astype(np.int64)
        else:
            raise TypeError(f"{name} must be integer node indices, got dtype {arr.dtype}.")
    arr = arr.astype(np.int64, copy=False)
    bad = (arr < 0) | (arr >= n_nodes)
    if bad.any():
        raise ValueError(
            f"{name} out of range: {arr[bad][:5].tolist()} not in [0, {n_nodes}) for a graph with {n_nodes} nodes."
        )
    return arr


def check_node_vector(x: Any, n_nodes: int, name: str, dtype: Any = np.float64) -> np.ndarray:
    """Check a per-node vector of length ``n_nodes`` with finite entries; returns a new array.

    Parameters
    ----------
    x : array_like of shape (n_nodes,)
        The per-node values.
    n_nodes : int
        Number of nodes of the graph.
    name : str
        Parameter name used in the error message.
    dtype : numpy dtype, default float64
        dtype of the returned copy.

    Returns
    -------
    numpy.ndarray of shape (n_nodes,)

    Examples
    --------
    >>> check_node_vector([1, 2, 3], 3, "weights")
    array([1., 2., 3.])
    """
    arr = np.array(x, dtype=dtype, copy=True)
    if arr.ndim != 1 or arr.shape[0] != n_nodes:
        raise ValueError(f"{name} must be a 1-D array with one entry per node ({n_nodes}), got shape {arr.shape}.")
    if np.issubdtype(arr.dtype, np.floating) and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} has non-finite entries.")
    return arr


def check_features(features: Any, n_nodes: int) -> Any:
    """Check node features: one row per node, numeric and finite; returns a validated copy.

    The same check :func:`graphclust.as_graph` applies to ``features=``, for functions that
    take features apart from a graph. Dense input comes back as a 2-D float array (a 1-D
    vector becomes one column; float32 stays float32), sparse input as a float64 CSR matrix
    (canonical, as an adjacency); both stay on their device. ``None`` is returned as is.

    Parameters
    ----------
    features : array_like, sparse matrix or None
        Node features, one row per node (numpy, scipy sparse, CuPy or cupyx).
    n_nodes : int
        Number of nodes of the graph.

    Examples
    --------
    >>> check_features([[1, 0], [0, 1], [1, 1]], 3).dtype
    dtype('float64')
    """
    from .backend import is_cupy_array
    from .graph import _validate_features

    return _validate_features(features, n_nodes, on_gpu=is_cupy_array(features))


def check_num_nodes(num_nodes: Any, name: str = "num_nodes", *, hint: str | None = None) -> int:
    """Check a node count: an integer >= 1 whose O(n) index arrays fit in memory.

    A count sized from user data (the largest id of an edge list, ``num_nodes=``) goes through
    the memory guard: a graph of 10**12 nodes needs an 8 TB index pointer, which is refused here
    with a :class:`~graphclust.memory.MemoryLimitError` instead of failing inside scipy.

    Parameters
    ----------
    num_nodes : object
        The node count.
    name : str, default "num_nodes"
        Parameter name used in the error message.
    hint : str, optional
        What to tell the user when the count is refused by the memory guard.

    Examples
    --------
    >>> check_num_nodes(3)
    3
    """
    from .memory import check_bytes

    n = check_scalar(num_nodes, name, kind=int, low=1)
    # indptr (int64) plus one float64 per node (degrees), the least any method allocates
    check_bytes(16 * (n + 1), what=f"a graph of {n} nodes ({name})",
                hint=hint or f"check {name}: is the node count (or the largest node index) right?")
    return n


def _check_index_array(arr: Any, name: str, what: str) -> None:
    if arr.ndim != 1 or arr.dtype.kind not in "iu":
        raise TypeError(f"{name}: {what} must be a 1-D integer array, got dtype {arr.dtype} with shape {arr.shape}.")


def check_sparse_structure(A: Any, name: str = "adjacency") -> None:
    """Check the index arrays of a sparse matrix completely: O(nnz), no copy of valid input.

    scipy (and cupyx) constructors check lengths but not values, so a CSR matrix whose
    ``indices`` point outside the matrix, or whose ``indptr`` descends, reaches compiled code
    that reads or writes out of bounds (a segmentation fault or silently random results).
    This checks, for CSR / CSC / BSR, that ``indptr`` has ``n_major + 1`` entries, runs from 0
    to at most ``len(indices)`` without descending, and that the stored ``indices`` lie in
    ``[0, n_minor)``; for COO that every coordinate lies inside the shape. Other formats (LIL,
    DOK, DIA) are checked by scipy on insertion. Raises ValueError (TypeError for non-integer
    index arrays) naming ``name``.

    Parameters
    ----------
    A : scipy or cupyx sparse matrix or array
        The matrix whose index arrays are checked.
    name : str, default "adjacency"
        Parameter name used in the error message.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> check_sparse_structure(sp.eye(3, format="csr"))
    >>> bad = sp.csr_array((np.ones(2), [7, 0], [0, 1, 2]), shape=(2, 2))
    >>> check_sparse_structure(bad)
    Traceback (most recent call last):
    ...
    ValueError: adjacency: column index 7 out of range [0, 2) (malformed sparse matrix).
    """
    fmt = getattr(A, "format", None)
    shape = tuple(int(s) for s in A.shape)
    if len(shape) != 2:
        raise ValueError(f"{name} must be 2-D, got shape {shape}.")
    if fmt in ("csr", "csc", "bsr"):
        indptr, indices = A.indptr, A.indices
        _check_index_array(indptr, name, "indptr")
        _check_index_array(indices, name, "indices")
        if fmt == "bsr":
            R, C = A.blocksize
            n_major, n_minor, axis = shape[0] // R, shape[1] // C, "block column"
        elif fmt == "csr":
            n_major, n_minor, axis = shape[0], shape[1], "column"
        else:
            n_major, n_minor, axis = shape[1], shape[0], "row"
        if indptr.shape[0] != n_major + 1:
            raise ValueError(
                f"{name}: indptr has {indptr.shape[0]} entries, a {shape} {fmt} matrix needs {n_major + 1} "
                "(malformed sparse matrix)."
            )
        first, last = int(indptr[0]), int(indptr[-1])
        if first != 0 or last < 0 or last > indices.shape[0] or last > A.data.shape[0]:
            raise ValueError(
                f"{name}: indptr must start at 0 and end at most at len(indices)={indices.shape[0]}, got "
                f"indptr[0]={first}, indptr[-1]={last} (malformed sparse matrix)."
            )
        if n_major and bool((indptr[1:] < indptr[:-1]).any()):
            raise ValueError(f"{name}: indptr decreases somewhere; it must be non-decreasing (malformed sparse matrix).")
        stored = indices[:last]
        if last:
            lo, hi = int(stored.min()), int(stored.max())
            if lo < 0 or hi >= n_minor:
                bad = lo if lo < 0 else hi
                raise ValueError(f"{name}: {axis} index {bad} out of range [0, {n_minor}) (malformed sparse matrix).")
    elif fmt == "coo":
        coords = A.coords if hasattr(A, "coords") else (A.row, A.col)
        for axis, (c, size) in enumerate(zip(coords, shape)):
            _check_index_array(c, name, "row" if axis == 0 else "col")
            if c.shape[0] != A.data.shape[0]:
                raise ValueError(f"{name}: COO coordinates and data differ in length (malformed sparse matrix).")
            if c.shape[0]:
                lo, hi = int(c.min()), int(c.max())
                if lo < 0 or hi >= size:
                    bad = lo if lo < 0 else hi
                    what = "row" if axis == 0 else "column"
                    raise ValueError(f"{name}: {what} index {bad} out of range [0, {size}) (malformed sparse matrix).")
