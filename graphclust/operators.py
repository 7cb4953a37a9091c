"""The linear-operator protocol every solver takes, and its adapters.

A solver in :mod:`graphclust.solvers` never needs the entries of its matrix: it applies it
to dense blocks. The protocol is what it may ask of an operator, and nothing more:

========================  ===================================================================
``shape``                 ``(n_rows, n_cols)``
``dtype``                 numpy dtype of the products
``device``                ``"cpu"`` or ``"cuda"`` (the namespace of the blocks it takes)
``matmat(X, out=None)``   ``A @ X`` for a dense ``(n_cols, k)`` block (or a vector); writes into
                          ``out`` when given and returns it
``rmatmat(X)``            optional: ``A^H @ X``
``diagonal()``            optional: the diagonal, a dense vector (Jacobi preconditioners,
                          Gershgorin bounds)
``astype(dtype)``         optional: the same operator working in ``dtype``
========================  ===================================================================

A solver turns whatever it is given into an operator with :func:`as_operator`. Adapters
cover scipy and cupyx sparse matrices and arrays (:class:`SparseOperator`, products by the
numba / cuSPARSE kernels of :func:`graphclust.sparse.spmm`), scipy
:class:`~scipy.sparse.linalg.LinearOperator` (:class:`LinearOperatorAdapter`), dense arrays
(:class:`DenseOperator`), a weighted sum of operators over one node set whose weights change
in place (:class:`WeightedSum`: nothing is re-summed), ``scale * (A - shift I)``
(:class:`ShiftedOperator`), products (:class:`ProductOperator`) and low-rank terms
``U diag(s) V^T`` kept as their factors (:class:`LowRankOperator`, e.g. the ``tau / n``
added to every entry of a regularized adjacency, never densified). An out-of-process
implementation (the distributed operator of :mod:`graphclust.distributed`) implements the same
few members and drops in under every solver.

Examples
--------
>>> import numpy as np, scipy.sparse as sp
>>> from graphclust.operators import WeightedSum, as_operator
>>> A = sp.random(6, 6, density=0.5, format="csr", random_state=0); A = A + A.T
>>> op = WeightedSum([A, sp.eye(6, format="csr")], weights=[1.0, 2.0])
>>> X = np.ones((6, 2))
>>> bool(np.allclose(op.matmat(X), (A + 2 * sp.eye(6)) @ X))
True
>>> op.weights[:] = [0.5, 0.0]             # changed in place: nothing is re-summed
>>> bool(np.allclose(op.matmat(X), 0.5 * (A @ X)))
True
"""
from __future__ import annotations

from typing import Any, Protocol, Sequence, runtime_checkable

import numpy as np
import scipy.sparse as sp

from .backend import is_cupy_array, namespace_of

__all__ = [
    "Operator",
    "as_operator",
    "as_square_operator",
    "is_operator",
    "SparseOperator",
    "DenseOperator",
    "LinearOperatorAdapter",
    "FunctionOperator",
    "WeightedSum",
    "ShiftedOperator",
    "ProductOperator",
    "LowRankOperator",
    "to_linear_operator",
    "operator_astype",
    "apply",
    "sparse_matrix_of",
    "protocol_docstrings",
]


@runtime_checkable
class Operator(Protocol):
    """What a solver may ask of a linear operator (see the module docstring)."""

    shape: tuple[int, int]
    dtype: np.dtype
    device: str

    def matmat(self, X: Any, out: Any = None) -> Any:  # pragma: no cover - protocol
        """``self @ X`` for a dense block ``X`` of ``shape[1]`` rows (or a vector).

        Parameters
        ----------
        X : array of shape (shape[1], k) or (shape[1],)
            Dense block on the operator's device.
        out : array of shape (shape[0], k), optional
            Where to write the result (no new array is allocated then).

        Returns
        -------
        array of shape (shape[0], k) or (shape[0],)
            ``out`` when given.
        """
        ...


