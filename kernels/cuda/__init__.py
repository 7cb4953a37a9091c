"""Compute kernels of graphclust (installed as graphclust.kernels)."""
