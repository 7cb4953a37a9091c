"""
Bootstrap-AMG clustering of an attributed graph
===============================================

The graph is the Lazega lawyers' friendship network (36 partners) shipped with the official
BCMatch4Graphs code, with its 7 categorical attributes (status, gender, office, years, age,
practice, law school). :class:`~graphclust.BootstrapAMGClustering` adds one vertex per
(attribute, value), computes the bootstrap-AMG smooth vectors of the augmented graph and
clusters the partners' rows by k-means restarts kept by modularity. The figures show the
partners in the smooth embedding (with :func:`graphclust.plotting.plot_embedding`), beside
the structure-only embedding, and how the clusters split the three offices.

The data come from ``../shared/datasets/reference`` next to the repository (set
``GRAPHCLUST_SHARED`` to read them from elsewhere).
"""
import os
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import scipy.io
import scipy.sparse as sp

from graphclust import BootstrapAMGClustering
from graphclust.amg import smooth_embedding
from graphclust.plotting import plot_confusion_matrix, plot_embedding

# %%
# The Lazega friendship graph and its attributes
# ----------------------------------------------
here = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
shared = Path(os.environ.get("GRAPHCLUST_SHARED", here.parent.parent / "shared"))
ref = shared / "datasets" / "reference"
A = sp.csr_array(scipy.io.mmread(ref / "bcm_sample_LLawyers_friend36.mtx"))
A = sp.csr_array(((A + A.T) != 0).astype(float))  # friendship, made mutual
A.setdiag(0)
A.eliminate_zeros()
X = np.loadtxt(ref / "bcm_metadata_sample_LLawyers_36.txt").astype(int)
n = A.shape[0]
print(f"{n} partners, {A.nnz // 2} friendships, {X.shape[1]} attributes")

# %%
# Clustering with and without the attributes
# ------------------------------------------
attributed = BootstrapAMGClustering(4, random_state=8).fit(A, features=X)
plain = BootstrapAMGClustering(4, random_state=8, attributes="structure").fit(A)
print(f"attributed: modularity {attributed.modularity_:.4f}, entropy {attributed.entropy_:.3f}, "
      f"{attributed.report_.n_hierarchies} hierarchies, {attributed.n_attribute_vertices_} attribute vertices "
      "(official: 0.2156 / 10.553)")
print(f"structure only: modularity {plain.modularity_:.4f} (official 0.0415)")

# %%
# The smooth embeddings
# ---------------------
# Coordinates 2 and 3 of the orthonormal smooth basis (the first is nearly constant), one
# point per partner, coloured by cluster; the attribute vertices of the augmented graph are
# the grey crosses.
fig, axes = plt.subplots(1, 2, figsize=(11, 5), constrained_layout=True)
for ax, est, title in ((axes[0], attributed, "attributed (augmented graph)"), (axes[1], plain, "structure only")):
    U = smooth_embedding(est.smooth_vectors_)
    if U.shape[0] > n:
        ax.scatter(U[n:, 1], U[n:, 2], s=25, c="0.6", marker="x", label="attribute vertices")
    plot_embedding(U[:n, 1:3], est.labels_, method="columns", ax=ax, s=60)
    ax.set_title(f"{title}: modularity {est.modularity_:.3f}")
    ax.set_xlabel("smooth coordinate 2")
    ax.set_ylabel("smooth coordinate 3")

# %%
# Clusters against offices
# ------------------------
# The attributed clusters matched one-to-one to the three offices (attribute 3): the
# diagonal counts the partners put with the office their cluster is matched to.
ax = plot_confusion_matrix(X[:, 2], attributed.labels_)
ax.set_ylabel("office")

if matplotlib.get_backend().lower() != "agg":  # no window to open under Agg (tests, docs build)
    plt.show()
