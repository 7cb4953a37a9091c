"""Locality and speed of graphclust.local.

Two tables (Markdown on stdout):

1. Locality: time per query on planted_local graphs of 1e5 and 1e6 nodes with the same local
   structure (target size k, internal density p, expected degree to the outside, background
   degree all fixed). A strongly local method takes about the same time on both; the peer, a
   global personalised PageRank by power iteration (scipy sparse mat-vecs), grows with n.
2. Throughput: queries per second for a batch of 1000 seeds on coauthor_cs, with 1 and 2
   numba threads (``numba.set_num_threads``).

Optional peer: LocalGraphClustering's C++ ACL (``libgraph.so`` from the PyPI wheel
localgraphclustering 0.6.1), if the environment variable ``GRAPHCLUST_LGC_LIB`` points to it;
its single-seed output is also compared with ours (max abs difference).

Run (heavy, ~3 min): ``flock /tmp/graphclust-bench.lock python3 benchmarks/local_speed.py``
(``--only locality`` or ``--only throughput`` for one table).
"""
from __future__ import annotations

import argparse
import ctypes
import os
import sys
import time

import numba
import numpy as np

import graphclust as gc
from graphclust.datasets.planted_local import planted_local
from graphclust.local import (
    approximate_pagerank_batch,
    flow_diffusion_batch,
    sweep_cut_batch,
)
from graphclust.local._common import prepare

from _machine import cpu_model  # benchmarks/_machine.py


def _lgc_acl():
    path = os.environ.get("GRAPHCLUST_LGC_LIB")
    if not path:
        return None
    from numpy.ctypeslib import ndpointer

    lib = ctypes.CDLL(path)
    fun = lib.aclpagerank64
    c64 = ctypes.c_int64
    fun.restype = c64
    fun.argtypes = [c64, ndpointer(c64, flags="C_CONTIGUOUS"), ndpointer(c64, flags="C_CONTIGUOUS"), c64,
                    ctypes.c_double, ctypes.c_double, ndpointer(c64, flags="C_CONTIGUOUS"), c64, c64,
                    ndpointer(c64, flags="C_CONTIGUOUS"), c64, ndpointer(ctypes.c_double, flags="C_CONTIGUOUS")]

    def acl(ai, aj, n, seed, alpha, eps, xlength):
        s = np.array([seed], dtype=np.int64)
        xids = np.empty(xlength, np.int64)
        vals = np.empty(xlength)
        L = fun(n, ai, aj, 0, alpha, eps, s, 1, 10**9, xids, xlength, vals)
        return xids[:L], vals[:L]

    return acl


def global_ppr(A, d, seed, alpha, tol=1e-8, max_iter=1000):
    """Lazy personalised PageRank by power iteration on the whole graph (the global peer)."""
    n = A.shape[0]
    s = np.zeros(n)
    s[seed] = 1.0
    dinv = np.where(d > 0, 1.0 / np.maximum(d, 1e-300), 0.0)
    p = s.copy()
    for _ in range(max_iter):
        new = alpha * s + (1 - alpha) / 2 * (p + A @ (dinv * p))
        if np.abs(new - p).sum() < tol:
            return new
        p = new
    return p


@numba.njit(parallel=True, cache=True)
def _control_loop(n_rows, reps):
    """A perfectly parallel loop: its speed-up is the most the machine gives right now."""
    out = np.zeros(n_rows)
    for t in numba.prange(n_rows):
        s = 0.0
        for i in range(reps):
            s += np.sin(i * 1e-9 + t)
        out[t] = s
    return out


def timed(fn, repeats=3):
    best = np.inf
    out = None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def _acl_kernel_time(prep, seeds, alpha, eps, repeats=3):
    """The ACL batch kernel alone (no seed checks, no result objects): what the Python
    wrapper adds is the difference with the end-to-end column."""
    from graphclust.local._common import flatten, kernels

    k = kernels()
    ptr, flat = flatten([np.array([s], dtype=np.int64) for s in seeds])
    n = prep.n
    W = np.zeros((1, n, 4))
    Q = np.empty((1, n), np.int64)
    T = np.empty((1, n), np.int64)
    bn = np.empty((1, max(n, 1 << 22)), np.int64)
    bv = np.empty((1, max(n, 1 << 22)))
    run = lambda: k.acl_batch(prep.indptr, prep.indices, prep.data, prep.deg, ptr, flat, alpha, eps, 10**9,
                              W, Q, T, bn, bv)
    run()
    t, out = timed(run, repeats)
    assert (out[2] >= 0).all(), "kernel output buffer too small"
    return t


