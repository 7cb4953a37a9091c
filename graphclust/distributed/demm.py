"""DEMM+ on a :class:`DistributedMultiplexGraph`: stage I and stage II on row blocks.

What needs row blocks, and how each piece is computed:

- the normalised relations ``A_hat_r = D_r^{-1/2} (A_r + I) D_r^{-1/2}``: built on the workers
  from the relation blocks (diagonal stripped, unit loops added on the own rows, degrees as
  row sums, then :meth:`DistributedOperator.scaled`, which ships the halo of ``D^{-1/2}`` once);
  ``||A_hat_r||_F^2`` by a reduction of per-block partials;
- the fused operator ``D^{-1/2} (sum_r w_r A_hat_r) D^{-1/2}`` (:class:`FusedAdjacency`): a
  :class:`~graphclust.distributed.DistributedWeightedSum` (one halo exchange of the union's
  rows per product) between two row scalings; the re-normalising degree is the weighted sum
  of per-relation row-sum blocks, recomputed on the workers when the weights change;
- the CountSketch of each incidence ``D^{-1/2} E S^T`` (``n x m``): row ``i`` only involves the
  edges at ``i``, so each worker builds its rows from its block. The hash (a bucket and a sign
  per edge) is drawn on the client from the estimator's random numbers, exactly as
  :func:`graphclust.demm.energy.sketched_incidence` draws it (edges in CSR order of the upper
  triangle), and shipped as one code per stored entry in the block layout: that keeps the
  sketch, hence the weights and the labels, those of the single-process fit;
- the energies ``||H^T E_r||_F^2``, the fit term ``||H - X||_F^2``: ``d x m`` and scalar reductions;
- stage II: centring, random Fourier features and the Sinkhorn-Knopp row scalings are row-local
  (one task per block), the Sinkhorn column sums are reductions, and k-means is
  :func:`graphclust.distributed.kmeans` (seeded on a sample of rows gathered to the client:
  all rows up to ``max(20000, 1000 k)`` nodes, the single-process k-means then; beyond, a
  uniform sample).

Stage I is :func:`graphclust.demm.stage1.faao` itself, unchanged: it sees an operator, row
blocks and reductions. The attributes are reduced (PCA) on the client, where the source graph
is, by the estimator's own preprocessing, then cut into row blocks.
"""
from __future__ import annotations

import functools
from typing import Any, Sequence

import numpy as np
import scipy.sparse as sp

from ..demm.fused import FusedAdjacency as _SingleFused
from ..operators import protocol_docstrings
from ..sparse import inverse_power
from .blocks import BlockVector
from .operator import DistributedOperator

__all__ = ["normalized_relations", "sketch_codes", "sketched_incidences", "FusedAdjacency", "sskc",
           "fit_demm_plus"]

_inv_sqrt = functools.partial(inverse_power, power=-0.5)

# ---------------------------------------------------------------- worker-side functions


def _strip_diagonal(loops: bool, block: Any) -> Any:
    """Block without its own diagonal entries, plus a unit loop on every own row when asked."""
    import dataclasses

    M = block.matrix
    nr = M.shape[0]
    rows = np.repeat(np.arange(nr), np.diff(M.indptr))
    keep = M.indices != rows
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows[keep], minlength=nr))])
    B = sp.csr_array((M.data[keep], M.indices[keep], indptr), shape=M.shape)
    if loops:
        B = sp.csr_array(B + sp.eye_array(nr, M.shape[1], dtype=np.float64, format="csr"))
        B.sort_indices()
    return dataclasses.replace(block, matrix=B)


def _sumsq_data(block: Any) -> float:
    return float(np.sum(block.matrix.data.astype(np.float64) ** 2))


def _sketch_rows(m: int, self_loop: float, eps: float, dtype: Any, plain: Any, codes: Any) -> np.ndarray:
    """Rows of ``D^{-1/2} E S^T`` owned by a block: the code of entry ``(i, j)`` is
    ``(bucket + 1) * sign * side`` (side -1 where ``i < j``, +1 where ``i > j``)."""
    from ..sparse import degrees

    P, C = plain.matrix, codes.matrix
    if not (np.array_equal(P.indptr, C.indptr) and np.array_equal(P.indices, C.indices)):
        raise ValueError("the sketch codes do not match the relation's pattern.")
    nr = P.shape[0]
    rows = np.repeat(np.arange(nr), np.diff(P.indptr))
    scale = inverse_power(degrees(P) + self_loop, -0.5) + eps
    code = C.data.astype(np.int64)
    val = np.sign(code) * np.sqrt(P.data) * scale[rows]
    E = np.bincount(rows * m + (np.abs(code) - 1), weights=val, minlength=nr * m).reshape(nr, m)
    return E.astype(dtype, copy=False)


