"""Tests of graphclust.backend: device names, namespaces, host-side randomness."""
from __future__ import annotations

import sys

import numpy as np
import pytest
import scipy.sparse as sp

from graphclust import backend
from graphclust.backend import get_namespace, is_cupy_array, namespace_of, resolve_device


@pytest.fixture
def no_cuda(monkeypatch):
    """Pretend CuPy / a CUDA device is absent, whatever this machine has."""
    monkeypatch.setattr(backend, "cuda_available", lambda: False)


def test_resolve_device_names(no_cuda):
    assert resolve_device(None) == "cpu"
    assert resolve_device("cpu") == "cpu"
    assert resolve_device("CPU") == "cpu"
    assert resolve_device("auto") == "cpu"


def test_cuda_without_cupy_is_a_clear_error(no_cuda):
    with pytest.raises(ValueError, match="device='cuda' needs CuPy and a CUDA device"):
        resolve_device("cuda")


def test_auto_prefers_cuda_when_present(monkeypatch):
    monkeypatch.setattr(backend, "cuda_available", lambda: True)
    assert resolve_device("auto") == "cuda"
    assert resolve_device("cuda") == "cuda"


# explicit ids: a parameter id "gpu" would become a keyword that tests/conftest.py reads as the gpu marker
@pytest.mark.parametrize("bad", ["gpu", "cuda:0", "", 0, 1.0, ["cpu"]], ids=["word-g-p-u", "cuda0", "empty", "int", "float", "list"])
def test_bad_device_name(bad):
    with pytest.raises(ValueError, match="device must be one of 'cpu', 'cuda', 'auto'"):
        resolve_device(bad)


def test_cuda_available_is_a_bool():
    assert isinstance(backend.cuda_available(), bool)


def test_cpu_namespace_basics():
    ns = get_namespace("cpu")
    assert ns.name == "cpu" and not ns.is_gpu
    assert ns.xp is np and ns.sparse is sp
    assert get_namespace(None) == ns
    a = ns.asarray([1, 2, 3], dtype=np.float32)
    assert isinstance(a, np.ndarray) and a.dtype == np.float32
    np.testing.assert_array_equal(ns.to_numpy(a), [1, 2, 3])
    A = ns.to_sparse(sp.coo_matrix(np.eye(3)))
    assert isinstance(A, sp.csr_array)
    np.testing.assert_array_equal(A.toarray(), np.eye(3))


def test_standard_normal_comes_from_the_host_generator():
    ns = get_namespace("cpu")
    X = ns.standard_normal(np.random.default_rng(3), (4, 2))
    np.testing.assert_array_equal(X, np.random.default_rng(3).standard_normal((4, 2)))
    X32 = ns.standard_normal(np.random.default_rng(3), (4, 2), dtype=np.float32)
    assert X32.dtype == np.float32
    np.testing.assert_allclose(X32, X, rtol=1e-6)


def test_qr_orthonormal():
    ns = get_namespace("cpu")
    X = np.random.default_rng(0).standard_normal((30, 4))
    Q = ns.qr(X)
    assert Q.shape == (30, 4)
    np.testing.assert_allclose(Q.T @ Q, np.eye(4), atol=1e-12)
    # same column space: projecting X on Q leaves it unchanged
    np.testing.assert_allclose(Q @ (Q.T @ X), X, atol=1e-10)


def test_namespace_of_and_is_cupy_array():
    assert namespace_of(np.ones(2), None, sp.eye(2)).name == "cpu"
    assert not is_cupy_array(np.ones(2))
    assert not is_cupy_array(sp.eye(2))
    assert not is_cupy_array([1, 2])


@pytest.mark.gpu
def test_cuda_namespace_same_random_numbers():
    ns = get_namespace("cuda")
    X = ns.standard_normal(np.random.default_rng(1), (5, 3))
    assert is_cupy_array(X)
    np.testing.assert_array_equal(ns.to_numpy(X), np.random.default_rng(1).standard_normal((5, 3)))
    A = ns.to_sparse(sp.random(6, 6, density=0.3, random_state=0, format="csr"))
    assert is_cupy_array(A)
    assert namespace_of(A).name == "cuda"


def _fake_cupy(tmp_path, monkeypatch, body):
    pkg = tmp_path / "cupy"
    pkg.mkdir()
    (pkg / "__init__.py").write_text(body)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "cupy", raising=False)
    backend.cuda_available.cache_clear()


@pytest.mark.parametrize("body, why", [
    ("raise ImportError('libcudart.so.12: cannot open shared object file')", "libcudart"),
    ("import fastrlock_missing_dependency", "fastrlock_missing_dependency"),
    ("class _R:\n    @staticmethod\n    def getDeviceCount():\n        raise RuntimeError('CUDA driver version is "
     "insufficient')\nclass cuda:\n    runtime = _R\n", "driver version"),
])
def test_broken_cupy_install_warns(tmp_path, monkeypatch, body, why):
    _fake_cupy(tmp_path, monkeypatch, body)
    try:
        with pytest.warns(RuntimeWarning, match=why):
            assert backend.cuda_available() is False
    finally:
        backend.cuda_available.cache_clear()


def test_missing_cupy_is_silent(monkeypatch):
    import warnings

    monkeypatch.setitem(sys.modules, "cupy", None)  # import cupy -> ModuleNotFoundError('cupy')
    backend.cuda_available.cache_clear()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert backend.cuda_available() is False
    finally:
        backend.cuda_available.cache_clear()