#: The docstrings of the protocol's methods, given once and shared by every operator class
#: (:func:`protocol_docstrings`): the methods mean the same thing on every operator.
_PROTOCOL_DOCS = {
    "matmat": Operator.matmat.__doc__,
    "rmatmat": """``self.T @ X`` (the adjoint's product) for a dense block ``X`` of ``shape[0]`` rows.

        Parameters
        ----------
        X : array of shape (shape[0], k) or (shape[0],)
            Dense block on the operator's device.

        Returns
        -------
        array of shape (shape[1], k) or (shape[1],)
        """,
    "diagonal": """The diagonal of the operator, as a dense vector on its device.

        Returns
        -------
        array of shape (min(shape),)
        """,
    "astype": """The same operator with values of another dtype (its data converted once).

        Parameters
        ----------
        dtype : numpy dtype or str
            Target dtype, e.g. ``np.float32``.

        Returns
        -------
        operator
            Of the same class.
        """,
}


def protocol_docstrings(cls: type) -> type:
    """Class decorator: give the protocol methods of ``cls`` that have no docstring the
    protocol's own (``matmat``, ``rmatmat``, ``diagonal``, ``astype``).

    Parameters
    ----------
    cls : type
        An operator class implementing (part of) the protocol.

    Returns
    -------
    type
        ``cls``, its undocumented protocol methods documented.

    Examples
    --------
    >>> @protocol_docstrings
    ... class Identity:
    ...     def matmat(self, X, out=None):
    ...         return X
    >>> Identity.matmat.__doc__.split(chr(10))[0]
    '``self @ X`` for a dense block ``X`` of ``shape[1]`` rows (or a vector).'
    """
    for name, doc in _PROTOCOL_DOCS.items():
        method = cls.__dict__.get(name)
        if callable(method) and not getattr(method, "__doc__", None):
            method.__doc__ = doc
    return cls


def is_operator(obj: Any) -> bool:
    """True when ``obj`` already implements the protocol (``shape``, ``dtype``, ``device``, ``matmat``).

    Parameters
    ----------
    obj : object

    Returns
    -------
    bool
    """
    return all(hasattr(obj, a) for a in ("shape", "dtype", "device", "matmat")) and not _is_sparse_matrix(obj)


def _is_sparse_matrix(A: Any) -> bool:
    return sp.issparse(A) or (is_cupy_array(A) and type(A).__module__.startswith("cupyx"))


def as_operator(A: Any) -> Any:
    """``A`` as an operator of the protocol (returned as is when it already is one).

    Parameters
    ----------
    A : operator, scipy / cupyx sparse matrix or array (any format), scipy LinearOperator,
        or dense 2-D numpy / cupy array

    Returns
    -------
    Operator

    Raises
    ------
    TypeError
        For anything else, naming the type.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> as_operator(sp.eye(3)).shape
    (3, 3)
    """
    if _is_sparse_matrix(A):
        return SparseOperator(A)
    if is_operator(A):
        return A
    try:
        from scipy.sparse.linalg import LinearOperator
    except ImportError:  # pragma: no cover
        LinearOperator = ()  # type: ignore[assignment]
    if isinstance(A, LinearOperator):
        return LinearOperatorAdapter(A)
    if isinstance(A, np.ndarray) or is_cupy_array(A):
        return DenseOperator(A)
    raise TypeError(
        "expected a linear operator (shape, dtype, device, matmat), a scipy / cupyx sparse matrix, a scipy "
        f"LinearOperator or a dense 2-D array, got {type(A).__name__}."
    )


def as_square_operator(A: Any, name: str = "A", n: int | None = None) -> Any:
    """:func:`as_operator` of ``A``, refused unless it is square (and ``n x n`` when given).

    Parameters
    ----------
    A : operator, sparse or dense matrix, or scipy LinearOperator
        What the solver was given.
    name : str, default="A"
        The parameter's name, for the error messages.
    n : int, optional
        The required order.

    Returns
    -------
    operator
        The wrapped ``A``.

    Examples
    --------
    >>> import numpy as np
    >>> as_square_operator(np.eye(3)).shape
    (3, 3)
    >>> as_square_operator(np.ones((2, 3)), "M")
    Traceback (most recent call last):
    ...
    ValueError: M must be square, got shape (2, 3).
    """
    try:
        op = as_operator(A)
    except TypeError as err:
        raise TypeError(f"{name}: {err}") from None
    if len(op.shape) != 2 or op.shape[0] != op.shape[1] or (n is not None and op.shape[0] != n):
        want = "square" if n is None else f"of shape ({n}, {n})"
        raise ValueError(f"{name} must be {want}, got shape {tuple(op.shape)}.")
    return op


