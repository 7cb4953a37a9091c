"""Why PamC collapsed: a per-epoch trace of one training run on one pretrained start.

From one pretrained encoder and one k-means start, trains the same model with

- ``official``: the official PamC loss (``PamCLoss()``);
- ``centred``: ``PamCLoss(center=True)``, the default of ``PamCClustering``;
- ``size``: the official loss with each meta-node weighted by its cluster size (an
  experiment, not in the library: ``(1/N) sum_k n_k log(1 + (n_k - 1) e^tau + sum_{l!=k} n_l
  e^{tau S_kl})``, the full denominator with every node replaced by its meta-node);
- ``full``: the full-negative loss;

and prints, every few epochs, the cluster sizes, ``|mean z|``, the mean pairwise cosine of the
embeddings and ACC / NMI / ARI of ``argmax q``. Official README settings of the dataset.

    python benchmarks/pamc_collapse.py --dataset acm --epochs 60
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from _machine import cpu_model  # benchmarks/_machine.py


def main(argv=None) -> None:
    import torch

    import graphclust as gc
    from graphclust.contrastive import PamCLoss, full_negative_loss, propagated_adjacency
    from graphclust.contrastive.autoencoder import build_autoencoder, kl_divergence, soft_assignment, target_distribution
    from graphclust.torch_backend import to_torch_sparse

    from pamc_quality import SETTINGS  # benchmarks/ is on sys.path when this script runs

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dataset", default="acm")
    p.add_argument("--epochs", type=int, default=60)
    p.add_argument("--pretrain-epochs", type=int, default=30)
    p.add_argument("--variants", nargs="+", default=["official", "centred", "size", "full"])
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    cpu = cpu_model()
    print(f"# python benchmarks/pamc_collapse.py --dataset {args.dataset} --epochs {args.epochs}\n# {cpu}")
    S = SETTINGS[args.dataset]
    g = gc.datasets.load(args.dataset)
    y = np.asarray(g.labels)
    k = int(np.unique(y[y >= 0]).size)
    X = g.features.toarray() if hasattr(g.features, "toarray") else np.asarray(g.features)
    Xt = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))
    start = gc.PamCClustering(n_clusters=k, epochs=0, pretrain_epochs=args.pretrain_epochs, random_state=args.seed,
                              **S).fit(g)
    B = to_torch_sparse(propagated_adjacency(g, S["order"]), dtype=torch.float32)
    tau = S["tau"]

    def scores(lab):
        m = y >= 0
        r = gc.metrics.evaluate(y[m], lab[m])
        return " ".join(f"{key}={100 * float(r[key]):.1f}" for key in ("acc", "nmi", "ari"))

    def size_weighted(z, q):
        n = torch.bincount(q.detach().argmax(1), minlength=q.shape[1]).to(z.dtype)
        C = gc.contrastive.meta_nodes(z, q)
        C = C / C.norm(dim=1, keepdim=True).clamp_min(1e-12)
        E = torch.exp(tau * (C @ C.T)) * n[None, :]
        own = 1.0 + (n - 1.0).clamp_min(0.0) * float(np.exp(tau))
        E = E - torch.diag(torch.diagonal(E)) + torch.diag(own)
        return (n * torch.log(E.sum(1))).sum() / n.sum()

    print(f"start (k-means on the pretrained z): {scores(start.labels_)} sizes {np.bincount(start.labels_, minlength=k)}")
    for variant in args.variants:
        enc, _ = build_autoencoder(X.shape[1], (500, 500, 2000), 10)
        enc.load_state_dict(start.pretrained_state_)
        mu = torch.nn.Parameter(torch.as_tensor(start.cluster_centers_, dtype=torch.float32))
        opt = torch.optim.Adam([*enc.parameters(), mu], lr=S["lr"])
        pamc = PamCLoss(tau=tau, center=variant == "centred")
        print(f"\n## {variant}\n\n| epoch | loss | contrastive | cluster sizes | mean z norm | mean cosine | scores |\n"
              "| --- | --- | --- | --- | --- | --- | --- |")
        t0 = time.perf_counter()
        for ep in range(args.epochs):
            z = enc(Xt)
            q = soft_assignment(z, mu)
            kl = kl_divergence(target_distribution(q), q)
            if variant == "full":
                con = full_negative_loss(z, B, tau)
            elif variant == "size":
                con = pamc.positive(z, B) + size_weighted(z, q)
            else:
                con = pamc(z, q, B)
            loss = S["beta"] * kl + S["alpha"] * con
            opt.zero_grad()
            loss.backward()
            opt.step()
            if ep % max(1, args.epochs // 12) == 0 or ep == args.epochs - 1:
                with torch.no_grad():
                    zd = z.detach()
                    zn = zd / zd.norm(dim=1, keepdim=True).clamp_min(1e-12)
                    cos = float((zn.sum(0) ** 2).sum() / zn.shape[0] ** 2)
                    lab = q.detach().argmax(1).numpy()
                print(f"| {ep} | {loss.item():.4f} | {con.item():.4f} | {np.bincount(lab, minlength=k).tolist()} | "
                      f"{float(zd.mean(0).norm()):.2f} | {cos:.3f} | {scores(lab)} |", flush=True)
        print(f"\n{variant}: {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
