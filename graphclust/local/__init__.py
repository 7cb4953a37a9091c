"""Local graph clustering: find one cluster around a seed, touching only its neighbourhood.

Primitives (numba kernels, strongly local, weighted graphs everywhere):

- :func:`approximate_pagerank` - ACL push, lazy approximate personalised PageRank;
- :func:`flow_diffusion` - l2 and p-norm flow diffusion (coordinate method on the dual);
- :func:`sweep_cut` - minimum-conductance prefix of a score vector; :func:`conductance`;
- ``*_batch`` variants running many queries in parallel with reused workspaces.

Noisy labels (LFD, Back de Luca, Fountoulakis and Yang, ICLR 2024):
:func:`label_weighted_graph`, :func:`label_volume`, :func:`flip_labels`, :func:`noisy_labels_from_classifier`, and
the estimator :class:`LocalClustering`.

Examples
--------
>>> import networkx as nx
>>> from graphclust.local import flow_diffusion, sweep_cut
>>> G = nx.barbell_graph(6, 0)
>>> x = flow_diffusion(G, 0, mass=45.0, random_state=0)
>>> cluster, phi = sweep_cut(G, x, normalize=False)
>>> sorted(cluster.tolist())
[0, 1, 2, 3, 4, 5]
"""
from ._common import LocalScores
from .estimator import LocalClustering
from .flow import flow_diffusion, flow_diffusion_batch
from .labels import ClassifierLabels, flip_labels, label_volume, label_weighted_graph, noisy_labels_from_classifier
from .pagerank import approximate_pagerank, approximate_pagerank_batch
from .sweep import SweepCut, conductance, sweep_cut, sweep_cut_batch

__all__ = [
    "approximate_pagerank",
    "approximate_pagerank_batch",
    "flow_diffusion",
    "flow_diffusion_batch",
    "sweep_cut",
    "sweep_cut_batch",
    "conductance",
    "label_weighted_graph",
    "label_volume",
    "flip_labels",
    "noisy_labels_from_classifier",
    "LocalClustering",
    "LocalScores",
    "SweepCut",
    "ClassifierLabels",
]