def _check_block(op: Any, X: Any) -> None:
    if X.ndim not in (1, 2) or X.shape[0] != op.shape[1]:
        raise ValueError(f"operator of shape {op.shape} cannot multiply a block of shape {tuple(X.shape)}.")


def _into(out: Any, Y: Any) -> Any:
    """Write ``Y`` into ``out`` when given (returns the array holding the result)."""
    if out is None:
        return Y
    out[...] = Y
    return out


@protocol_docstrings
class SparseOperator:
    """A scipy or cupyx sparse matrix (any format; stored as CSR) as an operator.

    Products go through :func:`graphclust.sparse.spmm` (the parallel numba kernel on CPU,
    cuSPARSE on GPU). ``rmatmat`` uses an explicit CSR transpose built on first use.

    Parameters
    ----------
    A : scipy.sparse matrix or array, or cupyx.scipy.sparse matrix
        Kept without a copy when it is already CSR.

    Attributes
    ----------
    matrix : CSR matrix
        The stored matrix (solvers with a sparse fast path use it directly).
    """

    def __init__(self, A: Any) -> None:
        if is_cupy_array(A):
            self.matrix = A if A.format == "csr" else A.tocsr()
            self.device = "cuda"
        else:
            self.matrix = A if (A.format == "csr") else sp.csr_array(A)
            self.device = "cpu"
        self.shape = (int(self.matrix.shape[0]), int(self.matrix.shape[1]))
        self.dtype = np.dtype(self.matrix.dtype)
        self._transpose: Any = None

    def matmat(self, X: Any, out: Any = None) -> Any:
        from .sparse import spmm

        return spmm(self.matrix, X, out=out)

    def rmatmat(self, X: Any) -> Any:
        from .sparse import spmm, transpose_csr

        if self._transpose is None:
            if self.device == "cuda":
                self._transpose = self.matrix.T.tocsr()
            else:
                self._transpose = transpose_csr(self.matrix)
            if np.issubdtype(self.dtype, np.complexfloating):
                self._transpose = self._transpose.conj()
        return spmm(self._transpose, X)

    def diagonal(self) -> Any:
        return self.matrix.diagonal()

    def astype(self, dtype: Any) -> "SparseOperator":
        dtype = np.dtype(dtype)
        return self if dtype == self.dtype else SparseOperator(self.matrix.astype(dtype))

    def __repr__(self) -> str:
        return f"SparseOperator(shape={self.shape}, nnz={int(self.matrix.nnz)}, dtype={self.dtype}, device={self.device!r})"


@protocol_docstrings
class DenseOperator:
    """A dense 2-D numpy or cupy array as an operator (small problems and tests).

    Parameters
    ----------
    A : ndarray of shape (m, n)
    """

    def __init__(self, A: Any) -> None:
        if A.ndim != 2:
            raise ValueError(f"a dense operator must be 2-D, got shape {A.shape}.")
        self.matrix = A
        self.shape = (int(A.shape[0]), int(A.shape[1]))
        self.dtype = np.dtype(A.dtype)
        self.device = "cuda" if is_cupy_array(A) else "cpu"

    def matmat(self, X: Any, out: Any = None) -> Any:
        _check_block(self, X)
        if out is not None and X.ndim == 2:
            return namespace_of(self.matrix).xp.matmul(self.matrix, X, out=out)
        return _into(out, self.matrix @ X)

    def rmatmat(self, X: Any) -> Any:
        # a real matrix's conj() would be a copy of it
        M = self.matrix.conj() if np.issubdtype(self.dtype, np.complexfloating) else self.matrix
        return M.T @ X

    def diagonal(self) -> Any:
        return namespace_of(self.matrix).xp.diagonal(self.matrix).copy()

    def astype(self, dtype: Any) -> "DenseOperator":
        dtype = np.dtype(dtype)
        return self if dtype == self.dtype else DenseOperator(self.matrix.astype(dtype))


