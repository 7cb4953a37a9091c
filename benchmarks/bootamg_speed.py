"""Time to a spectral embedding: bootstrap-AMG smooth vectors vs eigensolvers, on a planted SBM.

Graph: ``graphclust.datasets.sbm`` with ``--n`` nodes (default 1M), ``--blocks`` equal
blocks (default 5), average degree 10, ``eps = c_out / c_in = 0.1`` (well above the
detectability threshold), node order shuffled.

Each method runs in its own subprocess (so that its peak resident memory is its own) and
computes ``d`` vectors (``d = J + 1`` for the bootstrap; the eigensolvers get the same
``d``); then the same k-means (graphclust, 10 k-means++ starts) on the rows gives the ARI.

- ``bootamg J``: ``graphclust.amg.smooth_vectors(A, max_hierarchies=J, target_rate=0)`` +
  ``smooth_embedding`` (operator complexity reported); besides the common k-means, its ARI
  with the estimator's own clustering step (100 restarts kept by modularity);
- ``eigsh``: scipy ARPACK, the ``d`` largest eigenvectors of ``D^-1/2 A D^-1/2``, tol 1e-3;
- ``lobpcg+pyamg``: scipy LOBPCG on the normalized Laplacian ``I - D^-1/2 A D^-1/2``
  preconditioned by ``pyamg.smoothed_aggregation_solver(L + 1e-5 I)`` (scikit-learn's amg
  recipe; pyamg's setup seeded through ``graphclust.seeding.global_numpy_seed``), tol 1e-3;
- ``graphclust spectral``: ``graphclust.spectral.spectral.spectral_embedding`` (the
  eigensolver of ``graphclust.SpectralClustering``).

Usage: flock /tmp/graphclust-bench.lock python3 benchmarks/bootamg_speed.py [--n 1000000] [--J 4,8,16]
"""
from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time

import numpy as np
import scipy.sparse as sp

from _machine import cpu_model  # benchmarks/_machine.py


def make_graph(n: int, blocks: int, seed: int = 0):
    import graphclust as gc

    c, eps = 10.0, 0.1
    # mean degree c = (c_in + (K - 1) c_out) / K with p_in = c_in / n, p_out = c_out / n
    c_in = blocks * c / (1 + (blocks - 1) * eps)
    nb = n // blocks
    g = gc.datasets.sbm([nb] * blocks, p_in=c_in / n, p_out=eps * c_in / n, random_state=seed)
    perm = np.random.default_rng(seed).permutation(g.n_nodes)
    A = sp.csr_array(g.adjacency[perm][:, perm])
    return A, np.asarray(g.labels)[perm]


def normalized(A):
    d = np.asarray(A.sum(axis=1)).ravel()
    s = 1.0 / np.sqrt(np.maximum(d, 1e-12))
    return sp.csr_array(sp.diags_array(s) @ A @ sp.diags_array(s))


