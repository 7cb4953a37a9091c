"""What the operator protocol costs: the solvers before and after it, side by side in one run.

The library as it was before the solvers took operators (git commit ``--base``, default
``e81ee45``) is extracted into a temporary package (``git archive``, renamed so both versions
import side by side in one process; the numba kernels are the same files) and its estimators
run interleaved with the current ones on the same inputs:

* ``SpectralClustering`` on the 1M-node planted SBM of ``benchmarks/spectral_sbm.py`` (whole
  ``fit``: Chebyshev-filtered subspace iteration on the normalized adjacency, then k-means);
* S2CAG and M-S2CAG on coauthor_cs with the official hyper-parameters
  (``../shared/targets/s2cag_official.json``), the core step of ``benchmarks/s2cag_speed.py``
  (``fit`` with the preprocessing served from a cache), for the default layout and for the
  implicit one (propagation, randomized SVD / subspace iteration through operators).

With ``--step embedding`` the spectral rows time ``spectral_embedding`` alone (the eigensolver,
where the protocol sits; k-means is the same code in both), and ``--small`` adds workloads
small enough that a per-product cost of the protocol would show: the same eigensolver on a
5,000-node SBM and S2CAG's Horner propagation on a 2,000-node graph, many pairs each.

Each pair runs old then new or new then old (alternating, so drift of the shared machine's
load cancels); the table gives the median time of each, the median of the paired ratios
new / old with its spread (min - max), and whether the labels are identical.

    flock /tmp/graphclust-bench.lock python3 benchmarks/protocol_overhead.py
    python3 benchmarks/protocol_overhead.py --n 200000 --pairs-spectral 3   # quicker
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "passive")  # as benchmarks/s2cag_speed.py (shared machine)

import argparse
import importlib
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from _machine import cpu_model  # benchmarks/_machine.py

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
OLD = "graphclust_base"


def old_package(base: str, where: Path) -> str:
    """Extract ``graphclust/`` at commit ``base`` as package ``OLD`` under ``where``."""
    tar = subprocess.run(["git", "-C", str(ROOT), "archive", base, "graphclust"], check=True,
                         capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(where)], input=tar, check=True)
    (where / "graphclust").rename(where / OLD)
    # the installed kernels: graphclust/kernels in a checkout that links them, else kernels/
    kernels = (ROOT / "graphclust" / "kernels")
    kernels = (kernels if kernels.exists() else ROOT / "kernels").resolve()
    if not (where / OLD / "kernels").exists():
        (where / OLD / "kernels").symlink_to(kernels)
    sys.path.insert(0, str(where))
    return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", base], check=True,
                          capture_output=True, text=True).stdout.strip()


def paired(run_old, run_new, pairs: int, label: str):
    """Interleaved timings; returns (t_old list, t_new list, same labels)."""
    t_old, t_new, same = [], [], True
    for i in range(pairs):
        order = [("old", run_old), ("new", run_new)] if i % 2 == 0 else [("new", run_new), ("old", run_old)]
        labels = {}
        for name, fn in order:
            t0 = time.perf_counter()
            labels[name] = np.asarray(fn())
            (t_old if name == "old" else t_new).append(time.perf_counter() - t0)
        same &= bool(np.array_equal(labels["old"], labels["new"]))
        print(f"{label} pair {i + 1}/{pairs}: old {t_old[-1]:.3f} s, new {t_new[-1]:.3f} s, "
              f"ratio {t_new[-1] / t_old[-1]:.3f}", file=sys.stderr, flush=True)
    return t_old, t_new, same


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", default="e81ee45", help="git commit of the code before the change")
    ap.add_argument("--n", type=int, default=1_000_000, help="SBM nodes (spectral_sbm.py's graph)")
    ap.add_argument("--pairs-spectral", type=int, default=4)
    ap.add_argument("--pairs-s2cag", type=int, default=10)
    ap.add_argument("--no-spectral", action="store_true")
    ap.add_argument("--no-s2cag", action="store_true")
    ap.add_argument("--step", choices=["fit", "embedding"], default="fit", help="spectral: what is timed")
    ap.add_argument("--small", action="store_true", help="add the small-graph workloads")
    ap.add_argument("--pairs-small", type=int, default=40)
    ap.add_argument("--shared", type=Path, default=SHARED)
    args = ap.parse_args(argv)
    command = "python3 benchmarks/protocol_overhead.py " + " ".join(argv if argv is not None else sys.argv[1:])

    tmp = tempfile.TemporaryDirectory(prefix="graphclust-base-")
    base = old_package(args.base, Path(tmp.name))
    load_start = os.getloadavg()
    rows = []
    per_call = []

    if not args.no_spectral:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from spectral_sbm import make_graph

        from graphclust import SpectralClustering as New

        Old = importlib.import_module(f"{OLD}.spectral.spectral").SpectralClustering
        A, y = make_graph(args.n, 20, 10.0, 8.0, 0)
        Aw, _ = make_graph(2000, 4, 10.0, 8.0, 1)
        New(4, random_state=0).fit(Aw)  # warm-up: numba kernels load from cache
        Old(4, random_state=0).fit(Aw)
        if args.step == "fit":
            t_old, t_new, same = paired(lambda: Old(20, random_state=0).fit(A).labels_,
                                        lambda: New(20, random_state=0).fit(A).labels_, args.pairs_spectral,
                                        "spectral")
            what = "SpectralClustering fit"
        else:
            emb_new = importlib.import_module("graphclust.spectral.spectral").spectral_embedding
            emb_old = importlib.import_module(f"{OLD}.spectral.spectral").spectral_embedding
            t_old, t_new, same = paired(lambda: emb_old(A, 20, random_state=0)[0],
                                        lambda: emb_new(A, 20, random_state=0)[0], args.pairs_spectral, "embedding")
            what = "spectral_embedding (eigensolver)"
        rows.append((f"{what}, SBM n={A.shape[0]:,}, {A.nnz // 2:,} edges, K=20", t_old, t_new, same))
        del A, Aw

    if args.small:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from spectral_sbm import make_graph

        emb_new = importlib.import_module("graphclust.spectral.spectral").spectral_embedding
        emb_old = importlib.import_module(f"{OLD}.spectral.spectral").spectral_embedding
        A, _ = make_graph(5000, 10, 10.0, 8.0, 2)
        emb_new(A, 10, random_state=0), emb_old(A, 10, random_state=0)
        t_old, t_new, same = paired(lambda: emb_old(A, 10, random_state=0)[0],
                                    lambda: emb_new(A, 10, random_state=0)[0], args.pairs_small, "small embedding")
        rows.append((f"spectral_embedding, SBM n={A.shape[0]:,}, K=10", t_old, t_new, same))
        prop_new = importlib.import_module("graphclust.solvers.propagate")
        prop_old = importlib.import_module(f"{OLD}.solvers.propagate")
        norm = importlib.import_module("graphclust.sparse").normalize_symmetric
        P, _ = make_graph(2000, 4, 10.0, 8.0, 3)
        P = norm(P)
        Y = np.random.default_rng(0).standard_normal((P.shape[0], 16))
        c = prop_new.geometric_coefficients(10, 0.9)
        reps = 20  # one timing = 20 propagations (10 products each): ~ms, well above the timer's grain

        def loop(mod):
            return lambda: [mod.propagate(P, Y, c) for _ in range(reps)][-1]

        t_old, t_new, same = paired(loop(prop_old), loop(prop_new), args.pairs_small, "small propagate")
        rows.append((f"propagate x{reps}, n={P.shape[0]:,}, 16 columns, T=10", t_old, t_new, same))
        # the protocol's cost per product, isolated: a 4 x 4 matrix and one column, so the call
        # itself is all there is; "old" = the kernel called directly, as the solvers did
        from graphclust.operators import ShiftedOperator, apply, as_operator
        from graphclust.sparse import spmm

        tiny = sp.csr_array(np.arange(16.0).reshape(4, 4))
        x = np.ones((4, 1))
        op, folded = as_operator(tiny), ShiftedOperator(tiny, 0.5, 2.0, fold=True)
        folded_csr = folded._folded_matrix()
        calls = 20_000

        def many(f):
            return lambda: [f() for _ in range(calls)][-1]

        t_old, t_new, same = paired(many(lambda: spmm(tiny, x)), many(lambda: apply(op, x)), args.pairs_small,
                                    "per call")
        per_call.append(("SparseOperator product (apply) vs spmm", t_old, t_new, calls))
        t_old, t_new, same = paired(many(lambda: spmm(folded_csr, x)), many(lambda: apply(folded, x)),
                                    args.pairs_small, "per call, folded shift")
        per_call.append(("folded ShiftedOperator product vs spmm of its CSR", t_old, t_new, calls))

    if not args.no_s2cag:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from s2cag_speed import _cached as cached  # the core step exactly as s2cag_speed.py times it

        from graphclust.datasets import load as load_new
        from graphclust.s2cag import MS2CAG, S2CAG

        load_old = importlib.import_module(f"{OLD}.datasets").load
        OldS2CAG = importlib.import_module(f"{OLD}.s2cag.s2cag").S2CAG
        OldMS2CAG = importlib.import_module(f"{OLD}.s2cag.ms2cag").MS2CAG
        runs = json.loads((args.shared / "targets" / "s2cag_official.json").read_text())["runs"]
        g_new = load_new("coauthor_cs", data_home=args.shared / "datasets")
        g_old = load_old("coauthor_cs", data_home=args.shared / "datasets")
        y = g_new.labels
        k = int(np.unique(y[y >= 0]).size)
        for r in [r for r in runs if r["dataset"] == "coauthor_cs"]:
            kw = dict(T=r["T"], alpha=r["alpha"], tau=r["tau"])
            if r["method"] == "S2CAG":
                pair, variants = (OldS2CAG, S2CAG), [("auto", {}), ("implicit", dict(path="implicit"))]
            else:
                kw["gamma"] = r["gamma"]
                pair, variants = (OldMS2CAG, MS2CAG), [("auto", {}), ("implicit", dict(mode="implicit"))]
            for vname, extra in variants:
                old_est, new_est = pair[0](k, **kw, **extra), pair[1](k, **kw, **extra)
                core_old = cached(pair[0], old_est._preprocess(g_old))(k, **kw, **extra)
                core_new = cached(pair[1], new_est._preprocess(g_new))(k, **kw, **extra)
                core_old.fit(g_old), core_new.fit(g_new)  # warm-up
                n_pairs = args.pairs_s2cag if vname == "auto" or r["method"] == "S2CAG" else max(2, args.pairs_s2cag // 3)
                t_old, t_new, same = paired(lambda: core_old.fit(g_old).labels_, lambda: core_new.fit(g_new).labels_,
                                            n_pairs, f"{r['method']} {vname}")
                layout = getattr(core_new, "path_", getattr(core_new, "mode_", "?"))
                rows.append((f"{r['method']} core step, coauthor_cs, {vname} ({layout}), T={r['T']} tau={r['tau']}",
                             t_old, t_new, same))

    print()
    print(f"Command: `{command.strip()}`  ")
    print(f"Machine: {cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}; load average "
          f"{tuple(round(x, 1) for x in load_start)} at the start, {tuple(round(x, 1) for x in os.getloadavg())} "
          "at the end (shared machine)  ")
    print(f"Old: commit {base} (extracted from git), new: the working tree; pairs interleaved, order alternating")
    print()
    print("| workload | pairs | old median (s) | new median (s) | median ratio new/old | ratio min - max | same labels |")
    print("|---|---|---|---|---|---|---|")
    for name, t_old, t_new, same in rows:
        ratio = np.asarray(t_new) / np.asarray(t_old)
        print(f"| {name} | {len(t_old)} | {np.median(t_old):.3f} | {np.median(t_new):.3f} | {np.median(ratio):.3f} | "
              f"{ratio.min():.3f} - {ratio.max():.3f} | {'yes' if same else 'NO'} |")
    if per_call:
        print()
        print("| per-product cost (4 x 4 CSR, one column) | pairs | direct kernel call (us) | through the protocol (us) "
              "| added per product (us, median of pairs) |")
        print("|---|---|---|---|---|")
        for name, t_old, t_new, calls in per_call:
            added = (np.asarray(t_new) - np.asarray(t_old)) / calls * 1e6
            print(f"| {name} | {len(t_old)} | {np.median(t_old) / calls * 1e6:.2f} | {np.median(t_new) / calls * 1e6:.2f} "
                  f"| {np.median(added):.2f} |")


if __name__ == "__main__":
    main()