@protocol_docstrings
class LinearOperatorAdapter:
    """A scipy :class:`~scipy.sparse.linalg.LinearOperator` as an operator (CPU).

    Parameters
    ----------
    A : scipy.sparse.linalg.LinearOperator
    dtype : numpy dtype, optional
        Working dtype: products are returned in it (default: ``A.dtype``, float64 when None).
        :meth:`astype` sets it, so a solver working in float32 gets float32 blocks back.
    """

    def __init__(self, A: Any, dtype: Any = None) -> None:
        self.linear_operator = A
        self.shape = (int(A.shape[0]), int(A.shape[1]))
        if dtype is None:
            dtype = A.dtype if A.dtype is not None else np.float64
        self.dtype = np.dtype(dtype)
        self.device = "cpu"

    def _cast(self, Y: Any) -> Any:
        Y = np.asarray(Y)
        return Y if Y.dtype == self.dtype else Y.astype(self.dtype)

    def matmat(self, X: Any, out: Any = None) -> Any:
        _check_block(self, X)
        Y = self.linear_operator.matvec(X) if X.ndim == 1 else self.linear_operator.matmat(X)
        return _into(out, self._cast(Y))

    def rmatmat(self, X: Any) -> Any:
        return self._cast(self.linear_operator.rmatvec(X) if X.ndim == 1 else self.linear_operator.rmatmat(X))

    def astype(self, dtype: Any) -> "LinearOperatorAdapter":
        dtype = np.dtype(dtype)
        return self if dtype == self.dtype else LinearOperatorAdapter(self.linear_operator, dtype)


@protocol_docstrings
class FunctionOperator:
    """An operator given by functions ``X -> A @ X`` (and optionally ``X -> A^H @ X``).

    The matrix-free operators of the methods (S2CAG's smoothed attributes
    ``Z = sum_t c_t P^t X``, a Gram operator ``F C F^T``) are products of other pieces; this
    names their shape, dtype and device so that every solver can take them. Unlike a scipy
    :class:`~scipy.sparse.linalg.LinearOperator` it works on either device (the functions
    receive and return the blocks of that device).

    Parameters
    ----------
    shape : (int, int)
    matmat : callable
        ``X -> A @ X`` for a dense ``(shape[1], b)`` block.
    rmatmat : callable, optional
        ``X -> A^H @ X`` for a dense ``(shape[0], b)`` block.
    dtype : numpy dtype, default=float64
    device : {"cpu", "cuda"}, default="cpu"

    Examples
    --------
    >>> import numpy as np
    >>> Z = np.arange(6.0).reshape(3, 2)
    >>> op = FunctionOperator((3, 2), lambda M: Z @ M, lambda M: Z.T @ M)
    >>> op.matmat(np.ones((2, 1))).ravel().tolist(), op.rmatmat(np.ones(3)).tolist()
    ([1.0, 5.0, 9.0], [6.0, 9.0])
    """

    def __init__(self, shape: tuple[int, int], matmat: Any, rmatmat: Any = None, *, dtype: Any = np.float64,
                 device: str = "cpu") -> None:
        if len(shape) != 2:
            raise ValueError(f"shape must be (n_rows, n_cols), got {shape!r}.")
        if not callable(matmat) or (rmatmat is not None and not callable(rmatmat)):
            raise TypeError("matmat (and rmatmat when given) must be callables X -> A @ X.")
        if device not in ("cpu", "cuda"):
            raise ValueError(f"device must be 'cpu' or 'cuda', got {device!r}.")
        self.shape = (int(shape[0]), int(shape[1]))
        self.dtype = np.dtype(dtype)
        self.device = device
        self._matmat = matmat
        self._rmatmat = rmatmat
        if rmatmat is None:
            self.rmatmat = None  # the protocol's "absent": solvers test getattr(op, "rmatmat", None)

    def matmat(self, X: Any, out: Any = None) -> Any:
        _check_block(self, X)
        return _into(out, self._matmat(X))

    def rmatmat(self, X: Any) -> Any:  # replaced by None on instances built without one
        if X.ndim not in (1, 2) or X.shape[0] != self.shape[0]:
            raise ValueError(f"the adjoint of an operator of shape {self.shape} cannot multiply a block of shape "
                             f"{tuple(X.shape)}.")
        return self._rmatmat(X)


