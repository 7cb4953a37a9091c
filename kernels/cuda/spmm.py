"""CSR-by-dense products (SpMM) on a CUDA device through CuPy.

The products go to cuSPARSE through ``cupyx.scipy.sparse`` (``csr_matrix @ cupy.ndarray``
calls ``cusparseSpMM``). A hand-written RawKernel is not used: cuSPARSE's SpMM already picks
row- or warp-per-row schedules and coalesced column tiles by shape, and a RawKernel could not be
tested on the machines this code was written on, while cuSPARSE is exercised by CuPy's own
tests. CuPy is imported lazily, so this module imports on machines without it; calling a
function there raises an ``ImportError`` that says what to install.
"""
from __future__ import annotations

from typing import Any

__all__ = ["csr_spmm", "csr_spmm_t"]


def _cupy() -> tuple[Any, Any]:
    try:
        import cupy
        import cupyx.scipy.sparse as csp
    except ImportError as exc:  # pragma: no cover - depends on the machine
        raise ImportError(
            "The CUDA SpMM path needs CuPy and a CUDA device: pip install 'graphclust[gpu]'."
        ) from exc
    return cupy, csp


def _as_device_csr(A: Any) -> Any:
    cupy, csp = _cupy()
    if csp.issparse(A):
        return A if A.format == "csr" else A.tocsr()
    import scipy.sparse as sp

    if sp.issparse(A):
        host = sp.csr_matrix(A)
        return csp.csr_matrix(host)
    raise TypeError(
        f"A must be a cupyx or scipy sparse matrix, got {type(A).__name__}."
    )


def _prepare(A: Any, X: Any, n_rows_needed: int | None) -> tuple[Any, Any]:
    cupy, _ = _cupy()
    A = _as_device_csr(A)
    X = cupy.asarray(X)
    if X.ndim not in (1, 2):
        raise ValueError(f"X must be 1-D or 2-D, got {X.ndim} dimensions.")
    if X.dtype.kind not in "biuf":
        raise TypeError(f"X must hold real numbers, got dtype {X.dtype}.")
    expected = A.shape[1] if n_rows_needed is None else n_rows_needed
    if X.shape[0] != expected:
        raise ValueError(f"X has {X.shape[0]} rows, expected {expected}.")
    dtype = cupy.result_type(A.dtype, X.dtype)
    if dtype not in (cupy.float32, cupy.float64):
        dtype = cupy.dtype(cupy.float64)
    # cuSPARSE multiplies operands of one dtype; cast the lighter one (no copy when equal)
    if A.dtype != dtype:
        A = A.astype(dtype)
    X = X.astype(dtype, copy=False)
    return A, X


def _store(Y: Any, out: Any) -> Any:
    if out is None:
        return Y
    if out.shape != Y.shape or out.dtype != Y.dtype:
        raise ValueError(
            f"out must have shape {Y.shape} and dtype {Y.dtype}, got {out.shape} and {out.dtype}."
        )
    out[...] = Y
    return out


def csr_spmm(A: Any, X: Any, out: Any = None) -> Any:
    """``A @ X`` on the GPU for a CSR matrix ``A`` and a dense block ``X``.

    Parameters
    ----------
    A : cupyx.scipy.sparse matrix or scipy.sparse matrix/array
        Host matrices are copied to the device (as CSR).
    X : cupy.ndarray or array-like of shape (n_cols,) or (n_cols, k)
    out : cupy.ndarray, optional
        Receives the result (overwritten).

    Returns
    -------
    cupy.ndarray
        ``A @ X`` with dtype ``result_type(A, X)`` (float64 for integer inputs), like the CPU
        kernel ``graphclust.kernels.cpu.spmm.csr_spmm``.

    Examples
    --------
    >>> import cupy, cupyx.scipy.sparse as csp  # doctest: +SKIP
    >>> A = csp.random(100, 100, density=0.05, format="csr")  # doctest: +SKIP
    >>> Y = csr_spmm(A, cupy.ones((100, 8)))  # doctest: +SKIP
    """
    A, X = _prepare(A, X, None)
    return _store(A @ X, out)


def csr_spmm_t(A: Any, X: Any, out: Any = None) -> Any:
    """``A^T @ X`` on the GPU without building ``A^T`` in CSR.

    ``A.T`` of a cupyx CSR matrix is a CSC view over the same arrays, and cuSPARSE multiplies
    it with the transpose flag. For a symmetric ``A`` call :func:`csr_spmm`.

    Parameters
    ----------
    A : cupyx.scipy.sparse.csr_matrix
        The matrix, on the GPU.
    X : cupy.ndarray of shape (A.shape[0], k)
        Dense block.
    out : cupy.ndarray of shape (A.shape[1], k), optional
        Where to write the result.

    Returns
    -------
    cupy.ndarray of shape (A.shape[1], k)

    Examples
    --------
    >>> import cupy, cupyx.scipy.sparse as csp  # doctest: +SKIP
    >>> A = csp.random(100, 50, density=0.05, format="csr")  # doctest: +SKIP
    >>> Y = csr_spmm_t(A, cupy.ones((100, 4)))  # shape (50, 4)  # doctest: +SKIP
    """
    A = _as_device_csr(A)
    A, X = _prepare(A, X, A.shape[0])
    return _store(A.T @ X, out)
