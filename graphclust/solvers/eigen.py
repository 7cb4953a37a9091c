"""Top eigenpairs of a symmetric sparse matrix, on CPU or GPU through the array namespace.

:func:`top_eigenvectors` computes the ``k`` largest (algebraic) eigenvalues and their
eigenvectors of a symmetric CSR matrix. The default solver is block subspace iteration
accelerated by Chebyshev filtering (CheFSI: Zhou & Saad, "A Chebyshev-Davidson algorithm
for large symmetric eigenproblems", SIMAX 2007; Zhou, Saad, Tiago & Chelikowsky, J. Comput.
Phys. 2006): each outer step applies a degree-``m`` Chebyshev polynomial of ``A`` that is
small on the unwanted part of the spectrum ``[lower, cut]`` and grows fast above ``cut``,
then orthonormalizes and does a Rayleigh-Ritz step. Every operation is a sparse-times-dense
block product (:func:`graphclust.sparse.spmm`), a dense GEMM or a small ``eigh``, so one step
costs ``O(m * nnz * b + n * b^2)`` for a block of ``b`` columns, on either device.

LOBPCG (scipy or cupyx) and ARPACK (``eigsh``) are offered as alternatives.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..backend import get_namespace, namespace_of, single_thread
from ..validation import check_choice, check_random_state, check_scalar

__all__ = ["top_eigenvectors", "chebyshev_filter", "estimate_spectrum_bounds", "orthonormalize", "ShiftedOperator"]

METHODS = ("chebyshev", "lobpcg", "arpack")


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
    """The ``k`` largest eigenvalues and eigenvectors of a symmetric sparse matrix.

    Parameters
    ----------
    A : scipy.sparse CSR (CPU) or cupyx.scipy.sparse CSR (GPU), shape (n, n)
        Symmetric matrix (not checked: symmetry is the caller's contract). Work happens on
        A's device.
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
        Degree of the Chebyshev polynomial per outer step (sparse products per step).
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
    if not hasattr(A, "shape") or len(A.shape) != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"A must be a square sparse matrix, got shape {getattr(A, 'shape', None)}.")
    n = int(A.shape[0])
    k = check_scalar(k, "k", kind=int, low=1, high=n - 1)
    tol = check_scalar(tol, "tol", low=0, low_inclusive=False)
    max_iter = check_scalar(max_iter, "max_iter", kind=int, low=1)
    degree = check_scalar(degree, "degree", kind=int, low=1)
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype}.")
    if block_size is None:
        block_size = min(n, k + max(4, k // 4))
    block_size = check_scalar(block_size, "block_size", kind=int, low=k, high=n)
    rng = check_random_state(random_state)
    from ..operators import is_operator

    ns = get_namespace(A.device) if is_operator(A) else namespace_of(A)
    A = A.astype(dtype) if A.dtype != dtype else A

    # Drawn on the host directly in the working dtype (same numbers on both devices).
    X = ns.asarray(rng.standard_normal((n, block_size), dtype=dtype))
    if X0 is not None:
        X0 = ns.asarray(X0, dtype=dtype)
        if X0.ndim == 1:
            X0 = X0[:, None]
        if X0.shape[0] != n or X0.shape[1] > block_size:
            raise ValueError(f"X0 must have shape (n, j) with n={n} and j <= {block_size}, got {X0.shape}.")
        X[:, : X0.shape[1]] = X0

    if method == "arpack":
        return _arpack(A, k, tol, max_iter, X[:, 0], ns)
    if method == "lobpcg":
        return _lobpcg(A, k, tol, max_iter, X[:, :k], ns, verbose)

    if bounds is None:
        bounds = estimate_spectrum_bounds(A, random_state=rng)
    lower, upper = float(bounds[0]), float(bounds[1])
    if not (np.isfinite(lower) and np.isfinite(upper) and lower < upper):
        raise ValueError(f"bounds must be finite with lower < upper, got {bounds!r}.")
    if initial_cut is not None:
        initial_cut = check_scalar(initial_cut, "initial_cut", low=lower, high=upper, low_inclusive=False,
                                   high_inclusive=False)
    start_degree = degree if start_degree is None else check_scalar(start_degree, "start_degree", kind=int, low=1)
    return _chebyshev_subspace(A, k, X, (start_degree, degree), tol, max_iter, lower, upper, initial_cut, ns, verbose)


def _matmat(A: Any, X: Any, out: Any = None) -> Any:
    from ..operators import is_operator
    from ..sparse import spmm

    if is_operator(A):  # an operator of graphclust.operators (e.g. sparse + low-rank)
        return A.matmat(X, out=out)
    return spmm(A, X) if out is None else spmm(A, X, out=out)


def _chebyshev_subspace(
    A: Any, k: int, X: Any, degrees: tuple[int, int], tol: float, max_iter: int, lower: float, upper: float,
    initial_cut: float | None, ns: Any, verbose: bool
) -> tuple[Any, Any]:
    args = (A, k, X, degrees, tol, max_iter, lower, upper, initial_cut, ns, verbose)
    if ns.is_gpu:
        return _chebyshev_loop(*args)
    # The dense work is tall-skinny (n x b by b x b) and memory-bound: one BLAS thread is as
    # fast as many, and multithreaded OpenBLAS collapses (10-100x slower) on a busy machine.
    # The sparse products run on numba's own threads and are not affected.
    with single_thread():
        return _chebyshev_loop(*args)


def _chebyshev_loop(
    A: Any, k: int, X: Any, degrees: tuple[int, int], tol: float, max_iter: int, lower: float, upper: float,
    initial_cut: float | None, ns: Any, verbose: bool
) -> tuple[Any, Any]:
    xp = ns.xp
    start_degree, degree = degrees
    rho = max(abs(lower), abs(upper))
    width = upper - lower
    X = orthonormalize(X, xp)
    AX = _matmat(A, X)
    shifted = ShiftedOperator(A) if max(degrees) > 1 else None
    bar = None
    if verbose:
        from tqdm.auto import tqdm

        bar = tqdm(total=max_iter, desc="chebyshev subspace", unit="step")
    try:
        for it in range(max_iter + 1):
            theta, X, AX = _rayleigh_ritz(X, AX, xp)
            R = AX[:, :k] - X[:, :k] * xp.asarray(theta[:k], dtype=X.dtype)[None, :]
            res = float(xp.sqrt((R * R).sum(axis=0)).max()) / rho
            if bar is not None:
                bar.set_postfix(residual=f"{res:.2e}")
            if res <= tol or it == max_iter:
                break
            # Damp everything at or below the smallest Ritz value of the block; keep the cut
            # inside (lower, upper) so the filter stays well defined when the block already
            # sits in a cluster of eigenvalues near the top.
            cut = min(float(theta[-1]), upper - 0.02 * width)
            cut = max(cut, lower + 0.02 * width)
            deg = degree
            if it == 0:
                # The start block is random: the first filter needs more amplification, and
                # its Ritz values (near the middle of the spectrum) make a poor cut.
                deg = start_degree
                if initial_cut is not None:
                    cut = initial_cut
            Y = chebyshev_filter(A, X, deg, lower, cut, upper, AX=AX, shifted=shifted)
            X = orthonormalize(Y, xp)
            AX = _matmat(A, X)
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


class ShiftedOperator:
    """``alpha * (A - shift * I)`` for a fixed sparse ``A``, re-scaled in ``O(nnz)``.

    The diagonal is stored structurally once (``A + I`` pattern), so each new
    ``(alpha, shift)`` only rewrites the data array, and one sparse product gives
    ``alpha (A - shift I) Y`` without an extra pass over the dense block. Works with scipy
    and cupyx CSR matrices alike.
    """

    def __init__(self, A: Any) -> None:
        from ..operators import is_operator

        self.operator = A if is_operator(A) else None
        if self.operator is not None:
            return  # no entries to rewrite: set() wraps the operator instead
        ns = namespace_of(A)
        xp = ns.xp
        n = A.shape[0]
        if not ns.is_gpu:
            self.matrix, self.diag = _with_diagonal_cpu(A)
            self.base = self.matrix.data.copy()
            return
        C = A.tocoo()
        ar = xp.arange(n, dtype=C.row.dtype)
        # A's entries plus an explicit (possibly zero) entry on every diagonal position;
        # the COO -> CSR conversion sums duplicates and keeps explicit zeros.
        P = ns.sparse.coo_matrix(
            (xp.concatenate([C.data, xp.zeros(n, dtype=A.dtype)]),
             (xp.concatenate([C.row, ar]), xp.concatenate([C.col, ar]))),
            shape=A.shape,
        ).tocsr()
        P.sum_duplicates()
        if not ns.is_gpu:
            import scipy.sparse as sp

            P = sp.csr_array(P)
        # row of every stored entry: one searchsorted over indptr (cupy.repeat with a list of
        # counts would launch one kernel per row)
        rows = xp.searchsorted(P.indptr[1:], xp.arange(P.nnz, dtype=P.indptr.dtype), side="right")
        rows = rows.astype(P.indices.dtype, copy=False)
        self.diag = xp.flatnonzero(P.indices == rows)
        if int(self.diag.size) != n:  # pragma: no cover - guards the assumption above
            raise RuntimeError("ShiftedOperator: the diagonal pattern was not kept.")
        self.base = P.data.copy()
        self.matrix = P

    def set(self, alpha: float, shift: float) -> Any:
        """Return the matrix ``alpha * (A - shift * I)`` (the same object, data rewritten)."""
        if self.operator is not None:
            from ..operators import ShiftedOperator as _Shifted

            return _Shifted(self.operator, shift=shift, scale=alpha)
        data = self.matrix.data
        data[...] = self.base
        data *= alpha
        data[self.diag] -= alpha * shift
        return self.matrix


def _with_diagonal_cpu(A: Any) -> tuple[Any, np.ndarray]:
    """CSR copy of ``A`` with every diagonal position stored (zeros inserted where absent),
    and the data index of each diagonal entry; ``O(nnz)``, indices stay sorted."""
    import scipy.sparse as sp

    A = sp.csr_array(A)
    if not A.has_sorted_indices:
        A = A.copy()
        A.sort_indices()
    n = A.shape[0]
    indptr, indices = A.indptr.astype(np.int64), A.indices
    counts = np.diff(indptr)
    rows = np.repeat(np.arange(n, dtype=indices.dtype), counts)
    has = np.zeros(n, dtype=bool)
    has[rows[indices == rows]] = True
    missing = np.flatnonzero(~has)
    # Insertion point of (i, i): after the entries of row i with a smaller column.
    below = np.bincount(rows[indices < rows], minlength=n)
    pos = indptr[missing] + below[missing]
    new_indices = np.insert(indices, pos, missing.astype(indices.dtype))
    new_data = np.insert(A.data, pos, np.zeros(missing.size, dtype=A.data.dtype))
    added = np.zeros(n + 1, dtype=np.int64)
    added[1:] = np.cumsum(~has)
    new_indptr = indptr + added
    P = sp.csr_array((new_data, new_indices, new_indptr.astype(A.indptr.dtype)), shape=A.shape)
    P.has_sorted_indices = True
    return P, new_indptr[:-1] + below


def chebyshev_filter(
    A: Any, X: Any, degree: int, lower: float, cut: float, upper: float, *, AX: Any = None,
    shifted: ShiftedOperator | None = None,
) -> Any:
    """Apply the scaled Chebyshev filter ``p(A) X`` that damps ``[lower, cut]``.

    ``p(t) = T_m((t - c) / e) / T_m((upper - c) / e)`` with ``c, e`` the centre and
    half-width of ``[lower, cut]``: ``|p| <= 1 / T_m(...)`` on the damped interval while
    eigenvalues near ``upper`` keep a weight near 1.

    The three-term recurrence ``Y_{j+1} = M Y_j - Y_{j-1}`` with ``M = (2/e)(A - c I)``
    needs one sparse product and one in-place subtraction per degree (the shift and scale
    live in the matrix, see :class:`ShiftedOperator`). ``Y_j`` grows like
    ``T_j((upper - c)/e)``; both carried blocks are divided by that factor whenever it
    passes 1e8, so float32 never overflows, and the result is divided by it at the end.

    Parameters
    ----------
    A : sparse matrix (symmetric)
    X : dense block (not modified)
    degree : int
        Polynomial degree = number of products with ``A`` (one fewer when ``AX`` is given).
    lower, cut, upper : float
        ``lower < cut < upper``; the spectrum must lie in ``[lower, upper]``.
    AX : dense block, optional
        ``A @ X`` when already known (saves one product).
    shifted : ShiftedOperator, optional
        Prebuilt for ``A`` when the filter is applied repeatedly (saves ``O(nnz)``).

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
    e = (cut - lower) / 2.0
    c = (cut + lower) / 2.0
    t0 = (upper - c) / e  # > 1: where the polynomial is normalised to 1
    if AX is None:
        AX = _matmat(A, X)
    # Y_1 = T_1(t(A)) X = (A X - c X) / e
    Y = AX * (1.0 / e)
    Y -= X * (c / e)
    if degree == 1:
        return Y / t0
    if shifted is None:
        shifted = ShiftedOperator(A)
    M = shifted.set(2.0 / e, c)
    rho_prev, rho = 1.0, t0  # T_{j-1}(t0), T_j(t0)
    prev, spare = X, None
    for _ in range(2, degree + 1):
        out = _matmat(M, Y, out=spare)
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
    """Interval containing the spectrum of a symmetric matrix, from a short Lanczos run.

    ``[min Ritz - |beta|, max Ritz + |beta|]`` after ``n_steps`` Lanczos steps with full
    reorthogonalization (Zhou & Li, "Bounding the spectrum of large Hermitian matrices",
    LAA 2011), widened by 1% of its width. Good upper/lower estimates in practice, not a
    proof. Returns Python floats.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> A = sp.diags_array([np.linspace(-2, 3, 50)], offsets=[0], format="csr")
    >>> lo, hi = estimate_spectrum_bounds(A, random_state=0)
    >>> bool(lo <= -2 and hi >= 3)
    True
    """
    ns = namespace_of(A)
    xp = ns.xp
    rng = check_random_state(random_state)
    n = A.shape[0]
    m = max(1, min(n_steps, n))
    v = ns.standard_normal(rng, (n,), np.float64)
    v /= xp.linalg.norm(v)
    Vs = [v]
    alphas, betas = [], []
    beta = 0.0
    Af = A.astype(np.float64) if A.dtype != np.float64 else A
    for j in range(m):
        w = _matmat(Af, Vs[-1])
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


def _lobpcg(A: Any, k: int, tol: float, max_iter: int, X: Any, ns: Any, verbose: bool) -> tuple[Any, Any]:
    if ns.is_gpu:
        from cupyx.scipy.sparse.linalg import lobpcg

        op = A
    else:
        from scipy.sparse.linalg import LinearOperator, lobpcg

        op = LinearOperator(A.shape, matvec=lambda x: _matmat(A, x), matmat=lambda Y: _matmat(A, Y), dtype=A.dtype)
    w, V = lobpcg(op, X, tol=tol, maxiter=max_iter, largest=True, verbosityLevel=int(bool(verbose)))
    w = np.asarray(ns.to_numpy(w), dtype=np.float64)
    order = np.argsort(w)[::-1]
    return w[order], V[:, ns.xp.asarray(order)]


def _arpack(A: Any, k: int, tol: float, max_iter: int, v0: Any, ns: Any) -> tuple[Any, Any]:
    if ns.is_gpu:
        from cupyx.scipy.sparse.linalg import eigsh
    else:
        from scipy.sparse.linalg import eigsh
    # ARPACK iterates in float64 (its float32 path converges poorly).
    A64 = A.astype(np.float64)
    if not ns.is_gpu and not hasattr(A64, "tocsr"):  # an operator, not a sparse matrix
        from ..operators import to_linear_operator

        A64 = to_linear_operator(A64)
    # max_iter is not used here: ARPACK's own restart limit (10 n) applies.
    w, V = eigsh(A64, k=k, which="LA", tol=tol, v0=v0.astype(np.float64))
    w = np.asarray(ns.to_numpy(w), dtype=np.float64)
    order = np.argsort(w)[::-1]
    return w[order], V[:, ns.xp.asarray(order)]