@protocol_docstrings
class WeightedSum:
    """``sum_i w_i A_i`` over one node set, applied term by term: nothing is re-summed.

    The weights live in a float64 array (:attr:`weights`) that may be changed in place
    between products (``op.weights[:] = w`` or :meth:`set_weights`), so an outer loop that
    re-weights relations at every step (DEMM+) re-uses one operator. A term of weight 0 is
    skipped.

    Parameters
    ----------
    operators : sequence of operators or matrices (see :func:`as_operator`)
        Same shape and device; the result dtype is their common dtype.
    weights : sequence of float, optional
        Default: all ones.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> op = WeightedSum([sp.eye(3), 2 * sp.eye(3)], weights=[1.0, 0.5])
    >>> op.matmat(np.ones(3)).tolist()
    [2.0, 2.0, 2.0]
    """

    def __init__(self, operators: Sequence[Any], weights: Sequence[float] | None = None) -> None:
        ops = [as_operator(A) for A in operators]
        if not ops:
            raise ValueError("a weighted sum needs at least one operator.")
        shape, device = ops[0].shape, ops[0].device
        for i, op in enumerate(ops):
            if op.shape != shape:
                raise ValueError(f"operator {i} has shape {op.shape}, operator 0 has {shape}: one node set is needed.")
            if op.device != device:
                raise ValueError(f"operator {i} is on {op.device!r}, operator 0 on {device!r}.")
        self.operators = ops
        self.shape = shape
        self.device = device
        self.dtype = np.result_type(*[op.dtype for op in ops])
        self.weights = np.ones(len(ops))
        if weights is not None:
            self.set_weights(weights)

    def set_weights(self, weights: Sequence[float]) -> None:
        """Replace the weights in place (finite reals, one per operator).

        Parameters
        ----------
        weights : sequence of float
        """
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != self.weights.shape:
            raise ValueError(f"weights must have {self.weights.size} entries, got shape {w.shape}.")
        if not np.all(np.isfinite(w)):
            raise ValueError(f"weights must be finite, got {w.tolist()}.")
        self.weights[...] = w

    def matmat(self, X: Any, out: Any = None) -> Any:
        _check_block(self, X)
        xp = namespace_of(X).xp
        result = None
        for w, op in zip(self.weights.tolist(), self.operators):
            if w == 0.0:
                continue
            term = op.matmat(X)
            if result is None:
                result = term
                if w != 1.0:
                    result *= result.dtype.type(w)
            else:
                result += term * term.dtype.type(w) if w != 1.0 else term
        if result is None:
            shape = (self.shape[0],) + tuple(X.shape[1:])
            result = xp.zeros(shape, dtype=np.result_type(self.dtype, X.dtype))
        return _into(out, result)

    def rmatmat(self, X: Any) -> Any:
        result = None
        for w, op in zip(self.weights.tolist(), self.operators):
            if w == 0.0:
                continue
            term = op.rmatmat(X) * w
            result = term if result is None else result + term
        if result is None:
            result = namespace_of(X).xp.zeros((self.shape[1],) + tuple(X.shape[1:]), dtype=self.dtype)
        return result

    def diagonal(self) -> Any:
        diag = None
        for w, op in zip(self.weights.tolist(), self.operators):
            d = op.diagonal() * w
            diag = d if diag is None else diag + d
        return diag

    def astype(self, dtype: Any) -> "WeightedSum":
        return WeightedSum([operator_astype(op, dtype) for op in self.operators], self.weights)


