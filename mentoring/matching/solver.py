"""The exact capacity-aware assignment on a Benefit, in memory bounded by blocks of rows.

Small problems (mentees x slots up to _DENSE_CELLS) go to scipy's dense linear_sum_assignment
on the slot-expanded matrix. Larger ones never hold a mentee x mentor matrix: one pass over row
blocks collects candidate pairs (each mentee's best few, each mentor's best few per slot), the
candidate graph is solved exactly with scipy's sparse LAPJVsp, and LP duality certifies the
result for every pair: the b-matching LP has integral optima, so if duals u (mentees) and v
(mentors) meeting complementary slackness with the matching also satisfy u_i + v_j >= b_ij for
all pairs, no assignment scores more. A second pass checks that block by block; violating pairs
join the candidates and the candidate problem is solved again, until none is left.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching
from threadpoolctl import threadpool_limits

from mentoring.matching.benefit import Benefit, Block
from mentoring.scoring import Ints, Matrix

# Tuning (tests shrink these to force the block path); none of them changes the optimum.
_DENSE_CELLS = 1_000_000  # mentee x slot cells up to which the dense solver is used
_BLOCK_CELLS = 1 << 17  # cells per block of rows: its few float32 temporaries fit in L2
_TOP_PER_MENTEE, _TOP_PER_SLOT = 5, 5  # initial candidates (per mentor: x its capacity)
_ADD_PER_MENTEE = 8  # pairs a mentee may add per round, most violated first
_NEAR = 1.0  # points: pairs this close to violating the certificate join with the violating
_MAX_ROUNDS = 100  # rounds before giving up (each adds a violating pair; 5 seen at scale)


class NotCertifiedError(RuntimeError):
    """The candidate optimum could not be certified (only for scores off the 1/14 grid)."""


@dataclass(frozen=True)
class Pairs:
    """Candidate pairs: benefit position rows[k], mentor cols[k], benefit vals[k] > 0 (units)."""

    rows: Ints
    cols: Ints
    vals: Matrix

    def merged(self, other: Pairs) -> Pairs:
        rows = np.concatenate([self.rows, other.rows])
        cols = np.concatenate([self.cols, other.cols])
        keep = np.unique(rows * (int(cols.max(initial=0)) + 1) + cols, return_index=True)[1]
        return Pairs(rows[keep], cols[keep], np.concatenate([self.vals, other.vals])[keep])


@dataclass(frozen=True)
class Certified:
    """An optimal matching with its proof: duals feasible for every pair (within tol)."""

    rows: Ints
    cols: Ints
    u: Matrix
    v: Matrix
    candidates: Pairs  # the final candidate graph, on which the matching is optimal
    rounds: int


def solve(benefit: Benefit) -> tuple[Ints, Ints]:
    """(benefit rows, mentor columns) of a maximum-benefit matching within capacities."""
    with threadpool_limits(1, user_api="blas"):  # see certified
        return _solve(benefit)


def _solve(benefit: Benefit) -> tuple[Ints, Ints]:
    n, _ = benefit.shape
    slots = int(np.maximum(benefit.caps, 0).sum())
    if n == 0 or slots == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    if n * slots <= _DENSE_CELLS:
        return _dense(benefit)
    result = _certified(benefit)
    return result.rows, result.cols


def _dense(benefit: Benefit) -> tuple[Ints, Ints]:
    """Every benefit is >= 0 (0 = not allowed): the best full assignment minus its 0-pairs is a
    best partial one. Small inputs only: the slot-expanded matrix is held whole."""
    n, _ = benefit.shape
    b = np.vstack([benefit.block(start, stop) for start, stop in _blocks(benefit)])
    caps = np.maximum(benefit.caps, 0)
    owner = np.repeat(np.arange(caps.size), caps)
    expanded = np.negative(np.repeat(b.astype(np.float64), caps, axis=1))
    if n <= owner.size:
        r, c = linear_sum_assignment(expanded)
    else:
        c, r = linear_sum_assignment(np.ascontiguousarray(expanded.T))
    keep = b[r, owner[c]] > 0
    return r[keep].astype(np.int64), owner[c][keep].astype(np.int64)


def certified(benefit: Benefit) -> Certified:
    """The optimal matching, by rounds of candidate solve + certificate over every pair.

    BLAS runs on one thread: the score products have 14-30 inner terms, and waking threads
    costs more than they save (0.6 against 2-6 ns per cell on a shared 2-core machine).
    """
    with threadpool_limits(1, user_api="blas"):
        return _certified(benefit)


def _certified(benefit: Benefit) -> Certified:
    cand = initial_candidates(benefit)
    for round_no in range(1, _MAX_ROUNDS + 1):
        mi, mj = _slot_lap(cand, benefit.caps, benefit.shape[0])
        u, v = _duals(cand, mi, mj, benefit)
        violated, extra = _violations(benefit, u, v)
        if violated == 0:
            return Certified(mi, mj, u, v, cand, round_no)
        cand = cand.merged(extra)
    raise NotCertifiedError(f"no certified optimum after {_MAX_ROUNDS} rounds")


def _blocks(benefit: Benefit) -> list[tuple[int, int]]:
    n, m = benefit.shape
    step = max(1, _BLOCK_CELLS // max(m, 1))
    return [(s, min(s + step, n)) for s in range(0, n, step)]


def initial_candidates(benefit: Benefit) -> Pairs:
    """Each mentee's _TOP_PER_MENTEE best mentors (partition within its block) and each mentor's
    _TOP_PER_SLOT x capacity best mentees (a running top list per column across blocks)."""
    n, m = benefit.shape
    k_row, k_col = min(_TOP_PER_MENTEE, m), min(_TOP_PER_SLOT * int(benefit.caps.max()), n)
    found: list[Pairs] = []
    tops = _ColumnTops(m, k_col)
    for start, stop in _blocks(benefit):
        b = benefit.block(start, stop)
        idx = np.argpartition(b, m - k_row, axis=1)[:, m - k_row :]
        rows = np.repeat(np.arange(start, stop), k_row)
        found.append(_positive(rows, idx.ravel(), b[rows - start, idx.ravel()]))
        tops.add(b, start)
    found.append(tops.pairs())
    rows = np.concatenate([p.rows for p in found])
    cols = np.concatenate([p.cols for p in found])
    vals = np.concatenate([p.vals for p in found])
    return Pairs(rows[:0], cols[:0], vals[:0]).merged(Pairs(rows, cols, vals))


def _positive(rows: Ints, cols: Ints, vals: Block) -> Pairs:
    keep = vals > 0
    return Pairs(rows[keep], cols[keep].astype(np.int64), vals[keep].astype(np.float64))


class _ColumnTops:
    """The k largest positive entries of each column seen so far, merged lazily: entries above
    a column's current k-th best wait in a buffer until it is large, then each column keeps k."""

    def __init__(self, m: int, k: int) -> None:
        self.m, self.k = m, k
        self.kth = np.zeros(m)  # 0 until a column has k entries
        self.kept = Pairs(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))
        self.waiting: list[Pairs] = []
        self.size = 0

    def add(self, b: Block, start: int) -> None:
        r, c = np.nonzero(b > self.kth)
        self.waiting.append(Pairs(r + start, c, b[r, c].astype(np.float64)))
        self.size += r.size
        if self.size > self.k * self.m:
            self._merge()

    def _merge(self) -> None:
        parts = [self.kept, *self.waiting]
        rows = np.concatenate([p.rows for p in parts])
        cols = np.concatenate([p.cols for p in parts])
        vals = np.concatenate([p.vals for p in parts])
        # One sort by column, best first: columns are 2 x max|val| + 1 apart in the key.
        order = np.argsort(cols * (2.0 * np.abs(vals).max(initial=0.0) + 1.0) - vals)
        rows, cols, vals = rows[order], cols[order], vals[order]
        rank = np.arange(cols.size) - np.searchsorted(cols, cols)
        keep = rank < self.k
        self.kept = Pairs(rows[keep], cols[keep], vals[keep])
        self.waiting, self.size = [], 0
        last = rank == self.k - 1  # a column's k-th best: later entries must beat it
        self.kth[cols[last]] = vals[last]

    def pairs(self) -> Pairs:
        self._merge()
        return self.kept


