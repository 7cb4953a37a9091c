"""Benchmark datasets and random graph generators.

``load(name)`` returns a :class:`~graphclust.Graph` with ``labels`` (and ``features`` where
the dataset has them), or a :class:`~graphclust.MultiplexGraph` for multi-relational data.
The small datasets (cora, citeseer, acm, dblp, wiki) ship inside the package; the others are
read from ``data_home`` or the ``GRAPHCLUST_DATA`` environment variable.

Generators: :func:`sbm` (stochastic block model, optionally degree-corrected),
:func:`planted_local` (planted target cluster with noisy labels), :func:`hsbm` and
:func:`btsbm` (hierarchical SBMs), :func:`multiplex_sbm` (relations of different signal over one
planted partition). All sample in O(n + m).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

__all__ = ["load", "list_datasets", "dataset_path", "SHIPPED", "KNOWN", "SOURCES",
           "sbm", "planted_local", "hsbm", "btsbm", "multiplex_sbm"]

_DATA_DIR = Path(__file__).parent / "data"

SHIPPED = ("cora", "citeseer", "acm", "dblp", "wiki")
#: Every dataset of the graphclust npz collection: name -> (nodes, edges, features, classes, multiplex)
KNOWN = {
    "cora": (2708, 5278, 1433, 7, False),
    "citeseer": (3327, 4552, 3703, 6, False),
    "acm": (3025, 13128, 1870, 3, False),
    "dblp": (4057, 3528, 334, 4, False),
    "wiki": (2405, 11596, 4973, 17, False),
    "amazon_photo": (7650, 119081, 745, 8, False),
    "coauthor_cs": (18333, 81894, 6805, 15, False),
    "pubmed_structure": (19717, 44324, 0, 3, False),
    "acm_multiplex": (3025, None, 1870, 3, True),
    "dblp_multiplex": (4057, None, 334, 4, True),
}

#: Where each dataset not shipped in the package comes from (the npz files are conversions of
#: these public files; :func:`graphclust.io.write_npz` writes the format from any graph).
SOURCES = {
    "amazon_photo": "Shchur et al. 2018, github.com/shchur/gnn-benchmark data/npz/amazon_electronics_photo.npz "
                    "(also torch_geometric.datasets.Amazon(root, 'Photo'))",
    "coauthor_cs": "Shchur et al. 2018, github.com/shchur/gnn-benchmark data/npz/ms_academic_cs.npz "
                   "(also torch_geometric.datasets.Coauthor(root, 'CS'))",
    "pubmed_structure": "Yang et al. 2016, github.com/kimiyoung/planetoid data/ind.pubmed.* "
                        "(also torch_geometric.datasets.Planetoid(root, 'PubMed'); edges and labels only)",
    "acm_multiplex": "HAN / O2MAC, github.com/googlebaba/WWW2020-O2MAC data/ACM3025.mat "
                     "(relations PAP and PLP)",
    "dblp_multiplex": "HeCo, github.com/liun-online/HeCo data/dblp (relations APA, APCPA, APTPA)",
}

# Generators are imported eagerly (numpy and scipy only, no JIT): a lazy attribute would be
# replaced by the submodule of the same name as soon as anything imported that submodule.
from .hsbm import btsbm, hsbm  # noqa: E402
from .planted_local import planted_local  # noqa: E402
from .sbm import sbm  # noqa: E402
from .multiplex_sbm import multiplex_sbm  # noqa: E402


def dataset_path(name: str, data_home: str | os.PathLike | None = None) -> Path:
    """Where the npz file of ``name`` is found.

    Search order: ``data_home``, the ``GRAPHCLUST_DATA`` environment variable, the datasets
    shipped in the package. ``name`` may also be a path to an npz file.

    Parameters
    ----------
    name : str
        Dataset name (see :data:`KNOWN`) or a path to an npz file.
    data_home : path, optional
        Folder searched first.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    FileNotFoundError
        Naming the folders searched and how to add the file.

    Examples
    --------
    >>> dataset_path("cora").name
    'cora.npz'
    """
    p = Path(name)
    if p.suffix == ".npz":
        if p.exists():
            return p
        name = p.stem
    candidates = []
    if data_home is not None:
        candidates.append(Path(data_home))
    if os.environ.get("GRAPHCLUST_DATA"):
        candidates.append(Path(os.environ["GRAPHCLUST_DATA"]))
    candidates.append(_DATA_DIR)
    for d in candidates:
        f = d / f"{name}.npz"
        if f.exists():
            return f
    where = ", ".join(str(d) for d in candidates)
    hint = "" if name in KNOWN else f" (known datasets: {', '.join(KNOWN)})"
    raise FileNotFoundError(
        f"dataset {name!r} not found{hint}. Looked in: {where}. Put {name}.npz in a folder and pass "
        "data_home=that folder or set the GRAPHCLUST_DATA environment variable to it."
    )


def load(name: str, data_home: str | os.PathLike | None = None) -> Any:
    """Load a benchmark dataset.

    Parameters
    ----------
    name : str
        Dataset name (see :data:`KNOWN`) or a path to an npz file in graphclust's format.
    data_home : path, optional
        Folder holding ``{name}.npz`` for datasets not shipped in the package.

    Returns
    -------
    Graph or MultiplexGraph
        With ``labels`` (-1 = unknown) and ``features`` where available.

    Examples
    --------
    >>> g = load("cora")
    >>> g.n_nodes, g.features.shape[1], int(g.labels.max()) + 1
    (2708, 1433, 7)
    """
    from ..io import read_npz

    return read_npz(dataset_path(name, data_home))


def list_datasets(data_home: str | os.PathLike | None = None) -> list[dict]:
    """The known datasets with their sizes, whether they ship and whether they load here.

    Parameters
    ----------
    data_home : path, optional
        Folder searched for the datasets not shipped (as in :func:`load`).

    Returns
    -------
    list of dict
        Keys ``name, nodes, edges, features, classes, multiplex, shipped``, ``available``
        (its npz file is found: shipped, in ``data_home`` or in ``$GRAPHCLUST_DATA``) and
        ``source`` (where it comes from; None for shipped datasets).

    Examples
    --------
    >>> rows = {r["name"]: r for r in list_datasets()}
    >>> rows["cora"]["shipped"], rows["cora"]["available"]
    (True, True)
    """
    out = []
    for name, (n, m, d, k, multiplex) in KNOWN.items():
        try:
            dataset_path(name, data_home)
            available = True
        except FileNotFoundError:
            available = False
        out.append({"name": name, "nodes": n, "edges": m, "features": d, "classes": k,
                    "multiplex": multiplex, "shipped": (_DATA_DIR / f"{name}.npz").exists(),
                    "available": available, "source": SOURCES.get(name)})
    return out
