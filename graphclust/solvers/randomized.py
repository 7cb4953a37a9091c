"""Randomized range finder and randomized SVD of a linear operator (Halko, Martinsson, Tropp).

The operator ``Z`` is anything :func:`graphclust.operators.as_operator` accepts that has an
adjoint (``matmat(M) = Z @ M``, ``rmatmat(M) = Z^T @ M``): a sparse or dense matrix, a scipy
``LinearOperator``, a :class:`~graphclust.operators.WeightedSum`, or a
:class:`~graphclust.operators.FunctionOperator` over two functions, so that ``Z`` (e.g. a
smoothed attribute matrix ``sum_t c_t P^t X``) never has to be formed. The products are used
as the operator returns them (no cast), so a function-defined operator runs exactly the loop
of its functions.

``renormalize=False`` reproduces the loop of the official S2CAG code: ``Q = (Z^T Z)^q Z^T...``
power steps with no orthonormalisation in between, then one QR. In exact arithmetic the
result only depends on the subspace spanned by ``Z (Z^T Z)^q G``, which a re-orthonormalised
loop computes stably; without it the columns collapse towards the top singular vector and,
when ``(sigma_1 / sigma_{k+1})^(2q+1)`` exceeds ``1/eps`` (about 1e16), the trailing directions
are rounding noise. ``renormalize=True`` (QR after every product) is the stable variant.

Everything runs through the array namespace of the start block, so a CuPy start block (and
matvecs returning CuPy arrays) runs the whole solver on the GPU.
"""
from __future__ import annotations

from typing import Any

import numpy as np  # noqa: F401  (the docstring examples use np)

from ..backend import namespace_of, single_thread
from ..operators import as_operator

__all__ = [
    "svd_flip",
    "randomized_range_finder",
    "randomized_svd",
    "range_svd",
    "tall_qr",
    "tall_qr_with_r",
    "relative_singular_values",
]


def _with_adjoint(A: Any) -> Any:
    """``A`` as an operator that has ``rmatmat`` (TypeError otherwise)."""
    op = as_operator(A)
    if getattr(op, "rmatmat", None) is None:
        raise TypeError(f"A ({type(op).__name__}) needs an adjoint (rmatmat: M -> A^H @ M) for a randomized SVD.")
    return op


def tall_qr(ns: Any, X: Any) -> Any:
    """Orthonormal factor of the reduced Householder QR of a tall, thin block.

    On CPU the QR of an ``n x b`` block with small ``b`` is memory-bound and OpenBLAS's
    threads only add synchronisation (measured 10x slower with 2 threads than with one when
    the cores are busy), so it runs single-threaded. On GPU it is ``cupy.linalg.qr``.

    Parameters
    ----------
    ns : Namespace
        The device's namespace (:func:`graphclust.backend.get_namespace`).
    X : array of shape (n, b)
        Tall block on that device.

    Returns
    -------
    array of shape (n, b)

    Examples
    --------
    >>> from graphclust.backend import get_namespace
    >>> Q = tall_qr(get_namespace("cpu"), np.random.default_rng(0).standard_normal((50, 3)))
    >>> bool(np.allclose(Q.T @ Q, np.eye(3)))
    True
    """
    if hasattr(X, "tsqr"):
        # a block held elsewhere (graphclust.distributed.BlockVector): Householder QR by TSQR,
        # the same factor up to column signs, which U = Q U_hat does not see
        return X.tsqr()
    if ns.is_gpu:
        return ns.qr(X)
    with single_thread():
        return ns.qr(X)


def tall_qr_with_r(ns: Any, X: Any) -> tuple[Any, Any]:
    """``(Q, R)`` of the reduced Householder QR of a tall, thin block (as :func:`tall_qr`).

    The same LAPACK calls as :func:`tall_qr` (``Q`` is the same to the bit); ``R`` comes for
    free and carries the singular values of ``X`` (those of the small ``b x b`` factor).

    Parameters
    ----------
    ns : Namespace
        The array namespace of ``X`` (:func:`graphclust.backend.namespace_of`).
    X : array, shape (n, b)
        The tall block, ``n >= b``.
    """
    if ns.is_gpu:
        return ns.xp.linalg.qr(X, mode="reduced")
    with single_thread():
        return ns.xp.linalg.qr(X, mode="reduced")