def _slot_lap(cand: Pairs, caps: Ints, n: int) -> tuple[Ints, Ints]:
    """Exact optimum on the candidate pairs with scipy's sparse LAPJVsp (min_weight_full_...).

    Mentor j becomes caps[j] slot rows; each slot also gets a private dummy column ("left
    empty") so a full matching of the slots always exists. All weights big - b are > 0, and
    minimising their sum over the slots maximises the benefit sum. Whole-number units stay exact.
    """
    caps = np.maximum(caps, 0)
    ns = int(caps.sum())
    rep = caps[cand.cols]
    e = np.repeat(np.arange(cand.rows.size), rep)
    nth = np.arange(e.size) - np.repeat(np.cumsum(rep) - rep, rep)  # 0..caps-1 within a mentor
    slot = (np.cumsum(caps) - caps)[cand.cols[e]] + nth
    big = float(cand.vals.max(initial=0.0)) + 1.0
    weight = np.concatenate([big - cand.vals[e], np.full(ns, big)])
    ij = (np.concatenate([slot, np.arange(ns)]), np.concatenate([cand.rows[e], n + np.arange(ns)]))
    r, c = min_weight_full_bipartite_matching(csr_matrix((weight, ij), shape=(ns, n + ns)))
    real = c < n
    return c[real].astype(np.int64), np.repeat(np.arange(caps.size), caps)[r[real]]


