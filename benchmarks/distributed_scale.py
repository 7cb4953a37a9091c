"""Memory and cost of the distributed spectral baseline on a Dask LocalCluster.

For an SBM with ``--nodes`` nodes and ``--edges`` edges:
1. single process: ``SpectralClustering`` fit in a child process that loads the graph from
   disk; wall time and peak RSS of the child;
2. for each worker count: the same fit on ``graphclust.distributed.partition(...)``; wall
   time, peak RSS of every worker (``getrusage`` in the worker), ARI against the single run,
   and the bytes one ``matmat`` ships between workers (the workers' own transfer counters)
   against the halo rows the partition reported;
3. the per-product cost split into local SpMM, halo exchange and client reduction
   (``X^T X``), median of ``--repeats``, the inputs of the cost model in docs/distributed.md;
4. with ``--demm-nodes N``: DEMM+ on a 3-relation multiplex SBM of N nodes (32 attributes),
   the single-process fit against the fit on ``partition(multiplex_graph, ...)`` for each
   worker count: wall time, ARI and relation weights against the single run, and the bytes
   one fused product ships (one exchange of the union halo) against the union's halo rows
   and against the sum of the per-relation halos a sum of separate operators would ship.
   ``--skip-spectral`` runs this part alone.

Run::

    python benchmarks/distributed_scale.py --nodes 4000000 --edges 20000000 --workers 1 2 4
    python benchmarks/distributed_scale.py --skip-spectral --demm-nodes 30000 --workers 1 2 3

Prints Markdown tables with the command and the machine.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

from _machine import cpu_model  # benchmarks/_machine.py

CHILD = r"""
import sys, time, numpy as np, scipy.sparse as sp
import graphclust as gc
d = np.load(sys.argv[1])
A = sp.csr_array((d["data"], d["indices"], d["indptr"]), shape=(int(d["n"]),) * 2)
t = time.perf_counter()
labels = gc.SpectralClustering(int(sys.argv[2]), random_state=0).fit_predict(A)
wall = time.perf_counter() - t
np.save(sys.argv[3], labels)
hwm = [int(l.split()[1]) * 1024 for l in open("/proc/self/status") if l.startswith("VmHWM:")][0]
print(wall, hwm)
"""


def _peak_rss() -> int:
    """Peak resident memory of this process (VmHWM). Not getrusage's ru_maxrss: Linux keeps
    that across exec, so a worker spawned by a process holding the graph would report the
    spawner's peak."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def _sent_bytes(dask_worker) -> int:
    return int(dask_worker.transfer_outgoing_bytes_total)


def _moved(x: np.ndarray) -> np.ndarray:
    return x


def _gib(x: float) -> str:
    return f"{x / 2**30:.2f}"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nodes", type=int, default=200_000)
    ap.add_argument("--edges", type=int, default=1_000_000)
    ap.add_argument("--clusters", type=int, default=4)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--order", default="balanced", choices=["balanced", "metis"])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--demm-nodes", type=int, default=0, help="also run DEMM+ on a multiplex SBM of this size")
    ap.add_argument("--skip-spectral", action="store_true")
    args = ap.parse_args(argv)

    for var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    if args.skip_spectral:
        print(f"Command: `python benchmarks/distributed_scale.py {' '.join(sys.argv[1:] if argv is None else argv)}`  ")
        print(f"Machine: {cpu_model()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start "
              "(shared with other jobs); workers: 1 thread each, numba/BLAS 1 thread\n")
    else:
        spectral_tables(args, argv)
    if args.demm_nodes:
        demm_table(args)


