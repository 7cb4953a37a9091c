"""Benchmark: CSR x dense SpMM, graphclust's numba kernel against scipy's ``A @ X``.

The graph is a uniformly random *undirected* graph: ``n`` nodes and ``m = nnz / 2`` node pairs
drawn uniformly (self-pairs dropped, duplicates merged), stored symmetrically, so the adjacency
has about ``nnz`` nonzeros (weights uniform in [0.5, 1.5)). Built in O(nnz) with a fixed seed.

For each block width ``k`` and block dtype it times scipy's ``A @ X`` (single-threaded C++)
and ``graphclust.kernels.cpu.spmm.csr_spmm`` with the numba pool at 2 threads and at 1 thread,
then the same kernel on the graph renumbered by reverse Cuthill-McKee (the ordering and the
renumbering are one-off costs, reported on their own). Each time is the median of ``--repeats``
runs after a warm-up; scipy and the kernel alternate within every repeat so that load from other
processes hits both alike. The first call (JIT compile, or loading the cached machine code) is
reported separately. Relative error = ``max |Y - Y_scipy| / max |Y_scipy|``.

Run (the lock keeps heavy benchmarks from overlapping on a shared machine)::

    flock /tmp/graphclust-bench.lock python benchmarks/spmm.py

Writes the Markdown table to ``docs/benchmarks/spmm.md`` (``--out`` to change, ``--out -`` to
only print).
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

REPO = Path(__file__).resolve().parents[1]


def random_graph(n: int, nnz: int, seed: int) -> sp.csr_array:
    """Uniform random undirected graph with about ``nnz`` stored nonzeros, O(nnz) time."""
    rng = np.random.default_rng(seed)
    m = nnz // 2
    u = rng.integers(0, n, size=m)
    v = rng.integers(0, n, size=m)
    keep = u != v
    u, v = u[keep], v[keep]
    w = rng.uniform(0.5, 1.5, size=u.size)
    # int32 indices, as scipy picks for matrices of this size built from int32 arrays
    idx = np.int32 if max(n, 2 * u.size) < 2**31 else np.int64
    rows = np.concatenate([u, v]).astype(idx)
    cols = np.concatenate([v, u]).astype(idx)
    vals = np.concatenate([w, w])
    A = sp.csr_array(sp.coo_array((vals, (rows, cols)), shape=(n, n)))  # sums duplicates
    A.sort_indices()
    return A


def _median_times(fns: dict, repeats: int) -> dict:
    for f in fns.values():  # warm-up
        f()
    times = {name: [] for name in fns}
    for _ in range(repeats):
        for name, f in fns.items():
            t0 = time.perf_counter()
            f()
            times[name].append(time.perf_counter() - t0)
    return {name: float(np.median(t)) for name, t in times.items()}


def _rel_err(Y: np.ndarray, R: np.ndarray) -> float:
    return float(np.abs(Y - R).max() / np.abs(R).max())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--nnz", type=int, default=10_000_000)
    ap.add_argument("--k", type=int, nargs="+", default=[1, 16, 64])
    ap.add_argument("--dtypes", nargs="+", default=["float64", "float32"])
    ap.add_argument("--threads", type=int, nargs="+", default=[2, 1])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-order", action="store_true", help="skip the RCM-ordered runs")
    ap.add_argument("--out", default=str(REPO / "docs" / "benchmarks" / "spmm.md"))
    args = ap.parse_args(argv)
    command = "flock /tmp/graphclust-bench.lock python benchmarks/spmm.py" + (
        " " + " ".join(argv if argv is not None else sys.argv[1:])
        if (argv if argv is not None else sys.argv[1:])
        else ""
    )

    import numba

    from graphclust.kernels.cpu import spmm as K

    load_start = os.getloadavg()
    t0 = time.perf_counter()
    A = random_graph(args.n, args.nnz, args.seed)
    t_build = time.perf_counter() - t0
    print(f"graph: n={A.shape[0]:,} nnz={A.nnz:,} index dtype={A.indices.dtype} built in {t_build:.1f} s",
          flush=True)

    order_info = ""
    B = None
    if not args.no_order:
        t0 = time.perf_counter()
        perm = K.locality_order(A, method="rcm")
        t_order = time.perf_counter() - t0
        t0 = time.perf_counter()
        Bp = K.permute_symmetric(A.indptr, A.indices, A.data, perm)
        t_perm = time.perf_counter() - t0
        B = sp.csr_array((Bp[2], Bp[1], Bp[0]), shape=A.shape)
        bw = lambda M: int(np.abs(np.repeat(np.arange(M.shape[0]), np.diff(M.indptr)) - M.indices).mean())  # noqa: E731
        order_info = (
            f"RCM order: {t_order:.2f} s (scipy.sparse.csgraph.reverse_cuthill_mckee), renumbering "
            f"{t_perm:.2f} s (permute_symmetric, first call incl. compile); mean |i - j| over "
            f"nonzeros {bw(A):,} before, {bw(B):,} after."
        )
        print(order_info, flush=True)

    rng = np.random.default_rng(args.seed + 1)
    rows = []
    first_call = {}
    max_threads = numba.config.NUMBA_NUM_THREADS
    for k in args.k:
        X64 = rng.standard_normal((A.shape[1], k))
        for dname in args.dtypes:
            X = X64.astype(dname)
            out = np.empty((A.shape[0], k), dtype=np.result_type(A.dtype, X.dtype))
            R = A @ X
            if (k, dname) not in first_call:
                numba.set_num_threads(max(args.threads))
                t0 = time.perf_counter()
                K.csr_spmm(A.indptr, A.indices, A.data, X, out=out)
                first_call[(k, dname)] = time.perf_counter() - t0
            fns = {"scipy": lambda: A @ X}
            for nt in args.threads:
                if nt > max_threads:
                    continue

                def ours(nt=nt):
                    numba.set_num_threads(nt)
                    K.csr_spmm(A.indptr, A.indices, A.data, X, out=out)

                fns[f"ours{nt}"] = ours
            if B is not None:
                Xp = X[perm]
                outp = np.empty_like(out)
                for nt in args.threads:
                    if nt > max_threads:
                        continue

                    def ours_rcm(nt=nt):
                        numba.set_num_threads(nt)
                        K.csr_spmm(B.indptr, B.indices, B.data, Xp, out=outp)

                    fns[f"rcm{nt}"] = ours_rcm
            med = _median_times(fns, args.repeats)
            # accuracy of the last runs (both layouts)
            numba.set_num_threads(max(args.threads))
            err = _rel_err(K.csr_spmm(A.indptr, A.indices, A.data, X, out=out), R)
            err_rcm = None
            if B is not None:
                Yp = np.empty_like(out)
                Yp[perm] = K.csr_spmm(B.indptr, B.indices, B.data, Xp, out=outp)
                err_rcm = _rel_err(Yp, R)
            for nt in args.threads:
                if f"ours{nt}" not in med:
                    continue
                row = {
                    "k": k,
                    "dtype": dname,
                    "threads": nt,
                    "scipy": med["scipy"],
                    "ours": med[f"ours{nt}"],
                    "err": err,
                    "rcm": med.get(f"rcm{nt}"),
                    "err_rcm": err_rcm,
                    "first": first_call[(k, dname)],
                }
                rows.append(row)
                print(
                    f"k={k:3d} {dname:8s} threads={nt}: scipy {row['scipy']:.3f} s, ours "
                    f"{row['ours']:.3f} s ({row['scipy'] / row['ours']:.2f}x), rcm "
                    + (f"{row['rcm']:.3f} s ({row['scipy'] / row['rcm']:.2f}x)" if row["rcm"] else "-")
                    + f", rel err {err:.1e}",
                    flush=True,
                )
    numba.set_num_threads(max_threads)
    load_end = os.getloadavg()

    lines = [
        "## SpMM: CSR x dense block (`graphclust.kernels.cpu.spmm.csr_spmm`) vs scipy `A @ X`",
        "",
        f"Command: `{command}`",
        "",
        f"Graph: uniform random undirected graph, n = {A.shape[0]:,}, nnz = {A.nnz:,} (symmetric, "
        f"weights in [0.5, 1.5), seed {args.seed}, {A.indices.dtype} indices), built in {t_build:.1f} s. "
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"numba {numba.__version__} (NUMBA_NUM_THREADS={max_threads}, threading layer "
        f"{numba.threading_layer()}), scipy {sp.__name__ and __import__('scipy').__version__}, "
        f"numpy {np.__version__}. Load average {load_start[0]:.1f} at start, {load_end[0]:.1f} at end "
        "(other jobs share the machine).",
        "",
        f"Times are medians of {args.repeats} runs after a warm-up; scipy and ours alternate within "
        "each repeat. `X` dtype float32 means a float32 block with float64 weights: both scipy and "
        "ours return float64 (ours reads `X` as float32 and accumulates in float64). Relative error "
        "= max|Y - Y_scipy| / max|Y_scipy|. 'RCM' = the same kernel on the graph renumbered by "
        "`locality_order(A, 'rcm')` + `permute_symmetric` (with `X` permuted once beforehand).",
        "",
    ]
    if order_info:
        lines += [order_info, ""]
    lines += [
        "| k | X dtype | threads | scipy (s) | ours (s) | speed-up | RCM order (s) | speed-up | rel. error | first call (s) |",
        "|---:|:---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        rcm = f"{r['rcm']:.3f}" if r["rcm"] else "-"
        rcm_x = f"{r['scipy'] / r['rcm']:.2f}x" if r["rcm"] else "-"
        err = f"{r['err']:.1e}" + (f" / {r['err_rcm']:.1e}" if r["err_rcm"] is not None else "")
        lines.append(
            f"| {r['k']} | {r['dtype']} | {r['threads']} | {r['scipy']:.3f} | {r['ours']:.3f} | "
            f"{r['scipy'] / r['ours']:.2f}x | {rcm} | {rcm_x} | {err} | {r['first']:.2f} |"
        )
    lines += [
        "",
        "'first call' is the first `csr_spmm` of that dtype/width in the process: JIT compile "
        "when numba's on-disk cache is cold, a cache load otherwise.",
        "",
    ]
    targets = {16: 2.0, 64: 4.0}
    for r in rows:
        if r["dtype"] == "float64" and r["threads"] == 2 and r["k"] in targets:
            ok = r["scipy"] / r["ours"] >= targets[r["k"]] and r["err"] <= 1e-12
            lines.append(
                f"- Target k={r['k']}, float64, 2 threads: >= {targets[r['k']]:.0f}x and error <= 1e-12 -> "
                f"{r['scipy'] / r['ours']:.2f}x, {r['err']:.1e}: {'met' if ok else 'NOT met'}."
            )
    text = "\n".join(lines) + "\n"
    print()
    print(text)
    if args.out != "-":
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text)
        print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
