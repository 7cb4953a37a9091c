"""Batch result construction: one compiled sort per batch gives numpy.lexsort's order."""
import numpy as np
import networkx as nx

from graphclust.local import approximate_pagerank, approximate_pagerank_batch
from graphclust.local._common import make_scores, make_scores_batch, prepare


def test_sort_segments_matches_lexsort_with_ties():
    from graphclust.kernels.cpu.local import sort_segments

    rng = np.random.default_rng(0)
    lens = [0, 1, 2, 7, 50, 300]
    ptr = np.zeros(len(lens) + 1, np.int64)
    ptr[1:] = np.cumsum(lens)
    # distinct nodes per segment, values from a small set so ties are frequent
    nodes = np.concatenate([rng.permutation(1000)[:k] for k in lens]).astype(np.int64)
    vals = rng.integers(1, 6, ptr[-1]).astype(np.float64) / 7.0
    got_n, got_v = nodes.copy(), vals.copy()
    sort_segments(ptr, got_n, got_v)
    for a, b in zip(ptr[:-1], ptr[1:]):
        o = np.lexsort((nodes[a:b], -vals[a:b]))
        np.testing.assert_array_equal(got_n[a:b], nodes[a:b][o])
        np.testing.assert_array_equal(got_v[a:b], vals[a:b][o])


def test_make_scores_batch_equals_make_scores():
    G = nx.relabel_nodes(nx.karate_club_graph(), {i: f"v{i}" for i in range(34)})
    prep = prepare(nx.to_scipy_sparse_array(nx.karate_club_graph()))
    rng = np.random.default_rng(1)
    results = []
    for k in (0, 3, 20, 34):
        nodes = rng.permutation(34)[:k].astype(np.int64)
        results.append((nodes, rng.integers(1, 4, k) / 3.0))
    infos = [{"q": i} for i in range(len(results))]
    for got, (nodes, vals), info in zip(make_scores_batch(prep, results, infos), results, infos):
        ref = make_scores(prep, nodes, vals, info)
        np.testing.assert_array_equal(got.indices, ref.indices)
        np.testing.assert_array_equal(got.values, ref.values)
        np.testing.assert_array_equal(got.node_ids, ref.node_ids)
        assert got.info == info and got.n_nodes == 34
    # graphs with node ids: ids mapped back, same as the single query
    seeds = ["v0", "v33", ["v1", "v2"], "v16"]
    for s, b in zip(seeds, approximate_pagerank_batch(G, seeds, eps=1e-3)):
        ref = approximate_pagerank(G, s, eps=1e-3)
        np.testing.assert_array_equal(b.node_ids, ref.node_ids)
        np.testing.assert_array_equal(b.values, ref.values)