def relative_singular_values(R: Any) -> np.ndarray:
    """Singular values of the ``b x b`` factor ``R`` divided by the largest (float64 host array).

    With ``R`` the triangular factor of a block ``Y = Q R`` these are the singular values of
    ``Y`` relative to its norm: a value near machine epsilon says that the direction is lost to
    rounding in ``Y`` (the check behind S2CAG's faithful-mode warning).

    Parameters
    ----------
    R : array, shape (b, b)
        Triangular factor of a QR (host or device array).

    Examples
    --------
    >>> relative_singular_values(np.diag([4.0, 2.0, 1e-20]))
    array([1.0e+00, 5.0e-01, 2.5e-21])
    """
    R = np.asarray(R.get() if hasattr(R, "get") else R, dtype=np.float64)
    with single_thread():
        s = np.linalg.svd(R, compute_uv=False)
    return s / s[0] if s.size and s[0] > 0 else s


def svd_flip(U: Any, Vt: Any) -> tuple[Any, Any]:
    """Make the signs of singular vectors deterministic (scikit-learn's u-based rule).

    For every column of ``U`` the entry of largest absolute value is made positive, and the
    matching row of ``Vt`` is flipped with it.

    Parameters
    ----------
    U : array of shape (n, k)
        Left singular vectors.
    Vt : array of shape (k, m)
        Right singular vectors (rows).

    Returns
    -------
    U, Vt : arrays
        With the signs fixed.

    Examples
    --------
    >>> U = np.array([[-2.0, 1.0], [1.0, -3.0]]); Vt = np.eye(2)
    >>> svd_flip(U, Vt)[0]
    array([[ 2., -1.],
           [-1.,  3.]])
    """
    if hasattr(U, "column_signs"):  # a distributed block: the same rule, reduced per block
        signs = U.column_signs()
        return U.scale_columns(signs), Vt * signs.astype(Vt.dtype)[:, None]
    xp = namespace_of(U, Vt).xp
    idx = xp.argmax(xp.abs(U), axis=0)
    signs = xp.sign(U[idx, xp.arange(U.shape[1])])
    signs = xp.where(signs == 0, 1.0, signs).astype(U.dtype)
    return U * signs[None, :], Vt * signs[:, None]


def randomized_range_finder(
    A: Any,
    start: Any,
    n_iter: int,
    *,
    renormalize: bool = True,
    verbose: bool = False,
    info: dict | None = None,
) -> Any:
    """Orthonormal basis ``Q`` (m x b) of the range of ``Z (Z^T Z)^n_iter G``.

    Parameters
    ----------
    A : operator or matrix, shape (m, d), with an adjoint
        ``Z`` (see the module docstring): ``matmat`` maps d x b to m x b blocks, ``rmatmat``
        m x b to d x b.
    start : dense array, shape (d, b)
        The start block ``G`` (usually Gaussian, b = rank + oversampling).
    n_iter : int
        Number of power steps ``q``.
    renormalize : bool, default True
        QR after every product (stable). False: the official S2CAG loop, no orthonormalisation
        between power steps.
    verbose : bool
        tqdm bar over the power steps.
    info : dict, optional
        If given, receives ``"block_singular_values"``: the singular values of the last block
        before its QR (``Z (Z^T Z)^n_iter G`` when ``renormalize=False``), relative to the
        largest (:func:`relative_singular_values`); without re-orthonormalisation the trailing
        ones fall towards machine epsilon as the columns collapse onto the leading direction.
        Not filled for a distributed block.

    Returns
    -------
    Q : dense array (m, b) with orthonormal columns.

    Examples
    --------
    >>> Z = np.diag([4.0, 3.0, 1e-3])
    >>> Q = randomized_range_finder(Z, np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), 3)
    >>> bool(np.allclose(np.abs(Q[:2]), np.eye(2), atol=1e-6))
    True
    """
    op = _with_adjoint(A)
    ns = namespace_of(start)
    if int(n_iter) < 0:
        raise ValueError(f"n_iter must be >= 0, got {n_iter}.")
    Q = start
    steps = range(int(n_iter))
    if verbose:
        from tqdm.auto import tqdm

        steps = tqdm(steps, desc="range finder", leave=False)
    for _ in steps:
        Q = op.matmat(Q)
        if renormalize:
            Q = tall_qr(ns, Q)
        Q = op.rmatmat(Q)
        if renormalize:
            Q = tall_qr(ns, Q)
    Y = op.matmat(Q)
    if info is None or hasattr(Y, "tsqr"):
        return tall_qr(ns, Y)
    Q, R = tall_qr_with_r(ns, Y)
    info["block_singular_values"] = relative_singular_values(R)
    return Q


