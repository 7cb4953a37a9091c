"""Reproduce the official BCMatch4Graphs runs (../shared/targets/README.md, bootstrap AMG rows).

For every target row: our BootstrapAMGClustering with the shipped parameters (40
hierarchies at most, rate 1e-6, 15 iterations, multiplicative composite, 2 pairwise passes,
100 x 10 k-means restarts kept by modularity), over several seeds (the seed draws the start
vector of the rate estimates and the k-means starts; the official code uses a fixed start and
C's unseeded random()). Prints the median (min - max) beside the official figure.

Usage: flock /tmp/graphclust-bench.lock python3 benchmarks/bootamg_reproduce.py [--seeds 10]
       [--data-home ../shared/datasets]
"""
from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np
import scipy.io
import scipy.sparse as sp

from graphclust import BootstrapAMGClustering
from graphclust.metrics import accuracy, ari, nmi

from _machine import cpu_model  # benchmarks/_machine.py

# (name, matrix, metadata, k, attributed, scoring column (None: no score), official figures)
ROWS = [
    ("Lazega friendship 36", "bcm_sample_LLawyers_friend36.mtx", "bcm_metadata_sample_LLawyers_36.txt", 4, True, None,
     dict(J=40, mod=0.2156, ent=10.553)),
    ("Lazega friendship 36", "bcm_sample_LLawyers_friend36.mtx", "bcm_metadata_sample_LLawyers_36.txt", 4, False, None,
     dict(J=32, mod=0.0415)),
    ("SBM sample2 (5 x 80)", "bcm_sample2.mtx", "bcm_metadata_sample2.txt", 5, False, 0,
     dict(J=40, mod=0.6929, nmi=0.814, ari=0.714, acc=0.770)),
    ("yeast", "bcm_sample_yeast.mtx", "bcm_metadata_sample_yeast.txt", 13, False, 0, dict(J=40, mod=0.6873, nmi=0.168)),
    ("Lazega advice 71 (vs office)", "bcm_sample_LLawyers_adv.mtx", "bcm_metadata_sample_LLawyers_adv.txt", 3, True, 2,
     dict(J=40, mod=0.2829, ent=11.428, nmi=0.639)),
]


def read_mtx(path: Path) -> sp.csr_array:
    A = sp.csr_array(scipy.io.mmread(path))
    A = sp.csr_array(((A + A.T) != 0).astype(np.float64))  # the method reads the pattern only
    A.setdiag(0)
    A.eliminate_zeros()
    return A


def spread(values: list) -> str:
    v = np.asarray(values, dtype=float)
    return f"{np.median(v):.4f} ({v.min():.4f} - {v.max():.4f})"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--data-home", default=str(Path(__file__).resolve().parents[1].parent / "shared" / "datasets"))
    args = parser.parse_args(argv)
    ref = Path(args.data_home) / "reference"
    cpu = cpu_model()
    print(f"`python3 benchmarks/bootamg_reproduce.py --seeds {args.seeds}`; {cpu}; {platform.python_version()}; "
          f"load average {open('/proc/loadavg').read().split()[:3]}\n")
    print("| input | k | variant | J (dim) ours / official | modularity ours / official | entropy ours / official "
          "| NMI ours / official | ARI ours / official | ACC ours / official | s per run |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, mtx, meta, k, attributed, col, off in ROWS:
        A = read_mtx(ref / mtx)
        X = np.loadtxt(ref / meta)
        X = X[:, None] if X.ndim == 1 else X
        res = {key: [] for key in ("J", "mod", "ent", "nmi", "ari", "acc", "t")}
        for s in range(args.seeds):
            t0 = time.perf_counter()
            est = BootstrapAMGClustering(k, random_state=s)
            est.fit(A, features=X) if attributed else est.fit(A)
            res["t"].append(time.perf_counter() - t0)
            res["J"].append(est.report_.n_hierarchies)
            res["mod"].append(est.modularity_)
            if attributed:
                res["ent"].append(est.entropy_)
            if col is not None:
                y = X[:, col].astype(int)
                res["nmi"].append(nmi(y, est.labels_))
                res["ari"].append(ari(y, est.labels_))
                res["acc"].append(accuracy(y, est.labels_))

        def cell(key: str) -> str:
            ours = spread(res[key]) if res[key] else "-"
            return f"{ours} / {off[key]}" if key in off else ours

        J = f"{int(np.median(res['J']))} ({int(np.median(res['J'])) + 1}) / {off['J']} ({off['J'] + 1})"
        print(f"| {name} | {k} | {'attributed' if attributed else 'structure'} | {J} | {cell('mod')} | {cell('ent')} "
              f"| {cell('nmi')} | {cell('ari')} | {cell('acc')} | {np.median(res['t']):.2f} |", flush=True)
    print("\nmedian (min - max) over seeds 0 ..", args.seeds - 1, file=sys.stdout)


if __name__ == "__main__":
    main()
