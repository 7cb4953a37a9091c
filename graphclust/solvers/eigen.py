"""Eigenpairs of a symmetric linear operator, on CPU or GPU through the array namespace.

:func:`eigenpairs` computes the ``k`` largest or smallest (algebraic) eigenpairs of a
symmetric operator ``A`` (anything :func:`graphclust.operators.as_operator` accepts: a sparse
matrix, a scipy ``LinearOperator``, a weighted sum of relations, ...), optionally of the
generalized problem ``A x = lambda B x`` and with a preconditioner ``M``. Solvers:

- ``"chebyshev"``: block subspace iteration accelerated by Chebyshev filtering (CheFSI:
  Zhou & Saad, "A Chebyshev-Davidson algorithm for large symmetric eigenproblems", SIMAX
  2007; Zhou, Saad, Tiago & Chelikowsky, J. Comput. Phys. 2006). Each outer step applies a
  degree-``m`` Chebyshev polynomial of ``A`` that is small on the unwanted part of the
  spectrum ``[lower, cut]`` and grows fast above ``cut``, then orthonormalizes and does a
  Rayleigh-Ritz step. Every operation is an operator product, a dense GEMM or a small
  ``eigh``, so one step costs ``O(m * nnz * b + n * b^2)`` for a block of ``b`` columns, on
  either device. Smallest eigenpairs are the largest of ``c I - A``, ``c`` above the
  spectrum. On a sparse matrix the filter's ``alpha (A - shift I)`` is folded into a CSR
  copy (:class:`graphclust.operators.ShiftedOperator` with ``fold=True``): one kernel
  sweep per degree.
- ``"lobpcg"``: scipy's / cupyx's LOBPCG (takes ``M`` and ``B``).
- ``"arpack"``: ``eigsh`` (takes ``B``; in float64).
- ``"dense"``: LAPACK ``eigh`` of the materialized matrix (small problems; through the memory
  guard :func:`graphclust.memory.check_dense`).

:func:`top_eigenvectors` is the largest-eigenpairs convenience with the defaults of a
clustering embedding (float32, Chebyshev, loose tolerance).
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..backend import get_namespace, single_thread
from ..operators import (
    DenseOperator,
    FunctionOperator,
    ShiftedOperator,
    SparseOperator,
    apply,
    as_operator,
    as_square_operator,
    operator_astype,
    to_linear_operator,
)
from ..validation import check_choice, check_random_state, check_scalar

__all__ = [
    "eigenpairs",
    "top_eigenvectors",
    "chebyshev_filter",
    "filter_step",
    "estimate_spectrum_bounds",
    "orthonormalize",
    "DENSE_MAX",
    "CHEBYSHEV_MIN",
]

METHODS = ("chebyshev", "lobpcg", "arpack")
_EIGENPAIR_METHODS = ("auto", "chebyshev", "lobpcg", "arpack", "dense")

# "auto" solves problems of at most this many rows densely (tiny subgraphs of a recursion,
# k close to n); never larger ones.
DENSE_MAX = 300
# "auto", smallest eigenpairs: ARPACK up to this many rows, Chebyshev above (3x faster at
# N = 100 000, K = 64 on Bethe-Hessians; docs/benchmarks/hierarchy.md).
CHEBYSHEV_MIN = 50_000


def eigenpairs(
    A: Any,
    k: int,
    *,
    which: str = "largest",
    M: Any = None,
    B: Any = None,
    method: str = "auto",
    tol: float | None = None,
    max_iter: int | None = None,
    X0: Any = None,
    dtype: Any = np.float64,
    random_state: Any = None,
    verbose: bool = False,
    block_size: int | None = None,
    degree: int = 8,
    bounds: tuple[float, float] | None = None,
    initial_cut: float | None = None,
    start_degree: int | None = None,
    converge: Any = None,
) -> tuple[Any, Any]:
    """The ``k`` largest or smallest eigenpairs of a symmetric operator (``A x = lambda B x``).

    Parameters
    ----------
    A : operator, sparse matrix, scipy LinearOperator or dense array, shape (n, n)
        Symmetric (not checked: symmetry is the caller's contract); anything
        :func:`graphclust.operators.as_operator` accepts. Work happens on its device.
    k : int
        Number of eigenpairs, ``1 <= k <= n`` (``k >= n - 1`` needs the dense solver).
    which : {"largest", "smallest"}, default="largest"
        Algebraically largest (returned descending) or smallest (ascending).
    M : operator, matrix, scipy LinearOperator or callable, optional
        Preconditioner (an approximation of ``A^{-1}``, e.g. Jacobi or an AMG cycle),
        applied to blocks of shape (n, b). Used by LOBPCG, ignored by the dense solver
        (which needs none); ``"chebyshev"`` and ``"arpack"`` refuse it.
    B : operator, matrix or scipy LinearOperator, optional
        Symmetric positive definite mass matrix of the generalized problem
        ``A x = lambda B x`` (eigenvectors are then B-orthonormal). LOBPCG, ARPACK and
        dense; ``"chebyshev"`` refuses it.
    method : {"auto", "chebyshev", "lobpcg", "arpack", "dense"}, default="auto"
        ``"auto"``: dense when ``n <= 300`` or ``k >= n - 1``; else LOBPCG when ``M`` is given,
        ARPACK when ``B`` is; else Chebyshev for the largest eigenpairs, and for the
        smallest ARPACK up to 50 000 rows and Chebyshev above.
    tol : float, optional
        Chebyshev: convergence when every wanted Ritz pair has ``||A x - theta x|| <= tol *
        rho`` (``rho`` the spectral-radius bound), default 1e-5. LOBPCG and ARPACK: their
        ``tol`` (defaults: scipy's, and 0 = machine precision).
    max_iter : int, optional
        Outer steps (Chebyshev, default 500), iterations (LOBPCG, default 500) or ARPACK
        restarts (default ``max(1000, 20 n)``). Reaching it returns the current estimates
        (ARPACK: the converged pairs, with a warning).
    X0 : array of shape (n,) or (n, j), optional
        Starting columns (``j <=`` block size; the rest are Gaussian); ARPACK starts from
        their sum (a warm start when solving a sequence of nearby problems).
    dtype : {numpy.float32, numpy.float64}, default=numpy.float64
        Working precision (ARPACK and dense always iterate in float64); eigenvectors are
        returned in it.
    random_state : None, int or numpy.random.Generator
        Seed of the random start.
    verbose : bool, default=False
        Chebyshev: a tqdm bar with the largest residual; LOBPCG: its own log.
    block_size, degree, bounds, initial_cut, start_degree
        Chebyshev options, see :func:`top_eigenvectors`. ``bounds`` always bound the
        spectrum of ``A``; for ``which="smallest"``, ``initial_cut`` is the bottom of the
        unwanted part of A's spectrum (the first filter damps ``[initial_cut, upper]``).
    converge : callable, optional
        Chebyshev only: called at every outer step with the current Ritz values of the
        whole block (float64, in A's terms and in the returned order), it returns how many
        leading pairs must reach ``tol`` (clipped to ``[0, k]``; 0 stops at once). Default: all
        ``k``. Lets a caller converge only the pairs below a threshold, e.g. the negative
        eigenvalues of an indefinite matrix, without waiting for the rest of the block.

    Returns
    -------
    eigenvalues : ndarray of shape (k,), float64 (descending for "largest", ascending for
        "smallest")
    eigenvectors : array of shape (n, k) on A's device, in ``dtype``

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> L = sp.diags_array([np.arange(1.0, 501.0)], offsets=[0], format="csr")
    >>> w, V = eigenpairs(L, 3, which="smallest", random_state=0)
    >>> np.round(w, 8).tolist()
    [1.0, 2.0, 3.0]
    >>> M = sp.diags_array([1.0 / L.diagonal()], offsets=[0], format="csr")   # Jacobi
    >>> w, V = eigenpairs(L, 3, which="smallest", M=M, tol=1e-8, random_state=0)
    >>> np.round(w, 6).tolist()
    [1.0, 2.0, 3.0]
    """
    check_choice(which, "which", ("largest", "smallest"))
    check_choice(method, "method", _EIGENPAIR_METHODS)
    op = as_square_operator(A, "A")
    n = op.shape[0]
    k = check_scalar(k, "k", kind=int, low=1, high=n)
    dtype = _check_dtype(dtype)
    if tol is not None:
        tol = check_scalar(tol, "tol", low=0)
    if max_iter is not None:
        max_iter = check_scalar(max_iter, "max_iter", kind=int, low=1)
    if B is not None:
        B = as_square_operator(B, "B", n)
    if method == "auto":
        method = _auto_method(n, k, which, M, B)
    if method != "dense" and k >= n:
        raise ValueError(f"k={k} needs method='dense' (the iterative solvers need k < n={n}).")
    rng = check_random_state(random_state)
    if method == "dense":
        return _dense(op, k, which, B, dtype)
    if method == "chebyshev":
        if M is not None or B is not None:
            raise ValueError("method='chebyshev' takes neither M nor B; use method='lobpcg' (M, B) or 'arpack' (B).")
        if converge is not None and not callable(converge):
            raise TypeError(f"converge must be callable, got {type(converge).__name__}.")
        options = dict(block_size=block_size, degree=degree, bounds=bounds, initial_cut=initial_cut,
                       start_degree=start_degree, verbose=verbose, converge=converge)
        tol = 1e-5 if tol is None else tol
        max_iter = 500 if max_iter is None else max_iter
        if which == "largest":
            return _chebyshev(op, k, tol=tol, max_iter=max_iter, X0=X0, dtype=dtype, rng=rng, **options)
        return _chebyshev_smallest(op, k, tol=tol, max_iter=max_iter, X0=X0, dtype=dtype, rng=rng, **options)
    if converge is not None:
        raise ValueError(f"converge is a method='chebyshev' option, got method={method!r}.")
    if method == "arpack":
        if M is not None:
            raise ValueError("method='arpack' takes no preconditioner M; use method='lobpcg'.")
        return _arpack(op, k, which, B, tol, max_iter, X0, dtype, rng)
    return _lobpcg(op, k, which, M, B, tol, 500 if max_iter is None else max_iter, X0, dtype, rng, verbose)


def _check_dtype(dtype: Any) -> np.dtype:
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype}.")
    return dtype


def _auto_method(n: int, k: int, which: str, M: Any, B: Any) -> str:
    if n <= DENSE_MAX or k >= n - 1:
        return "dense"
    if M is not None:
        return "lobpcg"
    if B is not None:
        return "arpack"
    if which == "largest":
        return "chebyshev"
    return "arpack" if n <= CHEBYSHEV_MIN else "chebyshev"


def _namespace(op: Any) -> Any:
    return get_namespace(op.device)


def _start_block(op: Any, b: int, X0: Any, dtype: np.dtype, rng: np.random.Generator, copy: bool = True) -> Any:
    """Gaussian ``(n, b)`` block (drawn on the host in ``dtype``: the same numbers on both
    devices) whose first columns are ``X0``; ``X0`` itself when it fills the block and
    ``copy`` is False (for a solver that never writes into its start block)."""
    ns = _namespace(op)
    n = op.shape[0]
    if X0 is not None:
        X0 = ns.asarray(X0, dtype=dtype)
        if X0.ndim == 1:
            X0 = X0[:, None]
        if X0.ndim != 2 or X0.shape[0] != n or X0.shape[1] > b:
            raise ValueError(f"X0 must have shape (n, j) with n={n} and j <= {b}, got {tuple(X0.shape)}.")
        if X0.shape[1] == b:  # the caller gave the whole block: nothing to draw
            return X0.copy() if copy else X0
    X = ns.asarray(rng.standard_normal((n, b), dtype=dtype))
    if X0 is not None:
        X[:, : X0.shape[1]] = X0
    return X


def top_eigenvectors(
    A: Any,
    k: int,
    *,
    method: str = "chebyshev",
    block_size: int | None = None,
    degree: int = 8,
    tol: float = 1e-3,
    max_iter: int = 100,
    bounds: tuple[float, float] | None = None,
    X0: Any = None,
    initial_cut: float | None = None,
    start_degree: int | None = None,
    dtype: Any = np.float32,
    random_state: Any = None,
    verbose: bool = False,
) -> tuple[Any, Any]:
    """The ``k`` largest eigenvalues and eigenvectors of a symmetric operator.

    :func:`eigenpairs` with ``which="largest"`` and the defaults of a clustering embedding.

    Parameters
    ----------
    A : operator, sparse matrix (scipy or cupyx), scipy LinearOperator or dense array
        Symmetric, shape (n, n) (symmetry is the caller's contract). Work happens on A's
        device.
    k : int
        Number of eigenpairs, ``1 <= k < n``.
    method : {"chebyshev", "lobpcg", "arpack"}, default="chebyshev"
        ``"chebyshev"``: Chebyshev-filtered block subspace iteration (see the module
        docstring). ``"lobpcg"``: scipy's / cupyx's LOBPCG with ``largest=True``.
        ``"arpack"``: ``eigsh(which="LA")`` (scipy or cupyx; slow on large sparse graphs).
    block_size : int, optional
        Columns of the iterated block for "chebyshev" (default ``k + max(4, k // 4)``,
        at most ``n``); the extra columns speed up and stabilise convergence of the k-th
        pair.
    degree : int, default=8
        Degree of the Chebyshev polynomial per outer step (operator products per step).
    tol : float, default=1e-3
        Convergence when every wanted Ritz pair has ``||A x - theta x|| <= tol * rho``,
        ``rho = max(|lower|, |upper|)`` the spectral radius bound. For LOBPCG and ARPACK
        it is passed as their ``tol``.
    max_iter : int, default=100
        Outer steps (chebyshev) or iterations (lobpcg); ARPACK keeps its own restart
        limit. Reaching it without convergence returns the current estimates (no error).
    bounds : (float, float), optional
        An interval ``[lower, upper]`` known to contain the whole spectrum, e.g. ``(-1, 1)``
        for a normalized adjacency. Default: estimated by 20 Lanczos steps
        (:func:`estimate_spectrum_bounds`).
    X0 : array of shape (n, j), optional
        Starting columns (``j <= block size``); the remaining columns are Gaussian.
    initial_cut : float, optional
        "chebyshev": the interval ``[lower, initial_cut]`` damped by the first filter, a
        guess of the top of the unwanted spectrum (e.g. the bulk edge ``~ 2 / sqrt(c)`` of
        the normalized adjacency of a graph of average degree ``c``). Default: the
        smallest Ritz value of the start block. Later steps always cut at the smallest
        Ritz value of the block, so a poor guess costs one step, not the result.
    start_degree : int, optional
        "chebyshev": degree of the first filter (default ``degree``). From a random start
        the wanted directions carry a weight of only ``~ sqrt(k / n)``, so a stronger first
        filter saves a whole outer step on large graphs.
    dtype : numpy dtype, default=numpy.float32
        Working precision of the block. float32 halves memory traffic and is ample for
        clustering embeddings; use float64 for tight tolerances (below ~1e-5).
    random_state : None, int or numpy.random.Generator
        Seed of the random start block.
    verbose : bool, default=False
        Show a tqdm progress bar with the largest residual.

    Returns
    -------
    eigenvalues : array of shape (k,), descending (float64)
    eigenvectors : array of shape (n, k), orthonormal columns, on A's device, in ``dtype``

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> A = sp.diags_array([np.arange(100.0)], offsets=[0], format="csr")
    >>> w, V = top_eigenvectors(A, 3, dtype=np.float64, tol=1e-8, random_state=0)
    >>> np.round(w, 6).tolist()
    [99.0, 98.0, 97.0]
    """
    check_choice(method, "method", METHODS)
    op = as_square_operator(A, "A")
    n = op.shape[0]
    k = check_scalar(k, "k", kind=int, low=1, high=n - 1)
    tol = check_scalar(tol, "tol", low=0, low_inclusive=False)
    max_iter = check_scalar(max_iter, "max_iter", kind=int, low=1)
    dtype = _check_dtype(dtype)
    rng = check_random_state(random_state)
    if method == "chebyshev":
        return _chebyshev(op, k, block_size=block_size, degree=degree, tol=tol, max_iter=max_iter, bounds=bounds,
                          X0=X0, initial_cut=initial_cut, start_degree=start_degree, dtype=dtype, rng=rng,
                          verbose=verbose)
    if method == "lobpcg":
        return _lobpcg(op, k, "largest", None, None, tol, max_iter, X0, dtype, rng, verbose)
    # ARPACK keeps its own restart limit (documented above)
    return _arpack(op, k, "largest", None, tol, None, X0, dtype, rng)


def _chebyshev(
    op: Any, k: int, *, block_size: int | None, degree: int, tol: float, max_iter: int,
    bounds: tuple[float, float] | None, X0: Any, initial_cut: float | None, start_degree: int | None,
    dtype: np.dtype, rng: np.random.Generator, verbose: bool, converge: Any = None,
) -> tuple[Any, Any]:
    """Largest eigenpairs by Chebyshev-filtered subspace iteration (validated inputs)."""
    n = op.shape[0]
    degree = check_scalar(degree, "degree", kind=int, low=1)
    if block_size is None:
        block_size = min(n, k + max(4, k // 4))
    block_size = check_scalar(block_size, "block_size", kind=int, low=k, high=n)
    op = operator_astype(op, dtype)
    # no copy of a full start block: the loop's first step orthonormalizes it into a new
    # array (100 MB saved at 1M nodes x 25 columns)
    X = _start_block(op, block_size, X0, dtype, rng, copy=False)
    if bounds is None:
        bounds = estimate_spectrum_bounds(op, random_state=rng)
    lower, upper = _check_bounds(bounds)
    if initial_cut is not None:
        initial_cut = check_scalar(initial_cut, "initial_cut", low=lower, high=upper, low_inclusive=False,
                                   high_inclusive=False)
    start_degree = degree if start_degree is None else check_scalar(start_degree, "start_degree", kind=int, low=1)
    args = (op, k, X, (start_degree, degree), tol, max_iter, lower, upper, initial_cut, _namespace(op), verbose,
            converge)
    if op.device != "cpu":
        return _chebyshev_loop(*args)
    # The dense work is tall-skinny (n x b by b x b) and memory-bound: one BLAS thread is as
    # fast as many, and multithreaded OpenBLAS collapses (10-100x slower) on a busy machine.
    # The sparse products run on numba's own threads and are not affected.
    with single_thread():
        return _chebyshev_loop(*args)


def _check_bounds(bounds: Any) -> tuple[float, float]:
    lower, upper = float(bounds[0]), float(bounds[1])
    if not (np.isfinite(lower) and np.isfinite(upper) and lower < upper):
        raise ValueError(f"bounds must be finite with lower < upper, got {bounds!r}.")
    return lower, upper


def _chebyshev_smallest(op: Any, k: int, *, bounds: tuple[float, float] | None, rng: np.random.Generator,
                        initial_cut: float | None, **options: Any) -> tuple[Any, Any]:
    """Smallest eigenpairs: the largest of ``c I - A`` with ``c`` above the spectrum of ``A``
    (``initial_cut``, the bottom of A's unwanted part, is mapped there too)."""
    lo, hi = _check_bounds(bounds) if bounds is not None else estimate_spectrum_bounds(op, random_state=rng)
    width = hi - lo
    c = hi + 0.01 * width
    options["initial_cut"] = None if initial_cut is None else c - float(initial_cut)
    converge = options.get("converge")
    if converge is not None:  # the loop sees c - A's values, descending: hand back A's, ascending
        options["converge"] = lambda theta: converge(c - np.asarray(theta))
    # c I - A, folded into one CSR copy when A is sparse (the products stay one kernel sweep)
    flipped = ShiftedOperator(op, shift=c, scale=-1.0, fold=True)
    vals, vecs = _chebyshev(flipped, k, bounds=(c - hi - 0.01 * width, c - lo + 0.01 * width), rng=rng, **options)
    vals = c - np.asarray(vals)
    order = np.argsort(vals)
    ns = _namespace(op)
    return vals[order], vecs[:, ns.xp.asarray(order)]


def _chebyshev_loop(
    A: Any, k: int, X: Any, degrees: tuple[int, int], tol: float, max_iter: int, lower: float, upper: float,
    initial_cut: float | None, ns: Any, verbose: bool, converge: Any = None
) -> tuple[Any, Any]:
    xp = ns.xp
    start_degree, degree = degrees
    rho = max(abs(lower), abs(upper))
    X = orthonormalize(X, xp)
    AX = apply(A, X)
    shifted = ShiftedOperator(A, fold=True) if max(degrees) > 1 else None
    bar = None
    if verbose:
        from tqdm.auto import tqdm

        bar = tqdm(total=max_iter, desc="chebyshev subspace", unit="step")
    try:
        for it in range(max_iter + 1):
            theta, X, AX = _rayleigh_ritz(X, AX, xp)
            want = k if converge is None else max(0, min(k, int(converge(theta.copy()))))
            R = AX[:, :want] - X[:, :want] * xp.asarray(theta[:want], dtype=X.dtype)[None, :]
            res = float(xp.sqrt((R * R).sum(axis=0)).max()) / rho if want else 0.0
            if bar is not None:
                bar.set_postfix(residual=f"{res:.2e}")
            if res <= tol or it == max_iter:
                break
            deg, cut = filter_step(it, float(theta[-1]), lower, upper, degree, start_degree, initial_cut)
            Y = chebyshev_filter(A, X, deg, lower, cut, upper, AX=AX, shifted=shifted)
            X = orthonormalize(Y, xp)
            AX = apply(A, X)
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            # Converged before max_iter: the total becomes the steps actually run.
            bar.total = bar.n
            bar.refresh()
            bar.close()
    return np.asarray(ns.to_numpy(theta[:k]), dtype=np.float64), X[:, :k]


# Rows per chunk of the float64 Gram products (bounds the temporary float64 copies).
_GRAM_CHUNK = 1 << 16


def _gram(X: Any, Y: Any, xp: Any) -> np.ndarray:
    """``X^T Y`` accumulated in float64 (host array), in row chunks.

    float32 blocks keep the sparse products fast, but a float32 Gram over a million rows
    loses the digits the orthonormalization needs; chunking avoids a full float64 copy.
    """
    b1, b2 = X.shape[1], Y.shape[1]
    G = xp.zeros((b1, b2), dtype=xp.float64)
    n = X.shape[0]
    for start in range(0, n, _GRAM_CHUNK):
        Xc = X[start:start + _GRAM_CHUNK].astype(xp.float64)
        Yc = Xc if Y is X else Y[start:start + _GRAM_CHUNK].astype(xp.float64)
        G += Xc.T @ Yc
    return np.asarray(G.get() if hasattr(G, "get") else G)


def orthonormalize(X: Any, xp: Any = np) -> Any:
    """Orthonormal basis of the columns of a tall block, by SVQB applied twice.

    SVQB (Stathopoulos & Wu, SISC 2002): with ``G = X^T X = U S U^T`` (float64),
    ``Q = X U S^{-1/2}``; directions with ``S`` below ``1e-12 * max S`` are replaced by
    random ones orthogonalised in the second pass, so a rank-deficient block still
    yields a full orthonormal basis. Only Gram products and one small GEMM per pass: much
    faster than Householder QR on tall-skinny blocks, and the same code on CPU and GPU.

    Parameters
    ----------
    X : array of shape (n, k)
        Tall block, ``n >= k``.
    xp : module, default numpy
        Array namespace of ``X`` (numpy or cupy).

    Returns
    -------
    array of shape (n, k)

    Examples
    --------
    >>> import numpy as np
    >>> Q = orthonormalize(np.random.default_rng(0).standard_normal((100, 4)))
    >>> bool(np.allclose(Q.T @ Q, np.eye(4), atol=1e-10))
    True
    """
    for rnd in range(3):
        G = _gram(X, X, xp)
        s, U = np.linalg.eigh(G)
        floor = max(float(s[-1]), 1e-300) * 1e-12
        weak = s <= floor
        scale = 1.0 / np.sqrt(np.where(weak, 1.0, s))
        M = xp.asarray((U * scale[None, :]).astype(X.dtype))
        X = X @ M
        if weak.any():
            # Lost directions: refill with deterministic pseudo-random columns; the
            # second pass orthogonalises them against the rest.
            fill = np.random.default_rng(int(weak.sum())).standard_normal((X.shape[0], int(weak.sum())))
            X[:, xp.asarray(np.flatnonzero(weak))] = xp.asarray(fill.astype(X.dtype)) / np.sqrt(X.shape[0])
        elif rnd >= 1:
            break  # two clean passes: orthonormal to working precision
    return X


def _rayleigh_ritz(X: Any, AX: Any, xp: Any) -> tuple[np.ndarray, Any, Any]:
    """Ritz values (descending, host float64) and the rotated X, AX."""
    H = _gram(X, AX, xp)
    H = (H + H.T) / 2
    # The b x b problem is solved on the host in float64: tiny, and exact enough.
    theta, V = np.linalg.eigh(H)
    order = np.argsort(theta)[::-1]
    theta, V = theta[order], V[:, order]
    Vd = xp.asarray(V.astype(X.dtype))
    return theta, X @ Vd, AX @ Vd


def filter_step(
    it: int, smallest_ritz: float, lower: float, upper: float, degree: int, start_degree: int,
    initial_cut: float | None,
) -> tuple[int, float]:
    """Degree and cut of outer step ``it`` of the Chebyshev-filtered subspace iteration.

    The filter damps everything at or below the smallest Ritz value of the block, the cut
    kept inside ``(lower, upper)`` so the filter stays well defined when the block already
    sits in a cluster of eigenvalues near the top. The first step filters a random block: it
    takes ``start_degree`` (more amplification) and ``initial_cut`` when given (its Ritz
    values, near the middle of the spectrum, make a poor cut). Shared by the single-machine
    loop and :mod:`graphclust.distributed`.

    Parameters
    ----------
    it : int
        Outer step, from 0.
    smallest_ritz : float
        Smallest Ritz value of the current block.
    lower, upper : float
        Bounds of the spectrum.
    degree, start_degree : int
    initial_cut : float or None

    Returns
    -------
    degree : int
    cut : float

    Examples
    --------
    >>> filter_step(3, 0.5, -1.0, 1.0, 8, 12, None)
    (8, 0.5)
    >>> filter_step(0, 0.5, -1.0, 1.0, 8, 12, 0.3)
    (12, 0.3)
    """
    width = upper - lower
    cut = max(min(smallest_ritz, upper - 0.02 * width), lower + 0.02 * width)
    if it == 0:
        return start_degree, (cut if initial_cut is None else initial_cut)
    return degree, cut


def chebyshev_filter(
    A: Any, X: Any, degree: int, lower: float, cut: float, upper: float, *, AX: Any = None,
    shifted: ShiftedOperator | None = None,
) -> Any:
    """Apply the scaled Chebyshev filter ``p(A) X`` that damps ``[lower, cut]``.

    ``p(t) = T_m((t - c) / e) / T_m((upper - c) / e)`` with ``c, e`` the centre and
    half-width of ``[lower, cut]``: ``|p| <= 1 / T_m(...)`` on the damped interval while
    eigenvalues near ``upper`` keep a weight near 1.

    The three-term recurrence ``Y_{j+1} = M Y_j - Y_{j-1}`` with ``M = (2/e)(A - c I)``
    needs one product with ``M`` and one in-place subtraction per degree. ``M`` is a
    :class:`graphclust.operators.ShiftedOperator` of ``A`` with ``fold=True``: for a sparse
    ``A`` the shift and scale live in the data of a CSR copy, so a product is one kernel
    sweep. ``Y_j`` grows like ``T_j((upper - c)/e)``; both carried blocks are divided by that
    factor whenever it passes 1e8, so float32 never overflows, and the result is divided by
    it at the end.

    Parameters
    ----------
    A : operator or matrix (symmetric), see :func:`graphclust.operators.as_operator`
    X : dense block (not modified)
    degree : int
        Polynomial degree = number of products with ``A`` (one fewer when ``AX`` is given).
    lower, cut, upper : float
        ``lower < cut < upper``; the spectrum must lie in ``[lower, upper]``.
    AX : dense block, optional
        ``A @ X`` when already known (saves one product).
    shifted : graphclust.operators.ShiftedOperator, optional
        ``ShiftedOperator(A, fold=True)``, prebuilt when the filter is applied repeatedly
        (saves the ``O(nnz)`` copy); its shift and scale are overwritten.

    Returns
    -------
    Y : dense block like X

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> A = sp.diags_array([np.array([0.0, 0.5, 1.0])], offsets=[0], format="csr")
    >>> Y = chebyshev_filter(A, np.ones((3, 1)), 10, -1.0, 0.6, 1.0)
    >>> bool(Y[2, 0] > 100 * abs(Y[0, 0]))
    True
    """
    A = as_operator(A)
    e = (cut - lower) / 2.0
    c = (cut + lower) / 2.0
    t0 = (upper - c) / e  # > 1: where the polynomial is normalised to 1
    if AX is None:
        AX = apply(A, X)
    # Y_1 = T_1(t(A)) X = (A X - c X) / e
    Y = AX * (1.0 / e)
    Y -= X * (c / e)
    if degree == 1:
        return Y / t0
    if shifted is None:
        shifted = ShiftedOperator(A, fold=True)
    shifted.scale, shifted.shift = 2.0 / e, c
    rho_prev, rho = 1.0, t0  # T_{j-1}(t0), T_j(t0)
    prev, spare = X, None
    for _ in range(2, degree + 1):
        out = apply(shifted, Y, out=spare)
        out -= prev
        rho_prev, rho = rho, 2.0 * t0 * rho - rho_prev
        # Reuse the buffer of Y_{j-1} next time, never the caller's X.
        spare = prev if prev is not X else None
        prev, Y = Y, out
        if rho > 1e8:
            # Keep magnitudes moderate: divide both carried blocks (the recurrence is linear).
            Y *= 1.0 / rho
            if prev is X:  # never scale the caller's block in place
                prev = X * (1.0 / rho)
            else:
                prev *= 1.0 / rho
            rho_prev, rho = rho_prev / rho, 1.0
    Y *= 1.0 / rho
    return Y


def estimate_spectrum_bounds(A: Any, n_steps: int = 20, random_state: Any = None) -> tuple[float, float]:
    """Interval containing the spectrum of a symmetric operator, from a short Lanczos run.

    ``[min Ritz - |beta|, max Ritz + |beta|]`` after ``n_steps`` Lanczos steps with full
    reorthogonalization (Zhou & Li, "Bounding the spectrum of large Hermitian matrices",
    LAA 2011), widened by 1% of its width. Good upper/lower estimates in practice, not a
    proof. Returns Python floats.

    Parameters
    ----------
    A : operator or matrix (symmetric), see :func:`graphclust.operators.as_operator`
    n_steps : int, default=20
    random_state : None, int or numpy.random.Generator

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> A = sp.diags_array([np.linspace(-2, 3, 50)], offsets=[0], format="csr")
    >>> lo, hi = estimate_spectrum_bounds(A, random_state=0)
    >>> bool(lo <= -2 and hi >= 3)
    True
    """
    A = as_operator(A)
    ns = _namespace(A)
    xp = ns.xp
    rng = check_random_state(random_state)
    n = A.shape[0]
    m = max(1, min(n_steps, n))
    v = ns.standard_normal(rng, (n,), np.float64)
    v /= xp.linalg.norm(v)
    Vs = [v]
    alphas, betas = [], []
    beta = 0.0
    Af = operator_astype(A, np.float64)
    for j in range(m):
        w = apply(Af, Vs[-1])
        alpha = float(Vs[-1] @ w)
        alphas.append(alpha)
        for q in Vs:  # full reorthogonalization: m is small
            w = w - float(q @ w) * q
        beta = float(xp.linalg.norm(w))
        if beta <= 1e-12 or j == m - 1:
            break
        betas.append(beta)
        Vs.append(w / beta)
    T = np.diag(alphas) + np.diag(betas[: len(alphas) - 1], 1) + np.diag(betas[: len(alphas) - 1], -1)
    ritz = np.linalg.eigvalsh(T)
    lo, hi = float(ritz[0] - beta), float(ritz[-1] + beta)
    pad = 0.01 * max(hi - lo, 1e-12)
    return lo - pad, hi + pad


def _library_operator(op: Any, ns: Any) -> Any:
    """``op`` in the form scipy's / cupyx's solvers take (the matrix itself when sparse)."""
    if isinstance(op, (SparseOperator, DenseOperator)) and ns.is_gpu:
        return op.matrix
    if ns.is_gpu:  # pragma: no cover - needs a GPU
        from cupyx.scipy.sparse.linalg import LinearOperator

        return LinearOperator(op.shape, matvec=op.matmat, matmat=op.matmat, dtype=op.dtype)
    return to_linear_operator(op)


def _preconditioner(M: Any, n: int, dtype: np.dtype, ns: Any) -> Any:
    """A preconditioner given as an operator, a matrix, a LinearOperator or a callable."""
    if M is None:
        return None
    if callable(M) and not hasattr(M, "shape"):
        M = FunctionOperator((n, n), M, dtype=dtype, device=ns.name)
    op = as_square_operator(M, "M", n)
    return _library_operator(operator_astype(op, dtype), ns)


def _lobpcg(op: Any, k: int, which: str, M: Any, B: Any, tol: float | None, max_iter: int, X0: Any,
            dtype: np.dtype, rng: np.random.Generator, verbose: bool) -> tuple[Any, Any]:
    ns = _namespace(op)
    op = operator_astype(op, dtype)
    X = _start_block(op, k, X0, dtype, rng)
    if ns.is_gpu:  # pragma: no cover - needs a GPU
        from cupyx.scipy.sparse.linalg import lobpcg
    else:
        from scipy.sparse.linalg import lobpcg
    Mop = _preconditioner(M, op.shape[0], dtype, ns)
    Bop = None if B is None else _library_operator(operator_astype(B, dtype), ns)
    w, V = lobpcg(_library_operator(op, ns), X, B=Bop, M=Mop, tol=tol, maxiter=max_iter,
                  largest=which == "largest", verbosityLevel=int(bool(verbose)))
    return _sorted(w, V, which, dtype, ns)


def _sorted(w: Any, V: Any, which: str, dtype: np.dtype, ns: Any) -> tuple[np.ndarray, Any]:
    w = np.asarray(ns.to_numpy(w), dtype=np.float64)
    order = np.argsort(w)
    if which == "largest":
        order = order[::-1]
    V = V[:, ns.xp.asarray(order)]
    return w[order], V if V.dtype == dtype else V.astype(dtype)


def _arpack(op: Any, k: int, which: str, B: Any, tol: float | None, max_iter: int | None, X0: Any,
            dtype: np.dtype, rng: np.random.Generator) -> tuple[Any, Any]:
    ns = _namespace(op)
    n = op.shape[0]
    if ns.is_gpu:  # pragma: no cover - needs a GPU
        from cupyx.scipy.sparse.linalg import eigsh
    else:
        from scipy.sparse.linalg import ArpackNoConvergence, eigsh
    # ARPACK iterates in float64 (its float32 path converges poorly); an explicit sparse matrix
    # is handed over as one (scipy then factorizes a sparse B directly).
    op = operator_astype(op, np.float64)
    A64 = op.matrix if isinstance(op, SparseOperator) else _library_operator(op, ns)
    B64 = None
    if B is not None:
        if ns.is_gpu:  # pragma: no cover - needs a GPU
            raise ValueError("cupyx's eigsh has no mass matrix B: use method='lobpcg' on the GPU.")
        B = operator_astype(B, np.float64)
        B64 = B.matrix if isinstance(B, SparseOperator) else _library_operator(B, ns)
    v0 = None
    if X0 is not None:
        X0 = ns.asarray(X0, dtype=np.float64)
        if X0.ndim not in (1, 2) or X0.shape[0] != n:
            raise ValueError(f"X0 must have shape (n,) or (n, j) with n={n}, got {tuple(X0.shape)}.")
        v0 = X0 if X0.ndim == 1 else X0.sum(axis=1)
        if not bool(ns.xp.any(v0)):
            v0 = None
    if v0 is None:
        v0 = ns.asarray(rng.standard_normal(n))
    kwargs: dict[str, Any] = dict(k=k, which="LA" if which == "largest" else "SA", v0=v0,
                                  ncv=min(n, max(2 * k + 1, 20)), tol=0.0 if tol is None else tol)
    if B64 is not None:
        kwargs["M"] = B64
    if not ns.is_gpu:
        kwargs["maxiter"] = max(1000, 20 * n) if max_iter is None else max_iter
    elif max_iter is not None:  # pragma: no cover - needs a GPU
        kwargs["maxiter"] = max_iter
    try:
        w, V = eigsh(A64, **kwargs)
    except Exception as err:  # ArpackNoConvergence (scipy): keep what converged
        if ns.is_gpu or not isinstance(err, ArpackNoConvergence) or err.eigenvalues.size == 0:
            raise
        warnings.warn(f"ARPACK did not fully converge: {err}", RuntimeWarning, stacklevel=3)
        w, V = err.eigenvalues, err.eigenvectors
    return _sorted(w, V, which, dtype, ns)


def _dense_matrix(op: Any, name: str) -> Any:
    """The entries of ``op`` as a dense float64 array (through the memory guard)."""
    from ..memory import check_dense

    ns = _namespace(op)
    n = op.shape[0]
    check_dense((n, n), np.float64, what=f"dense {name} of the eigenproblem",
                hint="use an iterative method (method='chebyshev', 'lobpcg' or 'arpack') with a smaller k")
    if isinstance(op, DenseOperator):
        return op.matrix.astype(np.float64, copy=False)
    if isinstance(op, SparseOperator):
        M = op.matrix if op.dtype == np.float64 else op.matrix.astype(np.float64)
        return M.toarray()
    D = apply(operator_astype(op, np.float64), ns.xp.eye(n, dtype=np.float64))
    return (D + D.T) * 0.5  # exactly symmetric: the operator's products may round the triangles apart


def _dense(op: Any, k: int, which: str, B: Any, dtype: np.dtype) -> tuple[Any, Any]:
    ns = _namespace(op)
    xp = ns.xp
    H = _dense_matrix(op, "matrix")
    if B is None:
        w, V = xp.linalg.eigh(H)
    elif ns.is_gpu:  # pragma: no cover - needs a GPU; cupy has no generalized eigh
        L = xp.linalg.cholesky(_dense_matrix(B, "mass matrix B"))
        Li = xp.linalg.inv(L)
        w, Y = xp.linalg.eigh(Li @ H @ Li.T)
        V = Li.T @ Y
    else:
        import scipy.linalg

        w, V = scipy.linalg.eigh(H, _dense_matrix(B, "mass matrix B"))
    w = np.asarray(ns.to_numpy(w), dtype=np.float64)
    sel = np.arange(k) if which == "smallest" else np.arange(w.size - 1, w.size - 1 - k, -1)
    V = V[:, xp.asarray(sel)]
    return w[sel], V if V.dtype == dtype else V.astype(dtype)