def _duals(cand: Pairs, mi: Ints, mj: Ints, benefit: Benefit) -> tuple[Matrix, Matrix]:
    """LP duals (u per mentee, v per mentor) proving the matching optimal on the candidates.

    Complementary slackness as difference constraints on p_i = u_i, q_j = -v_j and a root z = 0:
    q_j <= p_i - b_ij (candidate pairs), p_i <= q_j + b_ij (matched), p_i >= 0, q_j <= 0,
    p_i <= 0 (unmatched mentee), q_j >= 0 (mentor with a free slot). Shortest distances from z
    satisfy all of them; whole-number units keep every distance exact.
    Off the grid, matched pairs get tol of slack so float rounding cannot make a negative cycle.
    """
    n, m = benefit.shape
    z = n + m
    matched_val = benefit_of(cand, mi, mj)
    free_e = np.setdiff1d(np.arange(n), mi)
    free_o = np.flatnonzero(np.bincount(mj, minlength=m) < benefit.caps)
    src = np.concatenate([cand.rows, n + mj, np.arange(n), np.full(m + free_e.size, z), n + free_o])
    dst = np.concatenate(
        [n + cand.cols, mi, np.full(n, z), n + np.arange(m), free_e, np.full(free_o.size, z)]
    )
    w = np.concatenate(
        [-cand.vals, matched_val + benefit.slack, np.zeros(n + m + free_e.size + free_o.size)]
    )
    d = _shortest_from(z, src, dst, w, z + 1)
    return d[:n], -d[n:z]


def _shortest_from(root: int, src: Ints, dst: Ints, w: Matrix, nodes: int) -> Matrix:
    """Shortest distances from root (negative weights allowed): Bellman-Ford that relaxes only
    the edges out of nodes improved in the previous round, vectorised over those edges."""
    order = np.argsort(src, kind="stable")
    src, dst, w = src[order], dst[order], w[order]
    first = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=nodes))])
    d = np.full(nodes, np.inf)
    d[root] = 0.0
    active = np.array([root])
    for _ in range(nodes + 1):
        count = first[active + 1] - first[active]
        at = np.repeat(first[active] - np.cumsum(count) + count, count) + np.arange(count.sum())
        to, via = dst[at], d[src[at]] + w[at]
        better = via < d[to]
        if not better.any():
            return d
        to = to[better]
        np.minimum.at(d, to, via[better])
        active = np.unique(to)
    raise NotCertifiedError("float rounding left a negative cycle in the duals")


def benefit_of(cand: Pairs, rows: Ints, cols: Ints) -> Matrix:
    """Benefit of pairs known to be candidates, looked up in the candidate list."""
    width = int(max(cols.max(initial=0), cand.cols.max(initial=0))) + 1
    keys = cand.rows * width + cand.cols
    order = np.argsort(keys)
    at = order[np.searchsorted(keys[order], rows * width + cols)]
    return cand.vals[at]


def _violations(benefit: Benefit, u: Matrix, v: Matrix) -> tuple[int, Pairs]:
    """(count of mentees with a pair breaking u_i + v_j >= b_ij by more than tol, pairs to add).

    Each mentee adds its _ADD_PER_MENTEE pairs of largest b_ij - u_i - v_j that come within
    _NEAR points of breaking it: the violating ones, and the nearly tight ones the next duals
    are likely to need (this saves rounds; only violations decide whether a round follows).
    """
    found: list[Pairs] = []
    m = benefit.shape[1]
    uu: Block = u.astype(np.float32) if benefit.exact else u  # units: exact small integers
    vv: Block = v.astype(np.float32) if benefit.exact else v
    near = _NEAR / benefit.unit
    violated = 0
    k = min(_ADD_PER_MENTEE, m)
    for start, stop in _blocks(benefit):
        b = benefit.block(start, stop)
        gap = b - vv  # against u_i, row by row: most rows have nothing near
        best = gap.max(axis=1) - uu[start:stop]
        violated += int(np.count_nonzero(best > benefit.tol))
        rows = np.flatnonzero(best >= -near)
        if rows.size == 0:
            continue
        over = gap[rows] - uu[start:stop][rows, None]
        c = np.argpartition(over, m - k, axis=1)[:, m - k :]
        at = np.repeat(np.arange(rows.size), k)
        c = c.ravel()
        keep = (over[at, c] >= -near) & (b[rows[at], c] > 0)
        r, c = rows[at[keep]], c[keep]
        found.append(Pairs(r + start, c.astype(np.int64), b[r, c].astype(np.float64)))
    if not found:
        return violated, Pairs(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))
    return violated, Pairs(
        np.concatenate([p.rows for p in found]),
        np.concatenate([p.cols for p in found]),
        np.concatenate([p.vals for p in found]),
    )
