"""S2CAG and M-S2CAG on a PyTorch Geometric ``Data`` object and on a networkx graph.

Run: python examples/s2cag_pyg_and_networkx.py

1. Cora (shipped with graphclust) as a PyG ``Data`` (``x`` = bag-of-words, ``edge_index``):
   S2CAG and M-S2CAG with the defaults of the official code.
2. A small networkx graph whose nodes carry an attribute vector ``"words"`` (counts): the
   features are named by the attribute, ``fit(G, features="words")``; labels come back in
   ``list(G.nodes)`` order.
3. Signed features (e.g. an embedding): switch off TF-IDF and the attribute-degree step,
   which assume non-negative counts.
"""
import networkx as nx
import numpy as np
import torch
from torch_geometric.data import Data

import graphclust as gc

# --- 1. PyTorch Geometric -------------------------------------------------------------------
cora = gc.datasets.load("cora")
A = cora.adjacency.tocoo()
data = Data(
    x=torch.tensor(cora.features.toarray(), dtype=torch.float32),
    edge_index=torch.tensor(np.vstack([A.row, A.col]), dtype=torch.long),
    y=torch.tensor(cora.labels),
)
s2cag = gc.S2CAG(n_clusters=7)                      # T=10, alpha=0.9, tau=7 (official defaults)
labels = s2cag.fit_predict(data)
print(f"Cora, S2CAG   ({s2cag.path_} layout): ACC {gc.metrics.accuracy(cora.labels, labels):.3f} "
      f"NMI {gc.metrics.nmi(cora.labels, labels):.3f} ARI {gc.metrics.ari(cora.labels, labels):.3f}")
ms2cag = gc.MS2CAG(n_clusters=7)                    # gamma=1.0, tau=50
labels = ms2cag.fit_predict(data)
print(f"Cora, M-S2CAG ({ms2cag.mode_} layout): ACC {gc.metrics.accuracy(cora.labels, labels):.3f} "
      f"NMI {gc.metrics.nmi(cora.labels, labels):.3f} ARI {gc.metrics.ari(cora.labels, labels):.3f}")

# --- 2. networkx with node attributes ------------------------------------------------------
rng = np.random.default_rng(0)
G = nx.planted_partition_graph(3, 60, 0.15, 0.01, seed=0)   # 3 groups of 60 nodes
vocab = 30
for v in G.nodes:
    group = v // 60
    rate = np.full(vocab, 0.1)
    rate[group * 10:(group + 1) * 10] = 0.8                   # each group favours 10 words
    G.nodes[v]["words"] = rng.poisson(rate).astype(float)
truth = np.array([v // 60 for v in G.nodes])
labels = gc.S2CAG(n_clusters=3).fit_predict(G, features="words")
print(f"networkx planted graph, S2CAG ARI vs groups: {gc.metrics.ari(truth, labels):.3f}")

# --- 3. signed features ---------------------------------------------------------------------
emb = rng.standard_normal((G.number_of_nodes(), 8)) + np.eye(3)[truth] @ rng.standard_normal((3, 8)) * 2
try:
    gc.S2CAG(n_clusters=3).fit(G, features=emb)
except ValueError as err:
    print("signed features are refused by default:", str(err)[:70], "...")
labels = gc.S2CAG(n_clusters=3, tfidf=False, attribute_norm="l2").fit_predict(G, features=emb)
print(f"signed features with tfidf=False, attribute_norm='l2': ARI {gc.metrics.ari(truth, labels):.3f}")
