"""Quality of bootstrap-AMG smooth vectors against eigenvectors, in one table.

Inputs: planted SBMs (``graphclust.datasets.sbm``, ``--n`` nodes, 4 equal blocks, average
degree 10) over a range of ``eps = c_out / c_in`` up to the detectability threshold
(``eps* = (c - sqrt(c)) / (c + sqrt(c) (k - 1))`` = 0.351 at c = 10, k = 4), and cora /
citeseer / acm, structure only and attributed (bag of words: one attribute vertex per word).

Methods (ARI / NMI against the planted blocks or the labels):

- ``bootamg``: ``BootstrapAMGClustering`` with the shipped parameters;
- ``eigsh(L) same dim``: the exact lowest eigenvectors of the same SPD Laplacian (scipy
  ``eigsh``, as many as bootamg's embedding has columns) through the same super-node features
  and the same k-means restarts kept by modularity: the eigenvector version of our pipeline,
  the reference for "smooth vectors no more than 0.02 ARI below exact eigenvectors";
- ``graphclust spectral``: ``graphclust.SpectralClustering`` (structure only);
- ``sklearn amg``: scikit-learn ``SpectralClustering(affinity="precomputed",
  eigen_solver="amg")`` (pyamg-preconditioned LOBPCG; structure only).

Usage: flock /tmp/graphclust-bench.lock python3 benchmarks/bootamg_quality.py [--n 4000] [--seeds 2]
"""
from __future__ import annotations

import argparse
import platform
import time
import warnings

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import eigsh

import graphclust as gc
from graphclust.amg import laplacian_spd
from graphclust.amg.augmentation import augment, encode_attributes, supernode_features
from graphclust.amg.restarts import kmeans_restarts
from graphclust.metrics import ari, modularity, nmi

from _machine import cpu_model  # benchmarks/_machine.py


def exact_same_dim(A, features, k, dim, seed):
    attrs = None if features is None else encode_attributes(features)
    Aa = A if attrs is None else augment(A, attrs)
    L = laplacian_spd(Aa)
    _, V = eigsh(L, k=dim, sigma=-1e-3, which="LM")  # shift-invert next to 0: the lowest dim
    X = supernode_features(V, A.shape[0], attrs)
    P = sp.csr_array(A, copy=True)
    P.data[:] = 1.0
    return kmeans_restarts(X, k, n_restarts=100, max_iter=10, score=lambda l: modularity(P, l), random_state=seed)


def sklearn_amg(A, k, seed):
    from sklearn.cluster import SpectralClustering

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return SpectralClustering(k, affinity="precomputed", eigen_solver="amg", random_state=seed).fit_predict(A)


def run(name, A, y, k, features, seeds, rows):
    known = y >= 0
    for variant, feats in (("structure", None), ("attributed", features)):
        if variant == "attributed" and features is None:
            continue
        scores = {}
        for s in range(seeds):
            t0 = time.perf_counter()
            est = gc.BootstrapAMGClustering(k, random_state=s, attributes=None if feats is not None else "structure")
            est.fit(A, features=feats)
            t_ours = time.perf_counter() - t0
            dim = est.smooth_vectors_.shape[1]
            res = {"bootamg": (est.labels_, t_ours)}
            t0 = time.perf_counter()
            res["eigsh(L) same dim"] = (exact_same_dim(A, feats, k, min(dim, A.shape[0] - 2), s), time.perf_counter() - t0)
            if feats is None:
                t0 = time.perf_counter()
                res["graphclust spectral"] = (gc.SpectralClustering(k, random_state=s).fit_predict(A), time.perf_counter() - t0)
                t0 = time.perf_counter()
                res["sklearn amg"] = (sklearn_amg(A, k, s), time.perf_counter() - t0)
            for m, (lab, t) in res.items():
                scores.setdefault(m, []).append((ari(y[known], lab[known]), nmi(y[known], lab[known]), t, dim))
        for m, vals in scores.items():
            v = np.array(vals)
            rows.append(f"| {name} | {variant} | {m} | {v[:, 0].mean():.3f} | {v[:, 1].mean():.3f} | "
                        f"{int(v[0, 3]) if m.startswith(('bootamg', 'eigsh')) else '-'} | {v[:, 2].mean():.1f} |")
            print(rows[-1], flush=True)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=4000)
    p.add_argument("--seeds", type=int, default=2)
    p.add_argument("--datasets", default="cora,citeseer,acm")
    p.add_argument("--eps", default="0.05,0.15,0.25,0.30,0.35")
    args = p.parse_args(argv)
    cpu = cpu_model()
    print(f"`python3 benchmarks/bootamg_quality.py --n {args.n} --seeds {args.seeds}`; {cpu}; "
          f"Python {platform.python_version()}; load average {open('/proc/loadavg').read().split()[:3]}\n")
    print("| input | variant | method | ARI | NMI | dim | s |\n|---|---|---|---|---|---|---|")
    rows: list = []
    k, c = 4, 10.0
    for eps in [float(e) for e in args.eps.split(",")]:
        c_in = k * c / (1 + (k - 1) * eps)
        c_out = eps * c_in
        n_b = args.n // k
        g = gc.datasets.sbm([n_b] * k, p_in=c_in / args.n, p_out=c_out / args.n, random_state=0)
        run(f"SBM n={args.n} eps={eps}", g.adjacency, np.asarray(g.labels), k, None, args.seeds, rows)
    for name in [d for d in args.datasets.split(",") if d]:
        g = gc.datasets.load(name)
        y = np.asarray(g.labels)
        run(name, g.adjacency, y, int(y.max()) + 1, g.features, args.seeds, rows)
    print(f"\nload average at the end {open('/proc/loadavg').read().split()[:3]}")


if __name__ == "__main__":
    main()
