"""S2CAG's faithful mode says when its power steps lost the directions it clusters on.

The check (``power_conditioning_``: the last used singular value of the final power block
relative to the first) is compared with an independent computation (numpy's SVD of the same
block), fires on a constructed ill-conditioned case and on amazon_photo with its official
settings (whose faithful labels are known to be rounding noise: even the official code run
elsewhere does not reproduce them), and stays silent on well-conditioned shipped data, where
the faithful and the re-orthonormalised loops give the same labels.
"""
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from graphclust import as_graph, metrics
from graphclust.datasets import load, sbm
from graphclust.s2cag import (
    FAITHFUL_MIN_CONDITIONING,
    S2CAG,
    PowerIterationAccuracyWarning,
    normalize_attributes,
    propagation_matrix,
)
from graphclust.solvers.propagate import geometric_coefficients, propagate
from graphclust.solvers.randomized import randomized_range_finder, relative_singular_values, tall_qr_with_r
from graphclust.backend import get_namespace


def test_relative_singular_values_match_numpy():
    rng = np.random.default_rng(0)
    Y = rng.standard_normal((200, 6)) @ np.diag([1.0, 1e-2, 1e-4, 1e-6, 1e-8, 1e-10]) @ np.linalg.qr(
        rng.standard_normal((6, 6)))[0]
    _, R = tall_qr_with_r(get_namespace("cpu"), Y)
    ref = np.linalg.svd(Y, compute_uv=False)
    np.testing.assert_allclose(relative_singular_values(R), ref / ref[0], rtol=1e-6)


def test_range_finder_reports_the_collapse_of_the_faithful_block():
    # Z with singular values 1, 0.5, 0.1, 1e-3: after q power steps the faithful block's
    # singular values are about sigma^(2q+1), the stable loop's last block is orthonormal-ish
    rng = np.random.default_rng(1)
    U = np.linalg.qr(rng.standard_normal((300, 4)))[0]
    V = np.linalg.qr(rng.standard_normal((40, 4)))[0]
    Z = U @ np.diag([1.0, 0.5, 0.1, 1e-3]) @ V.T
    G = rng.standard_normal((40, 4))
    info = {}
    randomized_range_finder(Z, G, 2, renormalize=False, info=info)
    rel = info["block_singular_values"]
    assert rel[3] < 1e-12  # (1e-3)^5 = 1e-15 times the start block's spread
    assert 1e-6 < rel[2] < 1e-3  # 0.1^5 = 1e-5
    stable = {}
    randomized_range_finder(Z, G, 2, renormalize=True, info=stable)
    assert stable["block_singular_values"][2] > rel[2] * 10


def _wide_attributed(d=1000, seed=0):
    """Three planted blocks, d bag-of-words attributes, block r favouring its own d/3 words:
    after TF-IDF and smoothing sigma_4 / sigma_1 of Z is ~0.07, so the faithful block
    Z (Z^T Z)^7 G holds the 4th direction (the 3rd one SNEM uses) at ~0.07^15 ~ 1e-17: lost."""
    g = sbm([150, 150, 150], p_in=0.06, p_out=0.008, random_state=seed)
    rng = np.random.default_rng(seed + 1)
    rates = np.full((3, d), 0.05)
    for r in range(3):
        rates[r, r * d // 3:(r + 1) * d // 3] = 0.3
    X = rng.poisson(rates[g.labels]).astype(float)
    return as_graph(g.adjacency, features=sp.csr_array(X), labels=g.labels)


def test_warns_on_a_constructed_ill_conditioned_case_and_not_when_stable():
    g = _wide_attributed()
    with pytest.warns(PowerIterationAccuracyWarning, match="faithful=False"):
        est = S2CAG(3).fit(g)
    assert est.power_conditioning_ < FAITHFUL_MIN_CONDITIONING
    # independently: the singular values of the dense Z (numpy) predict the collapse
    P = propagation_matrix(g.adjacency)
    X = normalize_attributes(g.features).toarray()
    Z = propagate(P, X, geometric_coefficients(10, 0.9, "power_iteration"))
    sv = np.linalg.svd(Z, compute_uv=False)
    assert (sv[3] / sv[0]) ** 15 < FAITHFUL_MIN_CONDITIONING
    with warnings.catch_warnings():
        warnings.simplefilter("error", PowerIterationAccuracyWarning)
        stable = S2CAG(3, faithful=False).fit(g)
        no_steps = S2CAG(3, tau=0).fit(g)  # Y = Z G: nothing to collapse
    assert stable.power_conditioning_ is None
    assert no_steps.power_conditioning_ > 1e-3
    assert metrics.ari(g.labels, stable.labels_) > 0.9


def test_silent_on_well_conditioned_shipped_data(shared_datasets):
    g = load("cora", data_home=shared_datasets)
    k = int(np.unique(g.labels[g.labels >= 0]).size)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PowerIterationAccuracyWarning)
        faithful = S2CAG(k).fit(g)
    assert faithful.power_conditioning_ > 100 * FAITHFUL_MIN_CONDITIONING
    np.testing.assert_array_equal(faithful.labels_, S2CAG(k, faithful=False).fit(g).labels_)


def test_fires_on_amazon_photo_and_the_stable_variant_is_reproducible(shared_datasets):
    g = load("amazon_photo", data_home=shared_datasets)
    kw = dict(T=9, alpha=1.5, tau=7)  # the official run.sh setting
    for dtype in ("auto", "float64"):
        with pytest.warns(PowerIterationAccuracyWarning, match="faithful=False"):
            est = S2CAG(8, dtype=dtype, **kw).fit(g)
        assert est.power_conditioning_ < FAITHFUL_MIN_CONDITIONING
    # the stable variant: the same labels whatever the layout and precision
    with warnings.catch_warnings():
        warnings.simplefilter("error", PowerIterationAccuracyWarning)
        a = S2CAG(8, faithful=False, **kw).fit(g)  # auto: Gram layout, float32
        b = S2CAG(8, faithful=False, path="implicit", dtype="float64", **kw).fit(g)
    assert metrics.ari(a.labels_, b.labels_) > 0.99
