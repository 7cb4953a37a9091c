"""k-means: the namespace implementation (run here with numpy) and the scikit-learn path."""
import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from graphclust.solvers.kmeans import kmeans, lloyd_kmeans


def _blobs(n_per=200, k=5, d=3, spread=0.2, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((k, d)) * 5
    y = np.repeat(np.arange(k), n_per)
    X = centers[y] + spread * rng.standard_normal((y.size, d))
    return X.astype(dtype), y


def _is_lloyd_fixed_point(X, labels, centers):
    # Every point sits with its nearest center, and every center is its cluster's mean.
    d = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(-1)
    assert np.all(d[np.arange(len(X)), labels] <= d.min(axis=1) + 1e-9)
    for c in np.unique(labels):
        np.testing.assert_allclose(centers[c], X[labels == c].mean(axis=0), atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_lloyd_numpy_recovers_blobs(dtype):
    X, y = _blobs(dtype=dtype)
    labels, centers, inertia = lloyd_kmeans(X, 5, n_init=3, rng=np.random.default_rng(0), xp=np)
    assert adjusted_rand_score(y, labels) == 1.0
    assert labels.dtype == np.int64 and centers.dtype == dtype
    _is_lloyd_fixed_point(X.astype(np.float64), labels, centers.astype(np.float64))
    direct = ((X.astype(np.float64) - centers[labels]) ** 2).sum()
    assert inertia == pytest.approx(direct, rel=1e-4)


def test_lloyd_matches_sklearn_objective_on_overlapping_data():
    X, _ = _blobs(n_per=150, k=6, spread=2.5, seed=1)
    _, _, ours = lloyd_kmeans(X, 6, n_init=5, rng=np.random.default_rng(0))
    ref = KMeans(6, n_init=5, random_state=0).fit(X).inertia_
    assert ours <= ref * 1.02


def test_kmeans_sklearn_path_and_seeding():
    X, y = _blobs()
    l1, c1, i1 = kmeans(X, 5, random_state=7)
    l2, c2, i2 = kmeans(X, 5, random_state=7)
    np.testing.assert_array_equal(l1, l2)
    assert i1 == i2 and adjusted_rand_score(y, l1) == 1.0
    lg, cg, ig = kmeans(X, 5, random_state=7, method="lloyd")
    assert adjusted_rand_score(l1, lg) == 1.0
    assert ig == pytest.approx(i1, rel=1e-9)


def test_same_seed_same_result_lloyd():
    X, _ = _blobs(spread=1.5)
    a = kmeans(X, 5, random_state=3, method="lloyd")
    b = kmeans(X, 5, random_state=3, method="lloyd")
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


@pytest.mark.parametrize("method", ["sklearn", "lloyd"])
def test_init_sample_gives_a_full_lloyd_fixed_point(method):
    X, y = _blobs(n_per=2000, k=4, d=2, spread=0.5, seed=2)
    labels, centers, inertia = kmeans(X, 4, n_init=2, init_sample=300, random_state=0, method=method)
    assert adjusted_rand_score(y, labels) == 1.0
    _is_lloyd_fixed_point(X, labels, np.asarray(centers))


def test_fewer_distinct_points_than_clusters_and_empty_clusters():
    X = np.repeat(np.array([[0.0, 0.0], [1.0, 1.0]]), 10, axis=0)
    labels, centers, inertia = lloyd_kmeans(X, 4, n_init=2, rng=np.random.default_rng(0))
    assert inertia == 0.0 and labels.shape == (20,)
    assert len(set(labels[:10].tolist()) & set(labels[10:].tolist())) == 0


def test_one_cluster_and_n_clusters_equal_n():
    X, _ = _blobs(n_per=5, k=2)
    labels, centers, inertia = kmeans(X, 1, random_state=0, method="lloyd")
    np.testing.assert_allclose(centers[0], X.mean(axis=0))
    labels, centers, inertia = kmeans(X, 10, random_state=0, method="lloyd")
    assert np.unique(labels).size == 10 and inertia == pytest.approx(0.0, abs=1e-9)


def test_input_not_modified():
    X, _ = _blobs()
    X0 = X.copy()
    kmeans(X, 5, random_state=0, method="lloyd")
    kmeans(X, 5, random_state=0)
    np.testing.assert_array_equal(X, X0)


@pytest.mark.parametrize(
    "args, kwargs, err, match",
    [
        ((np.ones(5), 2), {}, ValueError, "2-D"),
        ((np.ones((5, 2)), 6), {}, ValueError, "n_clusters"),
        ((np.ones((5, 2)), 0), {}, ValueError, "n_clusters"),
        ((np.ones((5, 2)), 2), {"n_init": 0}, ValueError, "n_init"),
        ((np.ones((5, 2)), 2), {"max_iter": 1.5}, TypeError, "max_iter"),
        ((np.ones((5, 2)), 2), {"method": "elkan"}, ValueError, "method"),
        ((np.full((5, 2), np.nan), 2), {}, ValueError, "NaN"),
        ((np.ones((5, 2)), 2), {"init_sample": 1}, ValueError, "init_sample"),
    ],
)
def test_bad_input(args, kwargs, err, match):
    with pytest.raises(err, match=match):
        kmeans(*args, **kwargs)


@pytest.mark.gpu
def test_cupy_matches_numpy():
    import cupy

    X, y = _blobs(spread=1.0, dtype=np.float32)
    l_cpu, c_cpu, i_cpu = kmeans(X, 5, random_state=0, method="lloyd")
    l_gpu, c_gpu, i_gpu = kmeans(cupy.asarray(X), 5, random_state=0)
    assert isinstance(l_gpu, cupy.ndarray)
    assert adjusted_rand_score(l_cpu, cupy.asnumpy(l_gpu)) == 1.0
    assert i_gpu == pytest.approx(i_cpu, rel=1e-4)