def _scale_rows(X: np.ndarray, s: np.ndarray) -> np.ndarray:
    return X * s.astype(X.dtype, copy=False)


def _sinkhorn_rows(colsum: np.ndarray, X: np.ndarray) -> np.ndarray:
    return X / (X @ colsum.astype(X.dtype, copy=False))[:, None]


# ---------------------------------------------------------------- pieces


def _per_block(dg: Any, func: Any, *args: Any, blocks: Sequence) -> list:
    return [dg.client.submit(func, *args, b, workers=[w], allow_other_workers=False, pure=False)
            for b, w in zip(blocks, dg.workers)]


def normalized_relations(dg: Any, *, self_loops: bool = True, dtype: Any = np.float64) -> tuple[list, list, np.ndarray]:
    """The relations of :func:`graphclust.demm.relations.normalized_relations`, on the workers.

    Parameters
    ----------
    dg : DistributedMultiplexGraph
    self_loops : bool, default=True
    dtype : numpy dtype, default=float64

    Returns
    -------
    A_hat : list (per relation) of lists of block Futures, the union layout
    plain : list of lists of block Futures, the relations without their diagonal
    fro_sq : ndarray (R,), ``||A_hat_r||_F^2``

    Examples
    --------
    >>> A_hat, plain, fro_sq = normalized_relations(dmg)      # doctest: +SKIP
    """
    A_hat, plain, fro = [], [], []
    for blocks in dg.relation_blocks:
        B = _per_block(dg, _strip_diagonal, False, blocks=blocks)
        L = _per_block(dg, _strip_diagonal, True, blocks=blocks) if self_loops else B
        op = DistributedOperator(dg, L)
        dinv = op.row_sums().map_blocks(_inv_sqrt)
        N = op.scaled(dinv, dinv)
        fro.append(float(sum(dg.client.gather(_per_block(dg, _sumsq_data, blocks=N.blocks)))))
        A_hat.append(N.astype(dtype).blocks if np.dtype(dtype) != N.dtype else N.blocks)
        plain.append(B)
    return A_hat, plain, np.asarray(fro, dtype=np.float64)


def sketch_codes(plain: Any, sketch_size: int, rng: np.random.Generator) -> sp.csr_array:
    """Per stored entry of a symmetric relation without diagonal: ``(bucket + 1) * sign * side``.

    The hash is :func:`graphclust.demm.energy.count_sketch_hash` over the edges in CSR order of
    the upper triangle (the draws of :func:`~graphclust.demm.energy.sketched_incidence`); entry
    ``(i, j)`` carries its edge's code with side ``-1`` if ``i < j`` and ``+1`` if ``i > j``.

    Parameters
    ----------
    plain : CSR matrix (n, n), symmetric pattern, no diagonal
    sketch_size : int
    rng : numpy.random.Generator

    Returns
    -------
    csr_array with the pattern of ``plain`` and integer-valued float data

    Examples
    --------
    >>> A = sp.csr_array(np.array([[0.0, 2.0], [2.0, 0.0]]))
    >>> c = sketch_codes(A, 4, np.random.default_rng(0)).data
    >>> bool(c[0] == -c[1] and 1 <= abs(c[0]) <= 4)
    True
    """
    from ..demm.energy import count_sketch_hash

    P = sp.csr_array(plain)
    n = P.shape[0]
    rows = np.repeat(np.arange(n), np.diff(P.indptr))
    cols = P.indices.astype(np.int64)
    upper, lower = cols > rows, cols < rows
    n_edges = int(upper.sum())
    bucket, sign = count_sketch_hash(n_edges, int(sketch_size), rng)
    eid = np.zeros(P.nnz, dtype=np.int64)
    eid[upper] = np.arange(n_edges)
    # the lower entry (j, i) of edge (i, j): the transpose of the upper triangle, in CSR order
    U = sp.csr_array((np.arange(1, n_edges + 1, dtype=np.int64), (rows[upper], cols[upper])), shape=P.shape)
    L = sp.csr_array(U.T)
    L.sort_indices()
    if L.nnz != int(lower.sum()) or not (np.array_equal(np.repeat(np.arange(n), np.diff(L.indptr)), rows[lower])
                                         and np.array_equal(L.indices, cols[lower])):
        raise ValueError("a relation's pattern is not symmetric: DEMM+ needs undirected relations.")
    eid[lower] = L.data - 1
    code = (bucket[eid] + 1) * sign[eid] * np.where(upper, -1.0, 1.0)
    return sp.csr_array((code, P.indices, P.indptr), shape=P.shape)


