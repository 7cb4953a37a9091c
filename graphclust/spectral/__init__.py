"""Spectral clustering: the structure-only reference method.

:class:`SpectralClustering` embeds the nodes with the top eigenvectors of the normalized
adjacency ``D^{-1/2} A D^{-1/2}`` (optionally regularized) and clusters the row-normalized
embedding with k-means; :func:`spectral_embedding` is the embedding step alone.
"""
from .spectral import SpectralClustering, resolve_regularization, resolve_tol, spectral_embedding

__all__ = ["SpectralClustering", "spectral_embedding", "resolve_tol", "resolve_regularization"]
