"""The ``graphclust`` command line.

Examples
--------
::

    graphclust cluster s2cag cora                      # shipped dataset, k = number of classes
    graphclust cluster spectral graph.csv -k 5 --out labels.csv
    graphclust cluster bottom_up cora --json
    graphclust cluster local cora --seed 0 --out cluster.npy
    graphclust datasets
    graphclust --version

Methods come from :mod:`graphclust.registry`; a new method plugs in by registering there.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from . import __version__, registry

__all__ = ["main", "build_parser"]


def _parse_value(text: str) -> Any:
    """Read an option value: int, float, bool, None, or a string."""
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    if low == "none":
        return None
    for conv in (int, float):
        try:
            return conv(text)
        except ValueError:
            pass
    return text


def _parse_options(pairs: Sequence[str]) -> dict[str, Any]:
    out = {}
    for pair in pairs:
        if "=" not in pair:
            raise SystemExit(f"graphclust: error: option {pair!r} must look like name=value (e.g. -o alpha=0.8)")
        key, value = pair.split("=", 1)
        out[key.strip()] = _parse_value(value.strip())
    return out


def _load_input(source: str, data_home: str | None) -> Any:
    from . import datasets, io

    path = Path(source)
    looks_like_path = any(sep in source for sep in ("/", "\\")) or any(
        s.lower() in (".npz", ".mtx", ".txt", ".csv", ".tsv", ".edges", ".el", ".gz") for s in path.suffixes
    )
    if path.exists() or looks_like_path:  # a missing file is reported as one, not as an unknown dataset
        return io.read(path)
    return datasets.load(source, data_home=data_home)


def _save(path: str, values: np.ndarray, node_ids: Any) -> None:
    out = Path(path)
    if out.suffix == ".npy":
        np.save(out, values)
    elif out.suffix in (".csv", ".txt", ".tsv"):
        sep = "," if out.suffix == ".csv" else "\t"
        ids = np.arange(len(values)) if node_ids is None else node_ids
        with open(out, "w") as fh:
            fh.write(f"node{sep}value\n")
            for i, v in zip(ids, values):
                fh.write(f"{i}{sep}{v}\n")
    else:
        raise SystemExit(f"graphclust: error: --out must end in .npy, .csv, .tsv or .txt, got {path!r}")


def _cmd_cluster(args: argparse.Namespace) -> int:
    from . import metrics

    info = registry.get(args.method)
    graph = _load_input(args.input, args.data_home)
    params = _parse_options(args.option)
    cls = info.load()
    if args.device is not None:
        params["device"] = args.device
    if args.random_state is not None:
        params["random_state"] = args.random_state
    result: dict[str, Any] = {"method": info.name, "input": args.input, "n_nodes": graph.n_nodes}
    labels = getattr(graph, "labels", None)
    if info.kind == "local":
        if args.seed is None:
            raise SystemExit("graphclust: error: local clustering needs --seed NODE")
        est = cls(**params)
        t0 = time.perf_counter()
        est.fit(graph, args.seed)
        result["seconds"] = time.perf_counter() - t0
        cluster = np.asarray(est.cluster_)
        result.update({"seed": args.seed, "cluster_size": int(cluster.size), "conductance": float(est.conductance_)})
        if args.out:
            np.save(args.out, cluster) if args.out.endswith(".npy") else _save(args.out, cluster, None)
    else:
        k = args.n_clusters
        if k is None and labels is not None and info.kind == "partition":
            k = int(labels[labels >= 0].max()) + 1
        if k is None and info.kind == "partition":
            raise SystemExit("graphclust: error: give -k/--n-clusters (the input has no labels to read it from)")
        est = cls(n_clusters=k, **params)
        t0 = time.perf_counter()
        pred = est.fit_predict(graph)
        result["seconds"] = time.perf_counter() - t0
        result["n_clusters"] = int(np.unique(pred).size)
        if labels is not None and (labels >= 0).any():
            n_classes = int(np.unique(labels[labels >= 0]).size)
            if info.kind == "hierarchy" and result["n_clusters"] > n_classes:
                # Score the dendrogram cut at the true number of classes, not the leaves.
                result["scored_cut"] = n_classes
                result.update(metrics.evaluate(labels, est.cut(n_classes)))
            else:
                result.update(metrics.evaluate(labels, pred))
        if args.out:
            _save(args.out, pred, getattr(graph, "node_ids", None))
    if args.json:
        print(json.dumps(result, indent=2, default=float))
    else:
        for key, value in result.items():
            print(f"{key:>14}: {value:.4f}" if isinstance(value, float) else f"{key:>14}: {value}")
    return 0


def _cmd_datasets(args: argparse.Namespace) -> int:
    from . import datasets

    rows = datasets.list_datasets()
    print(f"{'name':<18}{'nodes':>8}{'edges':>9}{'features':>10}{'classes':>9}  where")
    for r in rows:
        edges = "-" if r["edges"] is None else r["edges"]
        kind = "shipped" if r["shipped"] else "data_home / $GRAPHCLUST_DATA"
        if r["multiplex"]:
            kind += " (multiplex)"
        print(f"{r['name']:<18}{r['nodes']:>8}{edges:>9}{r['features']:>10}{r['classes']:>9}  {kind}")
    return 0


def _cmd_methods(args: argparse.Namespace) -> int:
    for info in registry.METHODS.values():
        needs = "features" if info.requires_features else "structure"
        print(f"{info.name:<12}{info.kind:<11}{needs:<11}{info.summary}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="graphclust", description="Graph clustering with sparse linear algebra.")
    parser.add_argument("--version", action="version", version=f"graphclust {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    c = sub.add_parser("cluster", help="cluster a dataset or a graph file")
    c.add_argument("method", choices=registry.names(), help="method name")
    c.add_argument("input", help="dataset name (see 'graphclust datasets') or a file (.npz, .mtx, .txt, .csv, .tsv)")
    c.add_argument("-k", "--n-clusters", type=int, default=None, help="number of clusters (default: from labels)")
    c.add_argument("-o", "--option", action="append", default=[], metavar="NAME=VALUE",
                   help="estimator parameter, repeatable (e.g. -o alpha=0.8 -o T=15)")
    c.add_argument("--seed", type=int, default=None, help="seed node (local methods)")
    c.add_argument("--random-state", type=int, default=None, help="random seed")
    c.add_argument("--device", choices=["cpu", "cuda", "auto"], default=None)
    c.add_argument("--data-home", default=None, help="folder with dataset npz files")
    c.add_argument("--out", default=None, help="write labels (or the local cluster) to .npy/.csv/.tsv/.txt")
    c.add_argument("--json", action="store_true", help="print the result as JSON")
    c.set_defaults(func=_cmd_cluster)

    d = sub.add_parser("datasets", help="list the datasets")
    d.set_defaults(func=_cmd_datasets)
    m = sub.add_parser("methods", help="list the methods")
    m.set_defaults(func=_cmd_methods)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``graphclust`` command."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, TypeError, FileNotFoundError, ImportError) as err:
        print(f"graphclust: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
