"""
Local clustering of a networkx graph
====================================

Find the cluster of one seed node of a networkx graph and draw it around its seed. The
graph is a planted-partition graph with string node names: the seed is a node name and the
cluster comes back as node names. We run l2 flow diffusion (with and without noisy labels)
and ACL PageRank, print what each found, and draw the flow-diffusion cluster with
:func:`graphclust.plotting.plot_local_cluster`.
"""
import matplotlib
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np

from graphclust import LocalClustering
from graphclust.local import approximate_pagerank, conductance, flip_labels, sweep_cut
from graphclust.plotting import plot_local_cluster

# %%
# A graph with a target cluster
# -----------------------------
# Four groups of 30 nodes, dense inside, sparse between; nodes are named ``"g<group>-<i>"``.
# The target is group 1 and the seed one of its nodes.
G0 = nx.planted_partition_graph(4, 30, 0.3, 0.008, seed=3)
G = nx.relabel_nodes(G0, {v: f"g{v // 30}-{v % 30}" for v in G0})
target = [v for v in G if v.startswith("g1-")]
seed = "g1-0"
vol = sum(d for _, d in G.degree(target))

# %%
# Flow diffusion
# --------------
# Source masses 1.5 to 5 times the volume estimate (here the exact volume) are tried; the
# cluster of lowest conductance wins.
fd = LocalClustering(method="flow", volume=vol, rounding="sweep", random_state=0).fit(G, seed)
print(f"flow diffusion: {len(fd.cluster_)} nodes, conductance {fd.conductance_:.3f}, mass {fd.mass_:.0f}")

# %%
# The same with noisy labels: each node's membership is flipped with probability 0.15, and
# the diffusion runs on the graph whose edges between disagreeing labels are down-weighted.
truth = np.array([v in set(target) for v in G], dtype=int)
noisy = dict(zip(G.nodes, flip_labels(truth, a1=0.85, a0=0.85, random_state=1).tolist()))
lfd = LocalClustering(method="flow", volume=vol, rounding="sweep", random_state=0).fit(G, seed, noisy_labels=noisy)
print(f"with noisy labels: {len(lfd.cluster_)} nodes, conductance on the weighted graph {lfd.conductance_:.3f}")

# %%
# The primitives directly: ACL PageRank and a sweep cut over its scores.
cluster, phi = sweep_cut(G, approximate_pagerank(G, seed, alpha=0.1, eps=1e-5))
print(f"ACL + sweep: {len(cluster)} nodes, conductance {phi:.3f} (check: {conductance(G, cluster):.3f})")

found = set(fd.cluster_.tolist())
hits = len(found & set(target))
print(f"flow diffusion cluster: {hits} of {len(target)} target nodes, {len(found) - hits} others")

# %%
# The cluster around its seed
# ---------------------------
# The drawing shows the cluster (orange), every other node within two hops of the seed
# (grey) and the seed (star). A cut of low conductance leaves few edges to the grey nodes.
ax = plot_local_cluster(G, fd, seed, radius=2, random_state=0)
ax.set_title(f"flow-diffusion cluster of {seed}, conductance {fd.conductance_:.3f}")

if matplotlib.get_backend().lower() != "agg":  # no window to open under Agg (tests, docs build)
    plt.show()
