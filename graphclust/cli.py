"""The ``graphclust`` command line.

Examples
--------
::

    graphclust cluster s2cag cora                      # shipped dataset, k = number of classes
    graphclust cluster spectral graph.csv -k 5 --out labels.csv
    graphclust cluster bottom_up cora --json
    graphclust cluster local cora --seed 0 --out cluster.npy
    graphclust cluster local edges.csv --seed alice --out cluster.csv
    graphclust datasets
    graphclust --version

Methods come from :mod:`graphclust.registry`; a new method plugs in by registering there.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
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


class UsageError(Exception):
    """A mistake in the command line or its input (exit code 2, no traceback)."""


def _parse_options(pairs: Sequence[str]) -> dict[str, Any]:
    out = {}
    for pair in pairs:
        if "=" not in pair:
            raise UsageError(f"option {pair!r} must look like name=value (e.g. -o alpha=0.8)")
        key, value = pair.split("=", 1)
        out[key.strip()] = _parse_value(value.strip())
    return out


# Suffixes that mark an input as a file rather than a dataset name.
_FILE_SUFFIXES = (".npz", ".mtx", ".txt", ".csv", ".tsv", ".edges", ".el", ".gz")


def _load_input(source: str, data_home: str | None) -> Any:
    from . import datasets, io

    path = Path(source)
    if path.is_file():
        return io.read(path)
    if path.suffix.lower() in _FILE_SUFFIXES or "/" in source or "\\" in source:
        raise UsageError(f"no such file: {source}")
    return datasets.load(source, data_home=data_home)


def _make_estimator(cls: type, method: str, params: dict[str, Any]) -> Any:
    """``cls(**params)`` after checking the names, so a typo lists the parameters."""
    allowed = cls._get_param_names()
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise UsageError(
            f"{method} has no parameter {', '.join(map(repr, unknown))}; its parameters are: {', '.join(allowed)}"
        )
    return cls(**params)


def _resolve_seed(graph: Any, text: str) -> Any:
    """The seed node as the graph names it: a node id of a graph read with ids (edge lists with
    names, networkx), else an index in [0, n)."""
    ids = getattr(graph, "node_ids", None)
    if ids is not None:
        ids = np.asarray(ids)
        if ids.dtype.kind in "iu":
            try:
                return int(text)
            except ValueError:
                raise UsageError(f"--seed {text!r}: the graph's node ids are integers") from None
        return text
    try:
        return int(text)
    except ValueError:
        raise UsageError(
            f"--seed {text!r}: this graph has no node names, give a node index in [0, {graph.n_nodes})"
        ) from None


def _save(path: str, values: np.ndarray, node_ids: Any, *, header: str) -> str:
    """Write ``values`` (one per node, or a list of nodes) and say what was written."""
    out = Path(path)
    if out.suffix == ".npy":
        np.save(out, values)
        return f"{len(values)} {header.split(',')[-1]}s as a numpy array"
    if out.suffix in (".csv", ".txt", ".tsv"):
        sep = "," if out.suffix == ".csv" else "\t"
        cols = header.split(",")
        with open(out, "w") as fh:
            fh.write(sep.join(cols) + "\n")
            if len(cols) == 1:
                for v in values:
                    fh.write(f"{v}\n")
            else:
                ids = np.arange(len(values)) if node_ids is None else node_ids
                for i, v in zip(ids, values):
                    fh.write(f"{i}{sep}{v}\n")
        return f"{len(values)} rows with columns {', '.join(cols)}"
    raise UsageError(f"--out must end in .npy, .csv, .tsv or .txt, got {path!r}")


def _cmd_cluster(args: argparse.Namespace) -> int:
    from . import metrics

    info = registry.get(args.method)
    params = _parse_options(args.option)
    graph = _load_input(args.input, args.data_home)
    cls = info.load()
    if args.device is not None:
        params["device"] = args.device
    if args.random_state is not None:
        params["random_state"] = args.random_state
    result: dict[str, Any] = {"method": info.name, "input": args.input, "n_nodes": graph.n_nodes}
    labels = getattr(graph, "labels", None)
    notes = []
    if info.kind == "local":
        if args.seed is None:
            raise UsageError("local clustering needs --seed NODE")
        est = _make_estimator(cls, info.name, params)
        seed = _resolve_seed(graph, args.seed)
        t0 = time.perf_counter()
        est.fit(graph, seed)
        result["seconds"] = time.perf_counter() - t0
        cluster = np.asarray(est.cluster_)
        result.update({"seed": seed, "cluster_size": int(cluster.size), "conductance": float(est.conductance_)})
        if args.out:
            ids = getattr(graph, "node_ids", None)
            members = cluster if ids is None or cluster.dtype.kind not in "iu" else np.asarray(ids)[cluster]
            what = _save(args.out, members, None, header="node")
            notes.append(f"wrote the {cluster.size} nodes of the cluster to {args.out} ({what})")
    else:
        k = args.n_clusters
        if k is None and labels is not None and info.kind == "partition":
            k = int(labels[labels >= 0].max()) + 1
        if k is None and info.kind == "partition":
            raise UsageError("give -k/--n-clusters (the input has no labels to read it from)")
        est = _make_estimator(cls, info.name, {"n_clusters": k, **params})
        t0 = time.perf_counter()
        pred = est.fit_predict(graph)
        result["seconds"] = time.perf_counter() - t0
        result["n_clusters"] = int(np.unique(pred).size)
        if labels is not None and (labels >= 0).any():
            n_classes = int(np.unique(labels[labels >= 0]).size)
            if info.kind == "hierarchy" and result["n_clusters"] > n_classes:
                # Score the dendrogram cut at the true number of classes, not the leaves.
                result["scored_cut"] = n_classes
                notes.append(
                    f"scored_cut: the finest level has {result['n_clusters']} clusters; the scores are those "
                    f"of the hierarchy cut at {n_classes} clusters, the number of classes of the input"
                )
                result.update(metrics.evaluate(labels, est.cut(n_classes)))
            else:
                result.update(metrics.evaluate(labels, pred))
        if args.out:
            what = _save(args.out, pred, getattr(graph, "node_ids", None), header="node,label")
            notes.append(f"wrote the label of each of the {pred.size} nodes to {args.out} ({what})")
    if args.json:
        if notes:
            result["notes"] = notes
        print(json.dumps(result, indent=2, default=float))
    else:
        for key, value in result.items():
            print(f"{key:>14}: {value:.4f}" if isinstance(value, float) else f"{key:>14}: {value}")
        for note in notes:
            print(f"note: {note}")
    return 0


def _cmd_datasets(args: argparse.Namespace) -> int:
    from . import datasets

    rows = datasets.list_datasets(args.data_home)
    print(f"{'name':<18}{'nodes':>8}{'edges':>9}{'features':>10}{'classes':>9}  where")
    missing = []
    for r in rows:
        edges = "-" if r["edges"] is None else r["edges"]
        kind = "shipped" if r["shipped"] else ("found" if r["available"] else "not installed (see below)")
        if r["multiplex"]:
            kind += " (multiplex)"
        print(f"{r['name']:<18}{r['nodes']:>8}{edges:>9}{r['features']:>10}{r['classes']:>9}  {kind}")
        if not r["available"]:
            missing.append(r)
    if missing:
        print()
        print("Not installed here. Each comes from the source named below; convert it to graphclust's npz format")
        print("with graphclust.io.write_npz(graphclust.as_graph(adjacency, features=X, labels=y), 'NAME.npz')")
        print("(MultiplexGraph for the multiplex sets), then put NAME.npz in a folder and set GRAPHCLUST_DATA to it")
        print("(or pass --data-home):")
        for r in missing:
            print(f"  {r['name']}: {r['source']}")
    return 0


def _cmd_methods(args: argparse.Namespace) -> int:
    for info in registry.METHODS.values():
        needs = "features" if info.requires_features else "structure"
        print(f"{info.name:<12}{info.kind:<11}{needs:<11}{info.summary}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command-line parser of ``graphclust`` (sub-commands ``cluster``, ``datasets``, ``methods``).

    Returns
    -------
    argparse.ArgumentParser

    Examples
    --------
    >>> build_parser().parse_args(["cluster", "spectral", "cora", "-k", "7"]).method
    'spectral'
    """
    parser = argparse.ArgumentParser(prog="graphclust", description="Graph clustering with sparse linear algebra.")
    parser.add_argument("--version", action="version", version=f"graphclust {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback of any error")
    sub = parser.add_subparsers(dest="command", required=True)

    c = sub.add_parser("cluster", help="cluster a dataset or a graph file")
    c.add_argument("method", choices=registry.names(), help="method name")
    c.add_argument("input", help="dataset name (see 'graphclust datasets') or a file (.npz, .mtx, .txt, .csv, .tsv)")
    c.add_argument("-k", "--n-clusters", type=int, default=None, help="number of clusters (default: from labels)")
    c.add_argument("-o", "--option", action="append", default=[], metavar="NAME=VALUE",
                   help="estimator parameter, repeatable (e.g. -o alpha=0.8 -o T=15)")
    c.add_argument("--seed", default=None, metavar="NODE",
                   help="seed node (local methods): a node name of the file, or an index in [0, n)")
    c.add_argument("--random-state", type=int, default=None, help="random seed")
    c.add_argument("--device", choices=["cpu", "cuda", "auto"], default=None)
    c.add_argument("--data-home", default=None, help="folder with dataset npz files")
    c.add_argument("--out", default=None, help="write labels (or the local cluster) to .npy/.csv/.tsv/.txt")
    c.add_argument("--json", action="store_true", help="print the result as JSON")
    c.set_defaults(func=_cmd_cluster)

    d = sub.add_parser("datasets", help="list the datasets, and where to get those not installed")
    d.add_argument("--data-home", default=None, help="folder with dataset npz files")
    d.set_defaults(func=_cmd_datasets)
    m = sub.add_parser("methods", help="list the methods")
    m.set_defaults(func=_cmd_methods)
    return parser