def locality_table(n_queries: int, sizes, rng_seed: int = 0) -> list[str]:
    numba.set_num_threads(1)
    k, p, ext, bg = 100, 0.08, 4.0, 10.0
    rows = []
    per = {}
    lgc = _lgc_acl()
    for n in sizes:
        g, y, K = planted_local(n, k, p, ext / (n - k), bg / (n - k), 0.9, 0.9, random_state=rng_seed)
        prep = prepare(g)
        volK = float(prep.deg[K].sum())
        rng = np.random.default_rng(rng_seed)
        seeds = rng.choice(K, n_queries).tolist()
        # warm-up (JIT load) on this graph
        approximate_pagerank_batch(g, seeds[:2], eps=1e-4)
        flow_diffusion_batch(g, seeds[:2], 3 * volK, random_state=0)
        t_acl, res_acl = timed(lambda: approximate_pagerank_batch(g, seeds, alpha=0.15, eps=1e-4))
        t_kern = _acl_kernel_time(prep, seeds, 0.15, 1e-4)
        t_sw, _ = timed(lambda: sweep_cut_batch(g, res_acl))
        t_fd, res_fd = timed(lambda: flow_diffusion_batch(g, seeds, 3 * volK, random_state=0))
        A = g.adjacency
        t_glob, _ = timed(lambda: [global_ppr(A, prep.deg, s, 0.15) for s in seeds[:3]], repeats=1)
        t_glob /= 3
        row = {
            "acl": t_acl / n_queries, "kern": t_kern / n_queries, "sweep": t_sw / n_queries, "fd": t_fd / n_queries, "global": t_glob,
            "acl_supp": np.mean([len(r) for r in res_acl]), "fd_supp": np.mean([len(r) for r in res_fd]),
            "m": g.n_edges,
        }
        if lgc is not None:
            ai = np.ascontiguousarray(A.indptr, dtype=np.int64)
            aj = np.ascontiguousarray(A.indices, dtype=np.int64)
            t_l, _ = timed(lambda: [lgc(ai, aj, n, s, 0.15, 1e-4, 1 << 16) for s in seeds], repeats=1)
            row["lgc"] = t_l / n_queries
        per[n] = row
    hdr = "| n | m | ACL push (ms/query) | ACL kernel only (ms/query) | sweep (ms/query) | flow diffusion l2 (ms/query) | global PPR power iteration (ms/query) |"
    if lgc is not None:
        hdr += " LocalGraphClustering C++ ACL (ms/query) |"
    rows.append(hdr)
    rows.append("|" + "---|" * (hdr.count("|") - 1))
    for n in sizes:
        r = per[n]
        line = (f"| {n:,} | {r['m']:,} | {r['acl']*1e3:.3f} (support {r['acl_supp']:.0f}) | {r['kern']*1e3:.3f} | {r['sweep']*1e3:.3f} | "
                f"{r['fd']*1e3:.3f} (support {r['fd_supp']:.0f}) | {r['global']*1e3:.1f} |")
        if lgc is not None:
            line += f" {r['lgc']*1e3:.3f} |"
        rows.append(line)
    a, b = per[sizes[0]], per[sizes[-1]]
    ratio = f"| ratio {sizes[-1]:,} / {sizes[0]:,} | | {b['acl']/a['acl']:.2f}x | {b['kern']/a['kern']:.2f}x | {b['sweep']/a['sweep']:.2f}x | {b['fd']/a['fd']:.2f}x | {b['global']/a['global']:.1f}x |"
    if lgc is not None:
        ratio += f" {b['lgc']/a['lgc']:.2f}x |"
    rows.append(ratio)
    return rows


