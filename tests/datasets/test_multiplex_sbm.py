import numpy as np
import pytest

from graphclust.datasets import multiplex_sbm


def test_degrees_signals_and_features():
    g = multiplex_sbm([500, 500], degrees=(8, 4), signals=(0.9, 0.0), n_features=6, random_state=0)
    assert g.relation_names == ["signal_0.9", "noise"] and g.n_nodes == 1000
    y = g.labels
    for A, c, s in zip(g.relations, (8, 4), (0.9, 0.0)):
        assert (A != A.T).nnz == 0 and A.diagonal().sum() == 0
        deg = A.sum() / 1000
        assert abs(deg - c) < 0.1 * c
        C = A.tocoo()
        within = np.mean(y[C.row] == y[C.col])
        # fraction of edges inside blocks: 1 / (1 + (1 - s)) for two equal blocks
        assert abs(within - 1 / (2 - s)) < 0.03
    means = np.array([g.features[y == b].mean(axis=0) for b in (0, 1)])
    assert np.linalg.norm(means[0] - means[1]) > 0.5
    h = multiplex_sbm([500, 500], degrees=(8, 4), signals=(0.9, 0.0), n_features=6, random_state=0)
    assert all((A != B).nnz == 0 for A, B in zip(g.relations, h.relations))


def test_bad_input():
    with pytest.raises(ValueError, match="one entry per relation"):
        multiplex_sbm([10, 10], degrees=(2, 2), signals=(0.5,))
    with pytest.raises(ValueError, match="signals"):
        multiplex_sbm([10, 10], degrees=(2,), signals=(1.5,))
    with pytest.raises(ValueError, match="p_in"):
        multiplex_sbm([3, 3], degrees=(50,), signals=(0.5,))
