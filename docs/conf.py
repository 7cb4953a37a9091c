"""Sphinx configuration of the graphclust documentation.

Build (warnings are errors in CI)::

    python3 -m pip install -e ".[all]"
    python3 -m sphinx -W --keep-going -b html docs docs/_build/html

The method and benchmark pages are the Markdown files of this folder (myst-parser); the API
reference is generated at build time from the package's public names (``_ext/apiref.py``), so
a new public module or name appears without editing any page; the examples are run and
rendered with their figures by sphinx-gallery.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
# Document the checkout this conf.py belongs to, not another installed copy.
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("MPLBACKEND", "Agg")  # the examples draw without a display

import graphclust  # noqa: E402

project = "graphclust"
author = "graphclust developers"
copyright = "graphclust developers, BSD-3-Clause"
release = graphclust.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
    "apiref",
]
# Cross-links to numpy / scipy / Python need their inventories from the network; the build
# must work offline, so they are used only on request (GRAPHCLUST_DOCS_INTERSPHINX=1).
if os.environ.get("GRAPHCLUST_DOCS_INTERSPHINX") == "1":
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "scipy": ("https://docs.scipy.org/doc/scipy", None),
        "sklearn": ("https://scikit-learn.org/stable", None),
    }

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "**.ipynb_checkpoints", "auto_examples/*.ipynb", "auto_examples/*.py",
                    "auto_examples/*.zip", "auto_examples/*.json", "auto_examples/*.md5"]
html_theme = "alabaster"
html_title = f"graphclust {release}"
html_static_path: list[str] = []
html_theme_options = {"description": "Graph clustering with sparse linear algebra", "fixed_sidebar": True}

# --- Markdown pages -------------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "colon_fence"]
myst_heading_anchors = 3
# Markdown pages mention files outside the site (scripts in benchmarks/, tests/); a link to
# one of them is not a page.
suppress_warnings = ["myst.header"]

# --- API reference ----------------------------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": False}
autodoc_typehints = "none"  # numpydoc's Parameters section says the types, once
autodoc_mock_imports: list[str] = []
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_attributes_as_param_list = False
# Checked on every public docstring: a docstring exists (GL08) and every parameter is
# documented (PR01). tests/test_docstrings.py checks the same without Sphinx.
numpydoc_validation_checks = {"GL08", "PR01"}
# Private helpers, inherited scikit-learn / torch members and dataclass machinery are not
# graphclust's public docstrings.
numpydoc_validation_exclude = {
    r"\.__init__$", r"\._[a-zA-Z]", r"\.get_params$", r"\.set_params$", r"\.set_.*_request$",
    r"\.get_metadata_routing$", r"\.forward$", r"\.fit_transform$", r"^graphclust\.kernels\.",
    r"^graphclust\.operators\.Operator$",  # a typing.Protocol: its (*args, **kwargs) are typing's
}
# A record type (dataclass, named tuple) documents its fields under Attributes: they are its
# constructor's parameters (tests/test_docstrings.py checks each field is there).
numpydoc_validation_overrides = {"PR01": [r"\n\s*Attributes\n\s*-{3,}"]}

# --- Examples -------------------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"\.py$",       # run every example: each renders its figures
    "ignore_pattern": r"(__init__|_util)\.py$",
    "image_scrapers": ("matplotlib",),
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "abort_on_example_error": False,   # a failing example is reported (and -W fails) after all ran
    "show_memory": False,
    "plot_gallery": os.environ.get("GRAPHCLUST_DOCS_PLOT", "True"),
}
