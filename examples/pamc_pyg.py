"""
PamC on a PyTorch Geometric graph
=================================

:class:`~graphclust.PamCClustering` on DBLP (shipped with graphclust) given as a PyTorch
Geometric ``Data`` object (``x`` = keyword features, ``edge_index`` = co-authorships), with
the official README settings for DBLP (alpha 2, beta 2, order 1, tau 1): autoencoder
pretraining, k-means centres, then KL + PamC training; the labels are those of the final
epoch. The same model is then trained with the full-negative SCGC* loss from the same
pretrained encoder (``pretrained=``): the two differ by the contrastive loss only.

To run in seconds on a laptop CPU the schedule is cut down here: a narrower encoder
(256-256-1024 instead of 500-500-2000), 10 pretraining and 15 training epochs. The scores
are therefore not those of the paper (docs/pamc.md has the measured ones). Add ``--cuda`` on
a machine with a GPU.
"""
import sys

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import torch
from torch_geometric.data import Data

import graphclust as gc
from graphclust.plotting import plot_confusion_matrix, plot_embedding

# %%
# DBLP as a PyG ``Data``
# ----------------------
device = "cuda" if "--cuda" in sys.argv else "cpu"
dblp = gc.datasets.load("dblp")
A = dblp.adjacency.tocoo()
X = dblp.features.toarray() if hasattr(dblp.features, "toarray") else np.asarray(dblp.features)
data = Data(
    x=torch.tensor(X, dtype=torch.float32),
    edge_index=torch.tensor(np.vstack([A.row, A.col]), dtype=torch.long),
)

# %%
# PamC and the full-negative loss
# -------------------------------
settings = dict(n_clusters=4, alpha=2.0, beta=2.0, order=1, tau=1.0, lr=1e-3,
                hidden=(256, 256, 1024), epochs=15, pretrain_epochs=10, random_state=0, device=device)
pamc = gc.PamCClustering(**settings).fit(data)
scores = gc.metrics.evaluate(dblp.labels, pamc.labels_)
print(f"PamC          nnz(B) {pamc.adjacency_nnz_:,}  train {pamc.timings_['train']:.1f} s  "
      + "  ".join(f"{k.upper()} {v:.3f}" for k, v in scores.items()))

full = gc.PamCClustering(negatives="full", pretrained=pamc.pretrained_state_, **settings).fit(data)
full_scores = gc.metrics.evaluate(dblp.labels, full.labels_)
print(f"full-negative                 train {full.timings_['train']:.1f} s  "
      + "  ".join(f"{k.upper()} {v:.3f}" for k, v in full_scores.items()))

# %%
# The learned embedding
# ---------------------
# The 10-dimensional PamC embedding ``z`` (first two principal components) coloured by the
# research area of each author, and the PamC clusters matched to the areas.
fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), constrained_layout=True)
plot_embedding(pamc.embedding_, dblp.labels, method="pca", ax=axes[0], random_state=0)
axes[0].set_title("PamC embedding of DBLP, coloured by area")
plot_confusion_matrix(dblp.labels, pamc.labels_, ax=axes[1], colorbar=False)

if matplotlib.get_backend().lower() != "agg":  # no window to open under Agg (tests, docs build)
    plt.show()
