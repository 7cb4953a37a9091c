"""Benchmark: products with a sparse attribute matrix, ``X^T @ M`` and ``X @ M``, against scipy.

S2CAG's and M-S2CAG's implicit layout multiply the (TF-IDF, degree-scaled) attribute matrix
``X`` (n x d, sparse, hundreds of non-zeros per row) and its transpose with narrow dense
blocks ``M`` of ``b`` columns (``b = k + oversample``: 27 on wiki). For each shipped attributed
dataset and width ``b`` this times, interleaved (every repeat runs each candidate once, so
drift of a shared machine hits all alike), the median of ``--repeats``:

* ``X^T @ M``: scipy's CSC product ``X.T @ M`` (serial), :func:`graphclust.sparse.spmm_t`
  (the parallel column-slice scatter, no transpose), and :func:`graphclust.sparse.spmm` on an
  explicit CSR transpose (whose one-off cost is reported apart);
* ``X @ M``: scipy's ``X @ M`` and :func:`graphclust.sparse.spmm` (which computes a ragged
  block of long rows on a zero-padded copy).

Every graphclust result is compared with scipy's bit for bit (``same bits``).

    python3 benchmarks/attribute_products.py
    python3 benchmarks/attribute_products.py wiki --widths 27 --repeats 41
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "passive")  # as the other benchmarks (shared machine)

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from _machine import cpu_model  # benchmarks/_machine.py

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def medians(fns: dict, repeats: int) -> dict:
    """Median seconds of each callable, run in turn ``repeats`` times after one warm-up."""
    for f in fns.values():
        f()
    times: dict = {key: [] for key in fns}
    for _ in range(repeats):
        for key, f in fns.items():
            t = time.perf_counter()
            f()
            times[key].append(time.perf_counter() - t)
    return {key: float(np.median(v)) for key, v in times.items()}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("datasets", nargs="*", default=["wiki", "amazon_photo", "acm", "citeseer"])
    ap.add_argument("--widths", type=int, nargs="+", default=[8, 18, 27, 32])
    ap.add_argument("--repeats", type=int, default=21)
    ap.add_argument("--shared", type=Path, default=SHARED)
    args = ap.parse_args(argv)
    os.environ.setdefault("GRAPHCLUST_DATA", str(args.shared / "datasets"))

    import numba

    from graphclust.datasets import load
    from graphclust.s2cag.preprocessing import normalize_attributes
    from graphclust.sparse import spmm, spmm_t, transpose_csr

    print(f"Command: `python3 benchmarks/attribute_products.py {' '.join(argv if argv is not None else sys.argv[1:])}`  ")
    print(f"Machine: {cpu_model()}, {os.cpu_count()} logical CPUs, numba threads {numba.get_num_threads()}, "
          f"Python {platform.python_version()}; load average {os.getloadavg()[0]:.1f} at the start  ")
    print(f"Times: median of {args.repeats} interleaved repeats, milliseconds\n")
    print("| dataset | X (n x d, nnz) | b | X^T M scipy CSC | X^T M spmm_t | ratio | X^T M spmm on X^T (transpose once) "
          "| X M scipy | X M spmm | ratio | same bits |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name in args.datasets:
        g = load(name)
        X = sp.csr_array(normalize_attributes(sp.csr_array(g.features, dtype=np.float64)))
        X.sort_indices()
        n, d = X.shape
        t = time.perf_counter()
        XT = transpose_csr(X)
        t_transpose = time.perf_counter() - t
        rng = np.random.default_rng(0)
        for b in args.widths:
            Mn = rng.standard_normal((n, b))
            Md = rng.standard_normal((d, b))
            same = (np.array_equal(spmm_t(X, Mn), X.T @ Mn) and np.array_equal(spmm(XT, Mn), X.T @ Mn)
                    and np.array_equal(spmm(X, Md), X @ Md))
            m = medians({
                "tcsc": lambda: X.T @ Mn, "tours": lambda: spmm_t(X, Mn), "tcsr": lambda: spmm(XT, Mn),
                "scipy": lambda: X @ Md, "ours": lambda: spmm(X, Md),
            }, args.repeats)
            ms = {key: 1e3 * v for key, v in m.items()}
            print(f"| {name} | {n} x {d}, {X.nnz:,} | {b} | {ms['tcsc']:.2f} | {ms['tours']:.2f} | "
                  f"{m['tours'] / m['tcsc']:.2f} | {ms['tcsr']:.2f} (+{1e3 * t_transpose:.1f} once) | "
                  f"{ms['scipy']:.2f} | {ms['ours']:.2f} | {m['ours'] / m['scipy']:.2f} | {'yes' if same else 'NO'} |")
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
