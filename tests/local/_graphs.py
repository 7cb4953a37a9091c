"""Small graphs shared by the local-clustering tests."""
from __future__ import annotations

import networkx as nx
import numpy as np
import scipy.sparse as sp


def random_weighted(n: int = 30, p: float = 0.2, seed: int = 0, loops: bool = False) -> sp.csr_array:
    """A connected random graph with weights in [0.1, 2] (optionally with self-loops)."""
    rng = np.random.default_rng(seed)
    G = nx.gnp_random_graph(n, p, seed=seed)
    G.add_edges_from((i, i + 1) for i in range(n - 1))  # connected
    A = nx.to_scipy_sparse_array(G, weight=None, format="coo").astype(float)
    U = sp.triu(A, 1).tocoo()
    w = rng.uniform(0.1, 2.0, U.nnz)
    W = sp.coo_array((w, (U.row, U.col)), shape=A.shape)
    W = (W + W.T).tocsr()
    if loops:
        idx = rng.choice(n, n // 5, replace=False)
        W = W + sp.csr_array((rng.uniform(0.5, 1.5, idx.size), (idx, idx)), shape=A.shape)
    return sp.csr_array(W)