def one(method: str, n: int, blocks: int, J: int, d: int) -> dict:
    from graphclust.metrics import ari
    from graphclust.seeding import check_random_state, global_numpy_seed
    from graphclust.solvers.kmeans import kmeans

    A, y = make_graph(n, blocks)
    rng = check_random_state(0)
    out: dict = {"method": method, "d": d}
    t0 = time.perf_counter()
    if method == "bootamg":
        from graphclust.amg import smooth_embedding, smooth_vectors

        W, rep = smooth_vectors(A, max_hierarchies=J, target_rate=0.0, random_state=rng)
        V = smooth_embedding(W)
        out["opcx"] = max(rep.operator_complexity)
        out["rate"] = rep.rates[-1]
    elif method == "eigsh":
        from scipy.sparse.linalg import eigsh

        _, V = eigsh(normalized(A), k=d, which="LA", tol=1e-3, v0=rng.standard_normal(n))
    elif method == "lobpcg+pyamg":
        import pyamg
        from scipy.sparse.linalg import lobpcg

        L = sp.csr_array(sp.eye_array(n) - normalized(A))
        with global_numpy_seed(rng):  # pyamg's setup draws from np.random
            ml = pyamg.smoothed_aggregation_solver(sp.csr_matrix(L + 1e-5 * sp.eye_array(n)))
        out["opcx"] = ml.operator_complexity()
        X = rng.standard_normal((n, d))
        _, V = lobpcg(L, X, M=ml.aspreconditioner(), largest=False, tol=1e-3, maxiter=100)
    elif method == "graphclust spectral":
        from graphclust.spectral.spectral import spectral_embedding

        V, _ = spectral_embedding(A, d, random_state=rng)
        V = np.asarray(V, dtype=np.float64)
    else:
        raise ValueError(method)
    out["seconds"] = time.perf_counter() - t0
    labels, _, _ = kmeans(np.ascontiguousarray(V), blocks, n_init=10, random_state=0)
    out["ari"] = ari(y, labels)
    if method == "bootamg":
        # what BootstrapAMGClustering returns: 100 restarts of <= 10 Lloyd steps, the one of
        # highest modularity kept (structure only, so the rows are the embedding itself)
        from graphclust import as_graph
        from graphclust.amg.restarts import kmeans_restarts
        from graphclust.metrics import modularity

        t1 = time.perf_counter()
        pattern = sp.csr_array(A, copy=True)
        pattern.data[:] = 1.0
        pattern = as_graph(pattern)  # checked once, as the estimator does
        kept = kmeans_restarts(np.ascontiguousarray(V), blocks, n_restarts=100, max_iter=10,
                               score=lambda lab: modularity(pattern, lab), random_state=0)
        out["ari_restarts"] = ari(y, kept)
        out["restart_seconds"] = time.perf_counter() - t1
    out["peak_rss_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--blocks", type=int, default=5)
    p.add_argument("--J", default="4,8,16")
    p.add_argument("--d", type=int, default=None, help="vectors for the eigensolvers (default: the middle J + 1)")
    p.add_argument("--methods", default="bootamg,eigsh,lobpcg+pyamg,graphclust spectral")
    p.add_argument("--one", default=None, help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    Js = [int(j) for j in a.J.split(",")]
    d = a.d or Js[len(Js) // 2] + 1
    if a.one:
        method, J = a.one.split("@")
        print(json.dumps(one(method, a.n, a.blocks, int(J), int(J) + 1 if method == "bootamg" else d)))
        return
    cpu = cpu_model()
    print(f"`python3 benchmarks/bootamg_speed.py --n {a.n} --blocks {a.blocks} --J {a.J}`; {cpu}; "
          f"Python {platform.python_version()}; load average {open('/proc/loadavg').read().split()[:3]}\n")
    print("| method | vectors | time to embedding (s) | ARI | ARI, the estimator's restarts kept by modularity (s) "
          "| operator complexity | peak RSS (GB) |")
    print("|---|---|---|---|---|---|---|")
    jobs = [("bootamg", J) for J in Js if "bootamg" in a.methods] + \
           [(m, 0) for m in a.methods.split(",") if m != "bootamg"]
    for method, J in jobs:
        res = subprocess.run([sys.executable, __file__, "--n", str(a.n), "--blocks", str(a.blocks), "--J", a.J,
                              "--d", str(d), "--one", f"{method}@{J}"], capture_output=True, text=True)
        if res.returncode != 0:
            print(f"| {method} | - | failed: {res.stderr.strip().splitlines()[-1][:80]} | | | | |", flush=True)
            continue
        r = json.loads(res.stdout.strip().splitlines()[-1])
        name = f"bootamg J={J}" if method == "bootamg" else method
        kept = f"{r['ari_restarts']:.4f} ({r['restart_seconds']:.1f})" if "ari_restarts" in r else "-"
        print(f"| {name} | {r['d']} | {r['seconds']:.1f} | {r['ari']:.4f} | {kept} | {r.get('opcx', float('nan')):.2f} | "
              f"{r['peak_rss_gb']:.2f} |", flush=True)
    print(f"\nload average at the end {open('/proc/loadavg').read().split()[:3]}")


if __name__ == "__main__":
    main()
