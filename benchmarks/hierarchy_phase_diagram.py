"""Phase diagram of exact recovery over (a1, a2) on the depth-3 BTSBM, bottom-up beside top-down.

a0 = 40 and a3 = 100 fixed (the paper's Figure 2 setting), 8 communities of 200 vertices,
p_l = a_l log N / N. Each cell is the fraction of seeds with exact recovery at depth 1, 2, 3;
the lines are the predicted thresholds (Chernoff-Hellinger quantity = 1: bottom-up closed
form, and the top-down proxy of the spec, Sec. 5). Writes docs/images/hierarchy_phase_diagram.png
and prints a Markdown table.

Usage: flock /tmp/graphclust-bench.lock python3 benchmarks/hierarchy_phase_diagram.py [--step 6] [--seeds 2]
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from graphclust.datasets.hsbm import btsbm
from graphclust.hierarchy import BottomUpHierarchy, TopDownHierarchy, btsbm_thresholds
from graphclust.metrics import accuracy

from _machine import cpu_model  # benchmarks/_machine.py

A0, A3 = 40.0, 100.0


def run(step: float, n_seeds: int) -> tuple[np.ndarray, np.ndarray, dict]:
    a1s = np.arange(A0, A3 + 1e-9, step)
    a2s = np.arange(A0, A3 + 1e-9, step)
    rates = {m: np.full((3, a2s.size, a1s.size), np.nan) for m in ("bottom-up", "top-down")}
    for i, a2 in enumerate(a2s):
        for j, a1 in enumerate(a1s):
            if a2 < a1:  # assortative trees only: a0 <= a1 <= a2 <= a3
                continue
            hits = {m: np.zeros(3) for m in rates}
            for s in range(n_seeds):
                g = btsbm(3, 200, a=[A0, a1, a2, A3], random_state=1000 + s)
                Y = g.meta["labels_by_depth"]
                for name, model in (("bottom-up", BottomUpHierarchy(8, random_state=s)), ("top-down", TopDownHierarchy(random_state=s))):
                    model.fit(g)
                    for lvl in (1, 2, 3):
                        k = min(2**lvl, model.n_clusters_)
                        hits[name][lvl - 1] += accuracy(Y[lvl], model.cut(k)) == 1.0
            for name in rates:
                rates[name][:, i, j] = hits[name] / n_seeds
    return a1s, a2s, rates


def plot(a1s: np.ndarray, a2s: np.ndarray, rates: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    f1 = np.linspace(A0, A3, 121)
    F1, F2 = np.meshgrid(f1, f1)
    bu = np.zeros((3,) + F1.shape)
    td = np.zeros((3,) + F1.shape)
    for i in range(F1.shape[0]):
        for j in range(F1.shape[1]):
            out = btsbm_thresholds([A0, F1[i, j], F2[i, j], A3])
            bu[:, i, j] = out["bottom_up"]
            td[:, i, j] = out["top_down"]
    step = a1s[1] - a1s[0] if a1s.size > 1 else 1.0
    extent = [a1s[0] - step / 2, a1s[-1] + step / 2, a2s[0] - step / 2, a2s[-1] + step / 2]
    fig, axes = plt.subplots(2, 3, figsize=(12, 7.5), sharex=True, sharey=True, constrained_layout=True)
    for r, (name, ch) in enumerate((("bottom-up", bu), ("top-down", td))):
        for lvl in (1, 2, 3):
            ax = axes[r, lvl - 1]
            im = ax.imshow(rates[name][lvl - 1], origin="lower", extent=extent, vmin=0, vmax=1, cmap="viridis", aspect="auto")
            # Predicted: exact recovery at depth lvl iff CH(l') > 1 for all l' < lvl.
            crit = ch[:lvl].min(axis=0)
            crit = np.where(F2 >= F1, crit, np.nan)
            ax.contour(F1, F2, crit, levels=[1.0], colors="red", linewidths=2)
            other = (td if name == "bottom-up" else bu)[:lvl].min(axis=0)
            ax.contour(F1, F2, np.where(F2 >= F1, other, np.nan), levels=[1.0], colors="white", linewidths=1, linestyles="--")
            ax.set_title(f"{name}, depth {lvl}")
            if r == 1:
                ax.set_xlabel("a1")
            if lvl == 1:
                ax.set_ylabel("a2")
    fig.colorbar(im, ax=axes, shrink=0.8, label="exact-recovery rate")
    fig.suptitle(
        "BTSBM depth 3, 8 x 200 vertices, a0 = 40, a3 = 100. Red: predicted threshold of the method "
        "(CH = 1); white dashed: the other method's"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--step", type=float, default=10.0)
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "docs" / "images" / "hierarchy_phase_diagram.png")
    args = parser.parse_args()
    t0 = time.perf_counter()
    a1s, a2s, rates = run(args.step, args.seeds)
    plot(a1s, a2s, rates, args.out)
    print(f"Command: `python3 benchmarks/hierarchy_phase_diagram.py --step {args.step:g} --seeds {args.seeds}` "
          f"({time.perf_counter() - t0:.0f} s on {cpu_model()}); picture: {args.out.name}\n")
    print("| a1 | a2 | BU exact d1/d2/d3 | TD exact d1/d2/d3 | predicted BU d1/d2/d3 | predicted TD d1/d2/d3 |")
    print("|---|---|---|---|---|---|")
    for i, a2 in enumerate(a2s):
        for j, a1 in enumerate(a1s):
            if a2 < a1:
                continue
            th = btsbm_thresholds([A0, a1, a2, A3])
            pb = "/".join("y" if th["bottom_up"][:l].min() > 1 else "n" for l in (1, 2, 3))
            pt = "/".join("y" if th["top_down"][:l].min() > 1 else "n" for l in (1, 2, 3))
            b = "/".join(f"{v:.1f}" for v in rates["bottom-up"][:, i, j])
            t = "/".join(f"{v:.1f}" for v in rates["top-down"][:, i, j])
            print(f"| {a1:g} | {a2:g} | {b} | {t} | {pb} | {pt} |")


if __name__ == "__main__":
    main()
