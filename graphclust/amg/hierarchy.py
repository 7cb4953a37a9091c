"""One AMG hierarchy built by compatible weighted matching, and its V-cycle.

:func:`build_hierarchy` coarsens an SPD matrix level by level with :func:`.aggregation.coarsen`
(the prolongator of each level carries the current smooth vector exactly), until the
coarsest level has at most ``max_coarse`` unknowns (``100 * max_coarse`` once the coarsening
stagnates) or ``max_levels`` levels exist. Nothing dense is formed above the coarsest level;
a dense coarsest solve goes through :func:`graphclust.memory.check_dense`.

The V-cycle (:meth:`Hierarchy.vcycle`) is BootCMatch's: a forward Gauss-Seidel sweep before
the coarse correction, a backward sweep after it (l1-Jacobi sweeps instead on the GPU),
restriction ``Pᵀ``, a zero coarse initial guess, and on the coarsest level either 20 forward
Gauss-Seidel sweeps (the shipped parameter files) or an exact solve with the pseudo-inverse
(the library default, and the one to use in a preconditioner for CG / LOBPCG, which need a
symmetric operator).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..backend import namespace_of
from ..memory import check_dense
from .aggregation import coarsen
from .relaxation import gauss_seidel, l1_diagonal, l1_jacobi

__all__ = ["Level", "Hierarchy", "build_hierarchy", "SMOOTHERS", "COARSE_SOLVERS"]

SMOOTHERS = ("gauss_seidel", "l1_jacobi")
COARSE_SOLVERS = ("dense", "gauss_seidel")


@dataclass
class Level:
    """One level: its operator ``A``, the prolongator ``P`` to it from the coarser level below
    (None on the coarsest), ``R = Pᵀ`` stored as CSR, and the l1-Jacobi diagonal if used.

    Parameters
    ----------
    A : sparse matrix
        The operator of this level (CSR).
    P : sparse matrix or None
        Prolongator from the next coarser level to this one (None on the coarsest).
    R : sparse matrix or None
        Restriction ``P.T`` stored as CSR.
    d : array or None
        l1-Jacobi diagonal of ``A`` when that smoother is used.
    """

    A: Any
    P: Any = None
    R: Any = None
    d: Any = None


@dataclass
class Hierarchy:
    """An AMG hierarchy with its V-cycle (build it with :func:`build_hierarchy`).

    Attributes
    ----------
    levels : list of Level
        Finest first.
    smoother : {"gauss_seidel", "l1_jacobi"}
    coarse_solver : {"dense", "gauss_seidel"}
    coarse_iters : int
    """

    levels: list
    smoother: str = "gauss_seidel"
    coarse_solver: str = "dense"
    coarse_iters: int = 20
    _coarse_inverse: Any = field(default=None, repr=False)
    _packed: Any = field(default=None, repr=False)

    @property
    def shape(self) -> tuple[int, int]:
        return tuple(self.levels[0].A.shape)

    @property
    def operator_complexity(self) -> float:
        """``sum_l nnz(A_l) / nnz(A_0)``."""
        return float(sum(lv.A.nnz for lv in self.levels) / self.levels[0].A.nnz)

    @property
    def grid_complexity(self) -> float:
        """``sum_l n_l / n_0``."""
        return float(sum(lv.A.shape[0] for lv in self.levels) / self.levels[0].A.shape[0])

    def _relax(self, level: Level, x: Any, b: Any, sweep: str, iterations: int = 1) -> None:
        if self.smoother == "gauss_seidel":
            gauss_seidel(level.A, x, b, sweep=sweep, iterations=iterations)
        else:
            l1_jacobi(level.A, x, b, level.d, iterations=iterations)

    def _coarse_solve(self, b: Any) -> Any:
        coarse = self.levels[-1]
        xp = namespace_of(b).xp
        if self.coarse_solver == "dense":
            return self._coarse_inverse @ b
        x = xp.zeros_like(b)
        self._relax(coarse, x, b, "forward", self.coarse_iters)
        return x

    def _cycle(self, lvl: int, x: Any, b: Any) -> Any:
        if lvl == len(self.levels) - 1:
            return self._coarse_solve(b)
        level = self.levels[lvl]
        nxt = self.levels[lvl + 1]
        self._relax(level, x, b, "forward")
        r = b - level.A @ x
        xc = self._cycle(lvl + 1, namespace_of(b).xp.zeros(nxt.A.shape[0]), nxt.R @ r)
        x += nxt.P @ xc
        self._relax(level, x, b, "backward")
        return x

    def vcycle(self, x: Any, b: Any) -> Any:
        """One V-cycle on ``A x = b`` from ``x`` (updated in place on the finest level).

        Parameters
        ----------
        x, b : float64 arrays (n,) on the device of the hierarchy

        Returns
        -------
        x
        """
        if self._packed is not None:
            from ..kernels.cpu.vcycle import vcycle

            vcycle(x, b, *self._packed)
            return x
        if len(self.levels) == 1:
            x[...] = self._coarse_solve(b)
            return x
        return self._cycle(0, x, b)

    def compile(self) -> "Hierarchy":
        """Pack the levels for the numba V-cycle kernel (CPU, Gauss-Seidel); returns self.

        :func:`build_hierarchy` does this by default; the kernel does the arithmetic of the
        Python cycle (pyamg's Gauss-Seidel) in the same order, in one call per cycle.
        """
        if self.smoother != "gauss_seidel" or namespace_of(self.levels[0].A).is_gpu:
            return self
        sizes = np.array([lv.A.shape[0] for lv in self.levels], dtype=np.int64)
        row_off = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        coarse = self.levels[1:]
        # offsets of levels 1.. in the concatenated arrays (entry 0 unused: the finest level
        # is passed as its own arrays, shared by the hierarchies)
        ptr_off = np.concatenate([[0, 0], np.cumsum(sizes[1:] + 1)[:-1]]).astype(np.int64)
        nnz_off = np.concatenate([[0, 0], np.cumsum([lv.A.nnz for lv in coarse])[:-1]]).astype(np.int64)
        cat = lambda parts, dt: np.concatenate(parts).astype(dt, copy=False) if parts else np.zeros(0, dt)
        indptr = cat([lv.A.indptr.astype(np.int64) for lv in coarse], np.int64)
        indices = cat([lv.A.indices.astype(np.int64) for lv in coarse], np.int64)
        data = cat([lv.A.data for lv in coarse], np.float64)
        agg = np.full(row_off[-1], -1, dtype=np.int64)
        pval = np.zeros(row_off[-1])
        for l, lv in enumerate(coarse):
            P = lv.P
            counts = np.diff(P.indptr)
            rows = np.flatnonzero(counts > 0)
            agg[row_off[l] + rows] = P.indices[P.indptr[rows]]
            pval[row_off[l] + rows] = P.data[P.indptr[rows]]
        inv = np.ascontiguousarray(self._coarse_inverse).ravel() if self.coarse_solver == "dense" else np.zeros(0)
        A0 = self.levels[0].A
        ws = row_off[-1]
        self._packed = (A0.indptr, A0.indices, A0.data, row_off, ptr_off, nnz_off, indptr, indices, data, agg, pval,
                        inv, np.int64(self.coarse_iters), np.zeros(ws), np.zeros(ws))
        return self

    def as_preconditioner(self) -> Any:
        """One V-cycle from zero, ``r -> V(0, r)``, as a :class:`scipy.sparse.linalg.LinearOperator`.

        Symmetric positive definite when ``coarse_solver="dense"`` (forward and backward sweeps
        mirror each other), as CG and LOBPCG need; wrap it with
        :func:`graphclust.operators.as_operator` for the core protocol.

        Examples
        --------
        >>> import numpy as np, scipy.sparse as sp
        >>> from scipy.sparse.linalg import cg
        >>> n = 200
        >>> A = sp.csr_array(sp.diags([-np.ones(n - 1), 2.01 * np.ones(n), -np.ones(n - 1)], [-1, 0, 1]))
        >>> M = build_hierarchy(A, np.ones(n)).as_preconditioner()
        >>> x, info = cg(A, np.ones(n), M=M, rtol=1e-8)
        >>> info, bool(np.linalg.norm(A @ x - 1) < 1e-6 * np.sqrt(n))
        (0, True)
        """
        return _preconditioner(self.shape, lambda r: self.vcycle(namespace_of(r).xp.zeros(self.shape[0]), r))


def _preconditioner(shape: tuple[int, int], apply: Any) -> Any:
    """A LinearOperator applying ``apply`` to each column (LOBPCG passes blocks)."""
    from scipy.sparse.linalg import LinearOperator

    def matvec(r: np.ndarray) -> np.ndarray:
        return apply(np.ascontiguousarray(np.asarray(r, dtype=np.float64).ravel()))

    def matmat(R: np.ndarray) -> np.ndarray:
        R = np.asarray(R, dtype=np.float64)
        return np.column_stack([matvec(R[:, j]) for j in range(R.shape[1])]) if R.shape[1] else R.copy()

    return LinearOperator(shape, matvec=matvec, rmatvec=matvec, matmat=matmat, rmatmat=matmat, dtype=np.float64)


def as_level_matrix(A: Any) -> Any:
    """CSR float64 with sorted int32 indices (what pyamg's kernels take); A itself if it is one.

    Returning A unchanged matters: the bootstrap builds up to 40 hierarchies of one matrix,
    and they share its finest level instead of holding 40 copies."""
    ns = namespace_of(A)
    if (not ns.is_gpu and isinstance(A, sp.csr_array) and A.dtype == np.float64 and A.indices.dtype == np.int32
            and A.has_canonical_format):
        return A
    A = ns.to_sparse(A).astype(np.float64)
    A.sum_duplicates()
    A.sort_indices()
    if not ns.is_gpu and A.indices.dtype != np.int32 and A.nnz < 2**31:
        A.indices = A.indices.astype(np.int32)
        A.indptr = A.indptr.astype(np.int32 if A.nnz < 2**31 else np.int64)
    return A


def build_hierarchy(
    A: Any,
    w: Any,
    *,
    max_levels: int = 39,
    max_coarse: int = 10,
    passes: int = 2,
    smoother: str | None = None,
    coarse_solver: str = "dense",
    coarse_iters: int = 20,
    matching: str = "auto",
    compiled: bool = True,
) -> Hierarchy:
    """Build one hierarchy by compatible weighted matching with smooth vector ``w``.

    Parameters
    ----------
    A : sparse SPD matrix (scipy CSR, or cupyx CSR on the GPU)
    w : array (n,)
        Smooth vector the prolongators must carry (``w`` is in the range of every ``P``).
    max_levels : int, default=39
        At most this many levels (the shipped value).
    max_coarse : int, default=10
        Coarsen until at most this many unknowns (the shipped value; ``100 * max_coarse``
        once the coarsening stagnates).
    passes : int, default=2
        Pairwise passes per level (aggregates of up to ``2**passes`` unknowns).
    smoother : {"gauss_seidel", "l1_jacobi"}, optional
        Default Gauss-Seidel on CPU and l1-Jacobi on the GPU.
    coarse_solver : {"dense", "gauss_seidel"}, default="dense"
        Exact solve with the pseudo-inverse of the coarsest matrix (guarded by the memory
        limit), or ``coarse_iters`` forward sweeps of the smoother.
    coarse_iters : int, default=20
    matching : {"auto", "suitor", "locally_dominant"}
    compiled : bool, default=True
        Run the V-cycle in the numba kernel (CPU, Gauss-Seidel); False keeps the Python
        cycle over pyamg's Gauss-Seidel (same arithmetic, for checking).

    Returns
    -------
    Hierarchy

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> n = 1000
    >>> A = sp.csr_array(sp.diags([-np.ones(n - 1), 2.01 * np.ones(n), -np.ones(n - 1)], [-1, 0, 1]))
    >>> h = build_hierarchy(A, np.ones(n))
    >>> len(h.levels) > 2, h.levels[-1].A.shape[0] <= 10, round(h.operator_complexity, 2) < 1.6
    (True, True, True)
    """
    ns = namespace_of(A)
    smoother = smoother or ("l1_jacobi" if ns.is_gpu else "gauss_seidel")
    if smoother not in SMOOTHERS:
        raise ValueError(f"smoother must be one of {SMOOTHERS}, got {smoother!r}.")
    if smoother == "gauss_seidel" and ns.is_gpu:
        raise ValueError("smoother='gauss_seidel' is sequential and runs on CPU only; use 'l1_jacobi' on the GPU.")
    if coarse_solver not in COARSE_SOLVERS:
        raise ValueError(f"coarse_solver must be one of {COARSE_SOLVERS}, got {coarse_solver!r}.")
    A = as_level_matrix(A)
    levels = [Level(A=A)]
    w_l = ns.xp.asarray(w, dtype=np.float64)
    stagnated = False
    while len(levels) < max_levels:
        n_l = levels[-1].A.shape[0]
        if n_l <= (100 if stagnated else 1) * max_coarse:
            break
        lvl = coarsen(levels[-1].A, w_l, passes=passes, max_coarse=max_coarse, stagnated=stagnated, matching=matching)
        stagnated = stagnated or lvl.stagnated
        if lvl.A.shape[0] == 0 or lvl.A.shape[0] == n_l:
            break  # nothing to match (no edges left) or the smooth vector vanished
        P = as_level_matrix(lvl.P)
        levels.append(Level(A=as_level_matrix(lvl.A), P=P, R=as_level_matrix(P.T)))
        w_l = lvl.w
    if smoother == "l1_jacobi":
        for lv in levels:
            lv.d = l1_diagonal(lv.A)
    h = Hierarchy(levels=levels, smoother=smoother, coarse_solver=coarse_solver, coarse_iters=int(coarse_iters))
    if coarse_solver == "dense":
        h._coarse_inverse = _dense_pseudo_inverse(levels[-1].A)
    return h.compile() if compiled else h


def _dense_pseudo_inverse(A: Any) -> Any:
    """Symmetric pseudo-inverse of the (small) coarsest matrix, on its device."""
    import scipy.linalg

    ns = namespace_of(A)
    nc = A.shape[0]
    check_dense((nc, nc), np.float64, what="the dense coarsest-level matrix of the AMG hierarchy",
                hint="raise max_levels or lower max_coarse so that the coarsest level is smaller, "
                "or use coarse_solver='gauss_seidel'")
    from ..backend import single_thread

    dense = ns.to_numpy(A.toarray()) if ns.is_gpu else A.toarray()
    # one BLAS thread: these are small factorizations, and on a shared machine threaded BLAS
    # was measured to take ten times longer on them
    with single_thread():
        inv = _cholesky_inverse(dense)
        if inv is None:  # only semi-definite (a singular input): pseudo-inverse
            inv = scipy.linalg.pinvh(dense)
    return ns.asarray(inv)


def _cholesky_inverse(dense: np.ndarray) -> np.ndarray | None:
    """Inverse of an SPD matrix from its Cholesky factor (LAPACK potrf + potri), symmetric;
    None when the factorization fails (not positive definite).

    A third of the arithmetic of solving against the identity: that matters when the
    coarsening stagnates on a large coarsest level (on a 1M-node random graph it stops near
    9,000 unknowns, held up by low-degree vertices that only big aggregates neighbour), where
    ``cho_solve(cho_factor(M), I)`` took 31 s of a 38 s inverse.
    """
    from scipy.linalg import lapack

    factor, info = lapack.dpotrf(dense, lower=False, clean=True, overwrite_a=False)
    if info != 0:
        return None
    upper, info = lapack.dpotri(factor, lower=False, overwrite_c=True)
    if info != 0:
        return None
    # potri fills the upper triangle only: mirror it
    inv = np.triu(upper)
    inv += np.triu(upper, 1).T
    return inv