# Modules whose ValueError / TypeError are verdicts on the user's input or parameters.
_VALIDATING = ("validation.py", "graph.py", "io.py", "memory.py", "datasets")


def _is_user_error(err: BaseException) -> bool:
    """User errors (bad input, parameters, files, missing extras) get exit code 2 and one line;
    anything else is a bug and says so."""
    if isinstance(err, (UsageError, OSError)):
        return True
    if isinstance(err, ImportError):
        return isinstance(err, ModuleNotFoundError) or "pip install" in str(err)
    if isinstance(err, (ValueError, TypeError)):
        # Raised by graphclust's validation (check_* helpers, as_graph, readers, the memory
        # guard, an estimator's _validate_* methods), not by an internal slip.
        for frame in traceback.extract_tb(err.__traceback__):
            if frame.filename.endswith(_VALIDATING) or "/datasets/" in frame.filename:
                return True
            if frame.name.startswith(("_validate", "check_", "resolve_")):
                return True
    return False


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``graphclust`` command.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 2 for a user error (bad arguments, input or parameters; one line on
        stderr), 1 for an internal error (a bug: one line, the traceback with ``--debug``).
    """
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except Exception as err:  # noqa: BLE001 - classified below, re-raised under --debug
        if args.debug:
            raise
        if _is_user_error(err):
            print(f"graphclust: error: {err}", file=sys.stderr)
            return 2
        print(f"graphclust: internal error: {type(err).__name__}: {err} (a bug in graphclust; rerun with "
              "--debug for the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
