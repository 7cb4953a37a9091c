"""DEMM, DEMM+ and DEMM-NA: clustering multi-relational graphs by Dirichlet energy.

Lin, Jiang and Yang, "Effective Clustering for Large Multi-Relational Graphs" (arXiv
2508.17388). Stage I (:mod:`.stage1`) learns relation weights and a smooth representation
(:mod:`.fused`, :mod:`.neumann`, :mod:`.energy`, :mod:`.weights`); stage II (:mod:`.stage2`)
clusters it through random features (:mod:`.random_features`), Sinkhorn-Knopp
(:mod:`.sinkhorn`) and k-means. Estimators: :class:`graphclust.DEMMPlus` (linear memory) and
:class:`graphclust.DEMM` (exact, dense, small graphs).
"""
