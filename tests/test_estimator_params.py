"""Every parameter of every registered estimator is checked in fit, whatever the method chosen
(issue 10): a flag given as a string ("False" is truthy), NaN for a number, a string for a number."""
from __future__ import annotations

import inspect
import warnings

import networkx as nx
import numpy as np
import pytest

from graphclust import registry

from .test_api import planted


def _cases():
    for name in registry.names():
        cls = registry.load(name)
        for pname, prm in inspect.signature(cls.__init__).parameters.items():
            d = prm.default
            if isinstance(d, bool):
                yield name, pname, "False"
            elif isinstance(d, (int, float)) and not isinstance(d, bool) and pname != "n_clusters":
                yield name, pname, "1"
                yield name, pname, float("nan")


def _fit(name, est):
    info = registry.get(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if info.kind == "local":
            return est.fit(nx.karate_club_graph(), 0)
        A, X, _ = planted(sizes=(12, 12))
        return est.fit(A, features=X if info.requires_features else None)


@pytest.mark.parametrize("name, pname, bad", list(_cases()))
def test_bad_parameter_refused(name, pname, bad):
    # Before: bool parameters took any value (tfidf="False" ran with TF-IDF on).
    cls = registry.load(name)
    kwargs = {pname: bad}
    if "n_clusters" in cls().get_params() and registry.get(name).kind != "local":
        kwargs.setdefault("n_clusters", 2)
    with pytest.raises((ValueError, TypeError), match=pname):
        _fit(name, cls(**kwargs))


def test_numpy_scalars_accepted():
    cls = registry.load("bottom_up")
    A, _, _ = planted(sizes=(12, 12))
    # Before: "slice indices must be integers" for max_clusters=np.float32(3).
    labels = cls(max_clusters=np.float32(3), verbose=np.bool_(False), random_state=0).fit_predict(A)
    assert labels.shape == (24,)
