"""Sparse core operations on CSR matrices, one implementation for CPU and GPU.

Every function takes a CSR matrix from either device (scipy ``csr_array``/``csr_matrix`` or
cupyx ``csr_matrix``) and returns an object of the same kind on the same device. Zero degrees
never produce NaN or inf: their inverse powers are 0, so isolated nodes get zero rows.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from .backend import is_cupy_array, namespace_of

__all__ = [
    "degrees",
    "inverse_power",
    "add_self_loops",
    "diag_scale",
    "normalize_symmetric",
    "normalize_random_walk",
    "spmm",
    "spmm_t",
    "transpose_csr",
    "row_normalize",
    "locality_order",
    "permute",
    "product_nnz_bound",
    "spgemm",
]

# Index arrays already checked by spmm, by id(indices): (weakref(indices), weakref(indptr), shape).
_CHECKED: dict = {}


def _check_structure_once(A: Any) -> None:
    """:func:`graphclust.validation.check_sparse_structure` of ``A``, remembered per index array.

    The public products take matrices from anywhere; a malformed one would make the compiled
    kernels read out of bounds. The O(nnz) check runs once per pair of index arrays (an
    iterative solver multiplies by the same matrix many times); arrays changed in place after
    a first product are the caller's responsibility.
    """
    import weakref

    from .validation import check_sparse_structure

    if getattr(A, "format", None) not in ("csr", "csc", "coo", "bsr"):
        return
    indices = A.indices if A.format != "coo" else A.col
    key = id(indices)
    hit = _CHECKED.get(key)
    if hit is not None and hit[0]() is indices and hit[1]() is getattr(A, "indptr", None) and hit[2] == A.shape:
        return
    check_sparse_structure(A, "A")
    try:
        entry = (weakref.ref(indices, lambda _r, k=key: _CHECKED.pop(k, None)),
                 weakref.ref(A.indptr) if hasattr(A, "indptr") else (lambda: None), A.shape)
    except TypeError:  # arrays without weak references: check every time
        return
    _CHECKED[key] = entry


# Below this many multiply-adds the numba kernel's call overhead beats its speed-up.
_SPMM_KERNEL_MIN_WORK = 200_000
_SPMM_T_MIN_COLUMNS = 8  # spmm_t: wider blocks take the kernel (two column slices or more)


def degrees(A: Any) -> Any:
    """Weighted degrees (row sums) of a sparse matrix as a dense 1-D array.

    Parameters
    ----------
    A : scipy or cupyx sparse matrix, shape (n, m)

    Returns
    -------
    array of shape (n,)
        On A's device.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> degrees(sp.csr_array([[0, 2.0], [2.0, 1.0]]))
    array([2., 3.])
    """
    s = A.sum(axis=1)
    if hasattr(s, "A1"):
        return s.A1
    return namespace_of(A).xp.asarray(s).ravel()


def inverse_power(d: Any, power: float) -> Any:
    """``d ** power`` elementwise with 0 mapped to 0 (no inf for isolated nodes).

    Parameters
    ----------
    d : array of shape (n,), non-negative
        Typically degrees.
    power : float
        E.g. -0.5 for ``D^{-1/2}``.

    Returns
    -------
    float64 array of shape (n,)

    Examples
    --------
    >>> inverse_power(np.array([4.0, 0.0]), -0.5)
    array([0.5, 0. ])
    """
    xp = namespace_of(d).xp
    d = xp.asarray(d, dtype=xp.float64)
    out = xp.zeros_like(d)
    nz = d > 0
    out[nz] = d[nz] ** power
    return out


def diag_scale(A: Any, left: Any = None, right: Any = None) -> Any:
    """``diag(left) @ A @ diag(right)`` for CSR ``A`` without building diagonal matrices.

    Parameters
    ----------
    A : scipy or cupyx sparse matrix, shape (n, m)
        Not modified (integer matrices are converted to float64).
    left : array of shape (n,), optional
        Row scales.
    right : array of shape (m,), optional
        Column scales.

    Returns
    -------
    CSR matrix
        A new matrix with the sparsity pattern of ``A``.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> diag_scale(sp.csr_array([[1.0, 2.0], [3.0, 0.0]]), [1.0, 10.0], [2.0, 1.0]).toarray()
    array([[ 2.,  2.],
           [60.,  0.]])
    """
    ns = namespace_of(A)
    xp = ns.xp
    A = A.tocsr(copy=True)
    if not np.issubdtype(A.data.dtype, np.floating):
        # An integer or boolean matrix would truncate the fractional scales to 0 in place.
        A = A.astype(np.float64)
    if left is not None:
        left = xp.asarray(left, dtype=A.data.dtype)
        if ns.is_gpu:  # cupy.repeat takes no array of repeats; a diagonal product is one cuSPARSE call
            A = (ns.sparse.diags(left) @ A).tocsr()
        else:
            A.data *= np.repeat(left, np.diff(A.indptr))
    if right is not None:
        A.data *= xp.asarray(right, dtype=A.data.dtype)[A.indices]
    return A


def add_self_loops(A: Any, value: float = 1.0) -> Any:
    """``A + value * I`` as CSR (existing diagonal entries are incremented).

    Parameters
    ----------
    A : scipy or cupyx sparse matrix, square
    value : float, default=1.0

    Returns
    -------
    CSR matrix with sorted indices

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> add_self_loops(sp.csr_array([[1.0, 1.0], [1.0, 0.0]])).toarray()
    array([[2., 1.],
           [1., 1.]])
    """
    ns = namespace_of(A)
    n = A.shape[0]
    eye = ns.sparse.identity(n, dtype=np.float64, format="csr")
    out = A + value * eye
    if not ns.is_gpu:
        out = sp.csr_array(out)
    out.sort_indices()
    return out


def normalize_symmetric(A: Any) -> Any:
    """``D^{-1/2} A D^{-1/2}`` with D the weighted degrees; zero-degree rows stay zero.

    Parameters
    ----------
    A : scipy or cupyx sparse matrix, square, non-negative

    Returns
    -------
    CSR matrix

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> normalize_symmetric(sp.csr_array([[0.0, 1.0], [1.0, 0.0]])).toarray()
    array([[0., 1.],
           [1., 0.]])
    """
    d = inverse_power(degrees(A), -0.5)
    return diag_scale(A, d, d)


def normalize_random_walk(A: Any) -> Any:
    """``D^{-1} A`` (row-stochastic where the degree is positive; zero rows stay zero).

    Parameters
    ----------
    A : scipy or cupyx sparse matrix, square, non-negative

    Returns
    -------
    CSR matrix

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> normalize_random_walk(sp.csr_array([[0.0, 1.0, 3.0], [1.0, 0.0, 0.0], [3.0, 0.0, 0.0]])).toarray()
    array([[0.  , 0.25, 0.75],
           [1.  , 0.  , 0.  ],
           [1.  , 0.  , 0.  ]])
    """
    return diag_scale(A, inverse_power(degrees(A), -1.0))


def transpose_csr(A: Any) -> Any:
    """The transpose of ``A`` as a CSR matrix (one O(nnz) conversion).

    Repeated products with ``A^T`` are faster through an explicit CSR transpose than through
    the CSC view that ``A.T`` gives.

    Parameters
    ----------
    A : scipy or cupyx sparse matrix

    Returns
    -------
    CSR matrix with sorted indices

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> transpose_csr(sp.csr_array([[0.0, 1.0], [0.0, 0.0]])).toarray()
    array([[0., 0.],
           [1., 0.]])
    """
    T = A.T.tocsr()
    T.sort_indices()
    return T


def spmm(A: Any, X: Any, out: Any = None, *, addend: Any = None, beta: float = 0.0) -> Any:
    """``A @ X (+ beta * addend)`` for a CSR matrix ``A`` and a dense block ``X`` (1-D or 2-D).

    On CPU a parallel numba kernel (``graphclust.kernels.cpu.spmm``) is used for large enough
    products (float32 or float64 ``X``); small products and other dtypes fall back to scipy.
    On GPU cupyx's cuSPARSE product is used. The result equals ``A @ X`` to rounding; with an
    ``addend`` (a block of the result's shape), ``beta * addend`` is added in the way numpy's
    ``Y = A @ X; tmp = addend * Y.dtype.type(beta); Y += tmp`` does it, bit for bit: the kernel
    adds it to each finished row while the row is in cache (one Horner step ``P @ Q + c Y``
    in one sweep), the fallbacks run that two-step formula. ``addend`` may share memory with
    ``X``, not with ``out``; ``beta`` is ignored without an addend (see
    :func:`graphclust.kernels.cpu.spmm.csr_spmm` for the rules).

    Parameters
    ----------
    A : scipy or cupyx CSR matrix, shape (n, m)
    X : dense array of shape (m,) or (m, k)
    out : dense array of shape (n,) or (n, k), optional
        Written in place and returned.
    addend : dense array like the result, optional
    beta : float, default=0.0
        Weight of ``addend``.

    Returns
    -------
    dense array of shape (n,) or (n, k)

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.random(50, 50, density=0.1, format="csr", random_state=0)
    >>> X = np.ones((50, 3))
    >>> np.allclose(spmm(A, X), A @ X)
    True
    >>> np.array_equal(spmm(A, X, addend=X, beta=0.5), A @ X + X * 0.5)
    True
    """
    def _check_fallback_addend(Y: Any, out: Any) -> Any:
        # the same checks as the CPU kernel makes on addend and beta, for the fallbacks
        xp = namespace_of(Y).xp
        if not isinstance(beta, (int, float, np.integer, np.floating)) or isinstance(beta, (bool, np.bool_)):
            raise TypeError(f"beta must be a real number, got {type(beta).__name__}.")
        if not np.isfinite(beta):
            raise ValueError(f"beta must be finite, got {beta}.")
        if not isinstance(addend, type(Y)):
            raise TypeError(f"addend must be a {type(Y).__module__} array like X, got {type(addend).__name__}.")
        if addend.dtype not in (np.float32, np.float64):
            raise TypeError(f"addend must be float32 or float64, got dtype {addend.dtype}.")
        if not np.can_cast(addend.dtype, Y.dtype, "safe"):
            raise TypeError(f"addend has dtype {addend.dtype}, which the result dtype {Y.dtype} cannot hold exactly.")
        if addend.shape == Y.shape:
            add2 = addend
        elif Y.ndim == 2 and Y.shape[1] == 1 and addend.shape == Y.shape[:1]:
            add2 = addend[:, None]
        else:
            raise ValueError(f"addend has shape {addend.shape}, the result has shape {Y.shape}.")
        if out is not None and xp.may_share_memory(add2, out):
            raise ValueError("addend must not share memory with out (out is zeroed before the addend is read).")
        return add2

    if sp.issparse(A) or is_cupy_array(A):
        _check_structure_once(A)
    if is_cupy_array(A) or is_cupy_array(X):
        from .kernels.cuda import spmm as cuda_spmm

        Y = cuda_spmm.csr_spmm(A, X)
        if addend is not None:
            _check_fallback_addend(Y, out)
            Y += addend * Y.dtype.type(beta)
        if out is not None:
            if out.shape != Y.shape or out.dtype != Y.dtype:
                raise ValueError(f"out must have shape {Y.shape} and dtype {Y.dtype}, got {out.shape} and {out.dtype}.")
            out[...] = Y
            return out
        return Y
    X = np.asarray(X)
    vector = X.ndim == 1
    X2 = X[:, None] if vector else X
    # A 1-D out goes through the same (n, 1) view as a 1-D X.
    out2 = out[:, None] if (out is not None and vector) else out
    if (
        sp.isspmatrix_csr(A) or isinstance(A, sp.csr_array)
    ) and X2.dtype in (np.float32, np.float64) and A.nnz * X2.shape[1] >= _SPMM_KERNEL_MIN_WORK:
        from .kernels.cpu import spmm as cpu_spmm

        Y = cpu_spmm.csr_spmm(
            A.indptr, A.indices, A.data, np.ascontiguousarray(X2), out=out2, addend=addend, beta=beta
        )
    else:
        Y = np.asarray(A @ X2)
        if addend is not None:
            add2 = _check_fallback_addend(Y, out2)
            tmp = add2 * Y.dtype.type(beta)
        if out2 is not None:
            out2[...] = Y
            Y = out2
        if addend is not None:
            Y += tmp
    return Y[:, 0] if vector else Y


def spmm_t(A: Any, X: Any) -> Any:
    """``A^T @ X`` for a CSR matrix ``A`` and a dense block ``X``, without building ``A^T``.

    On CPU a parallel numba scatter over column slices of ``X``
    (:func:`graphclust.kernels.cpu.spmm.csr_spmm_t`), which adds every output entry in the
    order of scipy's CSC product ``A.T @ X`` (rows of ``A`` ascending), so the result is that
    product to the bit, 1.5-2x faster on two cores for blocks of 18-32 columns
    (``benchmarks/attribute_products.py``); blocks of at most 8 columns, small products and
    other dtypes use scipy's ``A.T @ X``. On GPU cuSPARSE's transposed
    product. For many products with the same ``A^T`` and a narrow block,
    :func:`transpose_csr` once and :func:`spmm` can be as fast.

    Parameters
    ----------
    A : scipy or cupyx CSR matrix, shape (n, m)
    X : dense array of shape (n,) or (n, k)

    Returns
    -------
    dense array of shape (m,) or (m, k)

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.random(60, 40, density=0.1, format="csr", random_state=0)
    >>> X = np.ones((60, 3))
    >>> np.array_equal(spmm_t(A, X), A.T @ X)
    True
    """
    if sp.issparse(A) or is_cupy_array(A):
        _check_structure_once(A)
    if is_cupy_array(A) or is_cupy_array(X):
        from .kernels.cuda import spmm as cuda_spmm

        return cuda_spmm.csr_spmm_t(A, X)
    X = np.asarray(X)
    k = X.shape[1] if X.ndim == 2 else 1
    # up to 8 columns the kernel is one serial slice, scipy's own loop (measured 0.9-1.2x)
    if (
        (sp.isspmatrix_csr(A) or isinstance(A, sp.csr_array))
        and X.dtype in (np.float32, np.float64)
        and k > _SPMM_T_MIN_COLUMNS
        and A.nnz * k >= _SPMM_KERNEL_MIN_WORK
    ):
        from .kernels.cpu import spmm as cpu_spmm

        return cpu_spmm.csr_spmm_t(A.indptr, A.indices, A.data, X, A.shape[1])
    return np.asarray(A.T @ X)


def row_normalize(X: Any, norm: str = "l2", copy: bool = True) -> Any:
    """Scale the rows of a dense block to unit ``norm`` ("l2" or "l1"); zero rows stay zero.

    Parameters
    ----------
    X : dense array of shape (n, k), numpy or cupy
        Or a row-partitioned block with ``map_blocks`` (:class:`graphclust.distributed.BlockVector`):
        each block is normalised on its worker (a new block).
    norm : {"l2", "l1"}, default="l2"
    copy : bool, default=True
        False scales ``X`` in place when its dtype allows (float32 or float64).

    Returns
    -------
    dense array of shape (n, k), at least float32

    Examples
    --------
    >>> row_normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
    array([[0.6, 0.8],
           [0. , 0. ]])
    """
    if hasattr(X, "map_blocks"):
        # a row-partitioned block (graphclust.distributed.BlockVector): the rows are scaled
        # where they live, one task per block
        import functools

        return X.map_blocks(functools.partial(row_normalize, norm=norm), dtype=np.result_type(X.dtype, np.float32))
    xp = namespace_of(X).xp
    X = xp.array(X, dtype=xp.result_type(X.dtype, xp.float32), copy=copy)
    if norm == "l2":
        r = xp.sqrt((X * X).sum(axis=1))
    elif norm == "l1":
        r = xp.abs(X).sum(axis=1)
    else:
        raise ValueError(f"norm must be 'l2' or 'l1', got {norm!r}.")
    r[r == 0] = 1
    X /= r[:, None]
    return X


def locality_order(A: Any, method: str = "rcm") -> np.ndarray:
    """A node order that makes SpMM gathers cache-friendly: ``perm[new] = old``.

    ``"rcm"`` (reverse Cuthill-McKee) pays on graphs with geometric or community structure
    whose node numbering hides it (13x faster SpMM at 16 columns on such a graph in
    ``benchmarks/spmm.py``); ``"degree"`` pays on heavy-tailed degrees; neither helps a uniformly
    random graph. Compute it once, :func:`permute` the graph, run, and map results back with
    ``labels[np.argsort(perm)]``.

    Parameters
    ----------
    A : scipy sparse matrix, square, symmetric
    method : {"rcm", "degree"}, default="rcm"

    Returns
    -------
    ndarray of int64, shape (n,)
        ``perm[new] = old``.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.random(30, 30, density=0.1, format="csr", random_state=0); A = A + A.T
    >>> perm = locality_order(A)
    >>> B = permute(A, perm)
    >>> X = np.random.default_rng(0).random((30, 2))
    >>> np.allclose(spmm(B, X[perm]), (A @ X)[perm])
    True
    """
    from .kernels.cpu.spmm import locality_order as _order

    if is_cupy_array(A):
        # the orderings are sequential graph traversals: computed on a host copy of the pattern
        A = A.get()
    return _order(A, method=method)


def permute(A: Any, perm: Any) -> Any:
    """``P A P^T``: node ``perm[i]`` of ``A`` becomes node ``i``.

    Parameters
    ----------
    A : scipy or cupyx sparse matrix, square
    perm : numpy or cupy array of int, a permutation of ``0 .. n - 1``

    Returns
    -------
    scipy.sparse.csr_array on the CPU; a cupyx ``csr_matrix`` for a cupyx ``A`` (computed on the
    device)

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> permute(sp.csr_array([[0.0, 1.0], [2.0, 0.0]]), [1, 0]).toarray()
    array([[0., 2.],
           [1., 0.]])
    """
    from .kernels.cpu.spmm import permute_symmetric

    ns = namespace_of(A, perm)
    perm = ns.to_numpy(perm)
    if perm.dtype == bool or not np.issubdtype(perm.dtype, np.integer):
        raise TypeError(f"perm must hold integer node indices, got dtype {perm.dtype}.")
    perm = perm.astype(np.int64)
    if perm.shape != (A.shape[0],) or not np.array_equal(np.sort(perm), np.arange(A.shape[0])):
        raise ValueError(f"perm must be a permutation of 0..{A.shape[0] - 1}.")
    if ns.is_gpu:
        # P A P^T with the permutation matrix P (row i holds a 1 at column perm[i]): two cuSPARSE
        # products on the device instead of a round trip to the host
        A = ns.to_sparse(A)
        n = A.shape[0]
        xp = ns.xp
        P = ns.sparse.csr_matrix(
            (xp.ones(n, dtype=A.dtype), xp.asarray(perm), xp.arange(n + 1, dtype=np.int64)), shape=A.shape
        )
        B = (P @ A @ P.T).tocsr()
        B.sort_indices()
        return B
    A = sp.csr_array(A)
    indptr, indices, data = permute_symmetric(A.indptr, A.indices, A.data, perm)
    return sp.csr_array((data, indices, indptr), shape=A.shape)


def product_nnz_bound(A: Any, B: Any) -> int:
    """An upper bound on ``nnz(A @ B)`` for CSR matrices, in O(nnz(A) + n) and no product.

    Row ``i`` of ``A @ B`` has at most ``min(sum_{k in row i of A} nnz(B[k]), B.shape[1])``
    entries: the bound is the structural fill-in, reached when no product cancels.

    Parameters
    ----------
    A : sparse matrix of shape (n, m)
        Left factor (CSR).
    B : sparse matrix of shape (m, p)
        Right factor (CSR).

    Returns
    -------
    int

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.csr_array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    >>> product_nnz_bound(A, A), (A @ A).nnz   # row 0 reaches node 0 twice: counted twice
    (6, 5)
    """
    xp = namespace_of(A, B).xp
    if A.shape[1] != B.shape[0]:
        raise ValueError(f"shapes {A.shape} and {B.shape} do not multiply.")
    counts = xp.diff(B.indptr).astype(xp.float64)
    pattern = A.copy()
    pattern.data = xp.ones_like(pattern.data, dtype=xp.float64)
    per_row = xp.minimum(pattern @ counts, B.shape[1])
    return int(round(float(per_row.sum())))


def spgemm(A: Any, B: Any, *, what: str = "a sparse product", hint: str | None = None) -> Any:
    """``A @ B`` for CSR matrices, refused through the memory guard when its fill-in is too large.

    The worst-case size of the result (:func:`product_nnz_bound` entries, values and column
    indices, plus the row pointer) is checked with :func:`graphclust.memory.check_bytes`
    before the product runs, so a product that would fill in towards dense fails at once
    with a message instead of exhausting memory.

    Parameters
    ----------
    A, B : CSR matrices on the same device
    what : str
        Names the product in the error message.
    hint : str, optional
        What to do instead.

    Returns
    -------
    CSR matrix (scipy ``csr_array`` on CPU), indices sorted.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.csr_array([[0.0, 1.0], [1.0, 0.0]])
    >>> spgemm(A, A).toarray()
    array([[1., 0.],
           [0., 1.]])
    """
    from .memory import check_bytes

    ns = namespace_of(A, B)
    bound = product_nnz_bound(A, B)
    itemsize = np.result_type(A.dtype, B.dtype).itemsize
    check_bytes(bound * (itemsize + 8) + 8 * (A.shape[0] + 1), what=f"{what} (up to {bound:,} nonzeros)", hint=hint)
    out = A @ B
    if not ns.is_gpu:
        out = sp.csr_array(out)
    out.sort_indices()
    return out
