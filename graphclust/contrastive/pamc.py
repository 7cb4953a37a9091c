"""PamC: contrastive graph clustering with meta-node negatives (Kulatilleke, Portmann, Chandra, 2022).

Reference: "Efficient block contrastive learning via parameter-free meta-node approximation",
arXiv 2209.14067; official code ``gayanku/PAMC`` (model ``SCGC_TRIMPOSCCSP``), itself built on
SCGC (``gayanku/SCGC``, arXiv 2204.12656) and SDCN. See docs/pamc.md.

Pipeline (the official one, with the deviations listed in :class:`PamCClustering`):

1. ``B = sum_{t=1..r} A_hat^t``, ``A_hat = D~^{-1}(A + I)`` (:func:`propagated_adjacency`),
   sparse, moved to the device once.
2. An MLP autoencoder ``F -> 500 -> 500 -> 2000 -> 10`` pretrained on the features (SDCN recipe);
   the encoder is kept.
3. Centres ``mu`` from k-means on the pretrained embedding (``n_init=20``), trained by Adam.
4. ``epochs`` full-batch steps of ``beta * KL(P || Q) + alpha * L_PamC`` (P refreshed every
   epoch, Q the Student-t assignment).
5. Labels ``argmax_j q_ij`` of the final epoch (no epoch is selected by ground truth).
"""
from __future__ import annotations

import warnings
from typing import Any, Sequence

import numpy as np
import scipy.sparse as sp

from ..base import BaseClusterer
from ..memory import check_dense
from ..validation import check_bool, check_choice, check_scalar
from .adjacency import propagated_adjacency

__all__ = ["PamCClustering", "NEGATIVES"]

#: Contrastive losses :class:`PamCClustering` trains with.
NEGATIVES = ("meta", "full")


