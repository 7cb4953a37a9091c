"""Peak memory and time per epoch of the PamC loss against the full-negative (SCGC*) loss.

One "epoch" is one forward and backward pass of the loss alone (the encoder is the same for
both, so it is left out): ``z`` (N x 10, float32, a leaf that requires grad), ``q`` (N x 10)
and ``B = A_hat + A_hat^2`` of an SBM with 10 blocks and mean degree 5 (citation-graph-like;
``B`` is built once, outside the timing). The full-negative loss runs in its dense form (one
N x N block) where that fits under ``--dense-limit``, and in row blocks of about 64 MiB
(:func:`graphclust.contrastive.full_negative_loss`, checkpointed) at every N; at N = 100k
its time per epoch is extrapolated from 2,000 sampled anchor rows (``anchors=``; every node
still a negative; the cost is linear in the anchors, the peak that of one block).

Memory: each measurement runs in a fresh subprocess; the figure is the growth of the peak
resident set (``ru_maxrss``) during the first epoch over the resident set after building
the inputs (torch on CPU has no ``max_memory_allocated``), with glibc's mmap threshold fixed
(``MALLOC_MMAP_THRESHOLD_=65536``) so that freed blocks leave the resident set at once. Time: median of ``--repeat``
epochs after that first one. The losses are measured alternately (interleaved), ``--rounds``
times, and the medians over rounds are reported.

    python benchmarks/pamc_loss.py                    # N = 2k, 5k, 10k, 20k, 100k
    python benchmarks/pamc_loss.py --sizes 2000 5000 --repeat 3
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time

import numpy as np

from _machine import cpu_model  # benchmarks/_machine.py

KINDS = ("pamc", "full-blocks", "full-dense", "full-sampled")
#: Anchor rows of the "full-sampled" measurement (N = 100k): its time is scaled by N / ANCHORS.
ANCHORS = 2000


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0  # pragma: no cover


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark (VmHWM) so it measures from now on (Linux >= 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def measure(kind: str, n: int, repeat: int, threads: int) -> dict:
    """One subprocess' worth: build the inputs, run one epoch (memory), then ``repeat`` timed ones."""
    import torch

    import graphclust as gc
    from graphclust import memory
    from graphclust.contrastive import PamCLoss, full_negative_loss, propagated_adjacency
    from graphclust.torch_backend import to_torch_sparse

    torch.set_num_threads(threads)
    k, d = 10, 10
    g = gc.datasets.sbm([n // k] * k, p_in=4.0 / (n // k), p_out=1.0 / n, random_state=0)
    B = to_torch_sparse(propagated_adjacency(g, 2), dtype=torch.float32)
    rng = np.random.default_rng(1)
    centres = rng.standard_normal((k, d)).astype(np.float32)
    z0 = torch.from_numpy(centres[np.asarray(g.labels)] + 0.5 * rng.standard_normal((n, d)).astype(np.float32))
    q = torch.softmax(torch.from_numpy(rng.standard_normal((n, k)).astype(np.float32)), dim=1)
    pamc = PamCLoss(tau=1.0)
    anchors = torch.from_numpy(np.sort(rng.choice(n, size=min(n, ANCHORS), replace=False)))

    def epoch():
        z = z0.clone().requires_grad_(True)
        if kind == "pamc":
            loss = pamc(z, q, B)
        elif kind == "full-dense":
            with memory.memory_limit(2**40):  # the benchmark's own --dense-limit decided already
                loss = full_negative_loss(z, B, block_size=n)
        elif kind == "full-sampled":
            loss = full_negative_loss(z, B, anchors=anchors)
        else:
            loss = full_negative_loss(z, B)
        loss.backward()
        return float(loss)

    base = _status_kib("VmRSS")
    reset = _reset_peak()
    t0 = time.perf_counter()
    value = epoch()
    first = time.perf_counter() - t0
    # VmHWM after the reset: the peak of this epoch; otherwise the lifetime peak (an upper bound).
    peak = _status_kib("VmHWM") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        epoch()
        times.append(time.perf_counter() - t0)
    if kind == "full-sampled":  # the O(N^2 d) part is linear in the anchors: scale to all N
        times, first = [t * n / anchors.numel() for t in times], first * n / anchors.numel()
    return {"kind": kind, "n": n, "nnz_B": int(B._nnz()), "loss": value, "peak_mib": (peak - base) / 1024,
            "seconds": float(np.median(times)) if times else first, "first_seconds": first,
            "peak_reset": reset}


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[2000, 5000, 10000, 20000, 100000])
    p.add_argument("--repeat", type=int, default=3, help="timed epochs per measurement")
    p.add_argument("--rounds", type=int, default=2, help="interleaved rounds per size")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--dense-limit", type=float, default=6.5,
                   help="GiB: run the dense N x N form when ~4 N^2 float32 fit under this")
    p.add_argument("--child", nargs=3, metavar=("KIND", "N", "REPEAT"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        kind, n, repeat = args.child[0], int(args.child[1]), int(args.child[2])
        print(json.dumps(measure(kind, n, repeat, args.threads)))
        return
    cpu = cpu_model()
    load = open("/proc/loadavg").read().split()[:3]
    print(f"# python {' '.join(sys.argv)}\n# {cpu}; Python {platform.python_version()}; torch threads "
          f"{args.threads}; load average at start {' '.join(load)}", flush=True)
    # glibc serves freed blocks of up to 32 MiB from its heap after raising its mmap threshold,
    # so the resident set keeps the high-water mark of *freed* row blocks (measured: 1.09 GiB
    # peak for a 135 MiB working set). A fixed threshold maps every large tensor and unmaps it
    # when freed: the resident set then follows the live tensors, for every loss alike.
    env = {**os.environ, "MALLOC_MMAP_THRESHOLD_": "65536"}
    results: dict = {}
    for n in args.sizes:
        # 100k: the exact row-block loss over every anchor costs ~10 min per epoch here, so its
        # time comes from 2,000 sampled anchors (same blocks, same peak), scaled by N / 2,000.
        kinds = ["pamc", "full-blocks" if n <= 50000 else "full-sampled"]
        if 4 * n * n * 4 <= args.dense_limit * 2**30:
            kinds.append("full-dense")
        # The 100k full loss costs minutes per epoch: one round, one timed epoch.
        rounds, repeat = (1, 1) if n > 50000 else (args.rounds, args.repeat)
        for _ in range(rounds):
            for kind in kinds:
                cmd = [sys.executable, __file__, "--threads", str(args.threads), "--child", kind, str(n), str(repeat)]
                out = subprocess.run(cmd, capture_output=True, text=True, env=env)
                if out.returncode != 0:
                    print(f"# {kind} N={n} failed: {out.stderr.strip().splitlines()[-1:]}", flush=True)
                    continue
                r = json.loads(out.stdout.strip().splitlines()[-1])
                results.setdefault((n, kind), []).append(r)
                print("# " + json.dumps(r), flush=True)
    print("\n| N | nnz(B) | loss | peak MiB | s / epoch | PamC: less memory | PamC: faster |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for n in args.sizes:
        rows = {kind: results.get((n, kind)) for kind in KINDS}
        if not rows["pamc"]:
            continue
        med = {kind: (float(np.median([r["peak_mib"] for r in rs])), float(np.median([r["seconds"] for r in rs])))
               for kind, rs in rows.items() if rs}
        nnz = rows["pamc"][0]["nnz_B"]
        for kind, (mem, sec) in med.items():
            ratio_m = ratio_t = ""
            if kind != "pamc":
                ratio_m = f"{mem / max(med['pamc'][0], 1e-3):.1f}x"
                ratio_t = f"{sec / med['pamc'][1]:.1f}x"
            print(f"| {n:,} | {nnz:,} | {kind} | {mem:.1f} | {sec:.4f} | {ratio_m} | {ratio_t} |")
    load = open("/proc/loadavg").read().split()[:3]
    print(f"\n# load average at end {' '.join(load)}")


if __name__ == "__main__":
    main()
