"""Devices and array namespaces: one code path for CPU and GPU.

An algorithm asks for ``ns = get_namespace(device)`` and writes ``ns.xp.linalg.qr(...)``,
``ns.sparse.csr_matrix(...)``: numpy + scipy.sparse on ``"cpu"``, cupy + cupyx.scipy.sparse on
``"cuda"``. Where the two libraries differ (random numbers, conversions) the namespace hides
the difference. CuPy is imported only when a CUDA namespace is asked for.

Random numbers always come from a host :class:`numpy.random.Generator` and are copied to the
device, so a seed gives the same numbers, and usually the same labels, on both devices.
"""
from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = [
    "Namespace", "get_namespace", "namespace_of", "resolve_device", "cuda_available", "is_cupy_array",
    "single_thread",
]

DEVICES = ("cpu", "cuda", "auto")


@functools.lru_cache(maxsize=None)
def cuda_available() -> bool:
    """True when CuPy imports and sees at least one CUDA device.

    CuPy not installed: False, silently (the CPU is the normal case). CuPy installed but
    broken (it fails to import for another reason, or its CUDA runtime or driver does not
    load): False with a RuntimeWarning that says why, so a broken GPU install is not
    mistaken for a machine without a GPU.

    Returns
    -------
    bool
    """
    try:
        import cupy
    except ModuleNotFoundError as err:
        if err.name is not None and err.name.split(".")[0] == "cupy":
            return False  # not installed
        warnings.warn(f"CuPy is installed but does not import ({err}); running on the CPU.", RuntimeWarning,
                      stacklevel=2)
        return False
    except Exception as err:  # noqa: BLE001 - any failure inside CuPy's import is a broken install
        warnings.warn(f"CuPy is installed but does not import ({type(err).__name__}: {err}); running on the CPU.",
                      RuntimeWarning, stacklevel=2)
        return False
    try:
        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception as err:  # noqa: BLE001 - CUDARuntimeError and driver errors have no common base
        # No device is not an error (e.g. cudaErrorNoDevice); anything else is worth a word.
        if "no CUDA-capable device" not in str(err) and "cudaErrorNoDevice" not in str(err):
            warnings.warn(f"CuPy imports but the CUDA runtime does not answer ({type(err).__name__}: {err}); "
                          "running on the CPU.", RuntimeWarning, stacklevel=2)
        return False


def resolve_device(device: str | None) -> str:
    """Map ``"cpu"``, ``"cuda"``, ``"auto"`` or None (= ``"cpu"``) to ``"cpu"`` or ``"cuda"``.

    ``"cuda"`` without CuPy or a device raises a clear error instead of failing later.

    Parameters
    ----------
    device : {"cpu", "cuda", "auto"} or None
        Requested device; ``"auto"`` picks ``"cuda"`` when CuPy and a device answer.

    Returns
    -------
    str
        ``"cpu"`` or ``"cuda"``.

    Examples
    --------
    >>> resolve_device(None)
    'cpu'
    """
    if device is None:
        return "cpu"
    if not isinstance(device, str) or device.lower() not in DEVICES:
        raise ValueError(f"device must be one of 'cpu', 'cuda', 'auto'; got {device!r}.")
    device = device.lower()
    if device == "auto":
        return "cuda" if cuda_available() else "cpu"
    if device == "cuda" and not cuda_available():
        raise ValueError(
            "device='cuda' needs CuPy and a CUDA device; install the 'gpu' extra "
            "(pip install graphclust[gpu]) on a machine with a GPU, or use device='cpu'."
        )
    return device


@functools.lru_cache(maxsize=None)
def _threadpool_controller() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()  # inspecting the loaded libraries costs ~ms: do it once


def single_thread(user_api: str | None = "blas") -> Any:
    """Context that runs the native thread pools on one thread.

    ``user_api="blas"`` limits BLAS/LAPACK only; None limits OpenMP too. graphclust's dense
    work is mostly tall-skinny (n x b blocks with small b): memory-bound, so one thread is as
    fast as several, while multithreaded OpenBLAS was measured 10-100x slower when the cores
    are busy. numba kernels run on their own threads and are not affected.

    Parameters
    ----------
    user_api : {"blas", None}, default "blas"
        Which native pools to limit (threadpoolctl's ``user_api``; None: all of them).

    Returns
    -------
    context manager

    Examples
    --------
    >>> import numpy as np
    >>> with single_thread():
    ...     float(np.ones((4, 4)).sum())
    16.0
    """
    return _threadpool_controller().limit(limits=1, user_api=user_api)


# Below this many rows BLAS / OpenMP thread fan-out costs more than it gains (measured 10x
# slower at N = 1600 on a busy 2-core machine): small problems run single-threaded.
SMALL_PROBLEM_ROWS = 100_000


