"""Local clustering of a networkx graph: find the cluster of one seed node and draw it.

The graph is a planted-partition graph (networkx) with string node names; the seed is a
node name, and the cluster comes back as node names. We run l2 flow diffusion (with and
without noisy labels) and ACL PageRank, print what each found, and draw the flow-diffusion
cluster.

Usage::

    python3 examples/local_networkx.py [output.png]

The PNG goes to the given path, or to a temporary directory (the path is printed).
"""
from __future__ import annotations

import os
import sys
import tempfile

import matplotlib

matplotlib.use("Agg")  # draw without a display
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np

from graphclust import LocalClustering
from graphclust.local import approximate_pagerank, conductance, flip_labels, sweep_cut


def main(out_path: str | None = None) -> str:
    # Four groups of 30 nodes, dense inside, sparse between; nodes named "g<group>-<i>".
    G0 = nx.planted_partition_graph(4, 30, 0.3, 0.008, seed=3)
    G = nx.relabel_nodes(G0, {v: f"g{v // 30}-{v % 30}" for v in G0})
    target = [v for v in G if v.startswith("g1-")]
    seed = "g1-0"
    vol = sum(d for _, d in G.degree(target))

    # Flow diffusion, masses 1.5..5 x the (here exact) volume estimate, lowest conductance wins.
    fd = LocalClustering(method="flow", volume=vol, rounding="sweep", random_state=0).fit(G, seed)
    print(f"flow diffusion: {len(fd.cluster_)} nodes, conductance {fd.conductance_:.3f}, mass {fd.mass_:.0f}")

    # The same with noisy labels (each node's membership flipped with probability 0.15).
    truth = np.array([v in set(target) for v in G], dtype=int)
    noisy = dict(zip(G.nodes, flip_labels(truth, a1=0.85, a0=0.85, random_state=1).tolist()))
    lfd = LocalClustering(method="flow", volume=vol, rounding="sweep", random_state=0).fit(G, seed, noisy_labels=noisy)
    print(f"with noisy labels: {len(lfd.cluster_)} nodes, conductance on the weighted graph {lfd.conductance_:.3f}")

    # The primitives directly: ACL PageRank + sweep cut.
    cluster, phi = sweep_cut(G, approximate_pagerank(G, seed, alpha=0.1, eps=1e-5))
    print(f"ACL + sweep: {len(cluster)} nodes, conductance {phi:.3f} (check: {conductance(G, cluster):.3f})")

    found = set(fd.cluster_.tolist())
    hits = len(found & set(target))
    print(f"flow diffusion cluster: {hits} of {len(target)} target nodes, {len(found) - hits} others")

    pos = nx.spring_layout(G, seed=0)
    colors = ["tab:red" if v == seed else ("tab:orange" if v in found else "lightgray") for v in G]
    fig, ax = plt.subplots(figsize=(7, 7))
    nx.draw_networkx_edges(G, pos, ax=ax, alpha=0.15)
    nx.draw_networkx_nodes(G, pos, node_color=colors, node_size=60, ax=ax)
    ax.set_title(f"seed {seed} (red) and its flow-diffusion cluster (orange), conductance {fd.conductance_:.3f}")
    ax.axis("off")
    if out_path is None:
        out_path = os.path.join(tempfile.mkdtemp(prefix="graphclust-"), "local_cluster.png")
    fig.savefig(out_path, dpi=100, bbox_inches="tight")
    plt.close(fig)
    print(f"figure written to {out_path}")
    return out_path


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