def sketched_incidences(dg: Any, plain: list, sizes: Sequence[int], gens: Sequence[np.random.Generator], *,
                        self_loop: float = 0.0, eps: float = 0.0, dtype: Any = np.float64) -> list:
    """The sketched incidences ``E_tilde_r`` (``n x m_r``) as BlockVectors, rows built per block.

    Parameters
    ----------
    dg : DistributedMultiplexGraph
    plain : list of lists of Futures
        The relations without diagonal (:func:`normalized_relations`).
    sizes : sequence of int
    gens : sequence of Generator
        One per relation (:func:`graphclust.demm.common.sketch_generators`).
    self_loop, eps
        As in :func:`graphclust.demm.energy.sketched_incidence`.
    dtype : numpy dtype

    Returns
    -------
    list of BlockVector

    Examples
    --------
    >>> E = sketched_incidences(dmg, plain, [64, 64], [np.random.default_rng(0)] * 2)  # doctest: +SKIP
    """
    from ..demm.relations import strip_diagonal

    out = []
    for r, (blocks, m, gen) in enumerate(zip(plain, sizes, gens)):
        codes = dg.scatter_relation(sketch_codes(strip_diagonal(dg.source.relations[r]), int(m), gen))
        parts = [dg.client.submit(_sketch_rows, int(m), float(self_loop), float(eps), np.dtype(dtype), b, c,
                                  workers=[w], allow_other_workers=False, pure=False)
                 for b, c, w in zip(blocks, codes, dg.workers)]
        out.append(BlockVector(dg, parts, int(m), dtype))
    return out


@protocol_docstrings
class FusedAdjacency(_SingleFused):
    """:class:`graphclust.demm.fused.FusedAdjacency` on row blocks (its weights, its degree rule).

    ``[D^{-1/2}] (sum_r w_r A_hat_r) [D^{-1/2}]`` with ``D = diag(sum_r w_r A_hat_r 1)``; the
    weights change in place (:meth:`set_weights`), the degree block (a weighted sum of the
    per-relation row-sum blocks) is recomputed on the workers, and nothing is re-summed.

    Parameters
    ----------
    dg : DistributedMultiplexGraph
    terms : list of lists of Futures
        ``A_hat_r`` blocks in the union layout.
    weights : sequence of float
    renormalize : bool, default=True
    dtype : numpy dtype

    Examples
    --------
    >>> fused = FusedAdjacency(dmg, A_hat, [0.5, 0.5])        # doctest: +SKIP
    >>> fused.set_weights([0.7, 0.3]); Y = fused.matmat(X)    # doctest: +SKIP
    """

    def __init__(self, dg: Any, terms: list, weights: Sequence[float], *, renormalize: bool = True,
                 dtype: Any = np.float64) -> None:
        self._dg, self._terms_dtype = dg, np.dtype(dtype)
        super().__init__(terms, weights, renormalize=renormalize)

    def _build(self, terms: Sequence[Any], weights: Sequence[float]) -> tuple[Any, list | None]:
        ws = self._dg.weighted_sum(weights, list(terms), dtype=self._terms_dtype)
        return ws, ([ws.term(r).row_sums() for r in range(len(terms))] if self.renormalize else None)

    def _inverse_sqrt(self, d: BlockVector) -> BlockVector:
        return d.map_blocks(_inv_sqrt).astype(self.dtype)

    def matmat(self, X: BlockVector, out: Any = None) -> BlockVector:
        if self._scale is None:
            return self.weighted_sum.matmat(X)
        Y = self.weighted_sum.matmat(X.map_blocks(_scale_rows, self._scale))
        return Y.map_blocks(_scale_rows, self._scale)

    rmatmat = matmat

    def diagonal(self) -> Any:
        raise NotImplementedError("the diagonal of the distributed fused operator is not built (DEMM-NA only).")


