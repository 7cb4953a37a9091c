"""cupyx.scipy.sparse stand-in: scipy matrices behind a device wall (see README.md)."""
from __future__ import annotations

import numpy as _np
import scipy.sparse as _sp

import cupy as _cupy
from cupy import _standin

from . import linalg  # noqa: F401

_ALLOWED = "?fdFD"


def _check_dtype(dtype):
    dtype = _np.dtype(dtype)
    if dtype.char not in _ALLOWED:
        raise ValueError("Only bool, float32, float64, complex64 and complex128 are supported")
    return dtype


def _dev(x, what):
    if isinstance(x, _cupy.ndarray):
        return x._a
    raise ValueError(f"{what} must be cupy arrays; got {type(x).__name__} (cupyx takes no host arrays here)")


class spmatrix:
    """Base of the stand-in sparse matrices: ``_m`` is a scipy spmatrix on the 'device'."""

    format = None
    __array_priority__ = 1001

    def _init(self, m, dtype=None, copy=False):
        cls = {"csr": _sp.csr_matrix, "csc": _sp.csc_matrix, "coo": _sp.coo_matrix}[self.format]
        m = cls(m, dtype=dtype, copy=copy)
        _check_dtype(m.dtype)
        object.__setattr__(self, "_m", m)

    @classmethod
    def _of(cls, m):
        fmt = m.format
        target = {"csr": csr_matrix, "csc": csc_matrix, "coo": coo_matrix}.get(fmt)
        if target is None:
            m, target = m.tocsr(), csr_matrix
        obj = target.__new__(target)
        obj._init(m)
        return obj

    def __init__(self, arg1, shape=None, dtype=None, copy=False):
        _standin.add()
        if isinstance(arg1, spmatrix):
            m = arg1._m
        elif _sp.issparse(arg1):
            m = arg1  # a host matrix is copied to the device (allowed in cupyx)
            copy = True
        elif isinstance(arg1, _cupy.ndarray):
            if arg1.ndim > 2:
                raise TypeError("expected dimension <= 2 array or matrix")
            if arg1.dtype.char not in "fdFD":
                # cuSPARSE's dense2csr / dense2csc take floating types only
                raise TypeError(f"dtype {arg1.dtype} is not supported when converting a dense array (dense2csr)")
            m = _np.atleast_2d(arg1._a)
        elif isinstance(arg1, tuple) and len(arg1) == 2 and all(isinstance(s, (int, _np.integer)) for s in arg1):
            m = _sp.csr_matrix(tuple(int(s) for s in arg1), dtype=dtype or _np.float64)
        elif isinstance(arg1, tuple) and self.format == "coo" and len(arg1) == 2:
            data, (row, col) = arg1
            m = _sp.coo_matrix((_dev(data, "data"), (_dev(row, "row"), _dev(col, "col"))), shape=shape)
        elif isinstance(arg1, tuple) and len(arg1) == 3 and self.format in ("csr", "csc"):
            data, indices, indptr = (_dev(a, "data, indices and indptr") for a in arg1)
            if data.ndim != 1 or indices.ndim != 1 or indptr.ndim != 1:
                raise ValueError("data, indices, and indptr should be 1-D")
            cls = _sp.csr_matrix if self.format == "csr" else _sp.csc_matrix
            m = cls((data, indices, indptr), shape=shape)
        else:
            raise ValueError("Unsupported initializer format")
        self._init(m, dtype=dtype, copy=copy)

    # -- attributes -----------------------------------------------------------------------
    def __getattr__(self, name):
        if name == "_m" or name.startswith("__"):
            raise AttributeError(name)
        if name in ("data", "indices", "indptr", "row", "col"):
            return _cupy.ndarray._from(getattr(self._m, name))
        raise AttributeError(f"stand-in cupyx {type(self).__name__} has no attribute {name!r}")

    def __setattr__(self, name, value):
        if name in ("data", "indices", "indptr", "row", "col"):
            setattr(self._m, name, _dev(value, name))
        else:
            object.__setattr__(self, name, value)

    shape = property(lambda self: self._m.shape)
    dtype = property(lambda self: self._m.dtype)
    nnz = property(lambda self: self._m.nnz)
    ndim = 2
    has_canonical_format = property(lambda self: self._m.has_canonical_format)
    has_sorted_indices = property(lambda self: self._m.has_sorted_indices)

    def __array__(self, *args, **kwargs):
        raise TypeError("Implicit conversion of a cupyx sparse matrix to a NumPy array is not allowed; use .get().")

    def __len__(self):
        raise TypeError("sparse matrix length is ambiguous; use getnnz() or shape[0]")

    def __bool__(self):
        raise ValueError("The truth value of a sparse matrix is ambiguous.")

    def get(self, stream=None):
        return self._m.copy()

    def getnnz(self, axis=None):
        return self._m.getnnz(axis)

    # -- conversions ----------------------------------------------------------------------
    def _op(self, m):
        _standin.add()
        return spmatrix._of(m)

    def tocsr(self, copy=False):
        return self._op(self._m.tocsr(copy=copy))

    def tocsc(self, copy=False):
        return self._op(self._m.tocsc(copy=copy))

    def tocoo(self, copy=False):
        return self._op(self._m.tocoo(copy=copy))

    def toarray(self, order=None, out=None):
        _standin.add()
        return _cupy.ndarray._from(self._m.toarray(order=order))

    def todense(self, order=None, out=None):
        return self.toarray(order)

    def astype(self, t):
        _check_dtype(t)
        return self._op(self._m.astype(t))

    def copy(self):
        return self._op(self._m.copy())

    def transpose(self, axes=None, copy=False):
        return self._op(self._m.transpose())

    T = property(transpose)

    def conj(self, copy=True):
        return self._op(self._m.conj(copy=copy))

    # -- in place -------------------------------------------------------------------------
    def sum_duplicates(self):
        _standin.add()
        self._m.sum_duplicates()

    def eliminate_zeros(self):
        _standin.add()
        self._m.eliminate_zeros()

    def sort_indices(self):
        _standin.add()
        self._m.sort_indices()

    # -- reductions -----------------------------------------------------------------------
    def sum(self, axis=None, dtype=None, out=None):
        _standin.add()
        r = self._m.sum(axis=axis, dtype=dtype)
        return _cupy.ndarray._from(_np.asarray(r))  # 2-D (n, 1) / (1, n) for an axis, as in cupyx

    def diagonal(self, k=0):
        _standin.add()
        return _cupy.ndarray._from(self._m.diagonal(k))

    def max(self, axis=None):
        return self._reduce("max", axis)

    def min(self, axis=None):
        return self._reduce("min", axis)

    def _reduce(self, name, axis):
        _standin.add()
        r = getattr(self._m, name)(axis=axis)
        return self._op(r) if _sp.issparse(r) else _cupy.ndarray._from(_np.asarray(r))

    # -- arithmetic -----------------------------------------------------------------------
    def _other(self, other):
        if isinstance(other, spmatrix):
            return other._m
        if isinstance(other, _cupy.ndarray):
            return other._a
        if isinstance(other, _np.ndarray) or _sp.issparse(other):
            raise TypeError(f"Unsupported type {type(other)} (a host array mixed with a device matrix)")
        return other

    def _result(self, r):
        if _sp.issparse(r):
            return spmatrix._of(r)
        if isinstance(r, _np.ndarray):
            return _cupy.ndarray._from(_np.asarray(r))
        return r

    def _bin(name):
        def f(self, other):
            _standin.add()
            return self._result(getattr(self._m, name)(self._other(other)))

        f.__name__ = name
        return f

    __add__ = _bin("__add__")
    __radd__ = _bin("__radd__")
    __sub__ = _bin("__sub__")
    __rsub__ = _bin("__rsub__")
    __mul__ = _bin("__mul__")
    __rmul__ = _bin("__rmul__")
    __truediv__ = _bin("__truediv__")
    __matmul__ = _bin("__matmul__")
    __rmatmul__ = _bin("__rmatmul__")
    dot = _bin("dot")
    multiply = _bin("multiply")
    maximum = _bin("maximum")
    minimum = _bin("minimum")
    __ne__ = _bin("__ne__")
    __lt__ = _bin("__lt__")
    __gt__ = _bin("__gt__")
    del _bin

    def __neg__(self):
        return self._op(-self._m)

    def __abs__(self):
        return self._op(abs(self._m))

    def power(self, n, dtype=None):
        return self._op(self._m.power(n, dtype=dtype))

    def __getitem__(self, key):
        _standin.add()
        if isinstance(key, tuple):
            key = tuple(k._a if isinstance(k, _cupy.ndarray) else k for k in key)
        elif isinstance(key, _cupy.ndarray):
            key = key._a
        return self._result(self._m[key])

    def __repr__(self):
        return f"<stand-in cupyx {self.format}_matrix {self.shape} nnz={self.nnz} dtype={self.dtype}>"


