"""cupyx.scipy.sparse.linalg stand-in: scipy's solvers behind the device wall."""
from __future__ import annotations

import numpy as _np
import scipy.sparse.linalg as _sla

import cupy as _cupy


class LinearOperator:
    def __init__(self, shape, matvec, rmatvec=None, matmat=None, dtype=None, rmatmat=None):
        self.shape, self.dtype = tuple(shape), _np.dtype(dtype or _np.float64)
        self._matvec, self._matmat = matvec, matmat

    def matvec(self, x):
        return self._matvec(x)

    def matmat(self, X):
        if self._matmat is not None:
            return self._matmat(X)
        return _cupy.stack([self._matvec(X[:, j]) for j in range(X.shape[1])], axis=1)


def _host_operator(A):
    from . import spmatrix

    if isinstance(A, spmatrix):
        return A._m
    if isinstance(A, LinearOperator):
        def mv(x):
            return A.matvec(_cupy.asarray(x)).get()

        def mm(X):
            return A.matmat(_cupy.asarray(X)).get()

        return _sla.LinearOperator(A.shape, matvec=mv, matmat=mm, dtype=A.dtype)
    if callable(getattr(A, "matmat", None)) or callable(getattr(A, "dot", None)) or hasattr(A, "__matmul__"):
        def mm(X):
            return _cupy.asarray(A @ _cupy.asarray(X)).get()

        return _sla.LinearOperator(A.shape, matvec=lambda x: mm(x[:, None])[:, 0], matmat=mm, dtype=A.dtype)
    raise TypeError(f"unsupported operator {type(A).__name__}")


def _host(x):
    if x is None:
        return None
    if isinstance(x, _cupy.ndarray):
        return x.get()
    raise TypeError(f"Unsupported type {type(x)} (expected a cupy array)")


def eigsh(a, k=6, *, which="LM", v0=None, ncv=None, maxiter=None, tol=0, return_eigenvectors=True):
    w, V = _sla.eigsh(_host_operator(a), k=k, which=which, v0=_host(v0), ncv=ncv, maxiter=maxiter, tol=tol)
    return _cupy.asarray(w), _cupy.asarray(V)


def lobpcg(A, X, B=None, M=None, Y=None, tol=None, maxiter=None, largest=True, verbosityLevel=0,
           retLambdaHistory=False, retResidualNormsHistory=False):
    w, V = _sla.lobpcg(_host_operator(A), _host(X), tol=tol, maxiter=maxiter, largest=largest,
                       verbosityLevel=verbosityLevel)
    return _cupy.asarray(w), _cupy.asarray(V)
