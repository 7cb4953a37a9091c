"""A strict stand-in for CuPy (tests only; see tests/_cupy_standin/README.md)."""
from __future__ import annotations

import numpy as _np
from numpy.lib.mixins import NDArrayOperatorsMixin as _Mixin

from . import _standin
from . import cuda  # noqa: F401
from . import linalg  # noqa: F401
from . import random  # noqa: F401

__version__ = "13.0.0-standin"
_STANDIN = True

_IMPLICIT = (
    "Implicit conversion to a NumPy array is not allowed. Please use `.get()` to construct a NumPy "
    "array explicitly."
)


def _unsupported(x):
    return TypeError(f"Unsupported type {type(x)}")


def _unwrap(x, strict=True):
    """Device array -> its numpy buffer; host ndarray -> TypeError (strict); containers recursed."""
    if isinstance(x, ndarray):
        return x._a
    if isinstance(x, _np.ndarray):
        if strict:
            raise _unsupported(x)
        return x
    if type(x).__module__.startswith("cupyx"):
        raise TypeError(f"a cupyx sparse matrix is not a dense cupy array: {type(x).__name__}")
    if type(x).__module__.startswith("scipy.sparse") or type(x).__module__.startswith("torch"):
        raise _unsupported(x)
    if isinstance(x, (list, tuple)):
        return type(x)(_unwrap(v, strict) for v in x)
    return x


def _wrap(r):
    if isinstance(r, _np.ndarray):
        return ndarray._from(r)
    if isinstance(r, _np.generic):  # reductions give 0-d device arrays in CuPy
        return ndarray._from(_np.asarray(r))
    if isinstance(r, tuple):
        return tuple(_wrap(v) for v in r)
    if isinstance(r, list):
        return [_wrap(v) for v in r]
    return r


def _unwrap_kwargs(kw, strict=True):
    return {k: _unwrap(v, strict) for k, v in kw.items()}


class ndarray(_Mixin):
    """Device array: a numpy buffer that refuses to mix with host arrays."""

    __array_priority__ = 1000
    __slots__ = ("_a",)

    def __init__(self, shape, dtype=float, order="C"):
        self._a = _np.empty(shape, dtype=dtype, order=order)

    @classmethod
    def _from(cls, a):
        obj = cls.__new__(cls)
        obj._a = a
        return obj

    # -- conversions ----------------------------------------------------------------------
    def __array__(self, dtype=None, copy=None):
        raise TypeError(_IMPLICIT)

    def get(self, stream=None, order="C", out=None):
        if out is not None:
            out[...] = self._a
            return out
        return _np.array(self._a, order=order, copy=True)

    def tolist(self):
        return self._a.tolist()

    def item(self, *args):
        return self._a.item(*args)

    def __float__(self):
        return float(self._a)

    def __int__(self):
        return int(self._a)

    def __index__(self):
        return self._a.__index__()

    def __bool__(self):
        return bool(self._a)

    def __complex__(self):
        return complex(self._a)

    def __len__(self):
        return len(self._a)

    def __iter__(self):
        for i in range(len(self._a)):
            yield self[i]

    def __repr__(self):
        return repr(self._a).replace("array", "standin_array", 1)

    __hash__ = None

    # -- numpy protocols ------------------------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        _standin.add()
        args = [_unwrap(x) for x in inputs]
        out = kwargs.pop("out", None)
        kwargs = _unwrap_kwargs(kwargs)
        if out is not None:
            kwargs["out"] = tuple(_unwrap(o) for o in out)
        r = getattr(ufunc, method)(*args, **kwargs)
        if out is not None:
            return out[0] if len(out) == 1 else out
        return _wrap(r)

    def __array_function__(self, func, types, args, kwargs):
        _standin.add()
        return _wrap(func(*_unwrap(args), **_unwrap_kwargs(kwargs)))

    # -- attributes -----------------------------------------------------------------------
    shape = property(lambda self: self._a.shape)
    dtype = property(lambda self: self._a.dtype)
    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    nbytes = property(lambda self: self._a.nbytes)
    itemsize = property(lambda self: self._a.itemsize)
    strides = property(lambda self: self._a.strides)
    flags = property(lambda self: self._a.flags)
    T = property(lambda self: ndarray._from(self._a.T))
    real = property(lambda self: ndarray._from(self._a.real))
    imag = property(lambda self: ndarray._from(self._a.imag))
    device = property(lambda self: cuda.Device(0))

    @property
    def base(self):
        return None if self._a.base is None else ndarray._from(_np.asarray(self._a.base))

    def __getitem__(self, key):
        _standin.add()
        return _wrap(_np.asarray(self._a[_unwrap(key, strict=False)]))

    def __setitem__(self, key, value):
        _standin.add()
        # CuPy copies a host value to the device here (an explicit transfer, allowed)
        self._a[_unwrap(key, strict=False)] = _unwrap(value, strict=False)

    def __getattr__(self, name):
        if name == "_a" or name.startswith("__"):
            # no __array_interface__ / __array_struct__ / buffer: device memory is not host memory
            raise AttributeError(name)
        attr = getattr(self._a, name)
        if not callable(attr):
            return _wrap(attr)

        def method(*args, **kwargs):
            _standin.add()
            return _wrap(attr(*_unwrap(args), **_unwrap_kwargs(kwargs)))

        return method

    def __reduce__(self):
        return (ndarray._from, (self._a,))