def randomized_svd(
    A: Any,
    start: Any,
    n_iter: int,
    *,
    renormalize: bool = True,
    flip_sign: bool = True,
    verbose: bool = False,
    info: dict | None = None,
) -> tuple[Any, Any, Any]:
    """Randomized SVD ``Z ~ U diag(s) Vt`` of rank ``b = start.shape[1]``.

    Range finder (:func:`randomized_range_finder`), then the exact SVD of the small
    ``b x d`` matrix ``Q^T Z`` (LAPACK gesdd), then ``U = Q U_hat`` and :func:`svd_flip`.
    Callers keep the leading columns they need (the oversampled tail is less accurate).

    Parameters
    ----------
    A, start, n_iter, renormalize, verbose, info
        See :func:`randomized_range_finder`. Draw ``start`` from a seeded generator
        (``graphclust.backend.Namespace.standard_normal``) for reproducible results.
    flip_sign : bool, default True
        Apply :func:`svd_flip` (deterministic signs).

    Returns
    -------
    U : (m, b), s : (b,), Vt : (b, d)

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> Z = rng.standard_normal((60, 8)) @ np.diag([10, 5, 3, 1, .1, .1, .1, .1])
    >>> U, s, Vt = randomized_svd(Z, rng.standard_normal((8, 6)), 4)
    >>> bool(np.allclose(s[:3], np.linalg.svd(Z, compute_uv=False)[:3]))
    True
    """
    op = _with_adjoint(A)
    Q = randomized_range_finder(op, start, n_iter, renormalize=renormalize, verbose=verbose, info=info)
    return range_svd(Q, op, flip_sign=flip_sign)


def range_svd(Q: Any, A: Any, *, flip_sign: bool = True) -> tuple[Any, Any, Any]:
    """SVD ``Z ~ U diag(s) Vt`` from an orthonormal basis ``Q`` (m x b) of (most of) Z's range.

    The exact SVD of the small ``b x d`` matrix ``B = Q^T Z = (Z^T Q)^T`` (LAPACK gesdd),
    then ``U = Q U_hat`` and, when ``flip_sign``, :func:`svd_flip`. The last stage of
    :func:`randomized_svd`, shared with the Gram-based solver of
    :mod:`graphclust.solvers.gram`.

    Parameters
    ----------
    Q : dense array (m, b), orthonormal columns
    A : operator or matrix (m, d) with an adjoint, ``Z``
    flip_sign : bool, default True

    Examples
    --------
    >>> Z = np.diag([3.0, 2.0, 1.0])[:, :2]
    >>> U, s, Vt = range_svd(np.eye(3)[:, :2], Z)
    >>> s
    array([3., 2.])
    """
    ns = namespace_of(Q)
    B = _with_adjoint(A).rmatmat(Q).T
    if ns.is_gpu:
        Uh, s, Vt = ns.xp.linalg.svd(B, full_matrices=False)
    else:
        # a tiny b x d SVD, but OpenBLAS wakes its threads for it (measured up to 90 ms on a
        # busy 2-core machine against 1 ms on one thread; same result bit for bit)
        with single_thread():
            Uh, s, Vt = ns.xp.linalg.svd(B, full_matrices=False)
    U = Q @ Uh
    if flip_sign:
        U, Vt = svd_flip(U, Vt)
    return U, s, Vt
