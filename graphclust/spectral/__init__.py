"""Spectral clustering: the structure-only reference method.

:class:`SpectralClustering` embeds the nodes with the top eigenvectors of the normalized
adjacency ``D^{-1/2} A D^{-1/2}`` and clusters the row-normalized embedding with k-means;
:func:`spectral_embedding` is the embedding step alone.
"""
from .spectral import SpectralClustering, spectral_embedding

__all__ = ["SpectralClustering", "spectral_embedding"]
