"""Hierarchy of a networkx graph: bottom-up communities, dendrogram, cuts at every level.

The graph is a networkx stochastic block model with a two-level hierarchy (4 "schools" of
2 "classes" each, 8 classes of 40 pupils), with string node names. BottomUpHierarchy finds
the 8 classes (K estimated by the Bethe-Hessian) and merges them by average linkage; the
dendrogram is drawn beside the top-down comparator's.

Usage::

    python3 examples/hierarchy_networkx.py [output.png]

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

from graphclust import BottomUpHierarchy, TopDownHierarchy
from graphclust.metrics import accuracy


def school_graph(seed: int = 0) -> tuple[nx.Graph, np.ndarray, np.ndarray]:
    """8 classes of 40 pupils; p = 0.3 inside a class, 0.06 between classes of a school,
    0.03 between schools of a district, 0.005 across districts."""
    classes = 8
    sizes = [40] * classes
    P = np.empty((classes, classes))
    for a in range(classes):
        for b in range(classes):
            if a == b:
                P[a, b] = 0.3
            elif a // 2 == b // 2:
                P[a, b] = 0.06
            elif a // 4 == b // 4:
                P[a, b] = 0.03
            else:
                P[a, b] = 0.005
    G = nx.stochastic_block_model(sizes, P.tolist(), seed=seed)
    cls = np.repeat(np.arange(classes), 40)
    G = nx.relabel_nodes(G, {i: f"pupil{i:03d}" for i in G.nodes})
    return G, cls, cls // 2


def main() -> None:
    G, cls, school = school_graph()
    bu = BottomUpHierarchy(random_state=0).fit(G)  # K estimated
    td = TopDownHierarchy(random_state=0).fit(G)
    print(f"graph: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges")
    for name, model in (("bottom-up", bu), ("top-down", td)):
        print(
            f"{name}: {model.n_clusters_} communities, accuracy vs classes {accuracy(cls, model.labels_):.3f}, "
            f"4-cluster cut vs schools {accuracy(school, model.cut(4)):.3f}, "
            f"inversions {model.inversions_}"
        )
    # Labels follow list(G.nodes): map a few names to their community and school.
    nodes = list(G.nodes)
    for i in (0, 100, 300):
        print(f"  {nodes[i]}: community {bu.labels_[i]}, level-2 cluster {bu.labels_at_depth(2)[i]}")

    fig, axes = plt.subplots(1, 2, figsize=(11, 4), constrained_layout=True)
    bu.dendrogram(ax=axes[0])
    axes[0].set_title("bottom-up (average linkage on edge densities)")
    td.dendrogram(ax=axes[1])
    axes[1].set_title(f"top-down ({td.inversions_} inversions)")
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(tempfile.mkdtemp(), "hierarchy_networkx.png")
    fig.savefig(out, dpi=100)
    print(f"dendrograms written to {out}")


if __name__ == "__main__":
    main()