def single_thread_if_small(n: int, threshold: int = SMALL_PROBLEM_ROWS) -> Any:
    """Context running BLAS and OpenMP on one thread when ``n < threshold`` (else a no-op).

    For whole computations on small graphs (a method's ``fit`` on ``n`` nodes), where the
    threads' start-up and synchronisation cost more than the work they share.

    Parameters
    ----------
    n : int
        Problem size (rows).
    threshold : int, default=100_000

    Examples
    --------
    >>> with single_thread_if_small(10):
    ...     pass
    """
    from contextlib import nullcontext

    if n >= threshold:
        return nullcontext()
    return single_thread(user_api=None)


def is_cupy_array(x: Any) -> bool:
    """True for cupy arrays and cupyx sparse matrices (without importing CuPy).

    Parameters
    ----------
    x : object
        Anything.

    Returns
    -------
    bool

    Examples
    --------
    >>> import numpy as np
    >>> is_cupy_array(np.zeros(2))
    False
    """
    mod = type(x).__module__
    return mod.startswith("cupy") or mod.startswith("cupyx")


@dataclass(frozen=True)
class Namespace:
    """The array libraries of one device.

    Attributes
    ----------
    name : {"cpu", "cuda"}
    xp : module
        numpy or cupy.
    sparse : module
        scipy.sparse or cupyx.scipy.sparse.
    """

    name: str
    xp: ModuleType
    sparse: ModuleType

    @property
    def is_gpu(self) -> bool:
        return self.name == "cuda"

    def asarray(self, x: Any, dtype: Any = None) -> Any:
        """Dense array on this device (copies across devices when needed).

        Parameters
        ----------
        x : array_like
            Data, on either device.
        dtype : numpy dtype, optional
            dtype of the result.
        """
        if self.is_gpu:
            return self.xp.asarray(x, dtype=dtype)
        if is_cupy_array(x):
            x = x.get()
        return np.asarray(x, dtype=dtype)

    def to_numpy(self, x: Any) -> np.ndarray:
        """Host numpy copy (or view) of a dense array from either device.

        Parameters
        ----------
        x : array
            numpy or CuPy array.
        """
        return x.get() if is_cupy_array(x) else np.asarray(x)

    def to_sparse(self, A: Any) -> Any:
        """CSR matrix of ``A`` on this device (scipy ``csr_array`` on CPU, cupyx ``csr_matrix`` on GPU).

        Parameters
        ----------
        A : sparse matrix or array_like
            scipy / cupyx sparse matrix or dense array, on either device.
        """
        if self.is_gpu:
            if is_cupy_array(A):
                return A.tocsr() if hasattr(A, "tocsr") else self.sparse.csr_matrix(A)
            A = sp.csr_matrix(A)
            return self.sparse.csr_matrix(A)
        if is_cupy_array(A):
            A = A.get()
        return sp.csr_array(A)

    def standard_normal(self, rng: np.random.Generator, shape: tuple, dtype: Any = np.float64) -> Any:
        """Gaussian block drawn on the host from ``rng`` and moved here (same numbers on both devices).

        Parameters
        ----------
        rng : numpy.random.Generator
            Source of the numbers.
        shape : tuple of int
            Shape of the block.
        dtype : numpy dtype, default float64
            dtype of the block.
        """
        return self.asarray(rng.standard_normal(shape).astype(dtype, copy=False))

    def qr(self, X: Any) -> Any:
        """Orthonormal basis (reduced QR) of the columns of X.

        Parameters
        ----------
        X : array of shape (n, k)
            Block on this device.
        """
        return self.xp.linalg.qr(X, mode="reduced")[0]


@functools.lru_cache(maxsize=None)
def get_namespace(device: str = "cpu") -> Namespace:
    """Return the :class:`Namespace` of ``device`` ("cpu", "cuda" or "auto").

    Parameters
    ----------
    device : {"cpu", "cuda", "auto"}, default "cpu"
        The device.

    Examples
    --------
    >>> ns = get_namespace("cpu")
    >>> ns.xp.__name__, ns.sparse.__name__
    ('numpy', 'scipy.sparse')
    """
    device = resolve_device(device)
    if device == "cuda":
        import cupy
        import cupyx.scipy.sparse

        return Namespace("cuda", cupy, cupyx.scipy.sparse)
    return Namespace("cpu", np, sp)


def namespace_of(*arrays: Any) -> Namespace:
    """Namespace of the device the given arrays live on (GPU if any of them is a CuPy object).

    Parameters
    ----------
    *arrays : array, sparse matrix or None
        Arrays of either device (None entries are ignored).

    Returns
    -------
    Namespace

    Examples
    --------
    >>> import numpy as np
    >>> namespace_of(np.zeros(2), None).name
    'cpu'
    """
    return get_namespace("cuda" if any(is_cupy_array(a) for a in arrays if a is not None) else "cpu")
