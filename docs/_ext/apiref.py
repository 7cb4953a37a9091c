"""Sphinx extension: write the API reference pages from graphclust's public names.

At ``builder-inited`` it walks :func:`graphclust._discovery.public_modules` (``graphclust``, the
names of ``_LAZY`` and ``_SUBMODULES``, the ``__all__`` of every public module and their public
sub-modules) and writes ``api/index.rst`` plus one page per module with an autosummary table
of its names. Nothing is listed by hand, so a new public module or name is documented at the
next build; a public module that cannot be imported (a missing optional dependency: the docs
need the ``all`` extra) or an ``__all__`` naming something undefined fails the build.
"""
from __future__ import annotations

import types
from pathlib import Path

from sphinx.application import Sphinx

HEADER = ".. This file is written by docs/_ext/apiref.py at every build: do not edit.\n\n"

GROUPS = [
    ("Estimators and graphs", lambda m: m == "graphclust"),
    ("Core: graphs, operators, sparse algebra, input checks", lambda m: m.split(".")[1] in {
        "graph", "operators", "sparse", "memory", "seeding", "validation", "backend", "torch_backend", "base"}),
    ("Solvers and kernels", lambda m: m.split(".")[1] in {"solvers", "kernels"}),
    ("Methods", lambda m: m.split(".")[1] in {
        "spectral", "s2cag", "local", "hierarchy", "demm", "amg", "contrastive"}),
    ("Past one machine", lambda m: m.split(".")[1] == "distributed"),
    ("Data, metrics, input/output, command line, plots", lambda m: True),
]


def _title(text: str, char: str = "=") -> str:
    return f"{text}\n{char * len(text)}\n"


def _kind(obj: object) -> str:
    if isinstance(obj, type):
        return "class"
    if callable(obj):
        return "function"
    return "data"


def write_pages(outdir: Path) -> list[str]:
    """Write the reference into ``outdir``; return the module names, in walk order."""
    from graphclust._discovery import public_modules

    modules = public_modules(strict=True)
    # A module named like a public function of its package (graphclust.datasets.sbm, the
    # module, beside graphclust.datasets.sbm, the function) is described without an index
    # entry, so that the name links to the function.
    object_names = {f"{m.name}.{n}" for m in modules for n in m.members}
    canonical: dict[int, str] = {}
    pages: dict[str, str] = {}
    for m in modules:
        lines = [HEADER, _title(f"``{m.name}``"), "", f".. automodule:: {m.name}", "   :no-members:"]
        if m.name in object_names:
            lines.append("   :no-index:")
        lines += ["", f".. currentmodule:: {m.name}", ""]
        own, aliases = [], []
        for n in m.members:
            obj = getattr(m.module, n)
            if (callable(obj) or isinstance(obj, type)) and id(obj) in canonical:
                aliases.append((n, canonical[id(obj)], _kind(obj)))
            else:
                if callable(obj) or isinstance(obj, type):
                    canonical[id(obj)] = f"{m.name}.{n}"
                own.append((n, _kind(obj)))
        for kind, label in (("class", "Classes"), ("function", "Functions"), ("data", "Constants")):
            names = [n for n, k in own if k == kind]
            if not names:
                continue
            lines += [_title(label, "-"), ".. autosummary::", "   :toctree: generated/",
                      "   :nosignatures:", ""]
            lines += [f"   {n}" for n in names]
            lines.append("")
        if aliases:
            lines += [_title("Also importable from here", "-"),
                      "These names are documented where they are first made public:", ""]
            lines += [f"- ``{n}``: :py:{'class' if k == 'class' else 'func'}:`{target}`"
                      for n, target, k in aliases]
            lines.append("")
        if m.submodules:
            lines += [_title("Sub-modules", "-"), ""]
            lines += [f"- :doc:`{s}`" for s in m.submodules]
            lines.append("")
        pages[m.name] = "\n".join(lines)
    outdir.mkdir(parents=True, exist_ok=True)
    for name, text in pages.items():
        path = outdir / f"{name}.rst"
        if not path.exists() or path.read_text() != text:  # unchanged pages keep their mtime
            path.write_text(text)
    index = [HEADER, _title("API reference"), "",
             "Every public name of graphclust, module by module. The estimators and graph "
             "containers are importable from ``graphclust`` itself; the rest from their modules.",
             ""]
    names = [m.name for m in modules]
    placed: set[str] = set()
    for label, test in GROUPS:
        group = [n for n in names if n not in placed and test(n)]
        placed.update(group)
        if not group:
            continue
        index += [_title(label, "-"), ".. toctree::", "   :maxdepth: 1", ""]
        index += [f"   {n}" for n in group]
        index.append("")
    text = "\n".join(index)
    path = outdir / "index.rst"
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    return names


def _on_config_inited(app: Sphinx, config: object) -> None:
    write_pages(Path(app.srcdir) / "api")


def _skip_foreign_member(app, what, name, obj, skip, options):
    """Leave out members a class inherits (or gets generated) from scikit-learn or torch:
    ``set_fit_request``, ``get_metadata_routing``, ``Module.train``... are documented there."""
    func = getattr(obj, "__func__", obj)
    module = getattr(func, "__module__", None) or ""
    if what == "class" and module.split(".")[0] in {"sklearn", "torch"}:
        return True
    return None


def setup(app: Sphinx) -> dict:
    app.connect("autodoc-skip-member", _skip_foreign_member)
    # At config-inited, before the environment lists the source files: pages written later
    # (at builder-inited) are missing from that list on a fresh checkout, and autosummary,
    # which reads the list, would then find no stubs to generate.
    app.connect("config-inited", _on_config_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