class PamCClustering(BaseClusterer):
    """PamC deep clustering of attributed graphs (PyTorch).

    Parameters
    ----------
    n_clusters : int, default=8
        ``K``.
    hidden : sequence of int, default=(500, 500, 2000)
        Hidden widths of the MLP encoder (the decoder used in pretraining mirrors them).
    embedding_dim : int, default=10
        Width of the embedding ``z`` (official ``n_z``).
    alpha : float, default=2.0
        Weight of the contrastive loss (official ``--alpha``; the per-dataset settings of
        the official README are in docs/pamc.md).
    beta : float, default=0.1
        Weight of the DEC KL loss (official ``--beta``).
    order : int, default=2
        ``r`` of ``B = sum_{t<=r} A_hat^t`` (official ``--order``).
    tau : float, default=1.0
        Inverse temperature of the cosine similarities (official ``--tau``).
    lr : float, default=1e-3
        Adam learning rate of the training stage.
    epochs : int, default=200
        Full-batch training steps.
    pretrain_epochs : int, default=30
        Autoencoder pretraining epochs (SDCN: 30). 0 skips pretraining (centres from the
        randomly initialised encoder).
    pretrain_lr : float, default=1e-3
    pretrain_batch_size : int, default=256
    pretrained : dict, optional
        Encoder weights to start from instead of pretraining (``pretrain_epochs`` is then
        ignored): a state dict of the encoder (``pretrained_state_`` of an earlier fit), or an
        SDCN autoencoder state dict (keys ``enc_1``, ``enc_2``, ``enc_3``, ``z_layer``, as in
        SDCN's ``data/{name}.pkl``: the weights the official numbers start from). As in the
        official code, keys that do not match (the decoder's) are left out.
    n_init : int, default=20
        k-means restarts for the centres (official ``KMeans(n_init=20)``).
    negatives : {"meta", "full"}, default="meta"
        ``"meta"``: the PamC loss (:class:`~graphclust.contrastive.PamCLoss`). ``"full"``: the
        same model trained with the full-negative SCGC* loss
        (:func:`~graphclust.contrastive.full_negative_loss`, O(N^2) time), the reference PamC
        approximates.
    assignment : {"hard", "soft"}, default="hard"
        Meta-node assignment: hard argmax (the official code) or soft weights (the paper's
        wording); see :func:`~graphclust.contrastive.meta_nodes`.
    center : bool, default=True
        Train PamC on centred embeddings (``PamCLoss(center=True)``: ``z - mean(z)`` in both
        terms), a safeguard that is not in the official code. Without it, on our pretrained
        starts, the embeddings drift along one shared direction (which raises every cosine
        positive) until all nodes sit in one cluster, and the meta-node negatives do not
        oppose it (docs/pamc.md, "Training collapse"). False: the official loss.
        ``negatives="full"`` ignores it (the full-negative loss needs no safeguard).
    influence : bool, default=True
        ``B = sum_{t<=r} A_hat^t`` (every official PamC run); False: ``B = A_hat^r``.
    block_size : int, optional
        Row block of the full-negative loss (``negatives="full"`` only).
    dtype : {"float32", "float64"}, default="float32"
        Working precision of the network (the official code: float32).
    random_state : None, int, FixedSeed or numpy.random.Generator
        Seeds torch (weight initialisation), the pretraining shuffles and the k-means.
    device : {"cpu", "cuda", "cuda:N", "auto"}, default="cpu"
        torch device. The features and ``B`` are moved there once.
    verbose : bool, default=False
        tqdm progress bar over the pretraining and training epochs.

    Attributes
    ----------
    labels_ : ndarray of int64 (N,)
        ``argmax_j q_ij`` after the last epoch.
    embedding_ : ndarray (N, embedding_dim)
        Final ``z``.
    soft_labels_ : ndarray (N, K)
        Final ``q``.
    cluster_centers_ : ndarray (K, embedding_dim)
        Final ``mu``.
    pretrain_history_ : list of float
        Reconstruction loss per pretraining epoch (empty with ``pretrained``).
    pretrained_state_ : dict
        The encoder's state dict after pretraining (CPU tensors): pass it as ``pretrained`` to
        train another model (e.g. ``negatives="full"``) from the same start.
    history_ : list of dict
        Per epoch: ``loss``, ``kl``, ``contrastive`` (of the step taken).
    adjacency_nnz_ : int
        ``nnz(B)``.
    timings_ : dict
        Seconds spent in ``pretrain`` (0 with ``pretrained``), ``kmeans`` and ``train``.

    Notes
    -----
    Deviations from the official code, all documented in docs/pamc.md:

    - No pretrained SDCN weights are available: the autoencoder is pretrained here with SDCN's
      recipe, so the published numbers (obtained from SDCN's weights) are not expected.
    - The official script scores every epoch against the ground truth and reports the best
      epoch per metric; this estimator returns the last epoch.
    - ``center=True`` (default): the contrastive loss sees centred embeddings (see ``center``).
    - Empty clusters keep their slot (fixed K) and norms are clamped by ``eps``: the official
      code can produce NaN there.
    - ``P`` is computed from the training forward pass of the epoch (detached) instead of a
      second, identical forward pass (the encoder has no dropout, so both give the same ``z``).
    - Determinism: on CPU, ``torch.use_deterministic_algorithms`` is on during ``fit`` and
      every draw comes from ``random_state``; the same seed gives the same labels for a given
      torch thread count (float32 GEMMs may round differently with another thread count).

    Examples
    --------
    >>> import graphclust as gc
    >>> g = gc.datasets.load("cora")
    >>> model = gc.PamCClustering(n_clusters=7, hidden=(64,), epochs=5, pretrain_epochs=1, n_init=2,
    ...                           random_state=0)
    >>> model.fit_predict(g).shape, model.embedding_.shape
    ((2708,), (2708, 10))
    """

    _requires_features = True

    def __init__(
        self,
        n_clusters: int = 8,
        *,
        hidden: Sequence[int] = (500, 500, 2000),
        embedding_dim: int = 10,
        alpha: float = 2.0,
        beta: float = 0.1,
        order: int = 2,
        tau: float = 1.0,
        lr: float = 1e-3,
        epochs: int = 200,
        pretrain_epochs: int = 30,
        pretrain_lr: float = 1e-3,
        pretrain_batch_size: int = 256,
        pretrained: Any = None,
        n_init: int = 20,
        negatives: str = "meta",
        assignment: str = "hard",
        center: bool = True,
        influence: bool = True,
        block_size: int | None = None,
        dtype: str = "float32",
        random_state: Any = None,
        device: Any = "cpu",
        verbose: bool = False,
    ) -> None:
        self.n_clusters = n_clusters
        self.hidden = hidden
        self.embedding_dim = embedding_dim
        self.alpha = alpha
        self.beta = beta
        self.order = order
        self.tau = tau
        self.lr = lr
        self.epochs = epochs
        self.pretrain_epochs = pretrain_epochs
        self.pretrain_lr = pretrain_lr
        self.pretrain_batch_size = pretrain_batch_size
        self.pretrained = pretrained
        self.n_init = n_init
        self.negatives = negatives
        self.assignment = assignment
        self.center = center
        self.influence = influence
        self.block_size = block_size
        self.dtype = dtype
        self.random_state = random_state
        self.device = device
        self.verbose = verbose

    def _graph_device(self) -> str:
        return "cpu"  # torch moves the features and B to self.device once, in _fit

    def _validate_params(self, graph: Any) -> None:
        super()._validate_params(graph)
        if isinstance(self.hidden, (str, bytes)) or not hasattr(self.hidden, "__iter__"):
            raise TypeError(f"hidden must be a sequence of layer widths, got {self.hidden!r}.")
        for h in self.hidden:
            check_scalar(h, "hidden", kind=int, low=1)
        check_scalar(self.embedding_dim, "embedding_dim", kind=int, low=1)
        check_scalar(self.alpha, "alpha", low=0)
        check_scalar(self.beta, "beta", low=0)
        check_scalar(self.order, "order", kind=int, low=1)
        check_scalar(self.tau, "tau", low=0)
        check_scalar(self.lr, "lr", low=0, low_inclusive=False)
        check_scalar(self.epochs, "epochs", kind=int, low=0)
        check_scalar(self.pretrain_epochs, "pretrain_epochs", kind=int, low=0)
        check_scalar(self.pretrain_lr, "pretrain_lr", low=0, low_inclusive=False)
        check_scalar(self.pretrain_batch_size, "pretrain_batch_size", kind=int, low=1)
        check_scalar(self.n_init, "n_init", kind=int, low=1)
        check_choice(self.negatives, "negatives", NEGATIVES)
        check_choice(self.assignment, "assignment", ("hard", "soft"))
        check_choice(self.dtype, "dtype", ("float32", "float64"))
        for flag in ("influence", "center", "verbose"):
            check_bool(getattr(self, flag), flag)
        if self.pretrained is not None and not isinstance(self.pretrained, dict):
            raise TypeError(f"pretrained must be a state dict (a dict of tensors), got {type(self.pretrained).__name__}.")

    def _features(self, graph: Any) -> np.ndarray:
        X = graph.features
        n, f = X.shape
        check_dense((n, f), self.dtype, what="the dense feature matrix of PamC's MLP",
                    hint="reduce the features (e.g. a truncated SVD) before clustering")
        X = X.toarray() if sp.issparse(X) else np.asarray(X)
        return np.ascontiguousarray(X, dtype=self.dtype)

    def _fit(self, graph: Any, rng: np.random.Generator) -> None:
        from ..seeding import spawn
        from ..solvers.kmeans import kmeans
        from ..torch_backend import deterministic, import_torch, to_torch_sparse, torch_device, torch_seeded

        torch = import_torch()
        from .autoencoder import (build_autoencoder, kl_divergence, load_encoder_state, pretrain_autoencoder,
                                  soft_assignment, target_distribution)
        from .loss import FullNegativeLoss, PamCLoss

        dev = torch_device(self.device)
        tdtype = getattr(torch, self.dtype)
        k = int(self.n_clusters)
        X = self._features(graph)
        B = propagated_adjacency(graph, self.order, influence=bool(self.influence), dtype=self.dtype)
        self.adjacency_nnz_ = int(B.nnz)
        # Moved to the device once; a coalesced COO tensor is used by the loss without conversion.
        B_t = to_torch_sparse(B, dtype=tdtype, device=dev)
        # The graph hands out read-only feature views (inputs are never mutated) and torch
        # warns on a non-writable buffer; the tensor is only read, so share it without a copy.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="The given NumPy array is not writable")
            X_t = torch.from_numpy(X).to(dev)
        if self.negatives == "meta":
            contrast = PamCLoss(tau=self.tau, assignment=self.assignment, center=bool(self.center))
        else:
            contrast = FullNegativeLoss(tau=self.tau, block_size=self.block_size)

        import time

        from tqdm.auto import tqdm

        # One child stream per stage: the k-means start does not depend on whether the encoder
        # was pretrained here or given, so two models trained from one pretrained_state_ (PamC
        # and the full-negative reference) also share their centres.
        rng_torch, rng_shuffle, rng_kmeans = spawn(rng, 3)
        n_pre = 0 if self.pretrained is not None else self.pretrain_epochs
        bar = tqdm(total=n_pre + self.epochs, desc="PamC", unit="epoch", disable=not self.verbose)
        try:
            with deterministic(dev.type == "cpu"), torch_seeded(rng_torch, dev):
                t0 = time.perf_counter()
                encoder, decoder = build_autoencoder(X.shape[1], self.hidden, self.embedding_dim)
                encoder.to(device=dev, dtype=tdtype)
                if self.pretrained is not None:
                    load_encoder_state(encoder, self.pretrained)
                    self.pretrain_history_ = []
                else:
                    decoder.to(device=dev, dtype=tdtype)
                    self.pretrain_history_ = pretrain_autoencoder(
                        encoder, decoder, X_t, epochs=self.pretrain_epochs, lr=self.pretrain_lr,
                        batch_size=self.pretrain_batch_size, rng=rng_shuffle, progress=bar)
                del decoder
                self.pretrained_state_ = {key: v.detach().cpu().clone() for key, v in encoder.state_dict().items()}
                t1 = time.perf_counter()
                with torch.no_grad():
                    z0 = encoder(X_t).cpu().numpy().astype(np.float64)
                _, centres, _ = kmeans(z0, k, n_init=self.n_init, random_state=rng_kmeans)
                t2 = time.perf_counter()
                mu = torch.nn.Parameter(torch.as_tensor(np.asarray(centres), dtype=tdtype, device=dev))
                opt = torch.optim.Adam([*encoder.parameters(), mu], lr=self.lr)
                self.history_ = []
                for _ in range(self.epochs):
                    z = encoder(X_t)
                    q = soft_assignment(z, mu)
                    kl = kl_divergence(target_distribution(q), q)
                    con = contrast(z, q, B_t)
                    loss = self.beta * kl + self.alpha * con
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
                    self.history_.append({"loss": float(loss.detach()), "kl": float(kl.detach()),
                                          "contrastive": float(con.detach())})
                    bar.update(1)
                    bar.set_postfix(stage="train", loss=f"{self.history_[-1]['loss']:.4g}")
                with torch.no_grad():
                    z = encoder(X_t)
                    q = soft_assignment(z, mu)
                self.timings_ = {"pretrain": t1 - t0, "kmeans": t2 - t1, "train": time.perf_counter() - t2}
        finally:
            bar.close()
        self.embedding_ = z.cpu().numpy()
        self.soft_labels_ = q.cpu().numpy()
        self.cluster_centers_ = mu.detach().cpu().numpy()
        self.labels_ = self.soft_labels_.argmax(axis=1).astype(np.int64)
