"""The torch side of the backend: importing torch, devices, seeding and determinism.

graphclust's deep methods (:mod:`graphclust.contrastive`) run on PyTorch. Everything they
need from torch that is not a tensor operation lives here, so that no module imports torch
at ``import graphclust`` and the seeding rules of :mod:`graphclust.seeding` hold for torch too:

- :func:`import_torch` imports torch on first use, with an error that names the extra;
- :func:`torch_device` maps ``"cpu"`` / ``"cuda"`` / ``"auto"`` to a ``torch.device``;
- :func:`torch_seeded` runs a block with torch's global generators seeded from our
  ``numpy.random.Generator`` (one :func:`graphclust.seeding.seed_from` draw) and restores
  them afterwards, so weight initialisation is a function of ``random_state`` and the
  caller's torch state is left as found;
- :func:`deterministic` switches on ``torch.use_deterministic_algorithms`` for a block
  (and restores the previous setting);
- :func:`to_torch_sparse` turns a scipy sparse matrix into a coalesced torch COO tensor.

Examples
--------
>>> import numpy as np
>>> from graphclust.torch_backend import import_torch, torch_seeded
>>> torch = import_torch()
>>> with torch_seeded(np.random.default_rng(0)):
...     a = torch.randn(3)
>>> with torch_seeded(np.random.default_rng(0)):
...     b = torch.randn(3)
>>> bool((a == b).all())
True
"""
from __future__ import annotations

import contextlib
from types import ModuleType
from typing import Any, Iterator

import numpy as np
import scipy.sparse as sp

from .seeding import seed_from

__all__ = ["import_torch", "torch_available", "torch_device", "torch_seeded", "deterministic", "to_torch_sparse",
           "torch_dtype"]


def torch_available() -> bool:
    """True when torch can be imported.

    Examples
    --------
    >>> isinstance(torch_available(), bool)
    True
    """
    try:
        import_torch()
        return True
    except ImportError:
        return False


def import_torch() -> ModuleType:
    """Import and return torch, or raise an ImportError that says how to install it.

    Returns
    -------
    module
        ``torch``.

    Examples
    --------
    >>> import_torch().__name__
    'torch'
    """
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - exercised only without torch
        raise ImportError(
            "this graphclust method runs on PyTorch; install the 'torch' extra "
            "(pip install graphclust[torch])."
        ) from exc
    return torch


def torch_device(device: Any) -> Any:
    """The ``torch.device`` for ``device`` ("cpu", "cuda", "cuda:N", "auto", None or a torch.device).

    ``"auto"`` picks CUDA when torch sees a GPU; ``"cuda"`` without one raises a clear
    ValueError instead of failing at the first tensor.

    Parameters
    ----------
    device : str, torch.device or None
        None means ``"cpu"``.

    Returns
    -------
    torch.device

    Examples
    --------
    >>> torch_device("cpu")
    device(type='cpu')
    """
    torch = import_torch()
    if device is None:
        return torch.device("cpu")
    if isinstance(device, torch.device):
        dev = device
    elif isinstance(device, str):
        name = device.lower()
        if name == "auto":
            return torch.device("cuda" if torch.cuda.is_available() else "cpu")
        try:
            dev = torch.device(name)
        except RuntimeError:
            raise ValueError(f"device must be 'cpu', 'cuda', 'cuda:N' or 'auto', got {device!r}.") from None
    else:
        raise ValueError(f"device must be 'cpu', 'cuda', 'cuda:N', 'auto' or a torch.device, got {device!r}.")
    if dev.type not in ("cpu", "cuda"):
        raise ValueError(f"device must be 'cpu', 'cuda', 'cuda:N' or 'auto', got {device!r}.")
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError("device='cuda' needs a CUDA build of torch and a GPU; use device='cpu'.")
    return dev


