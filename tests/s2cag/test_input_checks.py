"""S2CAG input checks (issue 10)."""
from __future__ import annotations

import numpy as np
import pytest

import graphclust as gc
from graphclust.solvers.propagate import geometric_coefficients

from ..test_api import planted


@pytest.mark.parametrize("cls", [gc.S2CAG, gc.MS2CAG])
def test_large_alpha_and_order(cls):
    # Before: OverflowError from alpha ** (T + 1) with alpha=10, T=400.
    A, X, y = planted()
    labels = cls(3, alpha=10.0, T=400, random_state=0).fit_predict(A, features=X)
    assert labels.shape == y.shape


def test_scaled_coefficients_match_the_direct_formula():
    for variant in ("series", "power_iteration"):
        c = geometric_coefficients(400, 10.0, variant)
        assert np.all(np.isfinite(c))
        # the same weights, up to the alpha ** -(T + 1) scaling, as a moderate order computes
        np.testing.assert_allclose(c[-3:], geometric_coefficients(60, 10.0, variant)[-3:], rtol=1e-12)
    with pytest.raises(ValueError, match="alpha"):
        geometric_coefficients(3, float("nan"))


@pytest.mark.parametrize("cls", [gc.S2CAG, gc.MS2CAG])
def test_seed_past_2_32(cls):
    A, X, _ = planted()
    a = cls(3, random_state=2**40).fit_predict(A, features=X)
    b = cls(3, random_state=2**40).fit_predict(A, features=X)
    np.testing.assert_array_equal(a, b)
