"""PamC quality: ACC / NMI / ARI / F1 on acm, dblp, citeseer, cora over several seeds.

Beside PamC (``PamCClustering``, meta-node negatives) the table has

- k-means on the raw features (``graphclust.solvers.kmeans``, 10 starts);
- the same model trained with the full-negative SCGC* loss (``negatives="full"``), started
  from the *same* pretrained encoder and the same k-means centres (``pretrained=``), so the
  two columns differ by the contrastive loss only;
- ``graphclust.S2CAG`` with its defaults;
- k-means (``n_init=20``) on the pretrained embedding: the start both models train from;
- on the first ``--official-seeds`` seeds, PamC with the official, uncentred loss
  (``center=False``) from the same start.

Labels are those of the final epoch (no epoch chosen by ground truth, unlike the official
script, which reports the best epoch per metric). Nodes labelled -1 (15 in citeseer) are left
out of the scores. Hyper-parameters: the official README's PamC settings (acm, dblp, cite);
cora is not in the paper and takes citeseer's. Timings: seconds of the stage on this machine
(pretraining is shared by PamC and the full-negative model and reported once).

    python benchmarks/pamc_quality.py --seeds 5 --epochs 200 --out pamc_quality.json
    python benchmarks/pamc_quality.py --report pamc_quality.json     # the Markdown table
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np

from _machine import cpu_model  # benchmarks/_machine.py

#: Official README settings (alpha, beta, order, tau, lr); cora: citeseer's (not in the paper).
SETTINGS = {
    "acm": dict(alpha=0.5, beta=0.5, order=1, tau=0.5, lr=1e-3),
    "dblp": dict(alpha=2.0, beta=2.0, order=1, tau=1.0, lr=1e-3),
    "citeseer": dict(alpha=2.0, beta=2.5, order=3, tau=0.5, lr=1e-3),
    "cora": dict(alpha=2.0, beta=2.5, order=3, tau=0.5, lr=1e-3),
}
METRICS = ("acc", "nmi", "ari", "f1")


def _scores(y: np.ndarray, labels: np.ndarray) -> dict:
    import graphclust as gc

    mask = y >= 0
    r = gc.metrics.evaluate(y[mask], labels[mask])
    return {m: float(r[m]) for m in METRICS}


def run(args: argparse.Namespace) -> None:
    import torch

    import graphclust as gc
    from graphclust.solvers.kmeans import kmeans

    torch.set_num_threads(args.threads)
    out = Path(args.out)
    rows = json.loads(out.read_text()) if out.exists() else []
    done = {(r["dataset"], r["seed"], r["method"]) for r in rows}

    def record(**row):
        rows.append(row)
        out.write_text(json.dumps(rows, indent=1))
        print(json.dumps(row), flush=True)

    data = {}
    for name in args.datasets:
        g = gc.datasets.load(name)
        y = np.asarray(g.labels)
        X = g.features.toarray() if hasattr(g.features, "toarray") else np.asarray(g.features)
        data[name] = (g, y, int(np.unique(y[y >= 0]).size), X)
    # Seeds outer, datasets inner: a run cut short still has every dataset on its first seeds.
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        for name in args.datasets:
            g, y, k, X = data[name]
            if (name, seed, "kmeans") not in done:
                t0 = time.perf_counter()
                lab, _, _ = kmeans(X, k, n_init=10, random_state=seed)
                record(dataset=name, seed=seed, method="kmeans", seconds=time.perf_counter() - t0,
                       **_scores(y, np.asarray(lab)))
            if (name, seed, "s2cag") not in done:
                t0 = time.perf_counter()
                lab = gc.S2CAG(n_clusters=k, random_state=seed).fit_predict(g)
                record(dataset=name, seed=seed, method="s2cag", seconds=time.perf_counter() - t0, **_scores(y, lab))
            if (name, seed, "pamc") in done and (name, seed, "full") in done:
                continue
            common = dict(n_clusters=k, epochs=args.epochs, pretrain_epochs=args.pretrain_epochs,
                          random_state=seed, **SETTINGS[name])
            pamc = gc.PamCClustering(**common).fit(g)
            record(dataset=name, seed=seed, method="pamc", seconds=pamc.timings_["train"],
                   pretrain_seconds=pamc.timings_["pretrain"], nnz_B=pamc.adjacency_nnz_,
                   **_scores(y, pamc.labels_))
            state = pamc.pretrained_state_
            # The start both models train from: k-means (n_init=20) on the pretrained embedding.
            start = gc.PamCClustering(pretrained=state, **{**common, "epochs": 0}).fit(g)
            record(dataset=name, seed=seed, method="pretrained", seconds=start.timings_["kmeans"],
                   **_scores(y, start.labels_))
            full = gc.PamCClustering(negatives="full", pretrained=state, **common).fit(g)
            record(dataset=name, seed=seed, method="full", seconds=full.timings_["train"],
                   **_scores(y, full.labels_))
            if seed < args.official_seeds:
                off = gc.PamCClustering(center=False, pretrained=state, **common).fit(g)
                record(dataset=name, seed=seed, method="pamc_official", seconds=off.timings_["train"],
                       **_scores(y, off.labels_))


def report(path: str) -> str:
    rows = json.loads(Path(path).read_text())
    names = ["kmeans", "pretrained", "pamc", "pamc_official", "full", "s2cag"]
    title = {"kmeans": "k-means (features)", "pretrained": "k-means (pretrained z, the start)",
             "pamc": "PamC (centred, default)", "pamc_official": "PamC (official loss, center=False)",
             "full": "full-negative", "s2cag": "S2CAG"}
    lines = ["| dataset | method | runs | ACC | NMI | ARI | F1 | seconds |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for ds in dict.fromkeys(r["dataset"] for r in rows):
        for m in names:
            rs = [r for r in rows if r["dataset"] == ds and r["method"] == m]
            if not rs:
                continue
            cells = []
            for key in METRICS:
                v = 100 * np.array([r[key] for r in rs])
                cells.append(f"{v.mean():.2f} ± {v.std():.2f}" if v.size > 1 else f"{v.mean():.2f}")  # no std of one run
            sec = np.array([r["seconds"] for r in rs])
            extra = ""
            if m == "pamc":
                extra = f" (+ {np.mean([r['pretrain_seconds'] for r in rs]):.1f} pretrain)"
            lines.append(f"| {ds} | {title[m]} | {len(rs)} | " + " | ".join(cells) + f" | {sec.mean():.1f}{extra} |")
    return "\n".join(lines)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--datasets", nargs="+", default=list(SETTINGS))
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--first-seed", type=int, default=0, help="seeds first-seed, ..., first-seed + seeds - 1")
    p.add_argument("--epochs", type=int, default=200)
    p.add_argument("--pretrain-epochs", type=int, default=30)
    p.add_argument("--official-seeds", type=int, default=2,
                   help="seeds on which PamC is also trained with the official, uncentred loss")
    p.add_argument("--threads", type=int, default=1, help="torch threads (1 is fastest on the loaded 2-core VM)")
    p.add_argument("--out", default="pamc_quality.json")
    p.add_argument("--report", metavar="JSON", help="print the Markdown table of a results file and exit")
    args = p.parse_args(argv)
    if args.report:
        print(report(args.report))
        return
    cpu = cpu_model()
    print(f"# {' '.join(sys.argv)}\n# {cpu}; {platform.python_version()}", flush=True)
    run(args)


if __name__ == "__main__":
    main()
