"""LocalClustering: one target cluster around a seed, optionally guided by noisy labels."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..base import BaseClusterer
from ..validation import check_choice, check_random_state, check_scalar
from ._common import kernels, prepare, resolve_seeds, workspace
from .flow import _check as _check_flow
from .flow import _sink, flow_diffusion_batch
from .labels import label_volume, label_weighted_graph
from .pagerank import approximate_pagerank
from .sweep import sweep_cut, sweep_cut_batch

__all__ = ["LocalClustering", "DEFAULT_MASS_GRID", "LABEL_MASS_GRID"]

#: Multipliers of the volume estimate tried by default: 1.5, 1.75, ..., 5 (WFD's protocol).
DEFAULT_MASS_GRID = np.round(np.arange(1.5, 5.0 + 1e-9, 0.25), 2)

# Without a volume estimate: geometric multiples of the volume of the seed's closed
# neighbourhood (a local, label-free guess; give ``volume`` when you know better).
_FALLBACK_GRID = 2.0 ** np.arange(0, 7)

#: Multipliers of the label-based volume estimate (:func:`graphclust.local.label_volume`)
#: tried by default when noisy labels are given and no volume: 2^-3 ... 2^2.25 in quarter
#: octaves. The estimate counts label-1 nodes attached to the target, so it is 1.5-7x the
#: target's volume under label noise; the grid reaches down to where WFD's 1.5-5 x vol(K)
#: then lies (measured in docs/benchmarks/local.md, "without the oracle").
LABEL_MASS_GRID = np.round(2.0 ** np.arange(-3.0, 2.26, 0.25), 4)


class LocalClustering(BaseClusterer):
    """Local graph clustering from a seed: flow diffusion or ACL PageRank, with noisy labels.

    With ``noisy_labels`` the diffusion runs on the label-weighted graph
    (:func:`graphclust.local.label_weighted_graph`): the LFD method of Back de Luca,
    Fountoulakis and Yang (ICLR 2024) for ``method="flow"``, "label-based PageRank" for
    ``method="pagerank"``.

    Flow diffusion tries every source mass of a grid and keeps the cluster with the lowest
    conductance (weighted, on the graph the diffusion ran on), as in the WFD protocol. The
    published protocols set the grid to multiples of the *true* target volume ``vol(K)``
    (an oracle); graphclust takes a *volume estimate* ``volume`` instead, and tries
    ``mass_grid * volume`` (default multipliers 1.5, 1.75, ..., 5). Without an estimate the
    grid is ``2**j * vol(N[seed])``, j = 0..6, with ``N[seed]`` the seed and its neighbours,
    unless ``noisy_labels`` are given: they are then themselves the estimate, the volume of
    the label-1 nodes the seed reaches through label-1 nodes
    (:func:`graphclust.local.label_volume`), and the grid is :data:`LABEL_MASS_GRID`
    (``2**-3`` to ``2**2.25`` times it, capped at the graph's volume).

    Parameters
    ----------
    method : {"flow", "pagerank"}, default "flow"
    p : float, default 2.0
        Norm of the flow diffusion (``p > 1``; 2 = l2).
    mass : float, optional
        Fixed source mass (no grid search).
    mass_grid : sequence of float, optional
        Multipliers of ``volume`` to try (default 1.5:0.25:5).
    volume : float, optional
        Estimate of the target cluster's volume (sum of sink capacities, i.e. degrees).
        Default: from ``noisy_labels`` when given (see above), else from the seed's
        neighbourhood.
    label_eps : float, optional
        Weight of label-disagreeing edges in the label-weighted graph (default 0.05 when
        ``noisy_labels`` are given).
    sink : None, "degree", "unweighted", float or array
        Sink capacities of flow diffusion. Default: the degrees of the *input* graph (also
        when running on the label-weighted graph, as WFD uses the original degrees).
    rounding : {"support", "sweep"}, optional
        How a flow-diffusion solution becomes a cluster: its support (WFD's experiments, the
        default) or a sweep cut over ``x``. PageRank always uses a degree-normalised sweep.
    alpha, eps : float
        ACL teleportation probability and push threshold.
    max_iters : int, default 100
        Flow-diffusion passes.
    tol : float, default 1e-4
        Allowed excess mass per node in the flow diffusion (its stopping rule).
    random_state : None, int or Generator
        Push order of flow diffusion.
    verbose : bool, default=False
        Show a tqdm bar over the source masses of the grid (flow) or the sweeps.

    Attributes
    ----------
    cluster_ : ndarray
        The found cluster (original node ids for networkx input).
    cluster_indices_ : ndarray of int64
    scores_ : LocalScores
        The diffusion scores the cluster came from.
    conductance_ : float
        Conductance of the cluster on the graph the diffusion ran on.
    mass_ : float or None
        The selected source mass (flow).
    volume_ : float or None
        The volume estimate the grid was built on (flow; None with a fixed ``mass``).
    grid_ : list of (mass, conductance, size)
        Every grid point tried (flow).
    labels_ : ndarray of int64
        1 for nodes in the cluster, 0 elsewhere (graph node order).

    Examples
    --------
    >>> import networkx as nx
    >>> from graphclust import LocalClustering
    >>> G = nx.barbell_graph(8, 0)
    >>> est = LocalClustering(volume=57, rounding="sweep", random_state=0).fit(G, 0)
    >>> sorted(est.cluster_.tolist())
    [0, 1, 2, 3, 4, 5, 6, 7]
    """

    _cpu_only = True  # see registry.MethodInfo.cpu_only

    _needs_n_clusters = False

    def __init__(
        self,
        method: str = "flow",
        p: float = 2.0,
        mass: float | None = None,
        mass_grid: Any = None,
        volume: float | None = None,
        label_eps: float | None = None,
        sink: Any = None,
        rounding: str | None = None,
        alpha: float = 0.15,
        eps: float = 1e-6,
        max_iters: int = 100,
        tol: float = 1e-4,
        random_state: Any = None,
        verbose: bool = False,
    ):
        self.method = method
        self.p = p
        self.mass = mass
        self.mass_grid = mass_grid
        self.volume = volume
        self.label_eps = label_eps
        self.sink = sink
        self.rounding = rounding
        self.alpha = alpha
        self.eps = eps
        self.max_iters = max_iters
        self.tol = tol
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ helpers
    def _masses(self, prep, seeds: np.ndarray, T: np.ndarray, noisy_labels: Any = None) -> np.ndarray:
        self.volume_ = None
        if self.mass is not None:
            return np.array([check_scalar(self.mass, "mass", low=0.0, low_inclusive=False)])
        from_labels = self.volume is None and noisy_labels is not None
        if self.mass_grid is None:
            grid = LABEL_MASS_GRID if from_labels else (DEFAULT_MASS_GRID if self.volume is not None else _FALLBACK_GRID)
        else:
            grid = np.asarray(self.mass_grid, dtype=np.float64).ravel()
            if grid.size == 0 or not np.all(np.isfinite(grid)) or (grid <= 0).any():
                raise ValueError("mass_grid must be a non-empty sequence of positive numbers.")
        if self.volume is not None:
            vol = check_scalar(self.volume, "volume", low=0.0, low_inclusive=False)
        elif from_labels:
            # The labels are themselves an estimate of the target: the volume of the label-1
            # nodes the seeds reach through label-1 nodes.
            vol = label_volume(prep.graph, prep.graph.ids(seeds), noisy_labels, sink=T)
        else:
            nb = np.concatenate([seeds] + [prep.indices[prep.indptr[s]:prep.indptr[s + 1]] for s in seeds])
            vol = float(T[np.unique(nb)].sum())
            if vol <= 0:
                vol = 1.0
        self.volume_ = float(vol)
        with np.errstate(over="ignore"):
            masses = np.asarray(grid, dtype=np.float64) * vol
        if not np.all(np.isfinite(masses)):
            raise ValueError(
                f"volume * mass_grid overflows float64 (volume={vol!r}, largest grid value {float(np.max(grid))!r}); "
                "give a smaller volume."
            )
        if from_labels:
            # More mass than the graph can absorb only spreads everywhere.
            masses = np.unique(np.minimum(masses, float(T.sum())))
        return masses

    def _check_params(self) -> None:
        """Every parameter, whatever the method: a typo is reported even where it is not used."""
        self._check_flags()
        check_choice(self.method, "method", ("flow", "pagerank"))
        if self.rounding is not None:
            check_choice(self.rounding, "rounding", ("support", "sweep"))
        _check_flow(self.p, self.max_iters, self.tol)
        check_scalar(self.alpha, "alpha", low=0.0, high=1.0, low_inclusive=False)
        check_scalar(self.eps, "eps", low=0.0, low_inclusive=False)
        if self.label_eps is not None:
            check_scalar(self.label_eps, "label_eps", low=0.0, high=1.0)
        if self.mass is not None:
            check_scalar(self.mass, "mass", low=0.0, low_inclusive=False)
        if self.volume is not None:
            check_scalar(self.volume, "volume", low=0.0, low_inclusive=False)
        check_random_state(self.random_state)

    # ------------------------------------------------------------------ API
    def fit(self, graph: Any, seed: Any, noisy_labels: Any = None) -> "LocalClustering":
        """Find the cluster of ``seed``.

        Parameters
        ----------
        graph : graph-like
            Anything :func:`graphclust.as_graph` accepts; undirected.
        seed : node id or collection of node ids
            Indices, or original node ids for networkx input.
        noisy_labels : array-like or mapping, optional
            Binary labels (1 = target cluster) in node order, or ``{node id: label}``.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            Besides bad input: the diffusion moved no mass off the seed (a flow source mass
            within the seed's sink capacity + ``tol`` at every grid point, or a PageRank
            ``eps`` above every residual per degree), which would give an empty cluster.
            Among the grid points, the ones with an empty support are never selected.
        """
        self._check_params()
        g = self._validate_graph(graph)
        prep = prepare(g)
        seeds = resolve_seeds(prep, seed, "seed")
        work = g
        if noisy_labels is not None:
            leps = 0.05 if self.label_eps is None else self.label_eps
            work = label_weighted_graph(g, noisy_labels, eps=leps)
        wprep = prepare(work)
        self.grid_ = []
        self.mass_ = None
        self.volume_ = None
        if self.method == "pagerank":
            scores = approximate_pagerank(work, prep.graph.ids(seeds), alpha=self.alpha, eps=self.eps)
            cut = sweep_cut(work, scores, normalize=True, tie="first")
            best_idx, best_cond = cut.indices, cut.conductance
        else:
            _check_flow(self.p, self.max_iters, self.tol)
            T = _sink(prep, self.sink)  # sinks of the input graph, also on the weighted graph
            masses = self._masses(prep, seeds, T, noisy_labels)
            rng = check_random_state(self.random_state)
            seed_ids = prep.graph.ids(seeds)
            query = seed_ids if len(seeds) > 1 else seed_ids[0]
            # One batch over the grid: the masses run in parallel, each on its own workspace.
            results = flow_diffusion_batch(
                work, [query] * len(masses), list(masses), p=self.p, sink=T,
                max_iters=self.max_iters, tol=self.tol, random_state=rng, verbose=bool(self.verbose),
            )
            rounding = self.rounding or "support"
            if rounding == "sweep":
                cuts = sweep_cut_batch(work, results, normalize=False, tie="last", verbose=bool(self.verbose))
                cands = [(c.indices, c.conductance) for c in cuts]
            else:
                k = kernels()
                cands = []
                with workspace(wprep.n) as ws:
                    for r in results:
                        idx = np.sort(r.indices)
                        cond = k.set_conductance(wprep.indptr, wprep.indices, wprep.data, wprep.deg,
                                                 wprep.total, idx, ws.u8[0])[0] if idx.size else 1.0
                        cands.append((idx, float(cond)))
            self.grid_ = [(float(m), float(c[1]), int(len(c[0]))) for m, c in zip(masses, cands)]
            # the lowest conductance among the candidates that hold a node (the first on ties)
            found = [i for i, c in enumerate(cands) if len(c[0])]
            best = min(found, key=lambda i: cands[i][1]) if found else 0
            self.mass_ = float(masses[best])
            scores = results[best]
            best_idx, best_cond = cands[best]
        best_idx = np.sort(np.asarray(best_idx, dtype=np.int64))
        if best_idx.size == 0:
            if self.method == "pagerank":
                hint = f"no node's residual reached eps times its degree (eps={self.eps}); use a smaller eps"
            else:
                hint = (f"no node's mass exceeded its sink capacity + tol at any source mass tried "
                        f"({', '.join(f'{m:g}' for m in masses)}; tol={self.tol}); use a smaller tol or a "
                        f"larger mass")
            raise ValueError(f"{self.method} diffusion from the seed moved no mass, so the cluster would be empty: {hint}.")
        self.seed_ = prep.graph.ids(seeds)
        self.cluster_indices_ = best_idx
        self.cluster_ = g.ids(best_idx)
        self.scores_ = scores
        self.conductance_ = float(best_cond)
        labels = np.zeros(g.n_nodes, dtype=np.int64)
        labels[best_idx] = 1
        self.labels_ = labels
        self.n_nodes_ = g.n_nodes
        self.node_ids_ = g.node_ids
        return self

    def fit_predict(self, graph: Any, seed: Any, noisy_labels: Any = None) -> np.ndarray:
        """Fit and return ``labels_`` (1 = in the cluster).

        Parameters
        ----------
        graph, seed, noisy_labels
            As in :meth:`fit`.

        Returns
        -------
        numpy.ndarray of int64
        """
        return self.fit(graph, seed, noisy_labels).labels_
