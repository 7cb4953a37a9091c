"""The propagated adjacency B = sum_t A_hat^t against dense matrix powers; its memory guard."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from graphclust import memory
from graphclust.contrastive import normalized_adjacency, propagated_adjacency
from graphclust.graph import as_graph


def _graph(n=30, seed=0, density=0.1):
    U = sp.random_array((n, n), density=density, random_state=np.random.default_rng(seed))
    A = sp.csr_array(U + U.T)  # weighted, symmetric
    A.setdiag(0)
    A.eliminate_zeros()
    return A


def _dense_ahat(A, self_loops=1.0):
    D = np.maximum(A.toarray(), A.toarray().T) + self_loops * np.eye(A.shape[0])
    return D / D.sum(1, keepdims=True)


@pytest.mark.parametrize("order", [1, 2, 3, 4])
@pytest.mark.parametrize("influence", [True, False])
def test_equals_dense_powers(order, influence):
    A = _graph(seed=order)
    Ah = _dense_ahat(A)
    powers = [np.linalg.matrix_power(Ah, t) for t in range(1, order + 1)]
    ref = sum(powers) if influence else powers[-1]
    B = propagated_adjacency(A, order, influence=influence, dtype=np.float64)
    assert sp.issparse(B) and B.has_sorted_indices
    np.testing.assert_allclose(B.toarray(), ref, rtol=1e-12, atol=1e-15)
    # rows sum to r with influence, 1 without (A_hat is row-stochastic)
    np.testing.assert_allclose(B.sum(axis=1), order if influence else 1.0, rtol=1e-12)


def test_graph_input_directed_scipy_input_symmetrised_and_isolated_nodes():
    A = _graph(seed=5)
    A_dir = sp.triu(A, format="csr")  # official: A <- max(A, A^T)
    B1 = propagated_adjacency(A_dir, 2)
    B2 = propagated_adjacency(as_graph(A), 2)
    np.testing.assert_allclose(B1.toarray(), B2.toarray(), rtol=1e-6)
    iso = sp.block_diag([A, sp.csr_array((2, 2))], format="csr")
    B = propagated_adjacency(iso, 3)
    assert B[A.shape[0], A.shape[0]] == pytest.approx(3.0)  # self-loop only: 1 per power
    assert normalized_adjacency(iso)[A.shape[0] + 1].nnz == 1


def test_fill_in_refused_by_memory_guard():
    A = _graph(n=200, seed=6, density=0.05)
    with memory.memory_limit(20_000):
        with pytest.raises(memory.MemoryLimitError, match="propagated adjacency"):
            propagated_adjacency(A, 3)
    assert propagated_adjacency(A, 1).nnz == A.nnz + 200  # order 1 needs no product


def test_bad_parameters():
    A = _graph()
    with pytest.raises(ValueError, match="order"):
        propagated_adjacency(A, 0)
    with pytest.raises(TypeError, match="order"):
        propagated_adjacency(A, 1.5)
    with pytest.raises(TypeError, match="influence"):
        propagated_adjacency(A, 2, influence="yes")
    with pytest.raises(TypeError, match="adjacency"):
        propagated_adjacency(A.toarray(), 2)
    with pytest.raises(ValueError, match="square"):
        propagated_adjacency(sp.csr_array(np.ones((2, 3))), 2)
