"""S2CAG / M-S2CAG speed on coauthor_cs and amazon_photo against the official timings.

The bar: ``official_core_seconds`` of ../shared/targets/s2cag_official.json (the official
code's ``run_SSCAG``: propagation, SVD or subspace iteration, SNEM; loading, TF-IDF and the
adjacency normalisation excluded), measured on a 2-core x86-64 machine. Target: S2CAG at most
1/3 of it, M-S2CAG at most 1/10, with the same labels (ARI vs the official labels).

Two times of ours, best of ``--repeat`` runs each: ``core``, the step the official time
covers (the estimator's fit with its preprocessing, TF-IDF and building P, served from a
cache), and ``fit``, the whole ``fit`` (preprocessing included). The bar is checked on the
core time: our core step against the official timings. A peer in the
same run is timed once: our own implementation of the official dense path
(``MS2CAG(mode="dense")``: dense Z; for S2CAG ``path="explicit"``, as the official code's
explicit layout).

    flock /tmp/graphclust-bench.lock python benchmarks/s2cag_speed.py
"""
from __future__ import annotations

import os

# numba's OpenMP threads spin-wait between parallel regions by default; on a shared 2-core
# machine a spinning thread holds a core another process wants, and every SpMM of a Horner
# loop then waits ~10-25 ms for a descheduled thread (measured). Passive waiting removes that.
# Set before numba starts its thread pool; export OMP_WAIT_POLICY=active to compare.
os.environ.setdefault("OMP_WAIT_POLICY", "passive")

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from _machine import cpu_model  # benchmarks/_machine.py

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def _best(fn, repeat: int) -> tuple[float, np.ndarray]:
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _cached(cls, prep):
    """``cls`` with its preprocessing (TF-IDF, P) served from ``prep``: times the core step."""

    class Core(cls):
        def _preprocess(self, graph):
            return prep

    Core.__name__ = cls.__name__
    return Core


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("datasets", nargs="*", default=["amazon_photo", "coauthor_cs"])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-peer", action="store_true", help="skip the dense official-path peer")
    ap.add_argument("--shared", type=Path, default=SHARED)
    args = ap.parse_args(argv)

    from graphclust import metrics
    from graphclust.datasets import load
    from graphclust.s2cag import MS2CAG, S2CAG

    runs = json.loads((args.shared / "targets" / "s2cag_official.json").read_text())["runs"]
    runs = [r for r in runs if r["dataset"] in args.datasets]
    load_start = os.getloadavg()  # shared machine: report the load the timings were taken under
    rows = []
    for r in runs:
        g = load(r["dataset"], data_home=args.shared / "datasets")
        y = g.labels
        k = int(np.unique(y[y >= 0]).size)
        kw = dict(T=r["T"], alpha=r["alpha"], tau=r["tau"])
        official = np.load(args.shared / "targets" / "s2cag_official_labels" / r["labels_file"])
        if r["method"] == "S2CAG":
            variants = [("auto, faithful", S2CAG, dict()),
                        ("implicit, faithful", S2CAG, dict(path="implicit")),
                        ("gram, faithful", S2CAG, dict(path="gram")),
                        ("gram, re-orthonormalised, float32", S2CAG, dict(path="gram", faithful=False, dtype="float32")),
                        ("implicit, re-orthonormalised, float32", S2CAG, dict(path="implicit", faithful=False, dtype="float32"))]
            peer = ("explicit Z (official layout)", S2CAG, dict(path="explicit"))
            bar = r["official_core_seconds"] / 3
        else:
            kw["gamma"] = r["gamma"]
            variants = [("auto", MS2CAG, dict()),
                        ("implicit", MS2CAG, dict(mode="implicit")),
                        ("gram", MS2CAG, dict(mode="gram")),
                        ("gram, float32", MS2CAG, dict(mode="gram", dtype="float32")),
                        ("implicit, float32", MS2CAG, dict(mode="implicit", dtype="float32"))]
            peer = ("dense Z (official path)", MS2CAG, dict(mode="dense"))
            bar = r["official_core_seconds"] / 10
        variants[0][1](k, **kw, **variants[0][2]).fit(g)  # warm-up: numba kernels load from cache
        t_peer, lab_peer = (np.nan, None) if args.no_peer else _best(lambda: peer[1](k, **kw, **peer[2]).fit_predict(g), 1)
        for vname, cls, extra in variants:
            est = cls(k, **kw, **extra)
            prep = est._preprocess(g)  # what the official time leaves out, computed once
            core_est = _cached(cls, prep)(k, **kw, **extra)
            t_core, lab = _best(lambda: core_est.fit(g).labels_, args.repeat)
            t_fit, lab_fit = _best(lambda: est.fit(g).labels_, args.repeat)
            assert np.array_equal(lab, lab_fit)
            layout = getattr(est, "path_", getattr(est, "mode_", "?"))
            hp = f"T={r['T']} a={r['alpha']} tau={r['tau']}" + (f" g={r['gamma']}" if "gamma" in r else "")
            rows.append((r["dataset"], r["method"], hp, f"{vname} ({layout})", t_core, t_fit, r["official_core_seconds"],
                         r["official_core_seconds"] / t_core, bar, metrics.ari(official, lab),
                         100 * metrics.ari(y, lab), r["ari"], peer[0], t_peer,
                         np.nan if lab_peer is None else metrics.ari(lab_peer, lab)))
            print(f"{r['dataset']} {r['method']} {hp} {vname}: core {t_core:.3f}s fit {t_fit:.3f}s "
                  f"(official {r['official_core_seconds']}s, peer {t_peer:.2f}s)", file=sys.stderr, flush=True)

    print("| dataset | method | hyper-parameters | ours (layout) | core (s) | fit (s) | official core (s) | speed-up (core) | bar (s) | bar met | ARI vs official labels | ARI vs truth ours / official | in-run peer | peer fit (s) | ARI(ours, peer) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for d, m, hp, v, tc, tf, off, su, bar, ao, a, oa, pn, tp, ap_ in rows:
        print(f"| {d} | {m} | {hp} | {v} | {tc:.3f} | {tf:.3f} | {off:.3f} | {su:.1f}x | {bar:.3f} | "
              f"{'yes' if tc <= bar else 'NO'} | {ao:.4f} | {a:.2f} / {oa:.2f} | {pn} | {tp:.2f} | {ap_:.4f} |")
    print()
    print("load average (1/5/15 min) at start: %.2f / %.2f / %.2f, at end: %.2f / %.2f / %.2f"
          % (load_start + os.getloadavg()))
    print()
    print(" ".join(["command: flock /tmp/graphclust-bench.lock python benchmarks/s2cag_speed.py", *sys.argv[1:]])
          + f"; machine: {cpu_model()}")


if __name__ == "__main__":
    main()
