"""Smoothers: Gauss-Seidel (pyamg's C++ kernel, CPU) and l1-Jacobi (array namespace, any device).

Gauss-Seidel is BootCMatch's shipped smoother (one forward sweep before the coarse
correction, one backward sweep after, which keeps the V-cycle symmetric). It is sequential by
nature, so on the GPU the smoother is l1-Jacobi, ``x <- x + (b - A x) / d``, with
``d_i = sum_j |a_ij|``: convergent for every SPD matrix without a damping parameter, and a
sparse product plus an axpy on any device.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..backend import namespace_of

__all__ = ["gauss_seidel", "l1_diagonal", "l1_jacobi"]


def gauss_seidel(A: Any, x: np.ndarray, b: np.ndarray, *, sweep: str = "forward", iterations: int = 1) -> np.ndarray:
    """Gauss-Seidel sweeps on ``A x = b`` in place (pyamg ``amg_core.gauss_seidel``).

    Parameters
    ----------
    A : scipy CSR matrix, float64
    x : float64 array (n,), contiguous
        Updated in place.
    b : float64 array (n,)
    sweep : {"forward", "backward", "symmetric"}
    iterations : int, default=1

    Returns
    -------
    x

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> A = sp.csr_array(np.array([[2., -1], [-1, 2]]))
    >>> gauss_seidel(A, np.zeros(2), np.array([1., 1.]), iterations=30).round(6).tolist()
    [1.0, 1.0]
    """
    from pyamg import amg_core

    n = A.shape[0]
    if sweep == "forward":
        passes = [(0, n, 1)]
    elif sweep == "backward":
        passes = [(n - 1, -1, -1)]
    elif sweep == "symmetric":
        passes = [(0, n, 1), (n - 1, -1, -1)]
    else:
        raise ValueError(f"sweep must be 'forward', 'backward' or 'symmetric', got {sweep!r}.")
    for _ in range(iterations):
        for start, stop, step in passes:
            amg_core.gauss_seidel(A.indptr, A.indices, A.data, x, b, start, stop, step)
    return x


def l1_diagonal(A: Any) -> Any:
    """``d_i = sum_j |a_ij|`` (the l1-Jacobi diagonal), on the device of ``A``.

    Parameters
    ----------
    A : sparse matrix
        CSR matrix on its device.

    Returns
    -------
    array

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> l1_diagonal(sp.csr_array(np.array([[2., -1], [-1, 2]]))).tolist()
    [3.0, 3.0]
    """
    xp = namespace_of(A).xp
    return xp.asarray(abs(A).sum(axis=1)).ravel()


def l1_jacobi(A: Any, x: Any, b: Any, d: Any, *, iterations: int = 1) -> Any:
    """l1-Jacobi sweeps ``x <- x + (b - A x) / d`` in place, through the array namespace.

    Parameters
    ----------
    A : sparse matrix (scipy or cupyx)
    x, b : arrays (n,) on the device of ``A``
    d : array (n,)
        :func:`l1_diagonal` of ``A``.
    iterations : int, default=1

    Returns
    -------
    x

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> A = sp.csr_array(np.array([[2., -1], [-1, 2]]))
    >>> x = l1_jacobi(A, np.zeros(2), np.ones(2), l1_diagonal(A), iterations=200)
    >>> x.round(6).tolist()
    [1.0, 1.0]
    """
    for _ in range(iterations):
        x += (b - A @ x) / d
    return x
