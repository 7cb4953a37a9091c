"""
Hierarchy of a networkx graph
=============================

Bottom-up communities of a networkx graph, their dendrogram, and cuts at every level. The
graph is a stochastic block model with a two-level hierarchy (4 "schools" of 2 "classes"
each, 8 classes of 40 pupils) and string node names. :class:`~graphclust.BottomUpHierarchy`
finds the 8 classes (their number estimated from the Bethe-Hessian) and merges them by
average linkage; its dendrogram is drawn beside the top-down comparator's with
:func:`graphclust.plotting.plot_dendrogram`, and the 4-cluster cut is compared with the
schools in a confusion matrix.
"""
import matplotlib
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np

from graphclust import BottomUpHierarchy, TopDownHierarchy
from graphclust.metrics import accuracy
from graphclust.plotting import plot_confusion_matrix, plot_dendrogram


# %%
# A graph of schools and classes
# ------------------------------
# Edge probability 0.3 inside a class, 0.06 between the two classes of a school, 0.03
# between schools of a district, 0.005 across districts.
def school_graph(seed: int = 0) -> tuple[nx.Graph, np.ndarray, np.ndarray]:
    classes = 8
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
    G = nx.stochastic_block_model([40] * classes, P.tolist(), seed=seed)
    cls = np.repeat(np.arange(classes), 40)
    G = nx.relabel_nodes(G, {i: f"pupil{i:03d}" for i in G.nodes})
    return G, cls, cls // 2


G, cls, school = school_graph()
print(f"graph: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges")

# %%
# Bottom-up and top-down hierarchies
# ----------------------------------
bu = BottomUpHierarchy(random_state=0).fit(G)  # the number of communities is estimated
td = TopDownHierarchy(random_state=0).fit(G)
for name, model in (("bottom-up", bu), ("top-down", td)):
    print(
        f"{name}: {model.n_clusters_} communities, accuracy vs classes {accuracy(cls, model.labels_):.3f}, "
        f"4-cluster cut vs schools {accuracy(school, model.cut(4)):.3f}, "
        f"inversions {model.inversions_}"
    )
# Labels follow list(G.nodes): a few names with their community and level-2 cluster.
nodes = list(G.nodes)
for i in (0, 100, 300):
    print(f"  {nodes[i]}: community {bu.labels_[i]}, level-2 cluster {bu.labels_at_depth(2)[i]}")

# %%
# The dendrograms
# ---------------
# Leaves are the bottom communities, labelled "community (size)"; the height of a merge is
# one minus the edge density between the merged groups.
fig, axes = plt.subplots(1, 2, figsize=(11, 4), constrained_layout=True)
plot_dendrogram(bu, ax=axes[0])
axes[0].set_title("bottom-up (average linkage on edge densities)")
plot_dendrogram(td, ax=axes[1])
axes[1].set_title(f"top-down ({td.inversions_} inversions)")

# %%
# The 4-cluster cut against the schools
# -------------------------------------
# Each cluster is matched to one school (the matching that scores the accuracy); the
# diagonal holds the pupils put with their school.
ax = plot_confusion_matrix(school, bu.cut(4))

if matplotlib.get_backend().lower() != "agg":  # no window to open under Agg (tests, docs build)
    plt.show()
