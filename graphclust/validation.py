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

    Examples
    --------
    >>> check_scalar(0.5, "alpha", low=0, high=1)
    0.5
    """
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.number)):
        raise TypeError(f"{name} must be a {kind.__name__}, got {type(value).__name__} ({value!r}).")
    if kind is int:
        if not float(value).is_integer():
            raise TypeError(f"{name} must be an integer, got {value!r}.")
        value = int(value)
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

    Examples
    --------
    >>> check_n_clusters(3, 10)
    3
    """
    return check_scalar(n_clusters, name, kind=int, low=1, high=n_nodes)


def check_choice(value: Any, name: str, choices: tuple) -> Any:
    """Check that ``value`` is one of ``choices``."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}.")
    return value


def check_seeds(seeds: Any, n_nodes: int, name: str = "seeds") -> np.ndarray:
    """Check seed nodes: one int or a 1-D sequence of ints in ``[0, n_nodes)``, at least one.

    Returns an int64 array (duplicates kept in order; callers decide what they mean).

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
    """Check a per-node vector of length ``n_nodes`` with finite entries; returns a new array."""
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

    Examples
    --------
    >>> check_features([[1, 0], [0, 1], [1, 1]], 3).dtype
    dtype('float64')
    """
    from .backend import is_cupy_array
    from .graph import _validate_features

    return _validate_features(features, n_nodes, on_gpu=is_cupy_array(features))