@protocol_docstrings
class ShiftedOperator:
    """``scale * (A - shift * I)`` for a square operator ``A``; both numbers settable.

    ``shift`` and ``scale`` are plain attributes: change them between products (a Chebyshev
    filter re-scales its operator at every outer step).

    Parameters
    ----------
    operator : operator or matrix
        Square.
    shift : float, default=0.0
    scale : float, default=1.0
    fold : bool, default=False
        When ``A`` is sparse (a :class:`SparseOperator`, possibly under other shifts), keep a
        CSR copy of it with every diagonal position stored and fold the current
        ``scale`` and ``shift`` into its data (rewritten in ``O(nnz)`` only when they
        change): each product is then one sweep of the sparse kernel, with no extra pass
        over the dense block. Costs one copy of the matrix; worth it when many products are
        made per value of ``(shift, scale)``. Ignored for other operators.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> ShiftedOperator(sp.eye(2), shift=3.0, scale=2.0).matmat(np.ones(2)).tolist()
    [-4.0, -4.0]
    >>> op = ShiftedOperator(sp.eye(2), fold=True); op.scale = -1.0
    >>> op.matmat(np.ones(2)).tolist()
    [-1.0, -1.0]
    """

    def __init__(self, operator: Any, shift: float = 0.0, scale: float = 1.0, *, fold: bool = False) -> None:
        self.operator = as_operator(operator)
        if self.operator.shape[0] != self.operator.shape[1]:
            raise ValueError(f"a shift needs a square operator, got shape {self.operator.shape}.")
        self.shape = self.operator.shape
        self.dtype = self.operator.dtype
        self.device = self.operator.device
        self.shift = float(shift)
        self.scale = float(scale)
        self.fold = bool(fold)
        self._folded: Any = None
        if self.fold:
            base, _, _ = _affine(self)
            if isinstance(base, SparseOperator):
                matrix, diag = _with_diagonal(base.matrix)
                self._folded = (matrix, diag, matrix.data.copy(), [None])

    def _folded_matrix(self) -> Any:
        """The CSR matrix of ``self`` (data rewritten when shift or scale changed)."""
        matrix, diag, base, current = self._folded
        _, a, b = _affine(self)
        if current[0] != (a, b):
            data = matrix.data
            data[...] = base
            data *= a
            data[diag] += b
            current[0] = (a, b)
        return matrix

    def matmat(self, X: Any, out: Any = None) -> Any:
        if self._folded is not None:
            from .sparse import spmm

            _check_block(self, X)
            return spmm(self._folded_matrix(), X, out=out)
        Y = self.operator.matmat(X, out=out)
        if self.shift != 0.0:
            Y -= X * Y.dtype.type(self.shift)
        if self.scale != 1.0:
            Y *= Y.dtype.type(self.scale)
        return Y

    def rmatmat(self, X: Any) -> Any:
        Y = self.operator.rmatmat(X)
        if self.shift != 0.0:
            Y = Y - X * self.shift
        return Y * self.scale if self.scale != 1.0 else Y

    def diagonal(self) -> Any:
        return (self.operator.diagonal() - self.shift) * self.scale

    def astype(self, dtype: Any) -> "ShiftedOperator":
        if np.dtype(dtype) == self.dtype:
            return self
        return ShiftedOperator(operator_astype(self.operator, dtype), self.shift, self.scale, fold=self.fold)


def _affine(op: Any) -> tuple[Any, float, float]:
    """``(base, a, b)`` with ``op = a * base + b * I``, looking through nested shifts."""
    if isinstance(op, ShiftedOperator):
        base, a, b = _affine(op.operator)
        return base, op.scale * a, op.scale * (b - op.shift)
    return op, 1.0, 0.0


def _with_diagonal(A: Any) -> tuple[Any, Any]:
    """CSR copy of ``A`` with every diagonal position stored (explicit zeros where absent) and
    the data index of each diagonal entry; ``O(nnz)``. scipy or cupyx CSR."""
    if is_cupy_array(A):
        return _with_diagonal_gpu(A)
    A = sp.csr_array(A)
    if not A.has_sorted_indices:
        A = A.copy()  # never sort the caller's matrix in place
        A.sort_indices()
    from .kernels.cpu.diagonal import with_diagonal  # numba: on first use only

    indptr, indices, data, diag = with_diagonal(A.indptr, A.indices, A.data)
    if int(indptr[-1]) <= np.iinfo(A.indptr.dtype).max:  # the added entries may not fit int32
        indptr = indptr.astype(A.indptr.dtype)
    P = sp.csr_array((data, indices, indptr), shape=A.shape)
    P.has_sorted_indices = True
    return P, diag


