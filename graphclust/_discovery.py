"""The public API of graphclust, enumerated: what the API reference documents and the docstring
test checks.

A module is public when every part of its dotted name is public: it is ``graphclust`` itself, a
name of ``graphclust._SUBMODULES``, or a sub-module (found on disk) of a public package whose
own name does not start with an underscore. A public object is a name in the ``__all__`` of a
public module (or, for ``graphclust``, of ``graphclust._LAZY``). Each object is documented once,
under the first public path met in the walk (top level, then packages before their
sub-modules), so ``graphclust.S2CAG`` is the page and ``graphclust.s2cag.S2CAG`` links to it.

The walk imports every public module, so it needs the optional dependencies of all of them
(the ``all`` extra): the docs build and the docstring test run where they are installed.
"""
from __future__ import annotations

import importlib
import pkgutil
import types
from dataclasses import dataclass, field
from typing import Any

__all__ = ["PublicModule", "public_modules", "public_objects"]

#: Packages whose absence makes a module unimportable by design (its extra is not installed).
OPTIONAL_DEPENDENCIES = ("torch", "torch_geometric", "dask", "distributed", "matplotlib", "cupy", "cupyx")


@dataclass
class PublicModule:
    """One public module and the public names it defines or re-exports.

    Attributes
    ----------
    name : str
        Dotted module name.
    module : module or None
        The imported module (None when an optional dependency is missing).
    members : list of str
        The non-module names of its ``__all__`` (for ``graphclust``: of ``_LAZY``), in order.
    submodules : list of str
        Dotted names of its public sub-modules.
    missing : str or None
        The optional dependency whose absence kept it from importing.
    """

    name: str
    module: types.ModuleType | None
    members: list[str] = field(default_factory=list)
    submodules: list[str] = field(default_factory=list)
    missing: str | None = None


def _children(mod: types.ModuleType) -> list[str]:
    """Public sub-modules of a package, found on disk (sorted), plus module-valued names of its
    ``__all__`` (``graphclust._SUBMODULES``)."""
    names: list[str] = []
    if mod.__name__ == "graphclust":
        names = [f"graphclust.{s}" for s in sorted(mod._SUBMODULES)]
    elif hasattr(mod, "__path__"):
        names = [f"{mod.__name__}.{info.name}" for info in pkgutil.iter_modules(mod.__path__)
                 if not info.name.startswith("_")]
    return sorted(set(names))


def _members(mod: types.ModuleType) -> list[str]:
    if mod.__name__ == "graphclust":
        return sorted(mod._LAZY)
    names = list(getattr(mod, "__all__", ()))
    out = []
    for n in names:
        if not hasattr(mod, n):
            raise AttributeError(f"{mod.__name__}.__all__ names {n!r}, which the module does not define")
        if isinstance(getattr(mod, n), types.ModuleType):
            continue
        out.append(n)
    return out


def public_modules(*, strict: bool = False) -> list[PublicModule]:
    """Every public module of graphclust, breadth first from ``graphclust``.

    Parameters
    ----------
    strict : bool, default False
        Raise the ImportError of a module whose optional dependency is missing, instead of
        recording it in :attr:`PublicModule.missing`.

    Returns
    -------
    list of PublicModule
        In walk order: ``graphclust``, then each level of sub-modules, sorted by name.

    Examples
    --------
    >>> names = [m.name for m in public_modules()]
    >>> names[0], "graphclust.sparse" in names
    ('graphclust', True)
    """
    out: list[PublicModule] = []
    queue = ["graphclust"]
    seen = set()
    while queue:
        name = queue.pop(0)
        if name in seen:
            continue
        seen.add(name)
        try:
            mod = importlib.import_module(name)
        except ImportError as exc:
            root = (getattr(exc, "name", None) or "").split(".")[0]
            text = str(exc)
            dep = root if root in OPTIONAL_DEPENDENCIES else next(
                (d for d in OPTIONAL_DEPENDENCIES if d in text), None)
            if strict or dep is None:
                raise
            out.append(PublicModule(name, None, missing=dep))
            continue
        entry = PublicModule(name, mod, _members(mod), _children(mod))
        out.append(entry)
        queue.extend(entry.submodules)
    return out


def public_objects(*, strict: bool = False) -> list[tuple[str, Any]]:
    """Every public object of graphclust once, under its canonical (first met) dotted name.

    Parameters
    ----------
    strict : bool, default False
        As in :func:`public_modules`.

    Returns
    -------
    list of (str, object)
        ``(dotted name, object)`` pairs in walk order.

    Examples
    --------
    >>> dict(public_objects())["graphclust.sparse.degrees"].__name__
    'degrees'
    """
    out: list[tuple[str, Any]] = []
    seen: set[int] = set()
    for m in public_modules(strict=strict):
        if m.module is None:
            continue
        for n in m.members:
            obj = getattr(m.module, n)
            key = id(obj)
            # constants (ints, strings, tuples) may be shared by identity: documented per module
            if key in seen and (callable(obj) or isinstance(obj, type)):
                continue
            seen.add(key)
            out.append((f"{m.name}.{n}", obj))
    return out
