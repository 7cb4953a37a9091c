"""Solvers shared by the methods: propagation, randomized SVD, subspace iteration, k-means,
rounding and eigensolvers. A solver never knows which method calls it."""
