"""CPU compute kernels of graphclust (numba), installed as ``graphclust.kernels.cpu``.

Modules are imported lazily by the core, so nothing here compiles at ``import graphclust``;
each kernel compiles on first use and is cached on disk (``cache=True``).
"""
import os

# graphclust alternates short parallel numba kernels with scipy / BLAS work on the main
# thread. With OpenMP's default active wait, the kernel's worker threads keep spinning after
# each parallel region and steal the cores that the next step needs: on 2 cores a 2 ms SpMM
# measured 8 ms between such steps. A passive wait costs nothing measurable on the kernels.
# setdefault: a user's own setting wins. It must be set before numba starts its OpenMP pool.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
