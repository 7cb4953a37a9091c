"""PamCClustering: planted partitions, reproducibility, pretrained starts, the torch-free import."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse as sp

import graphclust as gc
from graphclust.contrastive.pamc import PamCClustering


def planted(sizes=(30, 30, 30), p_in=0.3, p_out=0.02, seed=0):
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(len(sizes)), sizes)
    P = np.where(y[:, None] == y[None, :], p_in, p_out)
    U = np.triu(rng.random((y.size, y.size)) < P, 1)
    A = sp.csr_array((U + U.T).astype(float))
    X = rng.random((y.size, 4 * len(sizes))) * 0.2
    for b in range(len(sizes)):
        X[y == b, 4 * b: 4 * b + 4] += 1.0
    return A, X, y


SMALL = dict(hidden=(32, 32), embedding_dim=4, epochs=30, pretrain_epochs=100, n_init=3)


def test_import_and_registry_without_torch():
    code = (
        # torch unimportable (a finder that refuses it; sys.modules['torch'] = None would
        # break libraries that probe sys.modules for torch arrays)
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'torch' or name.startswith(('torch.', 'torch_geometric')):\n"
        "            raise ImportError('blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import graphclust, graphclust.registry as r, graphclust.contrastive as c\n"
        "cls = r.load('pamc'); est = cls(n_clusters=2)\n"
        "import scipy.sparse as sp, numpy as np\n"
        "A = sp.csr_array(np.array([[0., 1, 0], [1, 0, 1], [0, 1, 0]]))\n"
        "try:\n    est.fit(A, features=np.eye(3))\nexcept ImportError as e:\n    print('IMPORT', 'torch' in str(e))\n"
        "print('LOADED', 'torch' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "IMPORT True" in out.stdout and "LOADED False" in out.stdout


torch = pytest.importorskip("torch")


@pytest.mark.parametrize("negatives", ["meta", "full"])
def test_planted_partition(negatives):
    A, X, y = planted()
    est = PamCClustering(3, negatives=negatives, random_state=0, **SMALL).fit(A, features=X)
    assert gc.metrics.ari(y, est.labels_) > 0.9
    assert est.embedding_.shape == (90, 4) and est.soft_labels_.shape == (90, 3)
    assert np.allclose(est.soft_labels_.sum(1), 1.0, atol=1e-5)
    assert len(est.history_) == 30 and len(est.pretrain_history_) == 100
    assert est.pretrain_history_[-1] < est.pretrain_history_[0]
    assert est.adjacency_nnz_ == gc.contrastive.propagated_adjacency(A, 2).nnz


def attributed_sbm(sizes=(60, 60, 60), p_in=0.2, p_out=0.01, n_features=20, signal=0.45, seed=0):
    """A planted SBM whose Gaussian features alone separate the blocks only weakly."""
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(len(sizes)), sizes)
    P = np.where(y[:, None] == y[None, :], p_in, p_out)
    U = np.triu(rng.random((y.size, y.size)) < P, 1)
    A = sp.csr_array((U + U.T).astype(float))
    X = rng.standard_normal((len(sizes), n_features))[y] * signal + rng.standard_normal((y.size, n_features))
    return A, X, y


def test_attributed_sbm_recovered_above_kmeans_on_features():
    from graphclust.solvers.kmeans import kmeans

    A, X, y = attributed_sbm()
    base = gc.metrics.ari(y, kmeans(X, 3, n_init=10, random_state=0)[0])
    est = PamCClustering(3, hidden=(64, 64), embedding_dim=8, epochs=60, pretrain_epochs=50, n_init=5, alpha=1.0,
                         beta=0.5, order=2, tau=1.0, random_state=0).fit(A, features=X)
    ours = gc.metrics.ari(y, est.labels_)
    assert base < 0.5 and ours > base + 0.15, (base, ours)
    assert np.bincount(est.labels_, minlength=3).min() > 30  # no collapse onto one cluster


def test_same_seed_same_result_and_torch_state_untouched():
    A, X, _ = planted(seed=1)
    torch.manual_seed(123)
    before = torch.get_rng_state()
    a = PamCClustering(3, random_state=7, **SMALL).fit(A, features=X)
    assert torch.equal(torch.get_rng_state(), before)  # the caller's torch stream is left as found
    assert not torch.are_deterministic_algorithms_enabled()
    b = PamCClustering(3, random_state=7, **SMALL).fit(A, features=X)
    assert np.array_equal(a.labels_, b.labels_)
    assert np.array_equal(a.embedding_, b.embedding_)
    c = PamCClustering(3, random_state=8, **SMALL).fit(A, features=X)
    assert not np.array_equal(a.embedding_, c.embedding_)


def test_pretrained_start_reproduces_the_fit():
    A, X, _ = planted(seed=2)
    a = PamCClustering(3, random_state=3, **SMALL).fit(A, features=X)
    b = PamCClustering(3, random_state=3, pretrained=a.pretrained_state_, **SMALL).fit(A, features=X)
    assert b.pretrain_history_ == [] and b.timings_["pretrain"] < a.timings_["pretrain"]
    assert np.array_equal(a.labels_, b.labels_)
    np.testing.assert_allclose(a.embedding_, b.embedding_, rtol=1e-5, atol=1e-6)


def test_sdcn_state_dict_is_accepted():
    A, X, y = planted(seed=3)
    a = PamCClustering(3, random_state=0, **SMALL).fit(A, features=X)
    names = {"0": "enc_1", "2": "enc_2", "4": "z_layer"}  # hidden=(32, 32): three Linear layers
    sdcn = {f"{names[k.split('.')[0]]}.{k.split('.')[1]}": v for k, v in a.pretrained_state_.items()}
    sdcn["dec_1.weight"] = torch.zeros(3, 3)  # decoder keys are left out, as in the official code
    b = PamCClustering(3, random_state=0, pretrained=sdcn, **SMALL).fit(A, features=X)
    assert np.array_equal(a.labels_, b.labels_)
    with pytest.raises(ValueError, match="shape"):
        PamCClustering(3, random_state=0, pretrained=sdcn, **{**SMALL, "hidden": (16, 32)}).fit(A, features=X)


def test_more_clusters_than_groups_no_nan():
    A, X, _ = planted(seed=4)
    est = PamCClustering(8, random_state=0, **SMALL).fit(A, features=X)
    assert np.isfinite(est.embedding_).all() and np.isfinite(est.soft_labels_).all()
    assert all(np.isfinite(h["loss"]) for h in est.history_)
    assert est.labels_.min() >= 0 and est.labels_.max() < 8


def test_soft_assignment_option_and_verbose(capsys):
    A, X, y = planted(seed=5)
    est = PamCClustering(3, assignment="soft", verbose=True, random_state=0, **SMALL).fit(A, features=X)
    assert gc.metrics.ari(y, est.labels_) > 0.9
    err = capsys.readouterr().err
    assert "130/130" in err  # pretraining + training epochs in one bar


def test_bad_parameters():
    A, X, _ = planted(seed=6)
    for bad, exc, match in [
        (dict(hidden="500"), TypeError, "hidden"),
        (dict(hidden=(0,)), ValueError, "hidden"),
        (dict(negatives="all"), ValueError, "negatives"),
        (dict(assignment="mean"), ValueError, "assignment"),
        (dict(center=1), TypeError, "center"),
        (dict(order=0), ValueError, "order"),
        (dict(lr=0.0), ValueError, "lr"),
        (dict(pretrained=[1]), TypeError, "pretrained"),
        (dict(dtype="float16"), ValueError, "dtype"),
        (dict(device="tpu"), ValueError, "device"),
    ]:
        with pytest.raises(exc, match=match):
            PamCClustering(3, **{**SMALL, "epochs": 1, "pretrain_epochs": 1, **bad}).fit(A, features=X)


def test_pyg_data_fits_as_is_without_warnings():
    """A PyG ``Data`` is taken as given: same labels as the Graph it describes, and no warning
    (the read-only feature view used to make torch warn about a non-writable buffer)."""
    import warnings

    torch = pytest.importorskip("torch")
    pytest.importorskip("torch_geometric")
    from torch_geometric.data import Data

    A, X, y = planted()
    C = sp.coo_array(A)
    data = Data(x=torch.tensor(X, dtype=torch.float32),
                edge_index=torch.tensor(np.vstack([C.row, C.col]), dtype=torch.long))
    params = dict(n_clusters=3, random_state=0, **{**SMALL, "epochs": 3, "pretrain_epochs": 5})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        labels = PamCClustering(**params).fit(data).labels_
    expected = PamCClustering(**params).fit(gc.as_graph(A, features=X.astype(np.float32))).labels_
    np.testing.assert_array_equal(labels, expected)