def sskc(H: BlockVector, n_clusters: int, *, gamma: float, variant: str = "demm_code", sinkhorn_iters: int = 2,
         renormalize_rows: bool = False, center: bool = True, n_components: int | None = None, n_init: int = 1,
         sample: int | None = None, random_state: Any = None) -> np.ndarray:
    """:func:`graphclust.demm.stage2.sskc` on a BlockVector; labels in the partition order.

    The same draws in the same order (the projection, then k-means) from ``random_state``.

    Parameters
    ----------
    H : BlockVector (n, d)
    n_clusters, gamma, variant, sinkhorn_iters, renormalize_rows, center, n_components, n_init, random_state
        As in :func:`graphclust.demm.stage2.sskc`.
    sample : int, optional
        Rows gathered to seed k-means (default ``max(20000, 1000 k)``; all rows below that).

    Returns
    -------
    labels : int64 ndarray (n,), partition order

    Examples
    --------
    >>> labels = sskc(H, 3, gamma=1.0 / H.shape[1], random_state=0)   # doctest: +SKIP
    """
    from ..demm.random_features import projection_matrix, random_fourier_features
    from ..demm.stage2 import center_rows
    from ..seeding import check_random_state
    from ..solvers.kmeans import init_sample_size
    from .kmeans import kmeans

    rng = check_random_state(random_state)
    k = int(n_clusters)
    Hc = H.map_blocks(functools.partial(center_rows, renormalize=bool(renormalize_rows))) if center else H
    W = projection_matrix(Hc.shape[1], gamma, rng, variant, n_components)
    Z = Hc.map_blocks(functools.partial(random_fourier_features, W=W), n_cols=2 * W.shape[1])
    Zl, Zr = Z, Z
    for _ in range(int(sinkhorn_iters)):
        Zl = Zl.map_blocks(functools.partial(_sinkhorn_rows, Zr.sum(axis=0)))
        Zr = Zr.map_blocks(functools.partial(_sinkhorn_rows, Zl.sum(axis=0)))
    sample = init_sample_size(k) if sample is None else int(sample)
    labels, _, _ = kmeans(Zr, k, n_init=int(n_init), sample=sample, random_state=rng)
    return labels


def fit_demm_plus(est: Any, dg: Any, rng: np.random.Generator) -> None:
    """Finish :meth:`graphclust.DEMMPlus.fit` on a :class:`DistributedMultiplexGraph`.

    The attributed DEMM+ of :meth:`graphclust.DEMMPlus._fit`, its steps in the same order
    with the same draws, each on row blocks. Sets the estimator's fitted attributes (labels in
    the input node order; ``embedding_`` stays a BlockVector on the workers, partition order).

    Parameters
    ----------
    est : DEMMPlus
    dg : DistributedMultiplexGraph
    rng : numpy.random.Generator

    Examples
    --------
    >>> gc.DEMMPlus(3, random_state=0).fit(dmg)   # calls fit_demm_plus   # doctest: +SKIP
    """
    from ..demm.common import sketch_generators, sketch_sizes
    from ..demm.stage1 import faao
    from .multiplex import DistributedMultiplexGraph

    if not isinstance(dg, DistributedMultiplexGraph) or dg.source is None:
        raise TypeError("DEMMPlus fits a DistributedMultiplexGraph: partition a MultiplexGraph "
                        "(graphclust.distributed.partition(multiplex_graph, client)).")
    if est.device not in ("cpu", "auto"):
        raise ValueError(f"device={est.device!r}: a DistributedMultiplexGraph is clustered on its Dask workers' CPUs; "
                         "use device='cpu'.")
    src = dg.source
    ns, n, k, R, attributed, alpha, d, dtype = est._setup(src)
    if not attributed:
        raise ValueError("DEMMPlus on a distributed graph runs DEMM+ with attributes only: the attribute-less "
                         "DEMM-NA (use_features=False, or a graph without features) is not distributed yet; fit "
                         "the MultiplexGraph itself.")
    A_hat, plain, fro_sq = normalized_relations(dg, self_loops=bool(est.self_loops), dtype=dtype)
    gens = sketch_generators(est.random_state, rng, R)
    sketches = sketched_incidences(dg, plain, sketch_sizes(est.sketch_size, R), gens,
                                   self_loop=1.0 if est.self_loops else 0.0, eps=float(est.sketch_eps), dtype=dtype)
    del plain
    fused = FusedAdjacency(dg, A_hat, est._initial_weights(src), renormalize=bool(est.renormalize), dtype=dtype)
    X = est._attributes(src, d, rng, ns)
    Xb = BlockVector.from_numpy(dg, dg.to_partition_order(np.asarray(X)))
    del X
    bar = None
    if est.verbose:
        from tqdm.auto import tqdm

        bar = tqdm(total=int(est.n_outer) if est.learn_weights else 1, desc=est._variant, leave=False)
    try:
        res = faao(fused, Xb, sketches, est._penalty(fro_sq, True), alpha=alpha, beta=float(est.beta),
                   n_terms=int(est.n_terms), n_outer=int(est.n_outer), tail=bool(est.tail),
                   learn_weights=bool(est.learn_weights), bar=bar)
    finally:
        if bar is not None:
            bar.close()
    H = res.H
    gamma = 1.0 / H.shape[1] if est.gamma == "auto" else float(est.gamma)
    labels = sskc(H, k, gamma=gamma, variant=est.random_features, sinkhorn_iters=int(est.sinkhorn_iters),
                  renormalize_rows=bool(est.renormalize_rows),
                  center=True if est.center_rows is None else bool(est.center_rows),
                  n_components=est.n_random_features, n_init=int(est.n_init), random_state=rng)
    est._set_fitted(dg, res, dg.to_input_order(labels), ns)
    est.n_features_in_ = int(H.shape[1])