class csr_matrix(spmatrix):
    format = "csr"


class csc_matrix(spmatrix):
    format = "csc"


class coo_matrix(spmatrix):
    format = "coo"


def issparse(x):
    return isinstance(x, spmatrix)


isspmatrix = issparse


def isspmatrix_csr(x):
    return isinstance(x, csr_matrix)


def isspmatrix_csc(x):
    return isinstance(x, csc_matrix)


def isspmatrix_coo(x):
    return isinstance(x, coo_matrix)


def identity(n, dtype="d", format=None):
    _standin.add()
    return spmatrix._of(_sp.identity(n, dtype=_check_dtype(dtype), format=format or "csr"))


def eye(m, n=None, k=0, dtype="d", format=None):
    _standin.add()
    return spmatrix._of(_sp.eye(m, n, k=k, dtype=_check_dtype(dtype), format=format or "csr"))


def diags(diagonals, offsets=0, shape=None, format=None, dtype=None):
    _standin.add()
    if isinstance(diagonals, _cupy.ndarray):
        diagonals = diagonals._a
    elif isinstance(diagonals, (list, tuple)):
        diagonals = [d._a if isinstance(d, _cupy.ndarray) else d for d in diagonals]
    if isinstance(diagonals, _np.ndarray) and not isinstance(diagonals, _cupy.ndarray):
        pass
    m = _sp.diags(diagonals, offsets, shape=shape, format=format or "csr", dtype=dtype)
    return spmatrix._of(m.astype(_check_dtype(m.dtype)))


def random(m, n, density=0.01, format="coo", dtype=None, random_state=None, data_rvs=None):
    return spmatrix._of(_sp.random(m, n, density=density, format=format, dtype=dtype, random_state=random_state))


def vstack(blocks, format=None, dtype=None):
    return spmatrix._of(_sp.vstack([b._m for b in blocks], format=format or "csr", dtype=dtype))


def hstack(blocks, format=None, dtype=None):
    return spmatrix._of(_sp.hstack([b._m for b in blocks], format=format or "csr", dtype=dtype))
