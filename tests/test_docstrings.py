"""Every public function and class has a numpydoc docstring that documents its parameters.

The public names are those of the API reference (``graphclust._discovery``: ``_LAZY``,
``_SUBMODULES``, every public module's ``__all__``), so a new public name is checked here the
day it is added. A callable that takes parameters must have a ``Parameters`` section (parsed
by numpydoc, as the documentation site parses it) naming each of them; a record type (a
dataclass or named tuple, whose constructor arguments are its fields) may document them under
``Attributes`` instead. The public methods of public classes are held to the same rule.
"""
from __future__ import annotations

import dataclasses
import inspect
import warnings

import pytest

numpydoc_docscrape = pytest.importorskip("numpydoc.docscrape")

from graphclust._discovery import public_modules, public_objects  # noqa: E402

OBJECTS = [(name, obj) for name, obj in public_objects() if callable(obj)]


def _target(obj):
    """The Python function behind a numba dispatcher (its ``py_func``), else the object."""
    return getattr(obj, "py_func", obj)


def _parameters(func) -> list[str] | None:
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):  # a builtin without a signature
        return None
    # a leading underscore marks a private field of a record (set by the library, never by a user);
    # ``*args`` / ``**kwargs`` are documented under their bare names, as numpydoc reads them
    return [p.name for p in sig.parameters.values()
            if p.name not in ("self", "cls") and not p.name.startswith("_")]


def _is_record(cls: type) -> bool:
    return dataclasses.is_dataclass(cls) or (issubclass(cls, tuple) and hasattr(cls, "_fields"))


def _documented(doc, sections) -> set[str]:
    names = set()
    for section in sections:
        for p in doc[section]:
            for n in p.name.split(","):
                names.add(n.strip().lstrip("*"))
    return names


def _check(name: str, func, doctext: str | None, params: list[str] | None, record: bool = False) -> list[str]:
    if not doctext:
        return [f"{name}: no docstring"]
    if not params:
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numpydoc warns on unknown sections; the check is below
        doc = numpydoc_docscrape.FunctionDoc(func, doc=doctext)
    sections = ("Parameters", "Attributes") if record else ("Parameters",)
    if not any(doc[s] for s in sections):
        return [f"{name}: no Parameters section (takes {', '.join(params)})"]
    missing = [p for p in params if p not in _documented(doc, sections)]
    return [f"{name}: parameters not documented: {', '.join(missing)}"] if missing else []


def test_the_walk_finds_the_public_api():
    # independent anchors: names the README and the method pages tell users to call
    names = dict(public_objects())
    for expected in ("graphclust.S2CAG", "graphclust.Graph", "graphclust.sparse.degrees",
                     "graphclust.metrics.nmi", "graphclust.local.flow_diffusion",
                     "graphclust.io.read", "graphclust.amg.smooth_vectors"):
        assert expected in names
    # a re-exported name is documented once, under its shortest public path
    assert "graphclust.s2cag.S2CAG" not in names and "graphclust.s2cag.s2cag.S2CAG" not in names
    assert all(m.missing is None for m in public_modules()), "install the 'all' extra"


@pytest.mark.parametrize("name,obj", OBJECTS, ids=[n for n, _ in OBJECTS])
def test_public_callable_documents_its_parameters(name, obj):
    if isinstance(obj, type):
        # the constructor is graphclust's own (an exception's or a Protocol's is Python's)
        own = (getattr(obj.__init__, "__module__", None) or "").startswith("graphclust")
        params = _parameters(obj.__init__) if own else []
        problems = _check(name, obj, inspect.getdoc(obj), params, record=_is_record(obj))
    else:
        func = _target(obj)
        problems = _check(name, func, inspect.getdoc(func), _parameters(func))
    assert not problems, "\n".join(problems)


def _public_methods():
    """Public methods of the public classes, inherited ones included (from graphclust's own
    bases only: scikit-learn's and torch's methods are theirs)."""
    out = []
    for name, cls in public_objects():
        if not isinstance(cls, type):
            continue
        seen = set()
        for klass in inspect.getmro(cls):
            if not klass.__module__.startswith("graphclust"):
                continue
            for mname, member in vars(klass).items():
                if mname.startswith("_") or mname in seen:
                    continue
                seen.add(mname)
                func = member.__func__ if isinstance(member, (classmethod, staticmethod)) else member
                if inspect.isfunction(func):
                    out.append((f"{name}.{mname}", cls, mname, func))
    return out


METHODS = _public_methods()


@pytest.mark.parametrize("name,cls,mname,func", METHODS, ids=[m[0] for m in METHODS])
def test_public_method_documents_its_parameters(name, cls, mname, func):
    # inspect.getdoc on the class attribute inherits the docstring of the method it overrides
    # (an operator's matmat is documented once, on the protocol), as the site shows it
    doctext = inspect.getdoc(getattr(cls, mname))
    problems = _check(name, func, doctext, _parameters(func))
    assert not problems, "\n".join(problems)


def test_the_check_catches_a_missing_section():
    def undocumented(graph, k):
        """Cluster a graph."""

    def documented(graph, k):
        """Cluster a graph.

        Parameters
        ----------
        graph : Graph
            The graph.
        k : int
            Number of clusters.
        """

    assert _check("u", undocumented, inspect.getdoc(undocumented), ["graph", "k"])
    assert not _check("d", documented, inspect.getdoc(documented), ["graph", "k"])