def throughput_table(data_home: str, n_queries: int) -> list[str]:
    g = gc.datasets.load("coauthor_cs", data_home=data_home)
    prep = prepare(g)
    rng = np.random.default_rng(0)
    seeds = rng.choice(g.n_nodes, n_queries, replace=False).tolist()
    class_vol = np.bincount(g.labels, weights=prep.deg)
    masses = [2.0 * class_vol[g.labels[s]] for s in seeds]
    configs = {
        "ACL (alpha 0.15, eps 1e-6) + sweep": lambda: sweep_cut_batch(g, approximate_pagerank_batch(g, seeds, eps=1e-6)),
        "ACL (alpha 0.15, eps 1e-5) + sweep": lambda: sweep_cut_batch(g, approximate_pagerank_batch(g, seeds, eps=1e-5)),
        "flow diffusion l2 (mass 2 vol(class), 50 passes) + support": lambda: flow_diffusion_batch(
            g, seeds, masses, max_iters=50, tol=1e-3, random_state=0),
    }
    out = ["| method | 1 thread (queries/s) | 2 threads (queries/s) | speed-up |", "|---|---|---|---|"]
    for name, fn in configs.items():
        qps = {}
        for th in (1, 2):
            numba.set_num_threads(th)
            fn() if th == 1 else None  # warm-up / JIT load
            t, _ = timed(fn, repeats=2)
            qps[th] = n_queries / t
        out.append(f"| {name} | {qps[1]:.0f} | {qps[2]:.0f} | {qps[2]/qps[1]:.2f}x |")
    ctl = {}
    for th in (1, 2):
        numba.set_num_threads(th)
        _control_loop(2, 10)
        ctl[th], _ = timed(lambda: _control_loop(2, 20_000_000), repeats=2)
    out.append(f"| control: perfectly parallel numba loop (runs/s) | {1 / ctl[1]:.2f} | {1 / ctl[2]:.2f} | {ctl[1] / ctl[2]:.2f}x |")
    lgc = _lgc_acl()
    if lgc is not None:
        A = g.adjacency
        ai = np.ascontiguousarray(A.indptr, dtype=np.int64)
        aj = np.ascontiguousarray(A.indices, dtype=np.int64)
        t, _ = timed(lambda: [lgc(ai, aj, g.n_nodes, s, 0.15, 1e-6, 1 << 16) for s in seeds], repeats=1)
        ours = approximate_pagerank_batch(g, seeds[:50], eps=1e-6)
        diff = 0.0
        for s, r in zip(seeds[:50], ours):
            ids, vals = lgc(ai, aj, g.n_nodes, s, 0.15, 1e-6, 1 << 16)
            a = np.zeros(g.n_nodes)
            a[ids] = vals
            diff = max(diff, float(np.abs(a - r.to_dense()).max()))
        out.append(f"| LocalGraphClustering C++ ACL (eps 1e-6, diffusion only, 1 thread) | {n_queries / t:.0f} | - | - |")
        out.append("")
        out.append(f"Max abs difference ACL graphclust vs LocalGraphClustering on 50 seeds: {diff:.1e}")
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-home", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "datasets"))
    ap.add_argument("--queries", type=int, default=200, help="queries per graph in the locality table")
    ap.add_argument("--batch", type=int, default=1000, help="batch size of the throughput table")
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--only", choices=["locality", "throughput"], help="run one of the two tables")
    args = ap.parse_args(argv)
    print("Command: `" + " ".join(["python3", "benchmarks/local_speed.py"] + (argv if argv is not None else sys.argv[1:])) + "`")
    print(f"Machine: {cpu_model()}, {os.cpu_count()} CPUs, numba {numba.__version__}, NUMBA_NUM_THREADS={numba.config.NUMBA_NUM_THREADS}, "
          f"load average at start {os.getloadavg()[0]:.1f}")
    print()
    if args.only != "throughput":
        _print_locality(args)
    if args.only != "locality":
        print(f"### Throughput: batch of {args.batch} random seeds on coauthor_cs (best of 2)")
        print()
        print("\n".join(throughput_table(args.data_home, args.batch)))
        print()
    print(f"Load average at the end: {os.getloadavg()[0]:.1f} (other jobs share the machine).")


def _print_locality(args) -> None:
    print(f"### Locality: time per query, planted_local (k=100, p=0.08, 4 expected edges from a target node "
          f"to the outside, background degree 10), {args.queries} seeds in the target, 1 thread, best of 3")
    print()
    print("\n".join(locality_table(args.queries, args.sizes)))
    print()


if __name__ == "__main__":
    main()
