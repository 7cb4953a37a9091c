"""Composite solvers over several hierarchies (BootCMatch's bootstrap preconditioners).

With ``V_k`` one V-cycle of hierarchy ``k`` applied to the current iterate of ``A x = b``:

- ``"multiplicative"`` (the shipped setting): ``x <- V_J(... V_2(V_1(x)) ...)``;
- ``"symmetrized"`` (BootCMatch's library default): hierarchies ``1..J`` then ``J..1``, a
  symmetric operator usable in CG / LOBPCG;
- ``"additive"``: ``x <- (1/J) sum_k V_k(x)``, every ``V_k`` started from the same ``x``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..backend import namespace_of
from .hierarchy import Hierarchy, _preconditioner

__all__ = ["COMPOSITES", "composite_apply", "CompositeSolver"]

COMPOSITES = ("multiplicative", "symmetrized", "additive")


def composite_apply(hierarchies: list, x: Any, b: Any, kind: str = "multiplicative") -> Any:
    """One application of the composite solver to ``A x = b`` (``x`` updated in place).

    Parameters
    ----------
    hierarchies : list of Hierarchy
        Of the same matrix.
    x, b : float64 arrays (n,)
    kind : {"multiplicative", "symmetrized", "additive"}

    Returns
    -------
    x

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from graphclust.amg.hierarchy import build_hierarchy
    >>> n = 100
    >>> A = sp.csr_array(sp.diags([-np.ones(n - 1), 2.01 * np.ones(n), -np.ones(n - 1)], [-1, 0, 1]))
    >>> H = [build_hierarchy(A, np.ones(n))]
    >>> x = np.random.default_rng(0).standard_normal(n)
    >>> e0 = float(x @ (A @ x)); _ = composite_apply(H, x, np.zeros(n))
    >>> bool(x @ (A @ x) < 0.5 * e0)
    True
    """
    if kind == "multiplicative":
        for h in hierarchies:
            h.vcycle(x, b)
    elif kind == "symmetrized":
        for h in list(hierarchies) + list(hierarchies)[::-1]:
            h.vcycle(x, b)
    elif kind == "additive":
        xp = namespace_of(x).xp
        acc = xp.zeros_like(x)
        for h in hierarchies:
            acc += h.vcycle(x.copy(), b)
        x[...] = acc / len(hierarchies)
    else:
        raise ValueError(f"composite must be one of {COMPOSITES}, got {kind!r}.")
    return x


@dataclass
class CompositeSolver:
    """A composite solver over ``hierarchies`` (all of the same matrix).

    Attributes
    ----------
    hierarchies : list of Hierarchy
    kind : {"multiplicative", "symmetrized", "additive"}
    """

    hierarchies: list = field(default_factory=list)
    kind: str = "multiplicative"

    @property
    def shape(self) -> tuple[int, int]:
        return self.hierarchies[0].shape

    def apply(self, x: Any, b: Any) -> Any:
        """One composite iteration on ``A x = b`` from ``x`` (in place).

        Parameters
        ----------
        x : array
            Current iterate, updated in place.
        b : array
            Right-hand side.

        Returns
        -------
        array
            ``x``.
        """
        return composite_apply(self.hierarchies, x, b, self.kind)

    def as_preconditioner(self) -> Any:
        """``r -> composite(0, r)`` as a scipy LinearOperator (symmetric for ``"symmetrized"``
        and ``"additive"`` with exact coarse solves).

        Examples
        --------
        >>> import numpy as np, scipy.sparse as sp
        >>> from graphclust.amg.hierarchy import build_hierarchy
        >>> n = 50
        >>> A = sp.csr_array(sp.diags([-np.ones(n - 1), 2.01 * np.ones(n), -np.ones(n - 1)], [-1, 0, 1]))
        >>> M = CompositeSolver([build_hierarchy(A, np.ones(n))], "symmetrized").as_preconditioner()
        >>> M.shape
        (50, 50)
        """
        n = self.shape[0]
        return _preconditioner(self.shape, lambda r: self.apply(namespace_of(r).xp.zeros(n), r))


def _check_hierarchies(hierarchies: list) -> None:
    if not hierarchies or not all(isinstance(h, Hierarchy) for h in hierarchies):
        raise ValueError("hierarchies must be a non-empty list of graphclust.amg.Hierarchy.")