def torch_dtype(dtype: Any) -> Any:
    """The torch dtype of ``"float32"`` / ``"float64"`` (or a numpy / torch float dtype).

    Parameters
    ----------
    dtype : str, numpy dtype or torch dtype
        A float dtype (float32 or float64).

    Returns
    -------
    torch.dtype

    Examples
    --------
    >>> torch_dtype("float32")
    torch.float32
    """
    torch = import_torch()
    if isinstance(dtype, torch.dtype):
        if dtype not in (torch.float32, torch.float64):
            raise ValueError(f"dtype must be float32 or float64, got {dtype}.")
        return dtype
    name = np.dtype(dtype).name
    if name not in ("float32", "float64"):
        raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}.")
    return getattr(torch, name)


@contextlib.contextmanager
def torch_seeded(rng: np.random.Generator, device: Any = None) -> Iterator[int]:
    """Seed torch's global generators from ``rng`` for a block, then restore them.

    Parameters
    ----------
    rng : numpy.random.Generator
        The estimator's generator (one integer is drawn from it, or its
        :class:`~graphclust.seeding.FixedSeed` is used unchanged).
    device : torch.device, optional
        A CUDA device whose generator is forked and seeded too.

    Yields
    ------
    int
        The seed given to ``torch.manual_seed``.

    Examples
    --------
    >>> from graphclust.seeding import FixedSeed, check_random_state
    >>> with torch_seeded(check_random_state(FixedSeed(42))) as seed:
    ...     seed
    42
    """
    torch = import_torch()
    seed = seed_from(rng)
    cuda = [device] if device is not None and torch.device(device).type == "cuda" else []
    with torch.random.fork_rng(devices=cuda):
        torch.manual_seed(seed)  # seeds the CPU generator and every CUDA one
        yield seed


@contextlib.contextmanager
def deterministic(enabled: bool = True) -> Iterator[None]:
    """Run a block with ``torch.use_deterministic_algorithms(enabled, warn_only=True)``.

    ``warn_only``: an operation without a deterministic kernel on the chosen device warns
    instead of failing. The previous setting is restored on exit.

    Parameters
    ----------
    enabled : bool, default=True

    Examples
    --------
    >>> torch = import_torch()
    >>> with deterministic():
    ...     torch.are_deterministic_algorithms_enabled()
    True
    """
    torch = import_torch()
    was = torch.are_deterministic_algorithms_enabled()
    was_warn = torch.is_deterministic_algorithms_warn_only_enabled()
    torch.use_deterministic_algorithms(enabled, warn_only=True)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(was, warn_only=was_warn)


def to_torch_sparse(A: Any, *, dtype: Any = None, device: Any = None) -> Any:
    """A coalesced torch COO tensor of a scipy sparse matrix (or a torch sparse tensor).

    Parameters
    ----------
    A : scipy sparse matrix / array, or torch sparse tensor
    dtype : torch dtype, optional
        Of the values (default: float32 for float32 input, float64 otherwise).
    device : torch.device, optional

    Returns
    -------
    torch.Tensor
        Sparse COO, coalesced (indices sorted by row, duplicates summed).

    Examples
    --------
    >>> T = to_torch_sparse(sp.csr_array([[0.0, 2.0], [2.0, 0.0]]))
    >>> T.indices().tolist(), T.values().tolist()
    ([[0, 1], [1, 0]], [2.0, 2.0])
    """
    torch = import_torch()
    if isinstance(A, torch.Tensor):
        if A.layout == torch.strided:
            raise TypeError("to_torch_sparse expects a sparse tensor, got a dense one.")
        T = (A if A.is_sparse else A.to_sparse_coo()).coalesce()
        return T.to(device=device, dtype=dtype or T.dtype)
    if not sp.issparse(A):
        raise TypeError(f"expected a scipy sparse matrix or a torch sparse tensor, got {type(A).__name__}.")
    C = sp.coo_array(A)
    C.sum_duplicates()
    if dtype is None:
        dtype = torch.float32 if C.dtype == np.float32 else torch.float64
    idx = torch.from_numpy(np.vstack([C.row, C.col]).astype(np.int64))
    vals = torch.from_numpy(np.asarray(C.data)).to(dtype)
    return torch.sparse_coo_tensor(idx, vals, size=C.shape, device=device, check_invariants=False).coalesce()
