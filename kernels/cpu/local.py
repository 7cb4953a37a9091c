"""Numba kernels for strongly local graph clustering.

ACL push (lazy approximate personalised PageRank, weighted), l2 and p-norm flow diffusion
(randomised-permutation coordinate minimisation of the dual, weighted) and sweep cut.

Locality. Every kernel works on a *workspace*: dense per-node arrays allocated once
(``numpy.zeros``, i.e. calloc, so untouched pages are never even written) and handed in by the
caller. A query records the nodes it touches and, before it returns, resets exactly those
entries, so the workspace is all-zero again and the next query pays only for its own region.
The cost of one query is O(work of the diffusion), never O(n).

Batches. The ``*_batch`` kernels run many independent queries in parallel: ``prange`` over
workspace rows (one per thread), each row handling queries ``t, t + n_rows, ...``. Results of
variable length go to a per-row output buffer; when a query does not fit, it and the row's
remaining queries are flagged (``length = -1``, the rest not even run) and the Python caller
runs them again with larger buffers.

Conventions shared by the kernels: CSR arrays ``indptr`` (int64), ``indices`` (int32 or
int64), ``data`` (float64) of a symmetric non-negative adjacency.
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = [
    "acl_query",
    "acl_batch",
    "flow_query",
    "flow_batch",
    "sweep_query",
    "sweep_batch",
    "sort_segments",
]

# ----------------------------------------------------------------------------- random numbers
# A tiny explicit xorshift64* generator: numba's global np.random state is per thread, so a
# query's shuffles would depend on which thread ran it. With an explicit state seeded per
# query, batches give the same result for any number of threads.
_XS_MULT = np.uint64(2685821657736338717)


@njit(cache=True, inline="always")
def _xs_next(state):
    x = state[0]
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    state[0] = x
    return x * _XS_MULT


@njit(cache=True)
def _shuffle(a, n, state):
    """Fisher-Yates shuffle of ``a[:n]`` in place."""
    for i in range(n - 1, 0, -1):
        j = np.int64(_xs_next(state) % np.uint64(i + 1))
        t = a[i]
        a[i] = a[j]
        a[j] = t


# ----------------------------------------------------------------------------- node records
# Per-query node state lives in one float64 record per node, W[i] = (a, x, cap, flag), so
# every update of a neighbour touches one cache line instead of one per array: on large
# graphs the touched nodes are scattered in memory and cache misses, not arithmetic, set the
# cost. ``cap`` caches the node's threshold (ACL: eps * d_i) or sink (flow) at first touch;
# ``flag`` is 0 (untouched), 1 (touched) or 2 (touched and queued).
_A, _X, _CAP, _FLAG = 0, 1, 2, 3


# ----------------------------------------------------------------------------- ACL push
@njit(cache=True)
def _acl_run(indptr, indices, data, deg, seeds, alpha, eps, max_steps, W, queue, touched):
    """Lazy ACL push from ``seeds`` (residual 1 on each); residual r in ``W[:, 0]``, x in
    ``W[:, 1]``. ``queue`` is a ring buffer of capacity n (a node is queued at most once).
    Returns (n_touched, steps); the touched nodes are ``touched[:n_touched]``.
    """
    n = W.shape[0]
    nt = 0
    head = 0
    size = 0
    half = (1.0 - alpha) / 2.0
    for k in range(seeds.shape[0]):
        s = seeds[k]
        if W[s, _FLAG] == 0.0:
            W[s, _FLAG] = 1.0
            W[s, _CAP] = eps * deg[s]
            touched[nt] = s
            nt += 1
        W[s, _A] += 1.0
    for k in range(seeds.shape[0]):
        s = seeds[k]
        if W[s, _FLAG] == 1.0 and W[s, _A] >= W[s, _CAP]:
            W[s, _FLAG] = 2.0
            queue[(head + size) % n] = s
            size += 1
    steps = 0
    while size > 0 and steps < max_steps:
        j = queue[head]
        head = (head + 1) % n
        size -= 1
        W[j, _FLAG] = 1.0
        rj = W[j, _A]
        dj = deg[j]
        if dj <= 0.0:
            # An isolated node keeps all of its walk mass: its PageRank is its residual.
            W[j, _X] += rj
            W[j, _A] = 0.0
            steps += 1
            continue
        W[j, _X] += alpha * rj
        W[j, _A] = half * rj
        delta = half * rj / dj
        # Re-queue j before its neighbours, as LocalGraphClustering's pprgrow (same FIFO
        # order, same result). Weighted degree in the test: pprgrow_weighted uses the
        # unweighted degree here; we choose the consistent threshold.
        if W[j, _A] >= W[j, _CAP]:
            W[j, _FLAG] = 2.0
            queue[(head + size) % n] = j
            size += 1
        for e in range(indptr[j], indptr[j + 1]):
            u = indices[e]
            f = W[u, _FLAG]
            if f == 0.0:
                f = 1.0
                W[u, _FLAG] = 1.0
                W[u, _CAP] = eps * deg[u]
                touched[nt] = u
                nt += 1
            ru = W[u, _A] + data[e] * delta
            W[u, _A] = ru
            if f == 1.0 and ru >= W[u, _CAP]:
                W[u, _FLAG] = 2.0
                queue[(head + size) % n] = u
                size += 1
        steps += 1
    # Leave the queue empty so the workspace is clean after the reset.
    while size > 0:
        j = queue[head]
        head = (head + 1) % n
        size -= 1
        W[j, _FLAG] = 1.0
    return nt, steps


@njit(cache=True)
def _collect_reset(touched, nt, W, out_nodes, out_vals, pos, cap):
    """Copy the positive x of the touched nodes to the output, then zero their records.

    Returns the number of entries written, or -1 if they do not fit in ``cap - pos``.
    """
    cnt = 0
    for k in range(nt):
        if W[touched[k], _X] > 0.0:
            cnt += 1
    ok = pos + cnt <= cap
    w = pos
    for k in range(nt):
        i = touched[k]
        if ok and W[i, _X] > 0.0:
            out_nodes[w] = i
            out_vals[w] = W[i, _X]
            w += 1
        W[i, _A] = 0.0
        W[i, _X] = 0.0
        W[i, _CAP] = 0.0
        W[i, _FLAG] = 0.0
    return cnt if ok else -1


@njit(cache=True)
def acl_query(indptr, indices, data, deg, seeds, alpha, eps, max_steps, W, queue, touched,
              out_nodes, out_vals):
    """One ACL query; results in ``out_nodes[:cnt], out_vals[:cnt]`` (capacity n).

    Returns (cnt, steps, residual mass left).

    Parameters
    ----------
    indptr, indices, data : numpy.ndarray
        CSR arrays of the (symmetric) graph.
    deg : numpy.ndarray of float64
        Weighted degree of every node.
    seeds : numpy.ndarray of int64
        Seed nodes (their start mass is split evenly).
    alpha : float
        Teleportation probability.
    eps : float
        Push threshold (residual per unit degree).
    max_steps : int
        Cap on the number of pushes.
    W, queue, touched : numpy.ndarray
        Workspace (length-n rows), zero on entry and left zero on exit.
    out_nodes, out_vals : numpy.ndarray
        Output buffers of capacity n.
    """
    nt, steps = _acl_run(indptr, indices, data, deg, seeds, alpha, eps, max_steps, W, queue, touched)
    rsum = 0.0
    for k in range(nt):
        rsum += W[touched[k], _A]
    cnt = _collect_reset(touched, nt, W, out_nodes, out_vals, 0, out_nodes.shape[0])
    return cnt, steps, rsum


@njit(cache=True, parallel=True)
def acl_batch(indptr, indices, data, deg, seed_ptr, seed_idx, alpha, eps, max_steps,
              W, Q, T, buf_nodes, buf_vals):
    """Independent ACL queries; query q starts from ``seed_idx[seed_ptr[q]:seed_ptr[q+1]]``.

    Workspace rows ``W`` (n_rows x n x 4), ``Q, T`` (n_rows x n) and output buffers
    ``buf_nodes, buf_vals`` (n_rows x cap). Returns per query (row, start, length, steps);
    length -1 = did not fit (or not run because its row overflowed before).

    Parameters
    ----------
    indptr, indices, data : numpy.ndarray
        CSR arrays of the (symmetric) graph.
    deg : numpy.ndarray of float64
        Weighted degree of every node.
    seed_ptr, seed_idx : numpy.ndarray of int64
        Seeds of every query, CSR-like.
    alpha : float
        Teleportation probability.
    eps : float
        Push threshold (residual per unit degree).
    max_steps : int
        Cap on the number of pushes per query.
    W, Q, T : numpy.ndarray
        Workspace rows, one per thread.
    buf_nodes, buf_vals : numpy.ndarray
        Output buffers, one row per thread.
    """
    nq = seed_ptr.shape[0] - 1
    n_rows = W.shape[0]
    cap = buf_nodes.shape[1]
    q_row = np.empty(nq, np.int64)
    q_start = np.empty(nq, np.int64)
    q_len = np.empty(nq, np.int64)
    q_steps = np.empty(nq, np.int64)
    for t in prange(n_rows):
        pos = 0
        full = False
        for q in range(t, nq, n_rows):
            q_row[q] = t
            q_start[q] = pos
            q_steps[q] = 0
            if full:  # this row's buffer overflowed: leave the rest for the next round
                q_len[q] = -1
                continue
            seeds = seed_idx[seed_ptr[q]:seed_ptr[q + 1]]
            nt, steps = _acl_run(indptr, indices, data, deg, seeds, alpha, eps, max_steps, W[t], Q[t], T[t])
            cnt = _collect_reset(T[t], nt, W[t], buf_nodes[t], buf_vals[t], pos, cap)
            q_len[q] = cnt
            q_steps[q] = steps
            if cnt > 0:
                pos += cnt
            elif cnt < 0:
                full = True
    return q_row, q_start, q_len, q_steps


# ----------------------------------------------------------------------------- flow diffusion
@njit(cache=True, inline="always")
def _phi(t, qm1):
    """Derivative of |t|^q / q: sign(t) |t|^(q-1)."""
    if t >= 0.0:
        return t ** qm1
    return -((-t) ** qm1)


@njit(cache=True)
def _pnorm_mass(indptr, indices, data, W, v, y, base, qm1):
    """Mass at v when x_v = y: base + sum_u w_uv phi(x_u - y) (self-loops excluded)."""
    m = base
    for e in range(indptr[v], indptr[v + 1]):
        u = indices[e]
        if u != v:
            m += data[e] * _phi(W[u, _X] - y, qm1)
    return m


@njit(cache=True, inline="always")
def _touch(W, j, sink, S, nS):
    if W[j, _FLAG] == 0.0:
        W[j, _FLAG] = 1.0
        W[j, _CAP] = sink[j]
        S[nS] = j
        return nS + 1
    return nS


@njit(cache=True)
def _flow_run(indptr, indices, data, wdeg, sink, src_nodes, src_mass, p, max_iters, tol, seed, W, S, A):
    """Coordinate minimisation of the flow-diffusion dual (l2 for p == 2, else p-norm).

    Dual: min_{x >= 0} (1/q) sum_{edges} w_ij |x_i - x_j|^q + sum_i x_i (T_i - Delta_i),
    q = p / (p - 1). Mass m_i = Delta_i + sum_j w_ij phi(x_j - x_i) in ``W[:, 0]``, x in
    ``W[:, 1]``, T in ``W[:, 2]``. Each pass pushes every node of S with m_i > T_i + tol, in
    a random order; a push sets m_i = T_i. ``wdeg`` = weighted degree without self-loops (the
    l2 step size). Returns (nS, passes, pushes, converged).
    """
    nS = 0
    for k in range(src_nodes.shape[0]):
        i = src_nodes[k]
        nS = _touch(W, i, sink, S, nS)
        W[i, _A] += src_mass[k]
    state = np.empty(1, np.uint64)
    state[0] = np.uint64(seed) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(0x632BE59BD9B4E019)
    if state[0] == np.uint64(0):
        state[0] = np.uint64(0x2545F4914F6CDD1D)
    l2 = p == 2.0
    qm1 = 1.0 / (p - 1.0)  # q - 1 with q = p / (p - 1)
    passes = 0
    pushes = 0
    converged = False
    while passes < max_iters:
        nA = 0
        for k in range(nS):
            i = S[k]
            if W[i, _A] > W[i, _CAP] + tol:
                A[nA] = i
                nA += 1
        if nA == 0:
            converged = True
            break
        _shuffle(A, nA, state)
        passes += 1
        for a in range(nA):
            i = A[a]
            if l2:
                delta = (W[i, _A] - W[i, _CAP]) / wdeg[i]
                W[i, _X] += delta
                W[i, _A] = W[i, _CAP]
                for e in range(indptr[i], indptr[i + 1]):
                    j = indices[e]
                    if j == i:
                        continue
                    nS = _touch(W, j, sink, S, nS)
                    W[j, _A] += data[e] * delta
            else:
                x_old = W[i, _X]
                # base = Delta_i: strip the flows of the current x_i from m_i.
                base = W[i, _A] - _pnorm_mass(indptr, indices, data, W, i, x_old, 0.0, qm1)
                target = W[i, _CAP]
                lo = x_old
                step = 1.0
                hi = x_old + step
                mh = _pnorm_mass(indptr, indices, data, W, i, hi, base, qm1)
                while mh > target:
                    lo = hi
                    step *= 2.0
                    hi = x_old + step
                    mh = _pnorm_mass(indptr, indices, data, W, i, hi, base, qm1)
                # Bisection keeps m(hi) <= T: the pushed node never violates afterwards.
                inner = 0.5 * tol if tol > 0.0 else 0.0
                for _ in range(200):
                    if target - mh <= inner or hi - lo <= 1e-15 * max(1.0, hi):
                        break
                    mid = 0.5 * (lo + hi)
                    mm = _pnorm_mass(indptr, indices, data, W, i, mid, base, qm1)
                    if mm > target:
                        lo = mid
                    else:
                        hi = mid
                        mh = mm
                W[i, _X] = hi
                W[i, _A] = mh
                for e in range(indptr[i], indptr[i + 1]):
                    j = indices[e]
                    if j == i:
                        continue
                    nS = _touch(W, j, sink, S, nS)
                    xj = W[j, _X]
                    W[j, _A] += data[e] * (_phi(hi - xj, qm1) - _phi(x_old - xj, qm1))
            pushes += 1
    return nS, passes, pushes, converged


@njit(cache=True)
def flow_query(indptr, indices, data, wdeg, sink, src_nodes, src_mass, p, max_iters, tol, seed,
               W, S, A, out_nodes, out_vals, out_mass):
    """One flow diffusion; support and x in ``out_nodes/out_vals[:cnt]`` (capacity n).

    ``out_mass[:nS]`` receives the final mass of the touched nodes ``A[:nS]`` (KKT
    diagnostics). Returns (cnt, n_touched, passes, pushes, converged, max_excess).

    Parameters
    ----------
    indptr, indices, data : numpy.ndarray
        CSR arrays of the (symmetric) graph.
    wdeg : numpy.ndarray of float64
        Weighted degree of every node.
    sink : numpy.ndarray of float64
        Sink capacity of every node.
    src_nodes, src_mass : numpy.ndarray
        Source nodes and their mass.
    p : float
        Norm of the diffusion.
    max_iters : int
        Maximum number of passes.
    tol : float
        Allowed excess mass per node.
    seed : int
        Seed of the random push order.
    W, S, A : numpy.ndarray
        Workspace, zero on entry and left zero on exit.
    out_nodes, out_vals, out_mass : numpy.ndarray
        Output buffers of capacity n.
    """
    nS, passes, pushes, conv = _flow_run(indptr, indices, data, wdeg, sink, src_nodes, src_mass, p,
                                         max_iters, tol, seed, W, S, A)
    excess = 0.0
    for k in range(nS):
        i = S[k]
        out_mass[k] = W[i, _A]
        A[k] = i
        d = W[i, _A] - W[i, _CAP]
        if d > excess:
            excess = d
    cnt = _collect_reset(S, nS, W, out_nodes, out_vals, 0, out_nodes.shape[0])
    return cnt, nS, passes, pushes, conv, excess


@njit(cache=True, parallel=True)
def flow_batch(indptr, indices, data, wdeg, sink, src_ptr, src_nodes, src_mass, p, max_iters, tol,
               seeds, W, S, A, buf_nodes, buf_vals):
    """Independent flow diffusions; query q has sources ``src_nodes[src_ptr[q]:src_ptr[q+1]]``.

    Returns per query (row, start, length, passes, converged); length -1 = did not fit.

    Parameters
    ----------
    indptr, indices, data : numpy.ndarray
        CSR arrays of the (symmetric) graph.
    wdeg : numpy.ndarray of float64
        Weighted degree of every node.
    sink : numpy.ndarray of float64
        Sink capacity of every node.
    src_ptr, src_nodes, src_mass : numpy.ndarray
        Sources of every query and their mass, CSR-like.
    p : float
        Norm of the diffusion.
    max_iters : int
        Maximum number of passes.
    tol : float
        Allowed excess mass per node.
    seeds : numpy.ndarray of int64
        Seed of the random push order of every query.
    W, S, A : numpy.ndarray
        Workspace rows, one per thread.
    buf_nodes, buf_vals : numpy.ndarray
        Output buffers, one row per thread.
    """
    nq = src_ptr.shape[0] - 1
    n_rows = W.shape[0]
    cap = buf_nodes.shape[1]
    q_row = np.empty(nq, np.int64)
    q_start = np.empty(nq, np.int64)
    q_len = np.empty(nq, np.int64)
    q_passes = np.empty(nq, np.int64)
    q_conv = np.empty(nq, np.bool_)
    for t in prange(n_rows):
        pos = 0
        full = False
        for q in range(t, nq, n_rows):
            q_row[q] = t
            q_start[q] = pos
            q_passes[q] = 0
            q_conv[q] = False
            if full:  # this row's buffer overflowed: leave the rest for the next round
                q_len[q] = -1
                continue
            a = src_ptr[q]
            b = src_ptr[q + 1]
            nS, passes, pushes, conv = _flow_run(indptr, indices, data, wdeg, sink, src_nodes[a:b],
                                                 src_mass[a:b], p, max_iters, tol, seeds[q],
                                                 W[t], S[t], A[t])
            cnt = _collect_reset(S[t], nS, W[t], buf_nodes[t], buf_vals[t], pos, cap)
            q_len[q] = cnt
            q_passes[q] = passes
            q_conv[q] = conv
            if cnt > 0:
                pos += cnt
            elif cnt < 0:
                full = True
    return q_row, q_start, q_len, q_passes, q_conv


# ----------------------------------------------------------------------------- sweep cut
@njit(cache=True)
def _sweep_one(indptr, indices, data, deg, total, nodes, vals, normalize, tie_last, mask, order_out, profile):
    """Sweep over ``nodes`` sorted by value (divided by degree if ``normalize``), descending.

    Ties in value are broken by node index (ascending) so results are deterministic.
    Writes the sorted nodes to ``order_out`` and each prefix's conductance to ``profile``.
    Returns (best prefix length, best conductance). ``mask`` is left all-zero.
    """
    k = nodes.shape[0]
    if k == 0:
        return 0, 1.0
    keys = np.empty(k, np.float64)
    by_node = np.argsort(nodes, kind="mergesort")
    for a in range(k):
        i = nodes[by_node[a]]
        v = vals[by_node[a]]
        if normalize and deg[i] > 0.0:
            v = v / deg[i]
        keys[a] = -v
    o = np.argsort(keys, kind="mergesort")
    for a in range(k):
        order_out[a] = nodes[by_node[o[a]]]
    cut = 0.0
    vol = 0.0
    best = np.inf
    best_len = 0
    for a in range(k):
        v = order_out[a]
        dv = deg[v]
        inner = 0.0
        loop = 0.0
        for e in range(indptr[v], indptr[v + 1]):
            u = indices[e]
            if u == v:
                loop += data[e]
            elif mask[u] != 0:
                inner += data[e]
        mask[v] = 1
        cut += dv - loop - 2.0 * inner
        vol += dv
        den = min(vol, total - vol)
        # Relative guard: near the whole graph, total - vol is rounding noise.
        cond = max(cut, 0.0) / den if den > 1e-12 * total else 1.0
        profile[a] = cond
        if cond < best or (tie_last and cond == best):
            best = cond
            best_len = a + 1
    for a in range(k):
        mask[order_out[a]] = 0
    return best_len, best


@njit(cache=True)
def sweep_query(indptr, indices, data, deg, total, nodes, vals, normalize, tie_last, mask, order_out, profile):
    """Sweep cut of one sparse score vector.

    Nodes sorted by value (divided by degree if ``normalize``), descending, ties by node
    index; the sorted nodes go to ``order_out`` and each prefix's conductance to ``profile``.
    Returns (best prefix length, best conductance); ``mask`` is left all-zero.

    Parameters
    ----------
    indptr, indices, data : numpy.ndarray
        CSR arrays of the (symmetric) graph.
    deg : numpy.ndarray of float64
        Weighted degree of every node.
    total : float
        Volume of the graph.
    nodes, vals : numpy.ndarray
        The score vector's nodes and values.
    normalize : bool
        Sort by ``vals / deg`` instead of ``vals``.
    tie_last : bool
        On equal conductance keep the longest prefix.
    mask : numpy.ndarray of bool
        Membership workspace of length n, all zero.
    order_out, profile : numpy.ndarray
        Output buffers of length ``len(nodes)``.
    """
    return _sweep_one(indptr, indices, data, deg, total, nodes, vals, normalize, tie_last, mask,
                      order_out, profile)


@njit(cache=True, parallel=True)
def sweep_batch(indptr, indices, data, deg, total, ptr, nodes, vals, normalize, tie_last, masks):
    """Sweep cuts of many sparse score vectors ``nodes/vals[ptr[q]:ptr[q+1]]``.

    Returns (sorted nodes, flat like ``nodes``; best prefix length per query; conductance
    per query). ``masks`` has one all-zero row per thread.

    Parameters
    ----------
    indptr, indices, data : numpy.ndarray
        CSR arrays of the (symmetric) graph.
    deg : numpy.ndarray of float64
        Weighted degree of every node.
    total : float
        Volume of the graph.
    ptr, nodes, vals : numpy.ndarray
        Sparse score vector of every query, CSR-like.
    normalize : bool
        Sort by ``vals / deg`` instead of ``vals``.
    tie_last : bool
        On equal conductance keep the longest prefix.
    masks : numpy.ndarray of bool
        Membership workspace, one all-zero row per thread.
    """
    nq = ptr.shape[0] - 1
    n_rows = masks.shape[0]
    order = np.empty_like(nodes)
    prof = np.empty(nodes.shape[0], np.float64)
    best_len = np.empty(nq, np.int64)
    best_cond = np.empty(nq, np.float64)
    for t in prange(n_rows):
        for q in range(t, nq, n_rows):
            a = ptr[q]
            b = ptr[q + 1]
            bl, bc = _sweep_one(indptr, indices, data, deg, total, nodes[a:b], vals[a:b], normalize,
                                tie_last, masks[t], order[a:b], prof[a:b])
            best_len[q] = bl
            best_cond[q] = bc
    return order, best_len, best_cond


@njit(cache=True)
def set_conductance(indptr, indices, data, deg, total, nodes, mask):
    """(conductance, cut, volume) of the node set ``nodes`` (distinct); ``mask`` all-zero in
    and out. Conductance = cut / min(vol, total - vol), 1 when the denominator is 0."""
    for a in range(nodes.shape[0]):
        mask[nodes[a]] = 1
    vol = 0.0
    cut = 0.0
    for a in range(nodes.shape[0]):
        v = nodes[a]
        vol += deg[v]
        for e in range(indptr[v], indptr[v + 1]):
            if mask[indices[e]] == 0:
                cut += data[e]
    for a in range(nodes.shape[0]):
        mask[nodes[a]] = 0
    den = min(vol, total - vol)
    cond = cut / den if den > 1e-12 * total else 1.0
    return cond, cut, vol


# ----------------------------------------------------------------------------- result order
@njit(cache=True)
def sort_segments(ptr, nodes, vals):
    """Sort each segment ``[ptr[q], ptr[q+1])`` of ``nodes/vals`` in place by value
    descending, ties by node ascending (the order of ``numpy.lexsort((nodes, -vals))``;
    nodes are distinct within a segment, so that order is unique).

    One compiled call per batch: per-query numpy sorts cost more in call overhead than in
    sorting when supports are small.

    Parameters
    ----------
    ptr : numpy.ndarray of int64
        Segment boundaries.
    nodes : numpy.ndarray of int64
        Node of every entry (sorted in place).
    vals : numpy.ndarray of float64
        Value of every entry (sorted in place).
    """
    for q in range(ptr.shape[0] - 1):
        a = ptr[q]
        b = ptr[q + 1]
        k = b - a
        if k < 2:
            continue
        seg_n = nodes[a:b].copy()
        seg_v = vals[a:b].copy()
        keys = np.empty(k, np.float64)
        for i in range(k):
            keys[i] = -seg_v[i]
        o = np.argsort(keys)
        for i in range(k):
            nodes[a + i] = seg_n[o[i]]
            vals[a + i] = seg_v[o[i]]
        # Runs of equal values: order by node (insertion sort; ties are short and rare).
        i = 0
        while i < k:
            j = i + 1
            while j < k and vals[a + j] == vals[a + i]:
                j += 1
            for r in range(i + 1, j):
                v = nodes[a + r]
                s = r - 1
                while s >= i and nodes[a + s] > v:
                    nodes[a + s + 1] = nodes[a + s]
                    s -= 1
                nodes[a + s + 1] = v
            i = j