def _with_diagonal_gpu(A: Any) -> tuple[Any, Any]:  # pragma: no cover - needs a GPU
    ns = namespace_of(A)
    xp = ns.xp
    n = A.shape[0]
    C = A.tocoo()
    ar = xp.arange(n, dtype=C.row.dtype)
    # A's entries plus an explicit (possibly zero) entry on every diagonal position; the
    # COO -> CSR conversion sums duplicates and keeps explicit zeros.
    P = ns.sparse.coo_matrix(
        (xp.concatenate([C.data, xp.zeros(n, dtype=A.dtype)]),
         (xp.concatenate([C.row, ar]), xp.concatenate([C.col, ar]))),
        shape=A.shape,
    ).tocsr()
    P.sum_duplicates()
    # row of every stored entry: one searchsorted over indptr (cupy.repeat with a list of counts
    # would launch one kernel per row)
    rows = xp.searchsorted(P.indptr[1:], xp.arange(P.nnz, dtype=P.indptr.dtype), side="right")
    rows = rows.astype(P.indices.dtype, copy=False)
    diag = xp.flatnonzero(P.indices == rows)
    if int(diag.size) != n:
        raise RuntimeError("the diagonal pattern was not kept.")
    return P, diag


@protocol_docstrings
class ProductOperator:
    """The composition of operators ``A_1``, ..., ``A_m`` (applied right to left), e.g. ``D^{-1/2} A D^{-1/2}``.

    Parameters
    ----------
    operators : sequence of operators or matrices
        Inner dimensions must agree; one device.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> ProductOperator([2 * sp.eye(2), 3 * sp.eye(2)]).matmat(np.ones(2)).tolist()
    [6.0, 6.0]
    """

    def __init__(self, operators: Sequence[Any]) -> None:
        ops = [as_operator(A) for A in operators]
        if not ops:
            raise ValueError("a product needs at least one operator.")
        for i in range(len(ops) - 1):
            if ops[i].shape[1] != ops[i + 1].shape[0]:
                raise ValueError(f"operator {i} has shape {ops[i].shape}, operator {i + 1} {ops[i + 1].shape}.")
            if ops[i].device != ops[i + 1].device:
                raise ValueError(f"operator {i + 1} is on {ops[i + 1].device!r}, operator {i} on {ops[i].device!r}.")
        self.operators = ops
        self.shape = (ops[0].shape[0], ops[-1].shape[1])
        self.dtype = np.result_type(*[op.dtype for op in ops])
        self.device = ops[0].device

    def matmat(self, X: Any, out: Any = None) -> Any:
        _check_block(self, X)
        Y = X
        for op in reversed(self.operators[1:]):
            Y = op.matmat(Y)
        return self.operators[0].matmat(Y, out=out)

    def rmatmat(self, X: Any) -> Any:
        Y = X
        for op in self.operators:
            Y = op.rmatmat(Y)
        return Y

    def astype(self, dtype: Any) -> "ProductOperator":
        return ProductOperator([operator_astype(op, dtype) for op in self.operators])


@protocol_docstrings
class LowRankOperator:
    """``U diag(s) V^T`` kept as its factors: ``O((n + m) r)`` memory, never densified.

    A rank-``r`` term such as the constant ``tau / n`` added to every entry of a
    regularized adjacency (``(tau / n) 1 1^T``, ``r = 1``) is applied as ``U (s * (V^T X))``:
    two thin products per block, ``O((n + m) r k)`` for a block of ``k`` columns. Summed with
    a sparse matrix through :class:`WeightedSum`.

    Parameters
    ----------
    U : dense array of shape (n, r)
        Left factor (a vector is one column).
    s : sequence of float or array of shape (r,), optional
        Middle weights (default ones).
    V : dense array of shape (m, r), optional
        Right factor (default ``U``: a symmetric term).

    Examples
    --------
    >>> import numpy as np
    >>> op = LowRankOperator(np.ones(3), [0.5])     # 0.5 in every entry of a 3 x 3 matrix
    >>> op.matmat(np.array([1.0, 2.0, 3.0])).tolist()
    [3.0, 3.0, 3.0]
    """

    def __init__(self, U: Any, s: Any = None, V: Any = None) -> None:
        xp = namespace_of(U).xp
        U = U[:, None] if U.ndim == 1 else U
        V = U if V is None else (V[:, None] if V.ndim == 1 else V)
        if U.ndim != 2 or V.ndim != 2 or U.shape[1] != V.shape[1]:
            raise ValueError(f"U and V must be 2-D with as many columns, got shapes {U.shape} and {V.shape}.")
        r = U.shape[1]
        s = np.ones(r) if s is None else np.asarray(s, dtype=np.float64).reshape(-1)
        if s.shape != (r,) or not np.all(np.isfinite(s)):
            raise ValueError(f"s must hold {r} finite weights, got {s.tolist()}.")
        self.U, self.V = U, V
        self.weights = s  # host float64 copy (astype rebuilds from it)
        self.s = xp.asarray(s, dtype=np.result_type(U.dtype, V.dtype))
        self.shape = (int(U.shape[0]), int(V.shape[0]))
        self.dtype = np.result_type(U.dtype, V.dtype)
        self.device = "cuda" if namespace_of(U).is_gpu else "cpu"

    def matmat(self, X: Any, out: Any = None) -> Any:
        _check_block(self, X)
        coef = self.V.T @ X
        coef = coef * (self.s[:, None] if coef.ndim == 2 else self.s)
        return _into(out, self.U @ coef)

    def rmatmat(self, X: Any) -> Any:
        coef = self.U.T @ X
        return self.V @ (coef * (self.s[:, None] if coef.ndim == 2 else self.s))

    def diagonal(self) -> Any:
        m = min(self.shape)
        return ((self.U[:m] * self.s[None, :]) * self.V[:m]).sum(axis=1)

    def astype(self, dtype: Any) -> "LowRankOperator":
        V = None if self.V is self.U else self.V.astype(dtype)
        return LowRankOperator(self.U.astype(dtype), self.weights, V)


