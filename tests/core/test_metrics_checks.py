"""Metric input checks (issue 10): categorical labels, NaN refused by every metric alike."""
from __future__ import annotations

import numpy as np
import pytest

import graphclust as gc
from graphclust import metrics


def test_string_labels():
    # Before: "invalid literal for int()".
    y = ["a", "a", "b", "b", "c"]
    p = [1, 1, 0, 0, 0]
    ref = metrics.evaluate([0, 0, 1, 1, 2], p)
    assert metrics.evaluate(y, p) == ref
    assert metrics.f1_macro(y, ["x", "x", "y", "y", "y"]) == ref["f1"]
    assert metrics.match_labels(y, p).tolist() == ["a", "a", "b", "b", "b"]
    assert metrics.match_labels(["a", "b"], [0, 1]).dtype == object


@pytest.mark.parametrize("fn", [metrics.accuracy, metrics.nmi, metrics.ari, metrics.f1_macro, metrics.evaluate])
def test_nan_predictions_refused_by_all(fn):
    # Before: accuracy counted NaN as a cluster while nmi raised.
    with pytest.raises(ValueError, match="NaN"):
        fn([0, 1, 1], [0.0, np.nan, 1.0])


def test_fractional_labels_refused():
    with pytest.raises(ValueError, match="non-integer"):
        metrics.accuracy([0, 1, 1], [0.0, 0.5, 1.0])


def test_modularity_resolution_checked():
    import networkx as nx

    G = nx.barbell_graph(5, 0)
    with pytest.raises(ValueError, match="resolution"):
        metrics.modularity(G, [0] * 5 + [1] * 5, resolution=float("nan"))
    with pytest.raises(ValueError, match="NaN"):
        metrics.modularity(G, [0.0] * 9 + [np.nan])


def test_sbm_bool_sizes():
    # Before: sbm([True, 3]) made a block of one node.
    with pytest.raises(TypeError, match="bool"):
        gc.datasets.sbm([True, 3], p_in=0.5, p_out=0.1)