def demm_table(args: argparse.Namespace) -> None:
    """Part 4: DEMM+ on a multiplex SBM, one process against the distributed fit."""
    from distributed import Client, LocalCluster, wait

    import graphclust as gc
    import graphclust.distributed as gd
    from sklearn.metrics import adjusted_rand_score

    size = args.demm_nodes // 3
    g = gc.datasets.multiplex_sbm([size] * 3, degrees=(10, 10, 10), signals=(0.9, 0.7, 0.0), n_features=32,
                                  feature_signal=1.5, random_state=0)
    nnz = sum(A.nnz for A in g.relations)
    t = time.perf_counter()
    ref = gc.DEMMPlus(3, random_state=0).fit(g)
    wall_single = time.perf_counter() - t
    rows = [("single process", wall_single, adjusted_rand_score(g.labels, ref.labels_), "-", "-", "-", "-")]
    env = {var: "1" for var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    for W in args.workers:
        cluster = LocalCluster(n_workers=W, threads_per_worker=1, processes=True, dashboard_address=":0",
                               memory_limit=0, silence_logs=40, env=env)
        client = Client(cluster)
        client.wait_for_workers(W)
        try:
            dg = gd.partition(g, client, W, order=args.order)
            t = time.perf_counter()
            got = gc.DEMMPlus(3, random_state=0).fit(dg)
            wall = time.perf_counter() - t
            X = gd.BlockVector.random(dg, 32, seed=1)
            op = dg.weighted_sum([0.5, 0.3, 0.2])
            wait(op.matmat(X).parts)
            before = sum(client.run(_sent_bytes).values())
            wait(op.matmat(X).parts)
            sent = sum(client.run(_sent_bytes).values()) - before
            union = int(dg.halo_sizes.sum())
            separate = sum(int(gd.partition(gc.as_graph(A), client, W, order=args.order).halo_sizes.sum())
                           for A in g.relations) if args.order == "balanced" else None
            w_diff = float(np.abs(got.weight_history_ - ref.weight_history_).max())
            rows.append((f"{W} workers ({args.order})", wall, adjusted_rand_score(g.labels, got.labels_),
                         f"{adjusted_rand_score(ref.labels_, got.labels_):.4f}", f"{w_diff:.1e}",
                         f"{sent / (union * 32 * 8):.3f}" if union else "no halo",
                         f"{union / separate:.2f}" if separate else "-"))
        finally:
            client.close()
            cluster.close()
    print(f"\nDEMM+ (defaults, random_state=0) on a multiplex SBM: {g.n_nodes:,} nodes, 3 relations "
          f"(signals 0.9, 0.7, noise), {nnz // 2:,} edges in all, 32 attributes:\n")
    print("| run | fit wall s | ARI truth | ARI vs single | max weight difference | shipped / union-halo bytes "
          "(32 float64 columns) | union halo / sum of per-relation halos |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]:.1f} | {r[2]:.4f} | {r[3]} | {r[4]} | {r[5]} | {r[6]} |")


def spectral_tables(args: argparse.Namespace, argv: list[str] | None) -> None:
    """Parts 1-3: the spectral baseline, one process against the distributed fits."""
    import scipy.sparse as sp
    from distributed import Client, LocalCluster, wait
    from sklearn.metrics import adjusted_rand_score

    import graphclust as gc
    import graphclust.distributed as gd
    from graphclust.distributed.operator import _extract, _local_product

    k = args.clusters
    n = args.nodes - args.nodes % k
    # average degree c = 2 m / n, split so that c_in / c_out = 5 (well above the threshold)
    c = 2.0 * args.edges / n
    c_out = c / 6.0
    c_in = c - c_out
    p_in, p_out = c_in / (n / k), c_out / (n - n / k)
    t = time.perf_counter()
    g = gc.datasets.sbm([n // k] * k, p_in=p_in, p_out=p_out, random_state=0)
    t_gen = time.perf_counter() - t
    A = sp.csr_array(g.adjacency)
    print(f"# distributed_scale: n={n:,}, edges={A.nnz // 2:,}, k={k}, generated in {t_gen:.1f} s\n")
    print(f"Command: `python benchmarks/distributed_scale.py {' '.join(sys.argv[1:] if argv is None else argv)}`  ")
    print(f"Machine: {cpu_model()}, {os.cpu_count()} cores; workers: 1 thread each, numba/BLAS 1 thread\n")

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "g.npz")
        np.savez(path, data=A.data, indices=A.indices, indptr=A.indptr, n=n)
        out = subprocess.run([sys.executable, "-c", CHILD, path, str(k), os.path.join(tmp, "labels.npy")],
                             check=True, capture_output=True, text=True, env=dict(os.environ, NUMBA_NUM_THREADS="1"))
        wall_single, peak_single = map(float, out.stdout.split()[-2:])
        ref = np.load(os.path.join(tmp, "labels.npy"))
    ari_truth = adjusted_rand_score(g.labels, ref)

    rows = [("single process", 1, wall_single, peak_single, peak_single, 1.0, ari_truth, "-", "-")]
    costs = []
    for W in args.workers:
        cluster = LocalCluster(n_workers=W, threads_per_worker=1, processes=True, dashboard_address=":0",
                               memory_limit=0, silence_logs=40)
        client = Client(cluster)
        client.wait_for_workers(W)
        try:
            t = time.perf_counter()
            dg = gd.partition(g, client, W, order=args.order)
            t_part = time.perf_counter() - t
            t = time.perf_counter()
            labels = gc.SpectralClustering(k, random_state=0).fit_predict(dg)
            wall = time.perf_counter() - t
            peaks = list(client.run(_peak_rss).values())
            # bytes one product ships, from the workers' own counters, against the halo
            b = k + max(4, k // 4)
            X = gd.BlockVector.random(dg, b, seed=1, dtype=np.float32)
            op = gd.DistributedOperator(dg).astype(np.float32)
            wait(op.matmat(X).parts)
            before = sum(client.run(_sent_bytes).values())
            wait(op.matmat(X).parts)
            sent = sum(client.run(_sent_bytes).values()) - before
            halo_bytes = int(dg.halo_sizes.sum()) * b * 4
            rows.append((f"{W} workers ({args.order})", W, wall, max(peaks), float(np.mean(peaks)),
                         max(peaks) / peak_single, adjusted_rand_score(g.labels, labels),
                         f"{adjusted_rand_score(ref, labels):.4f}", f"{sent / halo_bytes:.3f}" if halo_bytes else f"{sent} B (no halo)"))
            # cost split of one product with b columns, and of one reduction
            t_mm, t_loc, t_red = [], [], []
            for _ in range(args.repeats):
                t = time.perf_counter()
                wait(op.matmat(X).parts)
                t_mm.append(time.perf_counter() - t)
                halos = {}
                for i in range(dg.n_parts):
                    owners = [j for j in range(dg.n_parts) if dg.halo_sizes[i, j] > 0]
                    # extracted on the owner j, then moved to worker i: in place before the timing
                    halos[i] = [client.submit(_moved, client.submit(_extract, X.parts[j], dg.halo_index[(i, j)],
                                                                    workers=[dg.workers[j]], pure=False),
                                              workers=[dg.workers[i]], allow_other_workers=False, pure=False)
                                for j in owners]
                wait([h for hs in halos.values() for h in hs])  # halos already in place
                t = time.perf_counter()
                wait([client.submit(_local_product, op.blocks[i], X.parts[i], *halos[i],
                                             workers=[dg.workers[i]], allow_other_workers=False, pure=False)
                               for i in range(dg.n_parts)])
                t_loc.append(time.perf_counter() - t)
                t = time.perf_counter()
                X.gram()
                t_red.append(time.perf_counter() - t)
            rep = dg.halo_report()
            costs.append((W, np.median(t_mm), np.median(t_loc), np.median(t_mm) - np.median(t_loc),
                          np.median(t_red), rep["halo_fraction"], t_part))
        finally:
            client.close()
            cluster.close()

    print("| run | workers | fit wall s | peak RSS per worker GiB (max) | mean GiB | max / single | "
          "ARI truth | ARI vs single | shipped / halo bytes |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]} | {r[2]:.1f} | {_gib(r[3])} | {_gib(r[4])} | {r[5]:.2f} | {r[6]:.4f} | {r[7]} | {r[8]} |")
    print(f"\nOne product with {k + max(4, k // 4)} float32 columns; medians of {args.repeats}:\n")
    print("| workers | matmat s | local SpMM s | halo exchange + scheduling s | X^T X reduction s | "
          "halo rows / n | partition s |")
    print("|---|---|---|---|---|---|---|")
    for W, mm, loc, halo, red, frac, tp in costs:
        print(f"| {W} | {mm:.3f} | {loc:.3f} | {halo:.3f} | {red:.3f} | {frac:.3f} | {tp:.1f} |")


if __name__ == "__main__":
    main()