def operator_astype(op: Any, dtype: Any) -> Any:
    """The operator working in ``dtype`` when it can (its ``astype``), else ``op`` unchanged.

    Parameters
    ----------
    op : operator or matrix
    dtype : numpy dtype

    Returns
    -------
    Operator
    """
    op = as_operator(op)
    return op.astype(dtype) if hasattr(op, "astype") else op


def apply(op: Any, X: Any, out: Any = None) -> Any:
    """``op @ X`` in ``X``'s dtype (into ``out`` when given).

    Solvers work in one dtype; an operator that cannot change its own (no ``astype``, e.g.
    a :class:`FunctionOperator`) may return products in another, which are cast here.

    Parameters
    ----------
    op : operator
    X : dense block
    out : dense block, optional

    Returns
    -------
    dense block

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> apply(as_operator(sp.eye(2)), np.ones(2, dtype=np.float32)).dtype
    dtype('float32')
    """
    Y = op.matmat(X, out=out)
    return Y if Y.dtype == X.dtype else Y.astype(X.dtype)


def sparse_matrix_of(A: Any) -> Any:
    """The CSR matrix behind ``A`` when it is a sparse matrix or a :class:`SparseOperator`, else None.

    Solvers with a fused sparse path (Horner steps in one kernel sweep, column tiling) take it
    through this; every other operator goes through ``matmat``.

    Parameters
    ----------
    A : object

    Returns
    -------
    CSR matrix (scipy or cupyx) or None

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> sparse_matrix_of(sp.eye(2, format="coo")).format, sparse_matrix_of(np.eye(2))
    ('csr', None)
    """
    if isinstance(A, SparseOperator):
        return A.matrix
    if _is_sparse_matrix(A):
        return SparseOperator(A).matrix
    return None


def to_linear_operator(op: Any) -> Any:
    """A scipy :class:`~scipy.sparse.linalg.LinearOperator` applying ``op`` (CPU operators),
    for scipy's ``eigsh``, ``lobpcg``, ``cg`` and friends.

    Parameters
    ----------
    op : operator or matrix

    Returns
    -------
    scipy.sparse.linalg.LinearOperator
    """
    from scipy.sparse.linalg import LinearOperator

    op = as_operator(op)
    if isinstance(op, LinearOperatorAdapter):
        return op.linear_operator
    if op.device != "cpu":
        raise ValueError("to_linear_operator needs a CPU operator; scipy cannot apply device arrays.")
    rmat = getattr(op, "rmatmat", None)
    return LinearOperator(
        op.shape,
        matvec=lambda x: op.matmat(np.asarray(x)),
        matmat=lambda X: op.matmat(np.asarray(X)),
        rmatvec=(lambda x: rmat(np.asarray(x))) if rmat else None,
        rmatmat=(lambda X: rmat(np.asarray(X))) if rmat else None,
        dtype=op.dtype,
    )
