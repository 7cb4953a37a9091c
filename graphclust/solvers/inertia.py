"""The negative eigenvalues of a large sparse symmetric matrix: their number and eigenpairs.

:func:`negative_eigenpairs` counts the eigenvalues below 0 of a symmetric operator (the
negative index of its inertia) and returns their eigenpairs, without computing the
eigenvalues above 0. Built on :func:`graphclust.solvers.eigen.eigenpairs` (Chebyshev-filtered
subspace iteration) with a block that grows:

1. iterate a block of ``b`` columns (first ``b = 12``); at every outer step count the Ritz
   values below ``-delta``. Ritz values bound the eigenvalues from above (Courant-Fischer:
   ``theta_i >= lambda_i``), so ``c`` negative Ritz values prove ``c`` negative eigenvalues;
2. if all ``b`` are negative, stop at once and double the block, warm-started from the
   current one (its converged columns stay converged);
3. otherwise only those ``c`` pairs must converge (residual ``<= tol * ||A||``), not the
   first non-negative one: that one sits at the edge of a continuous bulk on the matrices
   this is for (the Bethe-Hessian), where subspace iteration converges very slowly. The count
   is accepted once the ``c`` pairs have converged and the next Ritz value has settled: its
   last decrease is below half its distance to ``-delta``. A Ritz value still falling fast
   towards 0 makes the loop go on until it either crosses (one more negative eigenvalue) or
   slows down.

Eigenvalues within ``delta = tol * ||A||`` of 0 count as non-negative: that is the
precision the pairs are computed to, and the sign of an eigenvalue that close to 0 is not
resolved (on a Bethe-Hessian ``H_{sqrt(rho)}`` the bulk of the spectrum starts at about 0 by
construction; on a 200 000-node SBM its edge was measured at +0.008, the spectrum
bound being about 140). The accepted count is exact up to that band wherever the filter separates
the negative eigenvalues from the bulk; an eigenvalue below ``-delta`` but so close to the
bulk edge that its Ritz value is still far above it when the others have converged can be
missed (the only way to certify it would be an LDL^T inertia count, whose fill-in on a random
graph is that of a dense matrix).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..operators import as_square_operator
from ..validation import check_random_state, check_scalar
from .eigen import DENSE_MAX, eigenpairs, estimate_spectrum_bounds

__all__ = ["negative_eigenpairs"]

_FIRST_BLOCK = 12
# The next Ritz value counts as settled when its last decrease is below this fraction of its
# distance to -delta (see the module docstring).
_SETTLED = 0.5


def negative_eigenpairs(
    A: Any,
    *,
    max_count: int | None = None,
    tol: float = 1e-5,
    max_iter: int = 500,
    random_state: Any = None,
    verbose: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """The eigenpairs of the eigenvalues of a symmetric matrix below 0, and so their number.

    See the module docstring for the algorithm and what "below 0" means at finite precision
    (eigenvalues within ``tol * ||A||`` of 0 count as non-negative).

    Parameters
    ----------
    A : sparse matrix or operator, shape (n, n)
        Symmetric; anything :func:`graphclust.operators.as_operator` accepts.
    max_count : int, optional
        Stop once this many negative eigenvalues are found (and return that many); default
        ``n`` (the iterative path, above 300 rows, finds at most ``n - 1``).
    tol : float, default=1e-5
        Residual tolerance of the returned pairs, relative to the spectral radius bound;
        also the width of the band around 0 whose eigenvalues count as non-negative.
    max_iter : int, default=500
        Outer (filter) steps per block size.
    random_state : None, int or numpy.random.Generator
        Seed of the random start block.
    verbose : bool, default=False
        A tqdm bar over the outer steps, with the count so far. How many steps the count
        needs is not known in advance, so the bar shows steps done (no total) while it runs
        and takes the number of steps run as its total when done.

    Returns
    -------
    eigenvalues : ndarray of shape (c,)
        The ``c`` negative eigenvalues, ascending (``c`` = their number, capped at
        ``max_count``).
    eigenvectors : ndarray of shape (n, c)
        Orthonormal.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> d = np.concatenate([-np.arange(1.0, 6.0), np.linspace(1.0, 10.0, 995)])
    >>> w, V = negative_eigenpairs(sp.diags_array([d], offsets=[0], format="csr"), random_state=0)
    >>> np.round(w, 6).tolist()
    [-5.0, -4.0, -3.0, -2.0, -1.0]
    """
    op = as_square_operator(A, "A")
    n = op.shape[0]
    cap = n if max_count is None else min(check_scalar(max_count, "max_count", kind=int, low=1), n)
    tol = check_scalar(tol, "tol", low=0, low_inclusive=False)
    max_iter = check_scalar(max_iter, "max_iter", kind=int, low=1)
    rng = check_random_state(random_state)
    bar = None
    if verbose:
        from tqdm.auto import tqdm

        bar = tqdm(total=None, desc="negative eigenvalues", unit="step")
    try:
        return _negative_eigenpairs(op, n, cap, tol, max_iter, rng, bar)
    finally:
        if bar is not None:
            bar.total = bar.n
            bar.refresh()
            bar.close()


def _negative_eigenpairs(op: Any, n: int, cap: int, tol: float, max_iter: int, rng: np.random.Generator,
                         bar: Any) -> tuple[np.ndarray, np.ndarray]:
    if n <= DENSE_MAX:
        # Small: every eigenvalue, densely (through the memory guard).
        vals, X = eigenpairs(op, n, which="smallest", method="dense")
        delta = tol * max(abs(float(vals[0])), abs(float(vals[-1])), 1e-300)
        c = min(int(np.sum(vals < -delta)), cap)
        _tick(bar, 1, c)
        return vals[:c], np.asarray(X[:, :c])
    bounds = estimate_spectrum_bounds(op, random_state=rng)
    delta = tol * max(abs(bounds[0]), abs(bounds[1]))
    b = min(_FIRST_BLOCK, n - 1)
    X = None
    while True:
        state: dict[str, Any] = {"c": -1, "next": None}

        def converge(theta: np.ndarray, b: int = b, state: dict = state) -> int:
            c = int(np.sum(theta < -delta))
            _tick(bar, 1, c)
            if c >= cap:
                return cap
            if c >= b:  # the whole block is negative: stop, then grow it (unless it cannot)
                return 0 if b < n - 1 else b
            nxt = float(theta[c])
            prev = state["next"] if state["c"] == c else None
            state["c"], state["next"] = c, nxt
            # Not settled: the next Ritz value is still falling fast towards -delta; keep
            # it among the pairs that must converge until it crosses or slows down.
            if prev is None or prev - nxt > _SETTLED * (nxt + delta):
                return c + 1
            return max(c, 1)

        vals, X = eigenpairs(op, b, which="smallest", method="chebyshev", block_size=b, X0=X, bounds=bounds,
                             tol=tol, max_iter=max_iter, random_state=rng, converge=converge)
        X = np.asarray(X)
        c = int(np.sum(vals < -delta))
        if c >= cap:
            return vals[:cap], X[:, :cap]
        if c < b or b >= n - 1:
            return vals[:c], X[:, :c]
        b = min(2 * b, n - 1)


def _tick(bar: Any, steps: int, count: int) -> None:
    if bar is None:
        return
    bar.update(steps)
    bar.set_postfix(negative=count, refresh=False)
