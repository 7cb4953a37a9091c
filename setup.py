"""Package discovery for graphclust.

The compute kernels live in the top-level folder ``kernels/`` of the repository but are
installed inside the package as ``graphclust.kernels`` (never as a top-level ``kernels``
module). pyproject.toml cannot express "find these packages under another name", so the
mapping is computed here; everything else is declared in pyproject.toml.
"""
from setuptools import find_packages, setup

core = find_packages(include=["graphclust", "graphclust.*"])
kernel_subpackages = find_packages(where="kernels")
kernels = ["graphclust.kernels"] + [f"graphclust.kernels.{p}" for p in kernel_subpackages]
package_dir = {"graphclust.kernels": "kernels"}
package_dir.update({f"graphclust.kernels.{p}": "kernels/" + p.replace(".", "/") for p in kernel_subpackages})

setup(packages=core + kernels, package_dir=package_dir)
