"""Bethe-Hessian spectral clustering, with the number of communities estimated when unknown.

The Bethe-Hessian of a graph with (weighted) adjacency ``A`` and degrees ``D`` is

    H_r = (r^2 - 1) I + D - r A        (sparse, same pattern as A plus the diagonal).

At ``r = sqrt(rho)``, ``rho`` the spectral radius of the non-backtracking operator, its
negative eigenvalues are the informative ones (Saade, Krzakala & Zdeborova, NeurIPS 2014):
their number estimates K, and their eigenvectors carry the communities.

Two embeddings are offered (``method``):

- ``"zeta"`` (Dall'Amico, Couillet & Tremblay, JMLR 22(217), 2021, Algorithm 2; the method
  the bottom-up paper's code uses): for ``p = K, K-1, ..., 2`` find
  ``zeta_p = min{r > 1 : the p-th smallest eigenvalue of H_r is 0}`` by the fixed-point
  iteration of the paper (each step solves a p x p problem by bisection), and keep the p-th
  eigenvector of ``H_{zeta_p}``. Column 1 stays 0 (at ``zeta_1 = 1``, ``H_1 = D - A`` and its
  null vector is constant, so uninformative). About K x (a few) sparse eigensolves.
- ``"fixed"``: the K smallest eigenvectors of the single matrix ``H_r`` at
  ``r = sqrt(rho)``: one sparse eigensolve.

``"auto"`` (default) uses ``"zeta"`` up to 50 000 vertices and ``"fixed"`` above, where the
2-3 eigensolves per ``p`` dominate the run time, and on graphs whose non-isolated vertices
are disconnected (several ``zeta_p`` collapse to 1 there). On the high-school graph ``"zeta"``
reproduces the reference result (AMI 0.980) where ``"fixed"`` reaches 0.934; on the BTSBM
reproduction points both are exact (docs/benchmarks/hierarchy.md).

Rows are normalised to unit length and clustered with scikit-learn's k-means seeded from
``random_state`` with ``n_init`` restarts (the reference code runs one unseeded k-means and
was seen to land in a local optimum). Above 100 000 vertices the restarts run on a uniform
sample of 100 000 rows and the best centers seed one Lloyd run on all rows.

Choices where the sources are silent (documented here and in docs/hierarchy.md):

- ``rho`` is computed as the largest eigenvalue of the 2N x 2N non-backtracking companion
  matrix ``[[A, I - D], [I, 0]]`` (ARPACK) when ``rho="exact"``; ``rho="degree"`` uses the
  configuration-model value ``sum d^2 / sum d - 1`` (cheap, exact for random graphs with a
  given degree sequence). ``"auto"`` picks "exact" up to 200 000 vertices.
- Weighted graphs use the same formula with weighted ``A`` and ``D`` (as the reference code
  does), not Dall'Amico's weighted variant.
- Isolated vertices have a zero embedding row; they are excluded from k-means and given the
  label of the largest community. Small connected components are not treated specially:
  with K estimated each of them tends to show up as its own community.
- The number of clusters is the number of negative eigenvalues of ``H_{sqrt(rho)}``,
  equivalently (Sylvester's inertia) the number of eigenvalues of
  ``D_rho^{-1/2} A D_rho^{-1/2}`` above ``1/sqrt(rho)`` used by the reference code. It is
  counted by :func:`graphclust.solvers.inertia.negative_eigenpairs` (a growing Chebyshev
  block that converges only the negative pairs, never the bulk edge just above 0;
  eigenvalues within ``1e-5 ||H||`` of 0 count as non-negative), and its eigenvectors are
  reused as the fixed-r embedding and as the first solve of the zeta embedding.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..backend import single_thread_if_small
from ..sparse import degrees
from ..solvers.eigen import CHEBYSHEV_MIN, DENSE_MAX, eigenpairs
from ..solvers.inertia import negative_eigenpairs
from ..solvers.kmeans import kmeans
from ..validation import check_choice, check_random_state, check_scalar

__all__ = [
    "bethe_hessian_matrix",
    "nonbacktracking_radius",
    "estimate_n_clusters",
    "bethe_hessian_embedding",
    "bethe_hessian_clustering",
    "check_embedding_memory",
]

_ZETA_AUTO_MAX = 50_000
_KMEANS_SAMPLE = 100_000
_RHO_EXACT_AUTO_MAX = 200_000
_ZETA_TOL = 1e-4
_ZETA_MAX_ITER = 30


def check_embedding_memory(n: int, k: int) -> int:
    """Refuse a Bethe-Hessian embedding of ``n`` nodes and ``k`` vectors above the memory limit.

    The estimate follows the solver :func:`graphclust.solvers.eigen.eigenpairs` picks: the dense path (``n``
    at most 300, or ``k >= n - 1``) holds the densified matrix, its eigenvectors and eigh's
    workspace (three float64 ``n x n`` blocks); ARPACK its Lanczos basis of
    ``max(2 k + 1, 20)`` vectors; the Chebyshev solver about ten float64 ``n x b`` blocks
    (``b = k + max(4, k // 4)``). Either adds three ``n x k`` blocks (the embedding, the
    previous eigenvectors, the normalised rows for k-means).

    Parameters
    ----------
    n : int
        Number of nodes.
    k : int
        Number of eigenvectors (communities).

    Returns
    -------
    int
        The estimated bytes.

    Raises
    ------
    graphclust.memory.MemoryLimitError
        A ValueError naming the size, the limit and what to do instead.

    Examples
    --------
    >>> check_embedding_memory(1000, 10)  # ARPACK: 21 Lanczos vectors + 30
    408000
    """
    from .. import memory

    hint = "use a smaller n_clusters, or n_clusters=None to estimate it"
    if n <= DENSE_MAX or k >= n - 1:
        what = f"the dense Bethe-Hessian eigendecomposition of {n} nodes (three float64 n x n blocks)"
        return memory.check_bytes(3 * memory.dense_nbytes((n, n)), what=what, hint=hint)
    if n > CHEBYSHEV_MIN:
        basis = 10 * min(n, k + max(4, k // 4))
    else:
        basis = min(n, max(2 * k + 1, 20))
    what = f"the Bethe-Hessian embedding of {n} nodes with n_clusters={k} ({basis + 3 * k} float64 vectors)"
    return memory.check_bytes(memory.dense_nbytes((n, basis + 3 * k)), what=what, hint=hint)


def _as_csr(adjacency: Any) -> sp.csr_array:
    if hasattr(adjacency, "adjacency"):  # a graphclust Graph
        adjacency = adjacency.adjacency
    if not sp.issparse(adjacency):
        raise TypeError(f"adjacency must be a scipy sparse matrix or a graphclust Graph, got {type(adjacency).__name__}.")
    from ..validation import check_sparse_structure

    check_sparse_structure(adjacency, "adjacency")  # nothing malformed reaches ARPACK / scipy
    A = sp.csr_array(adjacency, dtype=np.float64)
    if A.shape[0] != A.shape[1]:
        raise ValueError(f"adjacency must be square, got shape {A.shape}.")
    if A.nnz and not (np.isfinite(A.data.sum()) and A.data.min() >= 0):
        raise ValueError("adjacency must have finite, non-negative weights whose sum fits in float64.")
    return A


def bethe_hessian_matrix(adjacency: Any, r: float) -> sp.csr_array:
    """The Bethe-Hessian ``H_r = (r^2 - 1) I + D - r A`` as a sparse CSR matrix.

    Parameters
    ----------
    adjacency : sparse matrix or graph
        Symmetric adjacency ``A`` (anything :func:`graphclust.as_graph` takes).
    r : float
        The Bethe-Hessian parameter.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.csr_array(np.array([[0, 1], [1, 0]], dtype=float))
    >>> bethe_hessian_matrix(A, 2.0).toarray().tolist()
    [[4.0, -2.0], [-2.0, 4.0]]
    """
    A = _as_csr(adjacency)
    r = check_scalar(r, "r")
    d = degrees(A)
    H = (-r) * A + sp.diags_array((r * r - 1.0) + d, format="csr")
    return sp.csr_array(H)


def nonbacktracking_radius(adjacency: Any, method: str = "exact") -> float:
    """Spectral radius ``rho`` of the non-backtracking operator of the graph.

    ``method="exact"``: largest eigenvalue of the 2N x 2N matrix ``[[A, I - D], [I, 0]]``
    (same non-trivial spectrum as the non-backtracking matrix; ARPACK). ``"degree"``:
    ``sum d^2 / sum d - 1``, its value for a random graph with the same degrees; "exact"
    falls back to it with a RuntimeWarning when ARPACK does not converge.

    Parameters
    ----------
    adjacency : sparse matrix, symmetric
    method : {"exact", "degree"}, default="exact"

    Returns
    -------
    float
        At least 1.
    """
    A = _as_csr(adjacency)
    check_choice(method, "method", ("exact", "degree"))
    d = degrees(A)
    with np.errstate(over="ignore"):
        approx = float((d @ d) / d.sum() - 1.0) if d.sum() > 0 else 0.0
    if not np.isfinite(approx):
        raise ValueError(
            f"adjacency: the weighted degrees (largest {float(d.max()):.3g}) are too large for the Bethe-Hessian "
            "(their second moment overflows float64); rescale the weights, e.g. divide by the largest one."
        )
    n = A.shape[0]
    if method == "degree" or n < 3:
        return max(approx, 1.0)
    I = sp.identity(n, format="csr")
    B = sp.block_array([[A, I - sp.diags_array(d)], [I, None]], format="csr")
    # The Perron eigenvector of B' is positive: a positive start vector speeds ARPACK up and
    # makes the result deterministic.
    v0 = np.concatenate([d + 1.0, np.ones(n)])
    try:
        vals = spla.eigs(B, k=1, which="LR", v0=v0, return_eigenvectors=False, tol=1e-8)
        rho = float(np.max(vals.real))
    except spla.ArpackNoConvergence as err:
        # Fall back to the degree value, and say so: r = sqrt(rho) sets the Bethe-Hessian's
        # shift, and the degree estimate is off on graphs with heterogeneous degrees.
        warnings.warn(
            f"nonbacktracking_radius: ARPACK did not converge ({err}); using the degree estimate "
            f"sum d^2 / sum d - 1 = {approx:.4g} instead (pass method='degree' to choose it and silence this).",
            RuntimeWarning,
            stacklevel=2,
        )
        rho = approx
    return max(rho, 1.0)


def estimate_n_clusters(
    adjacency: Any,
    *,
    rho: float | None = None,
    max_clusters: int = 1000,
    random_state: Any = None,
    verbose: bool = False,
) -> int:
    """Number of communities: the number of negative eigenvalues of ``H_{sqrt(rho)}``.

    Counted by :func:`graphclust.solvers.inertia.negative_eigenpairs`: a block eigensolver
    whose block grows (12, 24, 48, ... columns, each warm-started from the last) until it
    holds a non-negative Ritz value, and which converges only the negative pairs, never the
    edge of the bulk of the spectrum just above 0. Eigenvalues within ``1e-5 ||H||`` of 0
    count as non-negative (see that module). Returns at least 1 and at most ``max_clusters``.

    Parameters
    ----------
    adjacency : scipy sparse matrix or graphclust.Graph
        Symmetric, non-negative (weighted allowed).
    rho : float, optional
        Non-backtracking spectral radius (computed when None: "exact" up to 200 000 nodes).
    max_clusters : int, default=1000
        Cap of the estimate.
    random_state : None, int or numpy.random.Generator
        Seeds the eigensolver's start.
    verbose : bool, default=False
        A tqdm bar over the eigensolver's steps.

    Examples
    --------
    >>> from graphclust.datasets import sbm
    >>> g = sbm([150] * 3, p_in=0.2, p_out=0.01, random_state=0)
    >>> estimate_n_clusters(g, random_state=0)
    3
    """
    A = _as_csr(adjacency)
    with single_thread_if_small(A.shape[0]):
        K, _ = _negative_embedding(A, rho, max_clusters, check_random_state(random_state), verbose)
    return K


def _negative_embedding(
    A: sp.csr_array, rho: float | None, max_clusters: Any, rng: np.random.Generator, verbose: bool
) -> tuple[int, tuple[np.ndarray, np.ndarray]]:
    """K (the count of negative eigenvalues of ``H_{sqrt(rho)}``, at least 1) and those pairs.

    The eigenvectors are the fixed-r embedding of K communities (and the first solve of the
    zeta embedding), so the fit reuses them instead of solving again.
    """
    n = A.shape[0]
    max_clusters = check_scalar(max_clusters, "max_clusters", kind=int, low=1)
    if rho is None:
        rho = nonbacktracking_radius(A, "exact" if n <= _RHO_EXACT_AUTO_MAX else "degree")
    H = bethe_hessian_matrix(A, math.sqrt(rho))
    vals, X = negative_eigenpairs(H, max_count=min(max_clusters, max(n - 1, 1)), random_state=rng,
                                  verbose=verbose)
    return max(vals.size, 1), (vals, X)


def _is_disconnected(A: sp.csr_array) -> bool:
    """True when the non-isolated vertices form more than one connected component.

    On such graphs ``zeta_p = 1`` for several p (the Laplacian has one null vector per
    component) and the zeta embedding picks an arbitrary vector of that degenerate space,
    so "auto" switches to the fixed-r embedding, whose negative eigenvectors separate the
    components.
    """
    from scipy.sparse.csgraph import connected_components

    active = np.flatnonzero(degrees(A) > 0)
    if active.size == 0:
        return False
    n_comp, _ = connected_components(A[active][:, active], directed=False)
    return n_comp > 1


def _find_sol(S: np.ndarray, M: np.ndarray, r: float, eps: float) -> float:
    """Bisection for r* in (1, r): largest eigenvalue of r' S + (r - r') M vs (r - r')(1 + r r')."""
    lo, hi = 1.0, r
    for _ in range(200):
        mid = (lo + hi) / 2
        v = np.linalg.eigvalsh(mid * S + (r - mid) * M)[-1]
        if v > (r - mid) * (1 + r * mid):
            lo = mid
        else:
            hi = mid
        if hi - lo <= eps * max(1.0, hi):
            break
    return hi


def _zeta_embedding(
    A: sp.csr_array, K: int, rho: float, rng: np.random.Generator, tol: float, max_iter: int,
    first: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    n = A.shape[0]
    d = degrees(A)
    Y = np.zeros((n, K))
    zeta = np.ones(K)
    r = math.sqrt(rho)
    i = K
    X_prev = None
    while i > 1:
        for _ in range(max_iter):
            if first is not None:  # the K smallest pairs of H_{sqrt(rho)}, already known
                (v, X), first = first, None
            else:
                v, X = eigenpairs(bethe_hessian_matrix(A, r), i, which="smallest", X0=X_prev, random_state=rng)
            X_prev = X
            S = np.diag(v)
            M = X.T @ (d[:, None] * X)
            rp = _find_sol(S, M, r, tol)
            delta = abs(r - rp)
            r = rp
            if delta <= tol * max(1.0, r):
                break
        # Degenerate p-th eigenvalues share one zeta: store all of their vectors at once.
        deg = int(np.sum(np.abs(v[1:] - v[-1]) < 1e-10 * max(1.0, abs(v[-1])))) if i > 1 else 1
        deg = max(deg, 1)
        zeta[i - deg:i] = r
        Y[:, i - deg:i] = X[:, i - deg:i]
        i -= deg
    return Y, zeta


def bethe_hessian_embedding(
    adjacency: Any,
    n_clusters: int,
    *,
    method: str = "auto",
    rho: float | None = None,
    tol: float = 1e-4,  # = _ZETA_TOL
    max_iter: int = 30,  # = _ZETA_MAX_ITER
    random_state: Any = None,
) -> tuple[np.ndarray, dict]:
    """The N x K Bethe-Hessian embedding (rows not yet normalised) and solver information.

    See the module docstring for ``method`` ("auto", "zeta" or "fixed"). ``tol`` is the
    relative precision of each ``zeta_p`` (the reference code iterates to machine precision;
    1e-4 gives the same high-school result, AMI 0.9800, 20 % faster than 1e-5) and ``max_iter`` caps the fixed-point
    steps per ``p``.

    Parameters
    ----------
    adjacency : sparse matrix or graph
        Symmetric adjacency (anything :func:`graphclust.as_graph` takes).
    n_clusters : int
        Number of columns of the embedding.
    method : {"auto", "zeta", "fixed"}, default "auto"
        How ``r`` is chosen (module docstring).
    rho : float, optional
        Spectral radius estimate of the non-backtracking matrix (default: computed).
    tol : float, default 1e-4
        Relative precision of each ``zeta_p``.
    max_iter : int, default 30
        Fixed-point steps per ``p``.
    random_state : None, int or Generator
        Seeds the eigensolver's start.

    Returns
    -------
    X : ndarray, shape (N, n_clusters)
    info : dict with ``"rho"``, ``"method"`` and ``"zeta"`` (zeta method) or ``"eigenvalues"``.
    """
    A = _as_csr(adjacency)
    n = A.shape[0]
    K = check_scalar(n_clusters, "n_clusters", kind=int, low=1, high=n)
    check_choice(method, "method", ("auto", "zeta", "fixed"))
    return _embedding(A, K, method, rho, tol, max_iter, check_random_state(random_state))


def _embedding(
    A: sp.csr_array, K: int, method: str, rho: float | None, tol: float, max_iter: int, rng: np.random.Generator,
    first: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, dict]:
    """:func:`bethe_hessian_embedding` on validated input; ``first`` = the K smallest
    eigenpairs of ``H_{sqrt(rho)}`` when already computed (by the estimate of K)."""
    n = A.shape[0]
    if method == "auto":
        method = "zeta" if n <= _ZETA_AUTO_MAX and not _is_disconnected(A) else "fixed"
    if rho is None:
        rho = nonbacktracking_radius(A, "exact" if n <= _RHO_EXACT_AUTO_MAX else "degree")
    info: dict[str, Any] = {"rho": float(rho), "method": method}
    if K == 1:
        return np.ones((n, 1)), info
    check_embedding_memory(n, K)
    if first is not None and first[0].size != K:
        first = None
    if method == "zeta":
        X, zeta = _zeta_embedding(A, K, rho, rng, tol, max_iter, first)
        info["zeta"] = zeta
    else:
        if first is None:
            first = eigenpairs(bethe_hessian_matrix(A, math.sqrt(rho)), K, which="smallest", random_state=rng)
        vals, X = first
        info["eigenvalues"] = vals
    return X, info


def bethe_hessian_clustering(
    adjacency: Any,
    n_clusters: int | None = None,
    *,
    method: str = "auto",
    rho: float | str | None = None,
    n_init: int = 10,
    max_clusters: int = 1000,
    random_state: Any = None,
    return_info: bool = False,
    verbose: bool = False,
) -> np.ndarray | tuple[np.ndarray, dict]:
    """Bethe-Hessian spectral clustering (K estimated when ``n_clusters`` is None).

    Parameters
    ----------
    adjacency : scipy sparse matrix or graphclust.Graph
        Symmetric, non-negative (weighted allowed).
    n_clusters : int, optional
        Number of communities; estimated by :func:`estimate_n_clusters` when None.
    method : {"auto", "zeta", "fixed"}, default="auto"
        Embedding, see the module docstring.
    rho : float or {"exact", "degree"}, optional
        Non-backtracking spectral radius, or how to compute it (default by size).
    n_init : int, default=10
        k-means restarts (scikit-learn, seeded from ``random_state``).
    max_clusters : int
        Cap of the estimate of K.
    random_state : None, int or numpy.random.Generator
    return_info : bool
        Also return a dict (``n_clusters``, ``rho``, ``method``, ``zeta`` or ``eigenvalues``).
    verbose : bool, default=False
        A tqdm bar over the stages (non-backtracking radius when computed, the count of
        communities when estimated, embedding, k-means), and one over the eigensolver's steps
        while the communities are counted.

    Returns
    -------
    labels : ndarray of int64, shape (N,)

    Examples
    --------
    >>> from graphclust.datasets import sbm
    >>> g = sbm([100, 100], p_in=0.2, p_out=0.02, random_state=0)
    >>> y = bethe_hessian_clustering(g, random_state=0)
    >>> from graphclust.metrics import accuracy
    >>> accuracy(g.labels, y) > 0.95
    True
    """
    A = _as_csr(adjacency)
    with single_thread_if_small(A.shape[0]):
        return _bethe_hessian_clustering(A, n_clusters, method, rho, n_init, max_clusters, random_state, return_info,
                                         verbose)


def _bethe_hessian_clustering(
    A: sp.csr_array,
    n_clusters: int | None,
    method: str,
    rho: Any,
    n_init: int,
    max_clusters: int,
    random_state: Any,
    return_info: bool,
    verbose: bool = False,
) -> Any:
    n = A.shape[0]
    rng = check_random_state(random_state)
    n_init = check_scalar(n_init, "n_init", kind=int, low=1)
    check_choice(method, "method", ("auto", "zeta", "fixed"))
    if n_clusters is not None:  # refuse an embedding too large before computing rho
        check_embedding_memory(n, check_scalar(n_clusters, "n_clusters", kind=int, low=1, high=n))
    # The stages of the fit, for the progress bar (its total is known up front).
    stages = (["non-backtracking radius"] if rho is None or isinstance(rho, str) else [])
    stages += (["number of communities"] if n_clusters is None else []) + ["embedding", "k-means"]
    bar = None
    if verbose:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(stages), desc=f"Bethe-Hessian: {stages[0]}", unit="stage")
    try:
        return _stages(A, n_clusters, method, rho, n_init, max_clusters, rng, return_info, verbose, bar, stages)
    finally:
        if bar is not None:
            bar.close()


def _stages(
    A: sp.csr_array, n_clusters: int | None, method: str, rho: Any, n_init: int, max_clusters: int,
    rng: np.random.Generator, return_info: bool, verbose: bool, bar: Any, stages: list[str],
) -> Any:
    n = A.shape[0]

    def done() -> None:
        if bar is not None:
            bar.update(1)
            if bar.n < len(stages):
                bar.set_description(f"Bethe-Hessian: {stages[bar.n]}")

    if isinstance(rho, str):
        rho = nonbacktracking_radius(A, rho)
        done()
    elif rho is None:
        rho = nonbacktracking_radius(A, "exact" if n <= _RHO_EXACT_AUTO_MAX else "degree")
        done()
    else:
        rho = check_scalar(rho, "rho", low=1.0)
    first = None
    if n_clusters is None:
        K, first = _negative_embedding(A, rho, max_clusters, rng, verbose)
        done()
    else:
        K = check_scalar(n_clusters, "n_clusters", kind=int, low=1, high=n)
    info: dict[str, Any] = {"n_clusters": K}
    if K == 1:
        labels = np.zeros(n, dtype=np.int64)
        info.update(rho=rho, method=method)
        if bar is not None:
            bar.total = bar.n  # nothing left to embed or cluster
            bar.refresh()
        return (labels, info) if return_info else labels
    X, emb_info = _embedding(A, K, method, rho, _ZETA_TOL, _ZETA_MAX_ITER, rng, first)
    done()
    info.update(emb_info)
    norms = np.linalg.norm(X, axis=1)
    isolated = (degrees(A) == 0) | (norms <= 1e-300)
    keep = ~isolated
    n_keep = int(keep.sum())
    if K > n_keep and n_keep == 0:
        raise ValueError(
            f"n_clusters={K}: the Bethe-Hessian embedding is zero at every node (too few edges for {K} "
            "communities); use n_clusters=1 or a graph with more edges."
        )
    if K > n_keep:
        raise ValueError(
            f"n_clusters={K} but only {n_keep} of the {n} nodes can be clustered: {n - n_keep} are isolated "
            "(no edges, or a zero embedding row) and join the largest cluster afterwards; choose "
            f"n_clusters <= {n_keep}."
        )
    Xn = X[keep] / norms[keep, None]
    # Large graphs: the n_init restarts run on a uniform sample of rows, the best centers
    # seed one Lloyd run on all rows; the restarts, not the final run, dominate the cost of
    # k-means at that size. Smaller inputs get plain scikit-learn k-means.
    sub, _, _ = kmeans(Xn, K, n_init=n_init, random_state=rng, init_sample=_KMEANS_SAMPLE)
    labels = np.empty(n, dtype=np.int64)
    labels[keep] = sub
    if isolated.any():
        labels[isolated] = int(np.argmax(np.bincount(sub, minlength=K)))
    # Relabel in order of first appearance (deterministic numbering).
    _, first, inv = np.unique(labels, return_index=True, return_inverse=True)
    order = np.empty(first.size, dtype=np.int64)
    order[np.argsort(first)] = np.arange(first.size)
    labels = order[inv]
    info["n_clusters"] = int(labels.max()) + 1
    done()
    return (labels, info) if return_info else labels
