"""Block subspace iteration with QR on a linear operator (or a function applying one).

``Q <- qr(B Q)`` repeated ``n_iter`` times converges to an orthonormal basis of the invariant
subspace of the ``b`` eigenvalues of largest modulus of a symmetric operator ``B`` (rate
``|lambda_{b+1} / lambda_b|`` per step). With a fixed number of steps and no convergence test
the result is a deterministic function of the start block, which is what reproducing a
published run needs; ``tol`` adds an optional early stop for other uses.

The QR is Householder (LAPACK ``geqrf``), whose Q factor does not depend on the signs of the
input columns, so the iterates match the official S2CAG code's ``scipy.linalg.qr`` step for
step.
"""
from __future__ import annotations

from typing import Any, Callable

from ..backend import namespace_of
from ..operators import apply, as_operator, operator_astype
from .randomized import tall_qr

__all__ = ["subspace_iteration"]


def subspace_iteration(
    A: Any,
    start: Any,
    n_iter: int,
    *,
    orthonormalize_start: bool = True,
    tol: float | None = None,
    verbose: bool = False,
) -> Any:
    """Block subspace (orthogonal) iteration ``Q_{i+1} = qr(apply(Q_i))``.

    Parameters
    ----------
    A : operator, matrix or callable
        The ``n x n`` operator ``B``: anything :func:`graphclust.operators.as_operator`
        accepts (applied in the start block's dtype), or a function ``Q -> B @ Q`` for an
        ``n x b`` block (called as is).
    start : dense array, shape (n, b)
        Start block (e.g. Gaussian); numpy or cupy decides the device.
    n_iter : int
        Number of steps (each one ``apply`` and one QR).
    orthonormalize_start : bool, default True
        QR the start block first (the official M-S2CAG code does).
    tol : float, optional
        Stop early when the subspace moves less than ``tol``:
        ``||Q_new - Q Q^T Q_new||_F / sqrt(b) < tol``. None (default) runs all steps.
    verbose : bool
        tqdm bar over the steps.

    Returns
    -------
    Q : dense array (n, b), orthonormal columns.

    Examples
    --------
    >>> import numpy as np
    >>> B = np.diag([5.0, 4.0, 1.0, 0.5])
    >>> Q = subspace_iteration(B, np.ones((4, 2)) + np.eye(4, 2), 60)
    >>> np.abs(Q[:2]).round(4)
    array([[1., 0.],
           [0., 1.]])
    """
    ns = namespace_of(start)
    xp = ns.xp
    step = _step(A, start)
    if int(n_iter) < 0:
        raise ValueError(f"n_iter must be >= 0, got {n_iter}.")
    Q = tall_qr(ns, start) if orthonormalize_start else start
    steps = range(int(n_iter))
    if verbose:
        from tqdm.auto import tqdm

        steps = tqdm(steps, desc="subspace iteration", leave=False)
    for _ in steps:
        Qn = tall_qr(ns, step(Q))
        if tol is not None:
            resid = Qn - Q @ (Q.T @ Qn)
            if float(xp.linalg.norm(resid)) / max(Q.shape[1], 1) ** 0.5 < tol:
                Q = Qn
                break
        Q = Qn
    return Q


def _step(A: Any, start: Any) -> Callable[[Any], Any]:
    """``Q -> B @ Q``: a function as given, an operator through its ``matmat`` in start's dtype."""
    if callable(A) and not hasattr(A, "shape"):
        return A
    op = as_operator(A)
    if op.shape[0] != op.shape[1] or op.shape[1] != start.shape[0]:
        raise ValueError(f"A must be square with as many columns as start has rows; got {op.shape} and "
                         f"{tuple(start.shape)}.")
    op = operator_astype(op, start.dtype)
    return lambda Q: apply(op, Q)
