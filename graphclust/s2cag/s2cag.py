"""S2CAG: spectral subspace clustering of attributed graphs (Lin, Yang, Zheng, Ke, KDD 2025).

Pipeline (official code ``HKBU-LAGAS/S2CAG``, see docs/s2cag.md):

1. ``P`` = the official propagation matrix, ``X_hat`` = TF-IDF + attribute-degree normalised
   attributes (:mod:`graphclust.s2cag.preprocessing`); ``X_hat`` stays sparse.
2. Normalised smoothed representation ``Z = sum_t w_t P^t X_hat``, applied as an operator
   (implicit layout, never formed) or materialised (``n x d`` dense: the Gram layout or the
   official explicit layout), whichever :mod:`graphclust.s2cag.cost` estimates fastest; the
   weights ``w_t`` are those of the path the official cost rule picks.
3. Randomized SVD of ``Z`` with ``k + oversample`` columns and ``tau`` power steps (on the
   Gram layout they run on ``d x b`` blocks, :mod:`graphclust.solvers.gram`); the first
   left singular vector (the trivial, degree-like one) is dropped and the next ``k`` kept.
4. SNEM rounding of those ``k`` vectors.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .. import memory
from ..backend import namespace_of
from ..base import BaseClusterer
from ..operators import FunctionOperator
from ..sparse import spmm_t, transpose_csr
from ..solvers.propagate import geometric_coefficients, propagate, sparse_product
from ..solvers.gram import factored_randomized_svd, gram
from ..solvers.randomized import randomized_svd
from ..solvers.rounding import snem_rounding
from ..seeding import legacy_normal
from ..validation import check_scalar
from .cost import check_dense_budget, choose_layout, estimated_seconds, official_cost
from .preprocessing import normalize_attributes, propagation_matrix

__all__ = ["S2CAG", "official_cost", "PowerIterationAccuracyWarning", "FAITHFUL_MIN_CONDITIONING"]


class PowerIterationAccuracyWarning(RuntimeWarning):
    """S2CAG's faithful power steps (no re-orthonormalisation) lost the directions it clusters on.

    Issued by :class:`S2CAG` with ``faithful=True`` when the last singular direction given to
    SNEM is below :data:`FAITHFUL_MIN_CONDITIONING` of the leading one in the final power
    block: its computed value is then mostly rounding, and the labels change with the
    library versions, the layout or the thread count. ``faithful=False`` computes the same
    subspace stably.
    """


# The faithful range finder forms Y = Z (Z^T Z)^tau G and QRs it once; rounding perturbs the
# j-th direction of Y by about eps * s_1(Y) / s_j(Y). Measured on the official runs
# (docs/benchmarks/s2cag.md, "Conditioning of the faithful loop"): the 20 runs whose faithful
# labels equal the re-orthonormalised ones keep the last used direction at 1.6e-12 (wiki T=6)
# to 1.3e-5 (dblp) of the leading one; the two amazon_photo runs, whose faithful labels are
# rounding noise, at 1e-16 to 1e-17 (below eps: nothing left). The threshold sits 16x below
# the worst well-conditioned run, where the direction's rounding error reaches ~2e-3.
FAITHFUL_MIN_CONDITIONING = 1e-13


class _S2CAGCommon(BaseClusterer):
    """Shared parameter checks and preprocessing of S2CAG and M-S2CAG."""

    _requires_features = True

    def _check_common(self) -> None:
        check_scalar(self.T, "T", kind=int, low=0)
        check_scalar(self.alpha, "alpha", low=0, low_inclusive=False)
        check_scalar(self.tau, "tau", kind=int, low=0)
        check_scalar(self.snem_iter, "snem_iter", kind=int, low=0)
        check_scalar(self.symmetric_self_loops, "symmetric_self_loops", low=0)
        check_scalar(self.self_loops, "self_loops", low=0)
        if self.attribute_norm not in ("degree", "l2", None):
            raise ValueError(f"attribute_norm must be 'degree', 'l2' or None, got {self.attribute_norm!r}.")
        if self.signed_features not in ("raise", "fallback"):
            raise ValueError(f"signed_features must be 'raise' or 'fallback', got {self.signed_features!r}.")
        if self.dtype not in ("auto", "float64", "float32"):
            raise ValueError(f"dtype must be 'auto', 'float64' or 'float32', got {self.dtype!r}.")

    def _itemsize(self, layout: str) -> int:
        """Bytes per value of the working blocks of ``layout`` under ``dtype``.

        ``"auto"`` runs the Gram layout in float32 and the others in float64. The Gram layout's
        float32 work is BLAS-3 and column-tiled wide sparse products, which float32 makes
        1.7-2x faster (amazon_photo, d = 745: materialising ``Z`` 0.20-0.23 vs 0.42-0.45 s,
        ``Z^T Z`` 37 vs 61 ms, docs/benchmarks/s2cag.md), while its power steps and every
        ``d x d`` product stay float64, so it keeps the float64 labels (tested on every
        well-conditioned official run of the small datasets and on amazon_photo's M-S2CAG
        runs). The implicit layout's narrow products gain little from float32
        (0.60 vs 0.63 s on the same graph), and S2CAG's faithful loop needs float64 in the
        n-space, so they stay float64.
        """
        if self.dtype == "auto":
            return 4 if layout == "gram" else 8
        return 4 if self.dtype == "float32" else 8

    def _cast(self, P: Any, X: Any, layout: str) -> tuple[Any, Any]:
        """``P`` and ``X_hat`` in the working dtype of ``layout`` (``dtype="auto"``; a fixed
        dtype was applied by :meth:`_preprocess`)."""
        if self.dtype == "auto" and self._itemsize(layout) == 4:  # normalised in float64, rounded once
            return P.astype("float32"), X.astype("float32")
        return P, X

    def _preprocess(self, graph: Any) -> tuple[Any, Any]:
        """``P`` and ``X_hat`` (sparse stays sparse), in the working dtype."""
        if not hasattr(graph.features, "nnz"):
            # Dense attributes: TF-IDF and the row normalisation hold two float64 n x d
            # blocks at their peak (measured with tracemalloc) on top of the input.
            n, d = graph.features.shape
            memory.check_bytes(
                2 * memory.dense_nbytes((n, d), np.float64),
                what=f"the attribute preprocessing of dense {n} x {d} features (two float64 n x d blocks)",
                hint="pass the features as a scipy sparse matrix when most entries are zero, or reduce the "
                "number of attributes (e.g. a random projection)",
            )
        P = propagation_matrix(
            graph.adjacency,
            symmetric_self_loops=self.symmetric_self_loops,
            symmetric_normalization=self.symmetric_normalization,
            self_loops=self.self_loops,
        )
        X = normalize_attributes(
            graph.features,
            tfidf_transform=self.tfidf,
            attribute_norm=self.attribute_norm,
            signed_features=self.signed_features,
        )
        if self.dtype == "float32":  # normalised in float64, then rounded once
            P, X = P.astype("float32"), X.astype("float32")
        return P, X

    def _layout(self, requested: str, P: Any, X: Any, b: int, applications: int, allowed: tuple[str, ...]) -> str:
        """The layout to use: ``requested``, or the fastest estimate for ``"auto"`` (each layout
        estimated in its own working dtype, :meth:`_itemsize`)."""
        n, d = X.shape
        if requested != "auto":
            if requested != "implicit":
                check_dense_budget(n, d, self._itemsize(requested), requested)
            return requested
        dense = not hasattr(X, "nnz")
        nnz_x = n * d if dense else int(X.nnz)
        sizes = {a: self._itemsize(a) for a in allowed}
        est = {}
        for size in set(sizes.values()):
            e = estimated_seconds(n, d, int(P.nnz), nnz_x, b, int(self.T), applications, size, dense)
            est.update({a: e[a] for a in allowed if sizes[a] == size})
        return choose_layout(est, n, d, sizes, allowed)

    def _smoothed(self, P: Any, X: Any, coeffs: Any) -> Any:
        """Dense ``Z = sum_t c_t P^t X_hat`` (n x d), for the explicit and Gram layouts."""
        return propagate(P, _dense(X), coeffs, verbose=self.verbose)


def _feature_ops(X: Any) -> tuple[Any, Any]:
    """``M -> X @ M`` and ``M -> X^T @ M`` for a sparse or dense attribute matrix X.

    Sparse X stays sparse (no ``n x d`` block is formed). ``X^T @ M`` is the parallel scatter
    of :func:`graphclust.sparse.spmm_t`, without a transpose of X: it adds every output entry
    in the order of scipy's CSC product ``X.T @ M``, so the result is the same to the bit, and
    on wiki's attributes (1.56M non-zeros, 27 columns) it took 6.4 ms against 13.6 ms for the
    CSC product and 6.5 ms (plus a 24 ms transpose) through an explicit CSR transpose.
    """
    if not hasattr(X, "indptr"):
        return (lambda M: X @ M), (lambda M: X.T @ M)
    return (lambda M: sparse_product(X, M)), (lambda M: spmm_t(X, M))


def _dense(X: Any) -> Any:
    return X.toarray() if hasattr(X, "toarray") else X


class S2CAG(_S2CAGCommon):
    """S2CAG: spectral subspace clustering of attributed graphs (KDD 2025).

    Parameters
    ----------
    n_clusters : int
        Number of clusters k.
    T : int, default 10
        Order of the smoothing polynomial (propagation steps).
    alpha : float, default 0.9
        Ratio of consecutive weights ``w_t ~ alpha^t`` (> 0; values > 1 favour far hops and
        are used by the official per-dataset settings).
    tau : int, default 7
        Power steps of the randomized SVD.
    oversample : int, default 10
        Extra columns of the randomized SVD (official: 10).
    path : {"auto", "implicit", "gram", "explicit"}, default "auto"
        How ``Z`` is applied (:mod:`graphclust.s2cag.cost`); all give the same result in exact
        arithmetic. ``"implicit"`` never forms ``Z`` (Horner loops of sparse products, memory
        ``O(nnz + n b)``); ``"gram"`` forms ``Z`` (dense ``n x d``) and its Gram ``Z^T Z`` and
        runs the power steps on ``d x b`` blocks (:mod:`graphclust.solvers.gram`);
        ``"explicit"`` forms ``Z`` and multiplies by it at every step (the official layout).
        ``"auto"`` picks the fastest by :func:`graphclust.s2cag.cost.estimated_seconds` among
        the layouts whose dense blocks fit in the memory limit (:mod:`graphclust.memory`). The official code
        chooses between explicit and implicit by operation counts (:func:`official_cost`),
        which ignores that a narrow sparse product runs ~20x below a BLAS-3 product; the
        choice only moves rounding.
    weights : {"official", "series", "power_iteration"}, default "official"
        The polynomial weights ``c_t`` (:func:`graphclust.solvers.propagate.geometric_coefficients`).
        The official code's two paths weigh the last term differently: its implicit path uses
        ``"series"``, its explicit path ``"power_iteration"``. ``"official"`` uses the weights
        of the path the official cost rule (:func:`official_cost`) picks on this input,
        whatever layout ``path`` computes them with, so every layout reproduces the official run.
    faithful : bool, default True
        True reproduces the official randomized SVD: no re-orthonormalisation between power
        steps. False re-orthonormalises (QR) after every product: the same subspace in exact
        arithmetic, computed stably. Which to choose: where the faithful loop is well
        conditioned both give the same labels (every official run but amazon_photo's two);
        where it is not, the faithful labels are rounding noise (they change with the library
        versions, the layout and the thread count) and ``faithful=True`` says so with a
        :class:`PowerIterationAccuracyWarning`. Keep True to reproduce published official
        runs; prefer False for new data, or whenever the warning appears.
    dtype : {"auto", "float64", "float32"}, default "auto"
        Working precision of ``P``, ``X_hat``, ``Z`` and the products with them (the small
        SVD, the Gram-space power steps and SNEM stay float64). ``"auto"``: float32 on the
        Gram layout, whose float32 work is BLAS-3 and wide sparse products (1.7-2x faster)
        while its power steps run in float64 on ``Z^T Z`` (same labels as float64 on every
        well-conditioned official run), and float64 on the implicit and explicit layouts,
        whose narrow products gain little and whose faithful loop needs float64 in the
        n-space. ``"float32"`` everywhere needs ``faithful=False`` unless ``path="gram"``.
    drop_first : bool, default True
        Drop the leading left singular vector (official) before rounding.
    tfidf : bool, default True
        TF-IDF with l2 rows on the attributes (official; for bag-of-words counts).
    attribute_norm : {"degree", "l2", None}, default "degree"
        Row scaling of the attributes: official attribute-degree normalisation
        ``diag(X X^T 1)^{-1/2} X``, unit l2 rows, or none.
    signed_features : {"raise", "fallback"}, default "raise"
        Features with negative entries under TF-IDF or the degree step: raise a ValueError, or
        fall back to no TF-IDF and l2 rows (warning).
    symmetric_self_loops, self_loops : float, default 1.0
        Self-loop weights added before the symmetric and before the row normalisation of the
        propagation matrix (official: 1 and 1). See :func:`propagation_matrix`.
    symmetric_normalization : bool, default True
        Apply the symmetric normalisation step (official).
    snem_iter : int, default 100
        SNEM rounding steps (stops early at a fixed point, which changes nothing).
    random_state : int, Generator or None, default 0
        An int seeds ``np.random.RandomState(random_state).normal`` for the start block:
        ``0`` gives the official draw. A Generator or None draws from that generator.
    device : {"cpu", "cuda", "auto"}, default "cpu"
    verbose : bool, default False

    Attributes
    ----------
    labels_ : ndarray of int64 (n,)
    embedding_ : ndarray (n, k)
        The k singular vectors given to SNEM.
    singular_values_ : ndarray (k + oversample,)
        Approximate singular values of Z.
    path_ : {"implicit", "gram", "explicit", "distributed"}
        The layout that was used.
    power_conditioning_ : float or None
        ``faithful=True``: the singular value of the last power block ``Z (Z^T Z)^tau G``
        along the last direction given to SNEM, relative to the largest (free from the
        block's QR; rounding perturbs that direction by about ``eps /
        power_conditioning_``). Below :data:`FAITHFUL_MIN_CONDITIONING` (1e-13) a
        :class:`PowerIterationAccuracyWarning` is issued. None for ``faithful=False`` and on
        a distributed graph.

    Warns
    -----
    PowerIterationAccuracyWarning
        ``faithful=True`` and the power steps lost the directions the clustering uses (see
        ``power_conditioning_``); ``faithful=False`` computes them stably.

    Examples
    --------
    >>> import graphclust as gc
    >>> g = gc.datasets.load("cora")                           # doctest: +SKIP
    >>> labels = gc.S2CAG(n_clusters=7).fit_predict(g)         # doctest: +SKIP
    """

    _distributed = True  # fit also takes a graphclust.distributed.DistributedGraph (implicit layout)

    def __init__(
        self,
        n_clusters: int = 8,
        T: int = 10,
        alpha: float = 0.9,
        tau: int = 7,
        oversample: int = 10,
        *,
        path: str = "auto",
        weights: str = "official",
        faithful: bool = True,
        dtype: str = "auto",
        drop_first: bool = True,
        tfidf: bool = True,
        attribute_norm: str | None = "degree",
        signed_features: str = "raise",
        symmetric_self_loops: float = 1.0,
        symmetric_normalization: bool = True,
        self_loops: float = 1.0,
        snem_iter: int = 100,
        random_state: Any = 0,
        device: str = "cpu",
        verbose: bool = False,
    ) -> None:
        self.n_clusters = n_clusters
        self.T = T
        self.alpha = alpha
        self.tau = tau
        self.oversample = oversample
        self.path = path
        self.weights = weights
        self.faithful = faithful
        self.dtype = dtype
        self.drop_first = drop_first
        self.tfidf = tfidf
        self.attribute_norm = attribute_norm
        self.signed_features = signed_features
        self.symmetric_self_loops = symmetric_self_loops
        self.symmetric_normalization = symmetric_normalization
        self.self_loops = self_loops
        self.snem_iter = snem_iter
        self.random_state = random_state
        self.device = device
        self.verbose = verbose

    def _weights(self, n: int, d: int, nnz_p: int, k: int, T: int, tau: int) -> str:
        """Polynomial weights: those of the official path its cost rule picks, or as set."""
        if self.weights != "official":
            return self.weights
        explicit, implicit = official_cost(n, d, nnz_p, k, T, tau, int(self.oversample))
        return "power_iteration" if explicit < implicit else "series"

    def _check_power_block(self, rel_sv: np.ndarray, used: int) -> None:
        """Record how many digits the faithful power block kept, and warn when it kept too few.

        ``rel_sv`` are the singular values of the last power block ``Z (Z^T Z)^tau G`` relative
        to the largest (free from its QR); the ``used``-th (the last singular direction given
        to SNEM) is ``power_conditioning_``. Rounding perturbs that direction by about
        ``eps / power_conditioning_``, so below :data:`FAITHFUL_MIN_CONDITIONING` the labels
        depend on rounding (see :class:`PowerIterationAccuracyWarning`).
        """
        ratio = float(rel_sv[min(used, rel_sv.size) - 1])
        self.power_conditioning_ = ratio
        if ratio < FAITHFUL_MIN_CONDITIONING:
            warnings.warn(
                f"S2CAG faithful=True: the power steps lost accuracy. The last singular direction used "
                f"fell to {ratio:.1e} of the leading one in the power block Z (Z^T Z)^tau G (threshold "
                f"{FAITHFUL_MIN_CONDITIONING:.0e}), so it carries a rounding error of about "
                f"{np.finfo(np.float64).eps / max(ratio, 1e-300):.0e} and the labels depend on rounding (library "
                f"versions, layout, thread count). Use faithful=False (re-orthonormalised power steps: the "
                f"same answer in exact arithmetic, computed stably), or a smaller tau.",
                PowerIterationAccuracyWarning,
                stacklevel=4,
            )

    def _validate_params(self, graph: Any) -> None:
        super()._validate_params(graph)
        self._check_common()
        check_scalar(self.oversample, "oversample", kind=int, low=0)
        if self.weights not in ("official", "series", "power_iteration"):
            raise ValueError(f"weights must be 'official', 'series' or 'power_iteration', got {self.weights!r}.")
        if self.path not in ("auto", "implicit", "gram", "explicit"):
            raise ValueError(f"path must be 'auto', 'implicit', 'gram' or 'explicit', got {self.path!r}.")
        if self.faithful and self.dtype == "float32" and self.path != "gram":
            raise ValueError(
                "dtype='float32' with faithful=True needs path='gram' (whose power steps run in float64 "
                "on Z^T Z), or faithful=False: the official loop (no re-orthonormalisation) in the "
                "n-space keeps the trailing singular directions only at float64 rounding. "
                "dtype='auto' picks float32 where it is safe."
            )
        k, n, d = int(self.n_clusters), graph.n_nodes, graph.features.shape[1]
        need = k + int(bool(self.drop_first))
        if need > min(n, d):
            raise ValueError(
                f"S2CAG needs {need} singular vectors (n_clusters={k}"
                f"{' + 1 dropped' if self.drop_first else ''}) but Z = sum P^t X has rank at most "
                f"min(n_nodes, n_features) = {min(n, d)}."
            )

    def _fit(self, graph: Any, rng: np.random.Generator | None) -> None:
        distributed = getattr(graph, "is_distributed", False)
        P, X = self._preprocess(graph.source if distributed else graph)
        ns = namespace_of(P)
        k, T, tau, alpha = int(self.n_clusters), int(self.T), int(self.tau), float(self.alpha)
        n, d = X.shape
        b = min(k + max(int(self.oversample), int(bool(self.drop_first))), n, d)
        path = "distributed" if distributed else self._layout(self.path, P, X, b, 2 * (tau + 1),
                                                              ("implicit", "gram", "explicit"))
        coeffs = geometric_coefficients(T, alpha, self._weights(n, d, int(P.nnz), k, T, tau))
        G = ns.asarray(legacy_normal(self.random_state, rng, (d, b)))
        self.power_conditioning_ = None
        if distributed:
            # the implicit layout on row blocks: the same randomized SVD, products on the workers
            from ..distributed.s2cag import fit_s2cag

            fit_s2cag(self, graph, P, X, coeffs, G.astype(P.dtype, copy=False), b)
            return
        P, X = self._cast(P, X, path)
        info: dict = {}
        if path == "gram":
            Z = self._smoothed(P, X, coeffs)
            U, s, _ = factored_randomized_svd(Z, gram(Z), G, tau, renormalize=not self.faithful, verbose=self.verbose,
                                              info=info)
        else:
            if path == "explicit":
                Z = self._smoothed(P, X, coeffs)  # dense n x d by definition of this layout
                matvec, rmatvec = (lambda M: Z @ M), (lambda M: Z.T @ M)
            else:
                PT = transpose_csr(P)
                xmul, xtmul = _feature_ops(X)

                def matvec(M: Any) -> Any:
                    return propagate(P, xmul(M), coeffs)

                def rmatvec(M: Any) -> Any:
                    return xtmul(propagate(PT, M, coeffs))

            G = G.astype(P.dtype, copy=False)
            Zop = FunctionOperator((n, d), matvec, rmatvec, dtype=P.dtype, device=ns.name)
            U, s, _ = randomized_svd(Zop, G, tau, renormalize=not self.faithful, verbose=self.verbose, info=info)
        first = 1 if self.drop_first else 0
        if self.faithful:
            self._check_power_block(info["block_singular_values"], first + k)
        V = U[:, first:first + k]
        labels = snem_rounding(V, int(self.snem_iter))
        self.path_ = path
        self.labels_ = ns.to_numpy(labels).astype(np.int64)
        self.embedding_ = ns.to_numpy(V).astype(np.float64, copy=False)
        self.singular_values_ = ns.to_numpy(s).astype(np.float64, copy=False)
