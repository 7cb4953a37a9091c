"""The fused normalised adjacency of DEMM: a relation-weighted sum, re-weighted in place.

``A_bar = sum_r w_r A_hat_r`` is held as a :class:`graphclust.operators.WeightedSum` of the
per-relation matrices: changing the weights at an outer step changes one small array, and
nothing is re-summed into a new matrix. The official code normalises the fused matrix
again, ``D^{-1/2} A_bar D^{-1/2}`` with ``D = diag(A_bar 1)`` (not in the paper's Eq. 9);
since ``A_bar 1 = sum_r w_r (A_hat_r 1)``, that degree is a weighted sum of per-relation row
sums kept beside the operator, and the re-normalisation is two diagonal scalings of the
block around the weighted sum: still no matrix is formed.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..operators import WeightedSum, protocol_docstrings
from ..sparse import inverse_power
from .relations import row_sums

__all__ = ["FusedAdjacency"]


@protocol_docstrings
class FusedAdjacency:
    """``[D^{-1/2}] (sum_r w_r A_hat_r) [D^{-1/2}]`` as an operator whose weights change in place.

    Implements the operator protocol of :mod:`graphclust.operators` (``shape``, ``dtype``,
    ``device``, ``matmat``, ``diagonal``); symmetric, so ``rmatmat`` is ``matmat``.

    Parameters
    ----------
    relations : sequence of CSR matrices (one node set, one device)
        The per-relation normalised adjacencies ``A_hat_r``.
    weights : sequence of float
        Initial relation weights.
    renormalize : bool, default=True
        Apply ``D^{-1/2} . D^{-1/2}`` with ``D = diag(sum_r w_r A_hat_r 1)`` (official code);
        False gives the paper's Eq. 9, the plain weighted sum.

    Attributes
    ----------
    weighted_sum : graphclust.operators.WeightedSum
        The sum itself; its ``weights`` array is the one :meth:`set_weights` updates.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> A = sp.csr_array(np.array([[0.0, 1.0], [1.0, 0.0]]))
    >>> op = FusedAdjacency([A, sp.csr_array(np.eye(2))], [0.5, 0.5], renormalize=False)
    >>> op.matmat(np.ones(2)).tolist()
    [1.0, 1.0]
    >>> op.set_weights([1.0, 0.0]); op.matmat(np.array([1.0, 0.0])).tolist()
    [0.0, 1.0]
    """

    def __init__(self, relations: Sequence[Any], weights: Sequence[float], *, renormalize: bool = True) -> None:
        self.renormalize = bool(renormalize)
        self.weighted_sum, self._row_sums = self._build(relations, weights)
        self.shape = self.weighted_sum.shape
        self.dtype = self.weighted_sum.dtype
        self.device = self.weighted_sum.device
        self._scale = None
        self._refresh()

    def _build(self, relations: Sequence[Any], weights: Sequence[float]) -> tuple[Any, list | None]:
        """The weighted sum and, when re-normalising, each relation's row sums (a subclass
        holding the relations elsewhere, graphclust.distributed's, builds its own)."""
        ws = WeightedSum(list(relations), weights)
        return ws, ([row_sums(op.matrix) for op in ws.operators] if self.renormalize else None)

    def _inverse_sqrt(self, d: Any) -> Any:
        return inverse_power(d, -0.5).astype(self.dtype)

    @property
    def weights(self) -> np.ndarray:
        """The relation weights (the WeightedSum's own array)."""
        return self.weighted_sum.weights

    def set_weights(self, weights: Sequence[float]) -> None:
        """Change the relation weights in place (and the re-normalising degrees with them).

        Parameters
        ----------
        weights : sequence of float
        """
        self.weighted_sum.set_weights(weights)
        self._refresh()

    def _refresh(self) -> None:
        if not self.renormalize:
            return
        d = None
        for w, s in zip(self.weights.tolist(), self._row_sums):
            d = s * w if d is None else d + s * w
        self._scale = self._inverse_sqrt(d)

    def matmat(self, X: Any, out: Any = None) -> Any:
        if self._scale is None:
            return self.weighted_sum.matmat(X, out=out)
        s = self._scale if X.ndim == 1 else self._scale[:, None]
        Y = self.weighted_sum.matmat(X * s.astype(X.dtype, copy=False))
        Y *= s.astype(Y.dtype, copy=False)
        if out is None:
            return Y
        out[...] = Y
        return out

    rmatmat = matmat

    def diagonal(self) -> Any:
        d = self.weighted_sum.diagonal()
        return d if self._scale is None else d * self._scale * self._scale
