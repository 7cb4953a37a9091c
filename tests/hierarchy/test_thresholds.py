"""Chernoff-Hellinger thresholds: the table of the spec (Sec. 5) and closed form vs direct sup."""
from __future__ import annotations

import math

import numpy as np
import pytest

from graphclust.datasets.hsbm import tree_lca_depths
from graphclust.hierarchy import btsbm_thresholds, chernoff_hellinger, exact_recovery_threshold

# (a0..a3): CH_BU(0), CH_TD(0), CH_BU(1), CH_TD(1), CH(2)   [spec hierarchy.md Sec. 5]
TABLE = {
    (40, 50, 60, 100): (2.080, 1.510, 1.129, 0.877, 0.635),
    (40, 45, 50, 100): (1.795, 1.010, 1.371, 0.953, 1.072),
    (40, 42, 46, 100): (1.721, 0.792, 1.560, 1.064, 1.294),
}


@pytest.mark.parametrize("a", list(TABLE))
def test_table_values(a):
    bu0, td0, bu1, td1, ch2 = TABLE[a]
    out = btsbm_thresholds(a)
    assert out["bottom_up"] == pytest.approx([bu0, bu1, ch2], abs=6e-4)
    assert out["top_down"] == pytest.approx([td0, td1, ch2], abs=6e-4)


@pytest.mark.parametrize("a", list(TABLE) + [(10, 20, 35, 130), (5, 9, 11, 40)])
def test_closed_form_matches_direct_maximisation(a):
    direct = exact_recovery_threshold(tree_lca_depths(3), a)
    assert direct["ch_by_lca_depth"] == pytest.approx(btsbm_thresholds(a)["bottom_up"], rel=1e-6)
    th = direct["threshold_by_depth"]
    assert np.isinf(th[0])
    assert th[1:] == pytest.approx(np.minimum.accumulate(direct["ch_by_lca_depth"]))


def test_two_blocks_classical_threshold():
    a0, a1 = 3.0, 12.0
    assert btsbm_thresholds([a0, a1])["bottom_up"][0] == pytest.approx((math.sqrt(a1) - math.sqrt(a0)) ** 2 / 2)
    assert chernoff_hellinger([[a1, a0], [a0, a1]], [1, 1], 0, 1) == pytest.approx((math.sqrt(a1) - math.sqrt(a0)) ** 2 / 2)


def test_bottom_up_dominates_top_down():
    rng = np.random.default_rng(0)
    for _ in range(20):
        a = np.sort(rng.uniform(1, 100, 4))
        out = btsbm_thresholds(a)
        assert np.all(out["bottom_up"] >= out["top_down"] - 1e-12)


def test_bad_input():
    with pytest.raises(ValueError):
        chernoff_hellinger(np.ones((2, 2)), [1, 1, 1], 0, 1)
    with pytest.raises(ValueError):
        exact_recovery_threshold(tree_lca_depths(2), [1, 2])
    with pytest.raises(ValueError):
        btsbm_thresholds([1.0])
