"""PamC on a PyTorch Geometric ``Data`` object (DBLP, shipped with graphclust).

Run: python examples/pamc_pyg.py            (add --cuda on a machine with a GPU)

1. DBLP as a PyG ``Data`` (``x`` = keyword features, ``edge_index``).
2. ``PamCClustering`` with the official README settings for DBLP (alpha 2, beta 2, order 1,
   tau 1): autoencoder pretraining, k-means centres, KL + PamC training, labels of the final
   epoch. Epochs are cut down here so that the example runs in a few minutes on a laptop CPU.
3. The same model trained with the full-negative SCGC* loss from the same pretrained encoder
   (``pretrained=``): the two differ by the contrastive loss only.
"""
import sys

import numpy as np
import torch
from torch_geometric.data import Data

import graphclust as gc

device = "cuda" if "--cuda" in sys.argv else "cpu"
dblp = gc.datasets.load("dblp")
A = dblp.adjacency.tocoo()
data = Data(
    x=torch.tensor(np.asarray(dblp.features.todense() if hasattr(dblp.features, "todense") else dblp.features),
                   dtype=torch.float32),
    edge_index=torch.tensor(np.vstack([A.row, A.col]), dtype=torch.long),
)
settings = dict(n_clusters=4, alpha=2.0, beta=2.0, order=1, tau=1.0, lr=1e-3,
                epochs=30, pretrain_epochs=10, random_state=0, device=device, verbose=True)

pamc = gc.PamCClustering(**settings).fit(data)
scores = gc.metrics.evaluate(dblp.labels, pamc.labels_)
print(f"PamC          nnz(B) {pamc.adjacency_nnz_:,}  train {pamc.timings_['train']:.1f} s  "
      + "  ".join(f"{k.upper()} {v:.3f}" for k, v in scores.items()))

full = gc.PamCClustering(negatives="full", pretrained=pamc.pretrained_state_, **settings).fit(data)
scores = gc.metrics.evaluate(dblp.labels, full.labels_)
print(f"full-negative                 train {full.timings_['train']:.1f} s  "
      + "  ".join(f"{k.upper()} {v:.3f}" for k, v in scores.items()))
