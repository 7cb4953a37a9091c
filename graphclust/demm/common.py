"""What DEMM and DEMM+ share: parameter checks, relation and attribute preprocessing, and
the fitted attributes. Each estimator lives in its own module (``demm.py``, ``demm_plus.py``).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..base import BaseClusterer
from ..seeding import FixedSeed, seed_from, spawn
from ..validation import check_bool, check_choice, check_scalar
from .attributes import ROW_NORMS, reduce_attributes
from .relations import normalized_relations

__all__ = ["DEMMBase", "sketch_generators", "sketch_sizes"]


def sketch_sizes(sketch_size: Any, n_relations: int) -> list[int]:
    """One sketch size per relation from an int or a sequence (validated).

    Parameters
    ----------
    sketch_size : int or sequence of int
        One size for every relation, or one per relation.
    n_relations : int
        Number of relations.

    Examples
    --------
    >>> sketch_sizes(10, 2), sketch_sizes([10, 14], 2)
    ([10, 10], [10, 14])
    """
    if isinstance(sketch_size, (Sequence, np.ndarray)) and not isinstance(sketch_size, str):
        sizes = list(sketch_size)
        if len(sizes) != n_relations:
            raise ValueError(f"sketch_size has {len(sizes)} entries but the graph has {n_relations} relations.")
    else:
        sizes = [sketch_size] * n_relations
    return [check_scalar(m, "sketch_size", kind=int, low=1) for m in sizes]


def sketch_generators(random_state: Any, rng: np.random.Generator, n_relations: int) -> list[np.random.Generator]:
    """The generator of each relation's CountSketch.

    With a :class:`~graphclust.seeding.FixedSeed` every relation gets a fresh
    ``default_rng(seed)``, as the official code calls ``clarkson_woodruff_transform(...,
    seed=42)`` once per relation; otherwise independent children of ``rng``.

    Parameters
    ----------
    random_state : None, int, Generator or FixedSeed
        The estimator's ``random_state`` as given.
    rng : numpy.random.Generator
        The generator made from it.
    n_relations : int
        Number of relations.

    Returns
    -------
    list of numpy.random.Generator
    """
    if isinstance(random_state, FixedSeed):
        return [np.random.default_rng(random_state.seed) for _ in range(n_relations)]
    return spawn(rng, n_relations)


class DEMMBase(BaseClusterer):
    """Shared machinery of :class:`graphclust.DEMM` and :class:`graphclust.DEMMPlus`."""

    _multiplex = True
    _variant = "DEMM"

    def _setup(self, graph: Any) -> tuple:
        """What both fits start from: the namespace, ``n``, ``k``, the relation count, whether
        attributes are used, ``alpha``, the embedding dimension and the working dtype."""
        from ..backend import namespace_of

        n, k = graph.n_nodes, int(self.n_clusters)
        attributed = self._attributed(graph)
        return (namespace_of(graph.relations[0]), n, k, graph.n_relations, attributed, self._alpha(attributed),
                self._dim(attributed, n, k), np.dtype(self.dtype))

    # ------------------------------------------------------------------ checks
    def _validate_params(self, graph: Any) -> None:
        super()._validate_params(graph)
        if self.alpha is not None:
            check_scalar(self.alpha, "alpha", low=0, low_inclusive=False)
        check_scalar(self.beta, "beta", low=0)
        check_scalar(self.n_outer, "n_outer", kind=int, low=1)
        if self.dim is not None:
            check_scalar(self.dim, "dim", kind=int, low=1)
        check_choice(self.feature_norm, "feature_norm", ROW_NORMS)
        check_choice(self.penalty, "penalty", (None, "squared", "plain"))
        check_scalar(self.n_init, "n_init", kind=int, low=1)
        check_choice(self.dtype, "dtype", ("float64", "float32"))
        for flag in ("learn_weights", "renormalize", "self_loops", "standardize", "use_features", "verbose"):
            check_bool(getattr(self, flag), flag)

    # ------------------------------------------------------------------ pieces
    def _attributed(self, graph: Any) -> bool:
        return bool(self.use_features) and graph.features is not None

    def _alpha(self, attributed: bool) -> float:
        """alpha; None is the official default of the variant (4 with attributes, 0.8 without)."""
        if self.alpha is not None:
            return float(self.alpha)
        return 4.0 if attributed else 0.8

    def _dim(self, attributed: bool, n: int, k: int) -> int:
        """dim; None is 128 with attributes and k (at most n - 1) without."""
        if self.dim is not None:
            d = int(self.dim)
        else:
            d = 128 if attributed else k
        if not attributed:
            if d >= n:
                if self.dim is not None:
                    raise ValueError(f"dim={d} eigenvectors need a graph with more than {d} nodes, got {n}.")
                d = max(1, n - 1)
        return d

    def _penalty(self, fro_sq: np.ndarray, attributed: bool) -> np.ndarray:
        """The regulariser per relation: ||A_hat_r||_F^2, or ||A_hat_r||_F (official DEMM-NA)."""
        mode = self.penalty or ("squared" if attributed else "plain")
        return fro_sq if mode == "squared" else np.sqrt(fro_sq)

    def _initial_weights(self, graph: Any) -> np.ndarray:
        """The initial relation weights: ``weights`` normalised to sum 1, or ``1/R``."""
        R = graph.n_relations
        if self.weights is None:
            return np.full(R, 1.0 / R)
        if isinstance(self.weights, dict):
            unknown = set(self.weights) - set(graph.relation_names)
            if unknown:
                raise ValueError(f"weights names unknown relations {sorted(unknown)}; relations: {graph.relation_names}.")
            w = [self.weights.get(r, 0.0) for r in graph.relation_names]
        else:
            w = list(self.weights)
        w = np.asarray([check_scalar(x, "weights", low=0) for x in w], dtype=np.float64)
        if w.shape != (R,) or w.sum() <= 0:
            raise ValueError(f"weights must give {R} non-negative weights, not all zero; got {self.weights!r}.")
        return w / w.sum()

    def _relations(self, graph: Any, attributed: bool) -> tuple[list, list, np.ndarray]:
        """Normalised relations. Without attributes, nodes with no edge in any relation get no
        self-loop: each would add an eigenvalue 1 (a component of its own) at the top of the
        fused spectrum whose eigenvectors DEMM-NA keeps (our choice; the official code loops
        every node)."""
        mask = None
        if not attributed and self.self_loops:
            from ..sparse import degrees

            mask = sum(degrees(A) for A in graph.relations) > 0
            if bool(mask.all()):
                mask = None
        return normalized_relations(graph.relations, self_loops=bool(self.self_loops), loop_mask=mask,
                                    dtype=np.dtype(self.dtype))

    def _attributes(self, graph: Any, dim: int, rng: np.random.Generator, ns: Any) -> Any:
        X = reduce_attributes(graph.features, dim, row_norm=self.feature_norm, standardize=bool(self.standardize),
                              random_state=seed_from(rng))
        return ns.asarray(X, dtype=np.dtype(self.dtype))

    def _set_fitted(self, graph: Any, res: Any, labels: np.ndarray, ns: Any) -> None:
        names = list(graph.relation_names)
        w = res.weights[-2] if len(res.weights) > 1 else res.weights[-1]
        self.labels_ = labels
        self.relation_weights_ = {r: float(x) for r, x in zip(names, w)}
        self.weight_history_ = np.vstack(res.weights)
        self.energies_ = {r: float(x) for r, x in zip(names, res.energies[-1])}
        self.objective_ = np.asarray(res.objective, dtype=np.float64)
        self.n_iter_ = len(res.objective)
        # a distributed block (graphclust.distributed.BlockVector) stays on its workers
        self.embedding_ = res.H if hasattr(res.H, "to_numpy") else np.asarray(ns.to_numpy(res.H), dtype=np.float64)
