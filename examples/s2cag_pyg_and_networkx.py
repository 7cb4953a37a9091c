"""
S2CAG and M-S2CAG on PyTorch Geometric and networkx graphs
==========================================================

:class:`~graphclust.S2CAG` and :class:`~graphclust.MS2CAG` cluster attributed graphs. Here
they run on Cora (shipped with graphclust) as a PyTorch Geometric ``Data`` object, then on a
small networkx graph whose nodes carry a word-count vector, and on signed features. The
S2CAG embedding of Cora is drawn coloured by the true classes
(:func:`graphclust.plotting.plot_embedding`) beside the clusters matched to the classes
(:func:`graphclust.plotting.plot_confusion_matrix`).
"""
import matplotlib
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import torch
from torch_geometric.data import Data

import graphclust as gc
from graphclust.plotting import plot_confusion_matrix, plot_embedding

# %%
# PyTorch Geometric
# -----------------
# Cora as a ``Data`` object: ``x`` holds the bag-of-words features, ``edge_index`` the
# citations; S2CAG and M-S2CAG with the defaults of the official code.
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
ms_labels = ms2cag.fit_predict(data)
print(f"Cora, M-S2CAG ({ms2cag.mode_} layout): ACC {gc.metrics.accuracy(cora.labels, ms_labels):.3f} "
      f"NMI {gc.metrics.nmi(cora.labels, ms_labels):.3f} ARI {gc.metrics.ari(cora.labels, ms_labels):.3f}")

# %%
# What S2CAG found
# ----------------
# Left, the 7-dimensional S2CAG embedding coloured by the true topic of each paper: its
# rows scaled to unit length (the rounding step reads the direction of a row, not its
# length), then its first two principal components. Right, the S2CAG clusters matched to
# the topics.
fig, axes = plt.subplots(1, 2, figsize=(12, 5), constrained_layout=True)
directions = gc.sparse.row_normalize(s2cag.embedding_)
plot_embedding(directions, cora.labels, method="pca", ax=axes[0], random_state=0)
axes[0].set_title("S2CAG embedding of Cora, coloured by topic")
plot_confusion_matrix(cora.labels, labels, ax=axes[1], colorbar=False)

# %%
# networkx with node attributes
# -----------------------------
# A planted-partition graph of 3 groups of 60 nodes whose nodes carry an attribute vector
# ``"words"`` (counts; each group favours 10 of 30 words). The features are named by the
# attribute, ``fit(G, features="words")``; labels come back in ``list(G.nodes)`` order.
rng = np.random.default_rng(0)
G = nx.planted_partition_graph(3, 60, 0.15, 0.01, seed=0)
vocab = 30
for v in G.nodes:
    group = v // 60
    rate = np.full(vocab, 0.1)
    rate[group * 10:(group + 1) * 10] = 0.8
    G.nodes[v]["words"] = rng.poisson(rate).astype(float)
truth = np.array([v // 60 for v in G.nodes])
nx_labels = gc.S2CAG(n_clusters=3).fit_predict(G, features="words")
print(f"networkx planted graph, S2CAG ARI vs groups: {gc.metrics.ari(truth, nx_labels):.3f}")

# %%
# Signed features
# ---------------
# TF-IDF and the attribute-degree step assume non-negative counts, so signed features (an
# embedding, say) are refused by default; switch both off to use them.
emb = rng.standard_normal((G.number_of_nodes(), 8)) + np.eye(3)[truth] @ rng.standard_normal((3, 8)) * 2
try:
    gc.S2CAG(n_clusters=3).fit(G, features=emb)
except ValueError as err:
    print("signed features are refused by default:", str(err)[:70], "...")
signed = gc.S2CAG(n_clusters=3, tfidf=False, attribute_norm="l2").fit_predict(G, features=emb)
print(f"signed features with tfidf=False, attribute_norm='l2': ARI {gc.metrics.ari(truth, signed):.3f}")

if matplotlib.get_backend().lower() != "agg":  # no window to open under Agg (tests, docs build)
    plt.show()
