"""Polynomial propagation ``Z = sum_t c_t P^t X`` on a wide dense block (S2CAG's smoothed Z).

``graphclust.solvers.propagate.propagate`` (fused Horner step in the SpMM kernel + column
tiling of wide blocks) against two peers timed in the same run, interleaved within each
repeat (so load from other jobs on the shared machine hits all three):

* ``before``: the loop as it was before the fused epilogue and the tiling, reimplemented here
  (``Q = c_T Y``; per step the same product as ``propagate`` uses, into a second block, then
  ``tmp = c_t Y; Q += tmp`` as two separate numpy sweeps; the whole block at once);
* ``scipy``: the plain Horner loop ``Q = P @ Q + c_t * Y`` with scipy's (single-threaded)
  product, in the block's dtype (``c_t`` rounded to it, as ``propagate`` does).

P is S2CAG's ``propagation_matrix`` of the graph, X the dense TF-IDF attributes
(``normalize_attributes(features).toarray()``), the coefficients
``geometric_coefficients(T, 1.5 / 0.9, "power_iteration")``; P and X are cast to the dtype of
the row. Times are the best of ``--repeat`` runs after a warm-up run (the optional coauthor_cs
row: best of ``--coauthor-repeat``, scipy's loop timed once, to stay near a minute). ``max |diff|`` is the
largest absolute difference of ours to the scipy loop, ``bits`` whether ours equals
``before`` bit for bit.

    flock /tmp/graphclust-bench.lock python benchmarks/propagate_wide.py
    flock /tmp/graphclust-bench.lock python benchmarks/propagate_wide.py --coauthor
"""
from __future__ import annotations

import os

# see benchmarks/s2cag_speed.py: passive OpenMP waiting on the shared 2-core machine
os.environ.setdefault("OMP_WAIT_POLICY", "passive")

import argparse
import sys
import time

import numpy as np

from _machine import cpu_model  # benchmarks/_machine.py


def _before(P, Y, c):
    """The loop before this change: untiled, product then two numpy sweeps per step."""
    from graphclust.solvers.propagate import sparse_product

    T = c.size - 1
    Q = Y * Y.dtype.type(c[T])
    buf = np.empty_like(Q)
    tmp = np.empty_like(Q)
    for t in range(T - 1, -1, -1):
        buf = sparse_product(P, Q, buf)
        if c[t] != 0.0:
            np.multiply(Y, Y.dtype.type(c[t]), out=tmp)
            buf += tmp
        Q, buf = buf, Q
    return Q


def _scipy(P, Y, c):
    # coefficients as scalars of the block's dtype: a float64 numpy scalar would promote a
    # float32 block to float64 (NEP 50) and make this a different, float64 computation
    s = Y.dtype.type
    T = c.size - 1
    Q = Y * s(c[T])
    for t in range(T - 1, -1, -1):
        Q = P @ Q + Y * s(c[t])
    return Q


def _load(name: str, data_home: str):
    import graphclust as gc
    from graphclust.s2cag.preprocessing import normalize_attributes, propagation_matrix

    g = gc.datasets.load(name, data_home=data_home)
    return propagation_matrix(g.adjacency), normalize_attributes(g.features).toarray()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-home", default="/work/shared/datasets")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--T", default="9,10", help="comma-separated orders")
    ap.add_argument("--dtypes", default="float64,float32")
    ap.add_argument(
        "--coauthor",
        action="store_true",
        help="add a coauthor_cs row (d = 6805): float32, T = 9; ours and before best of "
        "--coauthor-repeat runs after the warm-up, scipy timed once (its warm-up run)",
    )
    ap.add_argument("--coauthor-repeat", type=int, default=3)
    args = ap.parse_args(argv)

    import numba
    import scipy

    import graphclust.solvers.propagate as prop
    from graphclust.solvers.propagate import geometric_coefficients, propagate

    cases = [("amazon_photo", int(T), dt, args.repeat) for T in args.T.split(",") for dt in args.dtypes.split(",")]
    if args.coauthor:
        cases.append(("coauthor_cs", 9, "float32", args.coauthor_repeat))
    load_start = os.getloadavg()
    rows = []
    graphs = {}
    for name, T, dt, repeat in cases:
        if name not in graphs:
            graphs = {name: _load(name, args.data_home)}  # one graph in memory at a time
        P0, X0 = graphs[name]
        dtype = np.dtype(dt)
        P = P0.astype(dtype)
        X = X0.astype(dtype)
        c = geometric_coefficients(T, 1.5 / 0.9, "power_iteration")
        fns = {
            "scipy": lambda: _scipy(P, X, c),
            "before": lambda: _before(P, X, c),
            "ours": lambda: propagate(P, X, c),
        }
        t_case = time.perf_counter()
        times = {k: np.inf for k in fns}
        outs = {}
        for k, f in fns.items():  # warm-up (JIT, caches) and the results
            t0 = time.perf_counter()
            outs[k] = f()
            if name != "amazon_photo" and k == "scipy":
                times[k] = time.perf_counter() - t0  # large graph: scipy (no JIT) timed once
        for _ in range(repeat):
            for k, f in fns.items():
                if name != "amazon_photo" and k == "scipy":
                    continue
                t0 = time.perf_counter()
                f()
                times[k] = min(times[k], time.perf_counter() - t0)
        rows.append(
            dict(
                name=name,
                n=X.shape[0],
                d=X.shape[1],
                nnz=P.nnz,
                T=T,
                dtype=dt,
                width=prop._tile_width(P, X, T),
                repeat=repeat,
                diff=float(np.abs(outs["ours"] - outs["scipy"]).max()),
                bits=bool(np.array_equal(outs["ours"], outs["before"])),
                case_s=time.perf_counter() - t_case,
                **times,
            )
        )
        del outs
        print(f"# {name} T={T} {dt}: {times} ({rows[-1]['case_s']:.1f} s)", file=sys.stderr, flush=True)
    load_end = os.getloadavg()

    cmd = "python benchmarks/propagate_wide.py" + ("" if argv is None and len(sys.argv) < 2 else " " + " ".join(sys.argv[1:]))
    print(f"Command: `flock /tmp/graphclust-bench.lock {cmd.strip()}`\n")
    print(
        f"Machine: {cpu_model()}, {os.cpu_count()} cores; numba "
        f"{numba.__version__} ({numba.get_num_threads()} threads, layer {numba.threading_layer()}), "
        f"scipy {scipy.__version__}, numpy {np.__version__}. Load average {load_start[0]:.1f} at "
        f"start, {load_end[0]:.1f} at end.\n"
    )
    print(
        "| graph | n | d | nnz(P) | T | dtype | tile (cols) | scipy Horner (s) | ours before (s) "
        "| ours (s) | vs before | vs scipy | max abs diff to scipy | bits = before | runs |"
    )
    print("|:---|---:|---:|---:|---:|:---|---:|---:|---:|---:|---:|---:|---:|:---|---:|")
    for r in rows:
        print(
            f"| {r['name']} | {r['n']:,} | {r['d']:,} | {r['nnz']:,} | {r['T']} | {r['dtype']} | "
            f"{r['width'] or 'untiled'} | {r['scipy']:.3f} | {r['before']:.3f} | {r['ours']:.3f} | "
            f"{r['before'] / r['ours']:.2f}x | {r['scipy'] / r['ours']:.2f}x | {r['diff']:.1e} | "
            f"{'yes' if r['bits'] else 'NO'} | {r['repeat'] if r['name'] == 'amazon_photo' else str(r['repeat']) + ' (scipy 1)'} |"
        )


if __name__ == "__main__":
    main()
