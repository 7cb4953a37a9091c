"""Attribute augmentation (SA-Cluster): one vertex per (attribute, value), and super-node features.

An attributed graph becomes ``A_aug = [[A, B], [Bᵀ, 0]]``, ``B`` the n x n_attr incidence of
nodes to attribute vertices (weight 1). Attribute vertices are numbered ``n, n+1, ...``
attribute-major with values ascending, as in BCMatch4Graphs.

How features become attribute vertices (:func:`encode_attributes`):

- ``"categorical"``: every column holds category codes; every distinct value of every column
  is a vertex (the official behaviour; no discretisation).
- ``"binned"``: every column is numeric and cut into ``n_bins`` equal-frequency bins
  (quantiles; bins that coincide are merged); one vertex per (column, bin). Our rule: the
  official code bins nothing and the paper's policy is not known.
- ``"bag_of_words"`` (our extension): a sparse or binary feature matrix; one vertex per
  feature present in at least one node, an edge for every non-zero. A node's super-node
  features are its own coordinates followed by the *mean* coordinates of its attribute
  vertices (a node has a variable number of them; the mean keeps the block the same length).
- ``None`` (auto): sparse features, or dense 0/1 features with more than 32 columns, are a
  bag of words; otherwise each column is categorical when all its values are integers and
  binned when not.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = ["AttributeVertices", "encode_attributes", "augment", "supernode_features", "ENCODINGS"]

ENCODINGS = ("categorical", "binned", "bag_of_words")
_BAG_MIN_COLUMNS = 32


@dataclass
class AttributeVertices:
    """Incidence of nodes to attribute vertices.

    Attributes
    ----------
    incidence : scipy.sparse.csr_array (n, n_attr), 0/1
    index : int64 array (n, m) or None
        Table encodings: the attribute vertex (0-based among the attribute vertices) of each
        node's value in each column. None for a bag of words.
    codes : int64 array (n, m) or None
        Table encodings: the category of each node in each column (for the entropy).
    encoding : str
        The encoding asked for; ``"table"`` for auto columns (categorical or binned each).
    """

    incidence: Any
    index: np.ndarray | None
    codes: np.ndarray | None
    encoding: str

    @property
    def n_attribute_vertices(self) -> int:
        return int(self.incidence.shape[1])


def _bin_column(col: np.ndarray, n_bins: int) -> np.ndarray:
    edges = np.unique(np.quantile(col, np.linspace(0, 1, n_bins + 1)[1:-1]))
    return np.searchsorted(edges, col, side="right").astype(np.int64)


def encode_attributes(features: Any, encoding: str | None = None, *, n_bins: int = 10) -> AttributeVertices:
    """Turn node features into attribute vertices (see the module docstring for the rules).

    Parameters
    ----------
    features : array (n, m) or sparse matrix
    encoding : {None, "categorical", "binned", "bag_of_words"}
    n_bins : int, default=10
        Bins per numeric column (``"binned"``, and auto for non-integer columns).

    Returns
    -------
    AttributeVertices

    Examples
    --------
    >>> import numpy as np
    >>> av = encode_attributes(np.array([[1, 5], [2, 5], [1, 7]]))
    >>> av.encoding, av.n_attribute_vertices, av.index.tolist()
    ('table', 4, [[0, 2], [1, 2], [0, 3]])
    """
    if encoding is not None and encoding not in ENCODINGS:
        raise ValueError(f"attributes must be None, 'structure' or one of {ENCODINGS}, got {encoding!r}.")
    if sp.issparse(features):
        X = sp.csr_array(features)
        if encoding in (None, "bag_of_words"):
            return _bag(X)
        X = X.toarray()  # a table given sparse: columns are few by assumption
    X = np.asarray(features.toarray() if sp.issparse(features) else features)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2:
        raise ValueError(f"features must be 2-D (n_nodes, n_attributes), got {X.ndim} dimension(s).")
    if not np.issubdtype(X.dtype, np.number) or not np.isfinite(X).all():
        raise ValueError("features must be finite numbers (category codes or numeric values).")
    binary = bool(np.isin(X, (0, 1)).all())
    if encoding == "bag_of_words" or (encoding is None and binary and X.shape[1] > _BAG_MIN_COLUMNS):
        return _bag(sp.csr_array(X))
    n, m = X.shape
    codes = np.empty((n, m), dtype=np.int64)
    for j in range(m):
        col = X[:, j]
        integral = bool(np.all(col == np.round(col)))
        if encoding == "categorical" and not integral:
            raise ValueError(f"attributes='categorical' needs integer codes; column {j} has non-integer values.")
        if encoding == "binned" or (encoding is None and not integral):
            codes[:, j] = _bin_column(col.astype(np.float64), n_bins)
        else:
            codes[:, j] = np.unique(col, return_inverse=True)[1]
    sizes = codes.max(axis=0) + 1
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    index = codes + offsets
    rows = np.repeat(np.arange(n), m)
    B = sp.csr_array((np.ones(n * m), (rows, index.ravel())), shape=(n, int(sizes.sum())))
    return AttributeVertices(incidence=B, index=index, codes=codes, encoding=encoding or "table")


def _bag(X: Any) -> AttributeVertices:
    X = sp.csr_array(X)
    X.eliminate_zeros()
    present = np.flatnonzero(np.diff(X.tocsc().indptr) > 0)
    B = X[:, present].tocsr()
    B.data[:] = 1.0
    return AttributeVertices(incidence=B, index=None, codes=None, encoding="bag_of_words")


def augment(adjacency: Any, attributes: AttributeVertices) -> sp.csr_array:
    """``[[A, B], [Bᵀ, 0]]``: the graph with its attribute vertices appended.

    Parameters
    ----------
    adjacency : sparse matrix of shape (n, n)
        Adjacency of the graph.
    attributes : AttributeVertices
        The attribute vertices and their edges (:func:`encode_attributes`).

    Returns
    -------
    scipy.sparse.csr_array of shape (n + m, n + m)

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> A = sp.csr_array(np.array([[0, 1.], [1, 0]]))
    >>> augment(A, encode_attributes(np.array([[0], [1]]))).shape
    (4, 4)
    """
    B = attributes.incidence
    return sp.csr_array(sp.block_array([[sp.csr_array(adjacency), B], [B.T, None]], format="csr"))


def supernode_features(U: Any, n: int, attributes: AttributeVertices | None) -> np.ndarray:
    """Rows of the node features: ``U[i]`` then the rows of its attribute vertices.

    Table encodings concatenate ``U[i], U[a_1(i)], ..., U[a_m(i)]`` (the official super-node;
    Euclidean k-means on it is the official "vector-valued distance"); a bag of words appends
    the mean row of the node's attribute vertices (zeros for a node without features).

    Parameters
    ----------
    U : array of shape (n + m, k)
        Embedding of the augmented graph (nodes first, attribute vertices after).
    n : int
        Number of graph nodes.
    attributes : AttributeVertices or None
        The attribute vertices (None: ``U[:n]`` is returned).

    Returns
    -------
    numpy.ndarray of shape (n, k')

    Examples
    --------
    >>> import numpy as np
    >>> av = encode_attributes(np.array([[0], [1]]))
    >>> supernode_features(np.arange(8.0).reshape(4, 2), 2, av).tolist()
    [[0.0, 1.0, 4.0, 5.0], [2.0, 3.0, 6.0, 7.0]]
    """
    own = U[:n]
    if attributes is None:
        return np.ascontiguousarray(own)
    Ua = U[n:]
    if attributes.index is not None:
        return np.hstack([own] + [Ua[attributes.index[:, j]] for j in range(attributes.index.shape[1])])
    B = attributes.incidence
    counts = np.asarray(B.sum(axis=1)).ravel()
    mean = (B @ Ua) / np.maximum(counts, 1)[:, None]
    return np.hstack([own, mean])
