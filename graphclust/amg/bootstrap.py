"""The bootstrap: hierarchies added one by one, each built for the vector the others miss.

BootCMatch's adaptive loop (D'Ambra, Filippone & Vassilevski; for clustering D'Ambra,
Cutillo & Vassilevski 2019)::

    w <- 1;  smooth = [w];  H = []
    while rho > target_rate and len(H) < max_hierarchies:
        H.append(build_hierarchy(A, w))
        x <- x0 (uniform(-1, 1), the same start at every step)
        repeat solver_iters times:  x <- composite(H)(A x = 0),  rho = ||x||_A / ||x_old||_A
        w <- x / ||x||_A;  smooth.append(w)

``rho`` is the A-norm reduction of the *last* iteration. The new ``w`` is the error the
current composite solver reduces worst: algebraically smooth with respect to it. The
``J + 1`` vectors approximate the lower part of the spectrum of ``L x = λ B x`` (``B`` the
final composite operator) and serve as a spectral embedding.

Graph input becomes the unweighted combinatorial Laplacian of the sparsity pattern plus one
rank-1 term per connected component (:func:`laplacian_spd`), as in BCMatch4Graphs.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..backend import get_namespace, namespace_of, resolve_device
from ..seeding import check_random_state
from ..validation import check_choice, check_scalar
from .composite import COMPOSITES, composite_apply
from .hierarchy import COARSE_SOLVERS, SMOOTHERS, build_hierarchy

__all__ = ["BootstrapReport", "laplacian_spd", "bootstrap", "smooth_vectors", "smooth_embedding"]

_TINY = float(np.finfo(np.float64).tiny)  # DBL_MIN, the official degenerate-case bound


@dataclass
class BootstrapReport:
    """What the bootstrap did.

    Attributes
    ----------
    n_hierarchies : int
        ``J``, the number of hierarchies built (the vectors are ``J + 1``).
    rates : list of float
        Convergence-rate estimate ``rho`` after each step (A-norm reduction of the last of
        ``solver_iters`` composite iterations).
    converged : bool
        ``rho <= target_rate`` was reached.
    operator_complexity, grid_complexity : list of float
        Per hierarchy.
    n_levels : list of int
        Per hierarchy.
    seconds : float
        Wall time of the bootstrap.
    """

    n_hierarchies: int = 0
    rates: list = field(default_factory=list)
    converged: bool = False
    operator_complexity: list = field(default_factory=list)
    grid_complexity: list = field(default_factory=list)
    n_levels: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def max_operator_complexity(self) -> float:
        return max(self.operator_complexity, default=float("nan"))


def laplacian_spd(adjacency: Any, *, weighted: bool = False) -> Any:
    """Graph Laplacian made SPD by one rank-1 term per connected component.

    ``L = D - A`` of the sparsity pattern (``weighted=False``, BCMatch4Graphs's choice) or of
    the weights, self-loops dropped. On every connected component with root ``r`` (its
    smallest vertex) and ``j`` (the smallest neighbour of ``r``) the term ``v vᵀ`` with
    ``v = e_r + e_j`` is added: ``vᵀ1 = 2`` removes that component's constant null vector. An
    isolated vertex gets ``1`` on the diagonal. For a connected graph this is the official
    update (which uses the second stored entry of row 0); on a disconnected graph it is our
    extension of it (one term per component; the official code leaves the extra null vectors).

    Parameters
    ----------
    adjacency : sparse matrix (n, n), symmetric, non-negative
    weighted : bool, default=False

    Returns
    -------
    scipy.sparse.csr_array (n, n), SPD

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> A = sp.csr_array(np.array([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0.]]))
    >>> bool(np.linalg.eigvalsh(laplacian_spd(A).toarray()).min() > 0)
    True
    """
    from scipy.sparse.csgraph import connected_components

    A = sp.csr_array(adjacency, dtype=np.float64)
    A = A - sp.diags_array(A.diagonal()) if A.diagonal().any() else A.copy()
    A.eliminate_zeros()
    if not weighted:
        A.data[:] = 1.0
    A.sort_indices()
    n = A.shape[0]
    deg = np.asarray(A.sum(axis=1)).ravel()
    _, comp = connected_components(A, directed=False)
    roots = np.unique(comp, return_index=True)[1]
    rows, cols = [], []
    for r in roots:
        nb = A.indices[A.indptr[r]:A.indptr[r + 1]]
        if nb.size == 0:
            rows.append(r); cols.append(r)
            continue
        j = int(nb.min())
        rows += [r, r, j, j]
        cols += [r, j, r, j]
    fix = sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    L = (sp.diags_array(deg) - A + fix).tocsr()
    L.sum_duplicates()
    L.sort_indices()
    return L


def bootstrap(
    A: Any,
    *,
    max_hierarchies: int = 40,
    target_rate: float = 1e-6,
    solver_iters: int = 15,
    composite: str = "multiplicative",
    max_levels: int = 39,
    max_coarse: int = 10,
    passes: int = 2,
    smoother: str | None = None,
    coarse_solver: str = "dense",
    coarse_iters: int = 20,
    matching: str = "auto",
    random_state: Any = None,
    verbose: bool = False,
) -> tuple[Any, list, BootstrapReport]:
    """Bootstrap AMG on an SPD matrix: smooth vectors, hierarchies and a report.

    Parameters are those of :func:`smooth_vectors` (``A`` already an SPD CSR matrix on its
    device).

    Parameters
    ----------
    A : sparse matrix of shape (n, n)
        Symmetric positive definite CSR matrix (e.g. :func:`laplacian_spd` of a graph), on its
        device.
    max_hierarchies, target_rate, solver_iters, composite, max_levels, max_coarse, passes, smoother, coarse_solver, coarse_iters, matching, random_state, verbose
        As in :func:`smooth_vectors`.

    Returns
    -------
    W : array (n, J + 1)
        ``w_0 = 1`` then one A-normalized smooth vector per hierarchy.
    hierarchies : list of Hierarchy
    report : BootstrapReport

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> n = 64
    >>> A = sp.csr_array(sp.diags([-np.ones(n - 1), 2.001 * np.ones(n), -np.ones(n - 1)], [-1, 0, 1]))
    >>> W, H, rep = bootstrap(A, max_hierarchies=3, random_state=0)
    >>> W.shape, rep.n_hierarchies, len(H)
    ((64, 4), 3, 3)
    """
    from .hierarchy import as_level_matrix

    A = as_level_matrix(A)  # once: every hierarchy then shares this finest level
    ns = namespace_of(A)
    xp = ns.xp
    rng = check_random_state(random_state)
    t0 = time.perf_counter()
    n = A.shape[0]
    w = xp.ones(n)
    smooth = [w]
    H: list = []
    report = BootstrapReport()
    # the same start vector at every step, as in the official code (drawn once, on the host)
    x0 = ns.asarray(rng.uniform(-1.0, 1.0, n))
    b = xp.zeros(n)

    def a_norm(x: Any) -> float:
        return float(xp.sqrt(max(float(x @ (A @ x)), 0.0)))

    bar = None
    if verbose:
        from tqdm.auto import tqdm

        bar = tqdm(total=max_hierarchies, desc="bootstrap AMG", unit="hierarchy")
    rho = 1.0
    while rho > target_rate and len(H) < max_hierarchies:
        h = build_hierarchy(A, w, max_levels=max_levels, max_coarse=max_coarse, passes=passes, smoother=smoother,
                            coarse_solver=coarse_solver, coarse_iters=coarse_iters, matching=matching)
        H.append(h)
        report.operator_complexity.append(h.operator_complexity)
        report.grid_complexity.append(h.grid_complexity)
        report.n_levels.append(len(h.levels))
        x = x0.copy()
        old = a_norm(x)
        for _ in range(solver_iters):
            if old <= _TINY:
                break
            composite_apply(H, x, b, composite)
            new = a_norm(x)
            rho = new / old
            # Rescale every iteration: the composite is linear (b = 0), so rho and the
            # direction of x are unchanged, but x no longer underflows. The official loop
            # rescales only at the end, and once the solver is fast (rho^15 < 1e-308) its
            # vectors underflow to zero and stop adding directions to the embedding.
            if new > _TINY:
                x /= new
                new = 1.0
            old = new
        norm = a_norm(x)
        w = x / norm if norm > _TINY else x
        smooth.append(w)
        report.rates.append(float(rho))
        if bar is not None:
            bar.update(1)
            bar.set_postfix(rate=f"{rho:.2e}")
    if bar is not None:
        bar.close()
    report.n_hierarchies = len(H)
    report.converged = bool(rho <= target_rate)
    report.seconds = time.perf_counter() - t0
    return xp.stack(smooth, axis=1), H, report


def _is_spd_input(M: Any) -> bool:
    """A matrix with a positive diagonal and a negative entry is an SPD operator, not an adjacency."""
    d = M.diagonal()
    return bool((d > 0).all() and (M.data < 0).any())


def smooth_vectors(
    graph_or_matrix: Any,
    *,
    max_hierarchies: int = 40,
    target_rate: float = 1e-6,
    solver_iters: int = 15,
    composite: str = "multiplicative",
    kind: str = "auto",
    weighted: bool = False,
    max_levels: int = 39,
    max_coarse: int = 10,
    passes: int = 2,
    smoother: str | None = None,
    coarse_solver: str = "dense",
    coarse_iters: int = 20,
    matching: str = "auto",
    random_state: Any = None,
    device: str | None = None,
    verbose: bool = False,
    return_hierarchies: bool = False,
) -> tuple:
    """Algebraically smooth vectors of a graph Laplacian or an SPD matrix by bootstrap AMG.

    Parameters
    ----------
    graph_or_matrix : graph-like or sparse SPD matrix
        A graph (anything :func:`graphclust.as_graph` takes) is turned into
        :func:`laplacian_spd`; a sparse SPD matrix is used as is.
    max_hierarchies : int, default=40
        At most ``J`` hierarchies (shipped value 40; the library default of BootCMatch is 10).
    target_rate : float, default=1e-6
        Stop when the composite solver's convergence-rate estimate reaches this.
    solver_iters : int, default=15
        Composite iterations per rate estimate.
    composite : {"multiplicative", "symmetrized", "additive"}, default="multiplicative"
    kind : {"auto", "graph", "spd"}, default="auto"
        How to read a matrix: ``"auto"`` takes a sparse matrix with a positive diagonal and at
        least one negative entry as SPD, anything else as an adjacency.
    weighted : bool, default=False
        Graph input: Laplacian of the weights instead of the pattern (the official code uses
        the pattern).
    max_levels, max_coarse, passes : int
        Hierarchy shape (shipped: 39, 10, 2); see :func:`graphclust.amg.build_hierarchy`.
    smoother : {"gauss_seidel", "l1_jacobi"}, optional
        Default Gauss-Seidel on CPU, l1-Jacobi on the GPU.
    coarse_solver : {"dense", "gauss_seidel"}, default="dense"
        Exact coarsest solve (pseudo-inverse, BootCMatch's library default), or
        ``coarse_iters`` forward Gauss-Seidel sweeps (the shipped parameter files). With the
        sweeps the near-null vector survives every hierarchy and all smooth vectors collapse
        onto it (rank 7 of 41 on the attributed Lazega graph); the exact solve reproduces the
        official Lazega labels.
    coarse_iters : int, default=20
    matching : {"auto", "suitor", "locally_dominant"}
    random_state : None, int or Generator
        Draws the start vector of the rate estimates (the only random draw).
    device : {"cpu", "cuda", "auto"}, optional
        Default: where the input lives.
    verbose : bool, default=False
        tqdm progress over the hierarchies.
    return_hierarchies : bool, default=False
        Also return the list of :class:`graphclust.amg.Hierarchy` (each one usable as a
        preconditioner through ``as_preconditioner()``).

    Returns
    -------
    W : array (n, J + 1)
        ``w_0 = 1`` and the ``J`` smooth vectors (A-normalized), on the device used.
    report : BootstrapReport
    hierarchies : list of Hierarchy, only with ``return_hierarchies=True``

    Examples
    --------
    >>> import networkx as nx
    >>> W, report = smooth_vectors(nx.karate_club_graph(), max_hierarchies=5, random_state=0)
    >>> W.shape, report.n_hierarchies, len(report.rates)
    ((34, 6), 5, 5)
    """
    max_hierarchies = check_scalar(max_hierarchies, "max_hierarchies", kind=int, low=1)
    target_rate = check_scalar(target_rate, "target_rate", low=0)
    solver_iters = check_scalar(solver_iters, "solver_iters", kind=int, low=1)
    max_levels = check_scalar(max_levels, "max_levels", kind=int, low=1)
    max_coarse = check_scalar(max_coarse, "max_coarse", kind=int, low=1)
    passes = check_scalar(passes, "passes", kind=int, low=1)
    coarse_iters = check_scalar(coarse_iters, "coarse_iters", kind=int, low=1)
    check_choice(composite, "composite", COMPOSITES)
    check_choice(kind, "kind", ("auto", "graph", "spd"))
    check_choice(coarse_solver, "coarse_solver", COARSE_SOLVERS)
    check_choice(matching, "matching", ("auto", "suitor", "locally_dominant"))
    if smoother is not None:
        check_choice(smoother, "smoother", SMOOTHERS)
    A = _operator_of(graph_or_matrix, kind, weighted)
    if device is not None:
        A = get_namespace(resolve_device(device)).to_sparse(A)
    W, H, report = bootstrap(
        A, max_hierarchies=max_hierarchies, target_rate=target_rate, solver_iters=solver_iters, composite=composite,
        max_levels=max_levels, max_coarse=max_coarse, passes=passes, smoother=smoother, coarse_solver=coarse_solver,
        coarse_iters=coarse_iters, matching=matching, random_state=random_state, verbose=verbose,
    )
    return (W, report, H) if return_hierarchies else (W, report)


def _operator_of(obj: Any, kind: str, weighted: bool) -> Any:
    """The SPD matrix the bootstrap runs on (scipy or cupyx CSR, float64)."""
    from ..backend import is_cupy_array
    from ..graph import Graph, as_graph

    matrix = sp.issparse(obj) or is_cupy_array(obj) or (isinstance(obj, np.ndarray) and obj.ndim == 2)
    if matrix and kind != "graph":
        ns = namespace_of(obj)
        M = ns.to_sparse(obj).astype(np.float64)
        if kind == "spd" or _is_spd_input(M):
            if M.shape[0] != M.shape[1]:
                raise ValueError(f"graph_or_matrix must be square, got shape {M.shape}.")
            if not bool((M.diagonal() > 0).all()):
                raise ValueError("graph_or_matrix: an SPD matrix needs a positive diagonal.")
            return M
    g = obj if isinstance(obj, Graph) else as_graph(obj)
    on_gpu = g.device == "cuda"
    L = laplacian_spd(g.to("cpu").adjacency, weighted=weighted)
    return get_namespace("cuda").to_sparse(L) if on_gpu else L


def smooth_embedding(W: Any, *, tol: float = 1e-10) -> Any:
    """Orthonormal basis of the span of the smooth vectors (left singular vectors of ``W``).

    Directions of singular value below ``tol * sigma_max`` are dropped (the official SVD would
    return arbitrary directions there). k-means is rotation-invariant, so this is the
    official embedding up to a rotation.

    Parameters
    ----------
    W : array (n, J + 1)
    tol : float, default=1e-10

    Returns
    -------
    U : array (n, r), r <= J + 1, orthonormal columns

    Examples
    --------
    >>> import numpy as np
    >>> W = np.c_[np.ones(4), np.arange(4.0), np.arange(4.0) * 2]
    >>> smooth_embedding(W).shape
    (4, 2)
    """
    xp = namespace_of(W).xp
    # Columns to unit length first: the span is unchanged, and the tolerance then measures
    # linear dependence rather than the (very different) A-norm scalings of the vectors.
    norms = xp.sqrt((W * W).sum(axis=0))
    W = W[:, norms > 0] / norms[norms > 0]
    from ..backend import single_thread

    with single_thread():  # a tall-skinny QR: memory-bound, and threaded BLAS collapses under load
        Q, R = xp.linalg.qr(W)
        Ur, s, _ = xp.linalg.svd(R)
        keep = s > tol * s.max() if s.size else s > 0
        return Q @ Ur[:, keep]
