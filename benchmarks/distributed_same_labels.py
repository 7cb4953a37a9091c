"""Same labels on one machine and on a Dask cluster, at a size the tests do not reach.

For SpectralClustering (structure only), S2CAG (an SBM with block-correlated features) and
DEMMPlus (a three-relation multiplex SBM, one relation pure noise), on graphs of ``--nodes``
nodes, fits the single-process estimator and the same estimator on ``partition(graph, client)``
with 1, 2 and 3 worker processes (one thread each), and prints, per run, the ARI between the
two labelings, whether the label ids are identical (ARI 1.0 with different ids is the same partition, renamed), the ARI against the planted blocks and the fit time.

Run::

    python benchmarks/distributed_same_labels.py --nodes 200000 --workers 1 2 3
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from sklearn.metrics import adjusted_rand_score

import graphclust as gc

from _machine import cpu_model  # benchmarks/_machine.py


def attributed_sbm(n: int, k: int, n_features: int, seed: int) -> gc.Graph:
    """An SBM of mean degree about 10 with word counts whose rates depend on the block."""
    sizes = [n // k] * (k - 1) + [n - (n // k) * (k - 1)]
    p_in, p_out = 8.0 / (n / k), 2.0 / n
    g = gc.datasets.sbm(sizes, p_in=p_in, p_out=p_out, random_state=seed)
    rng = np.random.default_rng(seed)
    # Poisson word counts: each block favours its own random quarter of the vocabulary.
    rates = 0.1 + 0.4 * (rng.random((k, n_features)) < 0.25)
    features = rng.poisson(rates[g.labels]).astype(np.float64)
    return gc.as_graph(g.adjacency, features=features, labels=g.labels)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=200_000)
    ap.add_argument("--clusters", type=int, default=5)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--methods", nargs="+", default=["spectral", "s2cag", "demm+"])
    args = ap.parse_args()

    from distributed import Client, LocalCluster

    import graphclust.distributed as gd

    n, k = args.nodes, args.clusters
    print(f"# python benchmarks/distributed_same_labels.py --nodes {n} --workers "
          f"{' '.join(map(str, args.workers))} --methods {' '.join(args.methods)}")
    print(f"# CPU: {cpu_model()}, {os.cpu_count()} logical CPUs; load average {os.getloadavg()}")

    graphs, estimators = {}, {}
    if "spectral" in args.methods or "s2cag" in args.methods:
        g = attributed_sbm(n, k, 32, seed=1)
        if "spectral" in args.methods:
            graphs["spectral"] = gc.as_graph(g.adjacency, labels=g.labels)
            estimators["spectral"] = lambda: gc.SpectralClustering(k, random_state=0)
        if "s2cag" in args.methods:
            graphs["s2cag"] = g
            estimators["s2cag"] = lambda: gc.S2CAG(k, random_state=0)
    if "demm+" in args.methods:
        sizes = [n // k] * (k - 1) + [n - (n // k) * (k - 1)]
        graphs["demm+"] = gc.datasets.multiplex_sbm(sizes, degrees=(5, 5, 5), n_features=32, random_state=2)
        estimators["demm+"] = lambda: gc.DEMMPlus(k, dim=32, random_state=0)

    rows = []
    for name, graph in graphs.items():
        truth = graph.labels
        t = time.perf_counter()
        ref = estimators[name]().fit_predict(graph)
        rows.append((name, "single process", "-", "-", adjusted_rand_score(truth, ref), time.perf_counter() - t))
        for w in args.workers:
            env = {v: "1" for v in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
            with LocalCluster(n_workers=w, threads_per_worker=1, processes=True, dashboard_address=":0",
                              silence_logs=40, env=env) as cluster, Client(cluster) as client:
                client.wait_for_workers(w, timeout=120)
                dg = gd.partition(graph, client, w)
                t = time.perf_counter()
                labels = estimators[name]().fit_predict(dg)
                rows.append((name, f"{w} worker(s)", f"{adjusted_rand_score(ref, labels):.6f}",
                             str(bool(np.array_equal(ref, labels))), adjusted_rand_score(truth, labels),
                             time.perf_counter() - t))
            print(rows[-1], flush=True)

    print()
    print("| method | run | ARI vs single process | identical label ids | ARI vs planted | fit s |")
    print("|---|---|---|---|---|---|")
    for name, run, ari, same, ari_truth, s in rows:
        print(f"| {name} | {run} | {ari} | {same} | {ari_truth:.4f} | {s:.1f} |")


if __name__ == "__main__":
    main()