# -- creation and transfers ---------------------------------------------------------------
def asarray(a, dtype=None, order=None):
    _standin.add()
    if isinstance(a, ndarray):
        return a if dtype is None or _np.dtype(dtype) == a.dtype else a.astype(dtype)
    return ndarray._from(_np.array(_unwrap(a, strict=False), dtype=dtype, order=order or "K", copy=True))


def array(obj, dtype=None, copy=True, order="K", subok=False, ndmin=0):
    _standin.add()
    return ndarray._from(_np.array(_unwrap(obj, strict=False), dtype=dtype, copy=True, order=order, ndmin=ndmin))


def ascontiguousarray(a, dtype=None):
    if not isinstance(a, ndarray):
        raise _unsupported(a)
    _standin.add()
    return ndarray._from(_np.ascontiguousarray(a._a, dtype=dtype))


def asnumpy(a, stream=None, order="C", out=None):
    if isinstance(a, ndarray):
        return a.get(order=order, out=out)
    return _np.asarray(a, order=order)


def get_array_module(*args):
    import sys

    return sys.modules[__name__] if any(isinstance(a, ndarray) for a in args) else _np


def repeat(a, repeats, axis=None):
    """CuPy's repeat: no device array of counts; a list of counts costs one launch per element."""
    if isinstance(repeats, ndarray):
        raise ValueError("cupy.ndaray cannot be specified as `repeats` argument.")
    if isinstance(a, _np.ndarray):
        raise _unsupported(a)
    if isinstance(repeats, (list, tuple, _np.ndarray)):
        _standin.add(max(len(repeats), 1))
    else:
        _standin.add()
    return ndarray._from(_np.repeat(_unwrap(a), repeats, axis=axis))


def may_share_memory(a, b, max_work=None):
    return _np.may_share_memory(_unwrap(a, strict=False), _unwrap(b, strict=False))


def shares_memory(a, b, max_work=None):
    return _np.shares_memory(_unwrap(a, strict=False), _unwrap(b, strict=False))


def isscalar(x):
    return _np.isscalar(x)


def fuse(*args, **kwargs):
    def deco(f):
        return f
    return deco(args[0]) if args and callable(args[0]) else deco


_PASSTHROUGH = {"dtype", "result_type", "can_cast", "promote_types", "iinfo", "finfo", "issubdtype", "ndim",
                "shape", "isscalar", "min_scalar_type", "obj2sctype"}
# result_type / can_cast take arrays too: unwrap them without strictness
_DTYPE_FUNCS = {"result_type", "can_cast", "promote_types", "min_scalar_type"}


def __getattr__(name):
    attr = getattr(_np, name)  # AttributeError for names numpy lacks
    if name in _DTYPE_FUNCS:
        return lambda *args, **kw: attr(*(a.dtype if isinstance(a, ndarray) else a for a in args), **kw)
    if name in _PASSTHROUGH or not callable(attr) or isinstance(attr, type):
        return attr

    def func(*args, **kwargs):
        _standin.add()
        return _wrap(attr(*_unwrap(args), **_unwrap_kwargs(kwargs)))

    func.__name__ = name
    return func
