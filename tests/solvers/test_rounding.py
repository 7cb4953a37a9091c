"""SNEM rounding against a literal transcription of the official loop (dense one-hot)."""
import numpy as np
import pytest

from graphclust.solvers.rounding import snem_rounding


def _official_snem(V, T=100):
    n, k = V.shape
    labels = V.argmax(1)

    def onehot(lab):
        Y = np.zeros((n, k))
        Y[np.arange(n), lab] = 1
        s = np.sqrt(Y.sum(0))
        s[s == 0] = 1
        return Y / s

    Y = onehot(labels)
    for _ in range(T):
        labels = (V @ (V.T @ Y)).argmax(1)
        Y = onehot(labels)
    return labels


@pytest.mark.parametrize("seed", range(5))
def test_matches_official_loop(seed):
    rng = np.random.default_rng(seed)
    V = np.linalg.qr(rng.standard_normal((300, 6)))[0]
    np.testing.assert_array_equal(snem_rounding(V), _official_snem(V))
    # early stop at a fixed point changes nothing
    np.testing.assert_array_equal(snem_rounding(V, stop_when_stable=False), _official_snem(V))


def test_recovers_planted_blocks():
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 4, 500)
    V = np.eye(4)[truth] + 0.15 * rng.standard_normal((500, 4))
    V = np.linalg.qr(V)[0] * np.sign(np.linalg.qr(V)[0].sum(0))
    labels = snem_rounding(V)
    from sklearn.metrics import adjusted_rand_score

    assert adjusted_rand_score(truth, labels) > 0.95
    assert labels.dtype == np.int64


def test_bad_input():
    with pytest.raises(ValueError, match="2-D"):
        snem_rounding(np.ones(5))
    with pytest.raises(ValueError, match="n_iter"):
        snem_rounding(np.ones((5, 2)), -1)
