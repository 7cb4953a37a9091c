"""DEMM+ at scale: a 1M-node multiplex SBM (3 relations of average degree 5, one of them pure
noise, block-correlated attributes), dim 32. Reports sampling and fit times, peak memory
(resident set, whole process), ARI and the learnt relation weights (the noise relation must
get the smallest). Needs a few GB of memory: run it once.

    python benchmarks/demm_scale.py                       # n = 1,000,000
    python benchmarks/demm_scale.py --n 100000
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "passive")  # see benchmarks/s2cag_reproduce.py

import argparse
import resource
import sys
import time

from _machine import cpu_model  # benchmarks/_machine.py


def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # kB on Linux


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--blocks", type=int, default=5)
    ap.add_argument("--dim", type=int, default=32)
    ap.add_argument("--dtype", default="float32")
    ap.add_argument("--alpha", type=float, default=20.0)
    ap.add_argument("--sketch-size", type=int, default=64)
    ap.add_argument("--feature-signal", type=float, default=1.0)
    args = ap.parse_args(argv)

    import numpy as np

    import graphclust as gc

    cpu = cpu_model()
    load0 = os.getloadavg()[0]
    sizes = [args.n // args.blocks] * args.blocks
    t0 = time.perf_counter()
    g = gc.datasets.multiplex_sbm(sizes, degrees=(5, 5, 5), signals=(0.9, 0.7, 0.0), n_features=32,
                                  feature_signal=args.feature_signal, dtype=np.float32, random_state=0)
    t_sample = time.perf_counter() - t0
    rss_sample = peak_rss_gib()
    est = gc.DEMMPlus(args.blocks, alpha=args.alpha, beta=2.5, n_terms=5, dim=args.dim, sketch_size=args.sketch_size,
                      sinkhorn_iters=10, dtype=args.dtype, random_state=0)
    t0 = time.perf_counter()
    est.fit(g)
    t_fit = time.perf_counter() - t0
    ari = gc.metrics.ari(g.labels, est.labels_)
    w = est.relation_weights_
    nnz = sum(int(A.nnz) for A in g.relations)
    print(f"- command: python {' '.join(sys.argv)}")
    print(f"- machine: {cpu}, {os.cpu_count()} cores, load average {load0:.1f} at start, "
          f"{os.getloadavg()[0]:.1f} at end (shared with other jobs)")
    print()
    print(f"alpha {args.alpha}, feature_signal {args.feature_signal}, blocks {args.blocks}, sketch {args.sketch_size}")
    print()
    print("| n | relations (stored nnz) | dim | dtype | sampling (s) | DEMM+ fit (s) | peak RSS (GiB) | ARI | "
          "relation weights | noise smallest |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    ws = ", ".join(f"{r} {v:.3f}" for r, v in w.items())
    print(f"| {g.n_nodes:,} | 3 ({nnz:,}) | {args.dim} | {args.dtype} | {t_sample:.1f} | {t_fit:.1f} | "
          f"{peak_rss_gib():.2f} (after sampling {rss_sample:.2f}) | {ari:.4f} | {ws} | "
          f"{'yes' if min(w, key=w.get) == 'noise' else 'no'} |")


if __name__ == "__main__":
    main()
