"""S2CAG at scale: a synthetic attributed SBM with 1M nodes, 10M edges, 500 sparse attributes.

The graph is a planted-partition SBM sampled block-wise in O(n + m)
(:func:`graphclust.datasets.sbm`); every node gets a bag of words (Poisson(L) tokens, each one
drawn from its block's 500/K "topic" words with probability ``q``, else uniformly from all
500), stored as a sparse CSR matrix. S2CAG (implicit path, chosen by the official cost rule)
must finish on a 2-core, 24 GB machine; the script reports time, peak memory and ARI against
the planted blocks, for the faithful and the re-orthonormalised variants.

Run (heavy: use the shared lock):

    flock /tmp/graphclust-bench.lock python benchmarks/s2cag_scale.py
    python benchmarks/s2cag_scale.py --nodes 100000 --edges 1000000   # smaller check
"""
from __future__ import annotations

import os

# numba's OpenMP threads spin-wait between parallel regions by default; on a shared 2-core
# machine a spinning thread holds a core another process wants, and every SpMM of a Horner
# loop then waits ~10-25 ms for a descheduled thread (measured). Passive waiting removes that.
# Set before numba starts its thread pool; export OMP_WAIT_POLICY=active to compare.
os.environ.setdefault("OMP_WAIT_POLICY", "passive")

import argparse
import resource
import sys
import time
import tracemalloc

import numpy as np
import scipy.sparse as sp

from _machine import cpu_model  # benchmarks/_machine.py


def attributed_sbm(n: int, m: int, K: int, d: int, *, mix: float, tokens: float, topic: float, seed: int):
    """(Graph, labels): SBM with ~m edges (a fraction ``mix`` between blocks) + bag-of-words."""
    from graphclust import as_graph
    from graphclust.datasets import sbm

    sizes = np.full(K, n // K)
    sizes[: n - sizes.sum()] += 1
    nb = float(sizes[0])
    # expected edges: within K * nb^2/2 * p_in, between K(K-1)/2 * nb^2 * p_out
    p_in = 2 * m * (1 - mix) / (K * nb * (nb - 1))
    p_out = 2 * m * mix / (K * (K - 1) * nb * nb)
    g = sbm(sizes, p_in=p_in, p_out=p_out, random_state=seed)
    y = g.labels
    rng = np.random.default_rng(seed + 1)
    n_tok = rng.poisson(tokens, size=n)
    rows = np.repeat(np.arange(n, dtype=np.int64), n_tok)
    per_block = d // K
    on_topic = rng.random(rows.size) < topic
    words = rng.integers(0, d, size=rows.size)
    words[on_topic] = y[rows[on_topic]] * per_block + rng.integers(0, per_block, size=int(on_topic.sum()))
    X = sp.csr_array((np.ones(rows.size), (rows, words)), shape=(n, d))  # duplicates summed: counts
    X.sum_duplicates()
    return as_graph(g.adjacency, features=X, labels=y), y


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=1_000_000)
    ap.add_argument("--edges", type=int, default=10_000_000)
    ap.add_argument("--blocks", type=int, default=10)
    ap.add_argument("--features", type=int, default=500)
    ap.add_argument("--mix", type=float, default=0.4, help="fraction of edges between blocks")
    ap.add_argument("--tokens", type=float, default=20.0, help="mean words per node")
    ap.add_argument("--topic", type=float, default=0.3, help="probability that a word is on-topic")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--variants", default="faithful,renormalized")
    args = ap.parse_args(argv)

    from graphclust import S2CAG, metrics

    t0 = time.perf_counter()
    g, y = attributed_sbm(args.nodes, args.edges, args.blocks, args.features, mix=args.mix,
                          tokens=args.tokens, topic=args.topic, seed=args.seed)
    t_gen = time.perf_counter() - t0
    rss_gen = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"generated n={g.n_nodes} edges={g.n_edges} nnz(X)={g.features.nnz} in {t_gen:.1f}s "
          f"(peak RSS so far {rss_gen:.2f} GB)", flush=True)

    rows = []
    for variant in args.variants.split(","):
        est = S2CAG(args.blocks, faithful=(variant == "faithful"), verbose=False)
        tracemalloc.start()
        t0 = time.perf_counter()
        est.fit(g)
        t_fit = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        ari = metrics.ari(y, est.labels_)
        rows.append((variant, est.path_, t_fit, peak / 2**30, rss, ari))
        print(f"{variant}: {t_fit:.1f}s ARI={ari:.4f}", flush=True)

    print()
    print(f"Synthetic attributed SBM: n={g.n_nodes:,}, edges={g.n_edges:,}, K={args.blocks}, "
          f"d={args.features}, nnz(X)={g.features.nnz:,}; generation {t_gen:.1f} s")
    print()
    print("| variant | path | fit time (s) | tracemalloc peak in fit (GB) | peak RSS of process (GB) | ARI vs planted |")
    print("|---|---|---|---|---|---|")
    for v, path, t, peak, rss, ari in rows:
        print(f"| {v} | {path} | {t:.1f} | {peak:.2f} | {rss:.2f} | {ari:.4f} |")
    print()
    print("command: " + " ".join([sys.executable.split("/")[-1]] + sys.argv) + f"; machine: {cpu_model()}")


if __name__ == "__main__":
    main()
