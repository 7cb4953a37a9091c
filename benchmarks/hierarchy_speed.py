"""Speed of the hierarchical estimators, against Paris (scikit-network) on the same graphs.

Cases: the paper's N = 1600 BTSBM (a = 40, 42, 46, 100; the official code takes about a
minute per run), N = 200 000 with 64 bottom communities and N = 1 000 000 with 16 (geometric
probabilities p_l proportional to beta^(d - l), fixed mean degree); bottom-up gets the true K
there. ``sbm200k`` (and ``btsbm200k-est``): K given against K estimated (the count of
negative Bethe-Hessian eigenvalues), the two fits interleaved ``--repeats`` times on the same
graph, median seconds and their ratio. Prints a Markdown table with wall-clock seconds
(sampling excluded), accuracy of the bottom communities and whether every depth's partition
is recovered up to the bottom errors.

Usage: flock /tmp/graphclust-bench.lock python3 benchmarks/hierarchy_speed.py [--cases small,200k,1m,sbm200k]
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
import scipy.sparse as sp

from graphclust.datasets import sbm
from graphclust.datasets.hsbm import btsbm
from graphclust.hierarchy import BottomUpHierarchy, TopDownHierarchy
from graphclust.metrics import accuracy

from _machine import cpu_model  # benchmarks/_machine.py


def geometric_btsbm(n_nodes: int, depth: int, mean_degree: float, beta: float, seed: int):
    K = 2**depth
    n = n_nodes // K
    w = beta ** (depth - np.arange(depth + 1, dtype=float))
    # Expected number of neighbours at every LCA depth of one vertex.
    count = np.array([n * 2 ** (depth - lvl - 1) for lvl in range(depth)] + [n - 1], dtype=float)
    p = w * mean_degree / (w @ count)
    return btsbm(depth, n, p=p, random_state=seed)


def _paris(A) -> float:
    from sknetwork.hierarchy import Paris

    M = sp.csr_matrix(A)
    M.indices = M.indices.astype(np.int32)
    M.indptr = M.indptr.astype(np.int32)
    t0 = time.perf_counter()
    Paris().fit(M)
    return time.perf_counter() - t0


def _given_vs_estimated(case: str, repeats: int) -> None:
    """K given and K estimated, interleaved on one graph; median seconds and the ratio."""
    if case == "sbm200k":
        K, n = 8, 200_000
        # Planted partition far above the detection threshold: 20 neighbours inside the block
        # and 4 outside on average; with a = n p_in, b = n p_out, (a - b)^2 = 24 150 against
        # the Kesten-Stigum bound K (a + (K - 1) b) = 1 536.
        g = sbm([n // K] * K, p_in=20.0 / (n // K), p_out=4.0 / (n - n // K), random_state=0)
        label = "SBM, 8 x 25 000, c_in = 20, c_out = 4"
    else:
        K = 64
        g = geometric_btsbm(200_000, 6, 30.0, 0.35, 0)
        label = "BTSBM depth 6, beta 0.35, mean degree 30"
    times: dict[str, list[float]] = {"given": [], "estimated": []}
    found, acc = {}, {}
    for _ in range(repeats):
        for name, k in (("given", K), ("estimated", None)):
            model = BottomUpHierarchy(k, random_state=0)
            t0 = time.perf_counter()
            model.fit(g)
            times[name].append(time.perf_counter() - t0)
            found[name], acc[name] = model.n_clusters_, accuracy(g.labels, model.labels_)
    med = {name: statistics.median(v) for name, v in times.items()}
    for name in ("given", "estimated"):
        runs = ", ".join(f"{t:.1f}" for t in times[name])
        ratio = f"{med[name] / med['given']:.2f}x" if name == "estimated" else "1.00x"
        print(f"| {label} | {g.n_nodes} | {g.n_edges} | {K} | K {name} | {found[name]} | {med[name]:.2f} ({runs}) "
              f"| {ratio} | {acc[name]:.4f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="small,200k,1m")
    parser.add_argument("--paris", default="small,200k", help="cases where Paris is timed as the peer")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved repeats of the given / estimated cases")
    args = parser.parse_args()
    cases = args.cases.split(",")
    paris_cases = args.paris.split(",")
    print(f"Command: `python3 benchmarks/hierarchy_speed.py --cases {args.cases} --paris {args.paris} "
          f"--repeats {args.repeats}` on {os.cpu_count()} cores, {cpu_model()}\n")
    estimate_cases = [c for c in cases if c in ("sbm200k", "btsbm200k-est")]
    cases = [c for c in cases if c not in estimate_cases]
    if estimate_cases:
        print("| graph | N | edges | true K | K | K found | seconds, median (runs) | ratio to K given | bottom accuracy |")
        print("|---|---|---|---|---|---|---|---|---|")
        for case in estimate_cases:
            _given_vs_estimated(case, args.repeats)
        print()
    if not cases:
        return
    print("| graph | N | edges | K | method | seconds | Paris seconds (peer) | bottom accuracy | depths whose cut is as accurate as the bottom labels |")
    print("|---|---|---|---|---|---|---|---|---|")
    for case in cases:
        if case == "small":
            g = btsbm(3, 200, a=[40, 42, 46, 100], random_state=1000)
            label, depth = "BTSBM a=(40,42,46,100)", 3
            models = [("bottom-up (zeta)", BottomUpHierarchy(8, random_state=0)),
                      ("bottom-up (fixed r)", BottomUpHierarchy(8, method="fixed", random_state=0)),
                      ("top-down", TopDownHierarchy(random_state=0))]
        elif case == "200k":
            g = geometric_btsbm(200_000, 6, 30.0, 0.35, 0)
            label, depth = "BTSBM depth 6, beta 0.35, mean degree 30", 6
            models = [("bottom-up (fixed r, Chebyshev)", BottomUpHierarchy(64, random_state=0))]
        elif case == "1m":
            g = geometric_btsbm(1_000_000, 4, 20.0, 0.3, 0)
            label, depth = "BTSBM depth 4, beta 0.3, mean degree 20", 4
            models = [("bottom-up (fixed r, Chebyshev)", BottomUpHierarchy(16, random_state=0))]
        else:
            raise ValueError(f"unknown case {case!r}")
        Y = g.meta["labels_by_depth"]
        t_paris = f"{_paris(g.adjacency):.2f}" if case in paris_cases else "-"
        for name, model in models:
            t0 = time.perf_counter()
            model.fit(g)
            dt = time.perf_counter() - t0
            acc = accuracy(g.labels, model.labels_)
            exact = [lvl for lvl in range(1, depth + 1) if accuracy(Y[lvl], model.cut(min(2**lvl, model.n_clusters_))) >= acc - 1e-12]
            print(f"| {label} | {g.n_nodes} | {g.n_edges} | {2**depth} | {name} | {dt:.2f} | {t_paris} | {acc:.4f} | {exact} |", flush=True)


if __name__ == "__main__":
    main()
