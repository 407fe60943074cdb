"""Mentor-mentee matching, part two: the optimal capacity-aware assignment (SPEC C4).

Pure Python/numpy/scipy; the Django app adapts its models into the profiles of
``mentoring.scoring`` (where the score and its factors are described) and calls ``assign``.

assign() maximises the total score exactly (see _solve); greedy_assign() is a benchmark baseline.
The scoring names are re-exported here, so ``mentoring.matching`` stays the one entry point.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from mentoring.scoring import (
    MAX_CAPACITY,
    MEETING_MODES,
    SECTOR_CAP,
    SECTORS,
    SUPPORT_AREAS,
    WEIGHTS,
    Ints,
    Matrix,
    MenteeProfile,
    MentorProfile,
    ScorePart,
    explain,
    score_matrix,
)

__all__ = [
    "MAX_CAPACITY",
    "MEETING_MODES",
    "SECTORS",
    "SECTOR_CAP",
    "SUPPORT_AREAS",
    "WEIGHTS",
    "Assignment",
    "MenteeProfile",
    "MentorProfile",
    "ScorePart",
    "assign",
    "explain",
    "greedy_assign",
    "score_matrix",
]

# Solver tuning (tests shrink these to force the sparse path); they never change the optimum.
_DENSE_CELLS = 1_000_000  # mentee x slot cells up to which the dense LSA is used directly
_TOP_PER_MENTEE, _TOP_PER_SLOT = 5, 15  # initial sparse candidates (per slot: x capacity)
_MAX_ROUNDS, _MAX_BF_ROUNDS = 12, 2_000  # then fall back to the (slow but exact) dense LSA


@dataclass(frozen=True)
class Assignment:
    pairs: tuple[tuple[int, int], ...]  # (mentee.key, mentor.key), in mentee input order
    total_score: float
    unmatched_mentees: tuple[int, ...]


def _prepare(
    mentees: Sequence[MenteeProfile],
    mentors: Sequence[MentorProfile],
    scores: Matrix | None,
    pinned: Iterable[tuple[int, int]],
    forbidden: Iterable[tuple[int, int]],
    min_score: float,
) -> tuple[Matrix, Matrix, list[tuple[int, int]], NDArray[np.intp], NDArray[np.int64]]:
    """Validate; return (scores, benefit of unpinned mentees, pins as indices, their rows, caps).

    Benefit invariant: entry > 0 iff the pair may be made (not forbidden, score >= min_score) and
    adds to the total, and then it equals the score; every other entry is exactly 0.
    """
    e_idx = {e.key: i for i, e in enumerate(mentees)}
    o_idx = {o.key: j for j, o in enumerate(mentors)}
    if len(e_idx) != len(mentees) or len(o_idx) != len(mentors):
        raise ValueError("mentee and mentor keys must be unique")
    s = score_matrix(mentees, mentors) if scores is None else np.asarray(scores, dtype=np.float64)
    if s.shape != (len(mentees), len(mentors)) or not np.isfinite(s).all():
        raise ValueError(f"scores must be a finite {len(mentees)}x{len(mentors)} matrix")
    # Forbidding a pair whose mentee or mentor is not in this run is harmless, hence ignored.
    banned = {(e_idx[a], o_idx[b]) for a, b in forbidden if a in e_idx and b in o_idx}
    caps = np.array([o.capacity for o in mentors], dtype=np.int64)
    pins: dict[int, int] = {}
    for a, b in pinned:
        if a not in e_idx or b not in o_idx:
            raise ValueError(f"pin ({a}, {b}) names an unknown mentee or mentor")
        if (e_idx[a], o_idx[b]) in banned:
            raise ValueError(f"pin ({a}, {b}) is also forbidden")
        if e_idx[a] in pins:
            raise ValueError(f"mentee {a} is pinned more than once")
        pins[e_idx[a]] = o_idx[b]
        caps[o_idx[b]] -= 1
        if caps[o_idx[b]] < 0:
            raise ValueError(f"pins exceed mentor {b}'s capacity of {mentors[o_idx[b]].capacity}")
    rows = np.array([i for i in range(len(mentees)) if i not in pins], dtype=np.intp)
    # At most one writable copy: s[rows] copies. Without pins a matrix we scored is reused in
    # place; s still equals the score wherever benefit > 0, which is all that is read later.
    benefit = s[rows] if pins else (s if scores is None else s.copy())
    benefit[~(benefit >= min_score)] = 0.0
    np.maximum(benefit, 0.0, out=benefit)  # a pair scoring <= 0 never raises a maximum
    where = np.full(len(mentees), -1)
    where[rows] = np.arange(rows.size)
    for i, j in banned:
        if where[i] >= 0:
            benefit[where[i], j] = 0.0
    return s, benefit, list(pins.items()), rows, caps


def _result(
    mentees: Sequence[MenteeProfile],
    mentors: Sequence[MentorProfile],
    s: Matrix,
    made: list[tuple[int, int]],
) -> Assignment:
    made.sort()
    matched = {i for i, _ in made}
    return Assignment(
        pairs=tuple((mentees[i].key, mentors[j].key) for i, j in made),
        total_score=float(sum(s[i, j] for i, j in made)),
        unmatched_mentees=tuple(e.key for i, e in enumerate(mentees) if i not in matched),
    )


def _slot_lap(b: Matrix, rows: Ints, cols: Ints, caps: Ints) -> tuple[Ints, Ints]:
    """Exact optimum on the candidate pairs (rows[k], cols[k]) with scipy's sparse LAPJVsp.

    Mentor j becomes caps[j] slot rows; each slot also gets a private dummy column ("left empty")
    so a full matching of the slots always exists. All weights big - b are > 0, and minimising
    their sum over the slots maximises the benefit sum.
    """
    n, ns = b.shape[0], int(caps.sum())
    rep = caps[cols]
    e = np.repeat(np.arange(rows.size), rep)
    nth = np.arange(e.size) - np.repeat(np.cumsum(rep) - rep, rep)  # 0..caps-1 within a mentor
    slot, big = (np.cumsum(caps) - caps)[cols[e]] + nth, float(b.max()) + 1.0
    weight = np.concatenate([big - b[rows[e], cols[e]], np.full(ns, big)])
    ij = (np.concatenate([slot, np.arange(ns)]), np.concatenate([rows[e], n + np.arange(ns)]))
    r, c = min_weight_full_bipartite_matching(csr_matrix((weight, ij), shape=(ns, n + ns)))
    real = c < n
    return c[real].astype(np.int64), np.repeat(np.arange(caps.size), caps)[r[real]]


def _duals(
    b: Matrix, rows: Ints, cols: Ints, caps: Ints, mi: Ints, mj: Ints
) -> tuple[Matrix, Matrix] | None:
    """LP duals (u per mentee, v per mentor) proving the matching optimal on the candidates.

    Complementary slackness as difference constraints on p_i = u_i, q_j = -v_j and a root z = 0:
    q_j <= p_i - b_ij (candidate pairs), p_i <= q_j + b_ij (matched), p_i >= 0, q_j <= 0,
    p_i <= 0 (unmatched mentee), q_j >= 0 (mentor with a free slot). Shortest distances from z
    satisfy all of them; vectorised Bellman-Ford stops once stable. No convergence (a negative
    cycle from float trouble, or paths over _MAX_BF_ROUNDS) returns None: dense fallback.
    """
    n, m = b.shape
    z = n + m
    free_e = np.setdiff1d(np.arange(n), mi)
    free_o = np.flatnonzero(np.bincount(mj, minlength=m) < caps)
    src = np.concatenate([rows, n + mj, np.arange(n), np.full(m + free_e.size, z), n + free_o])
    dst = np.concatenate(
        [n + cols, mi, np.full(n, z), n + np.arange(m), free_e, np.full(free_o.size, z)]
    )
    w = np.concatenate([-b[rows, cols], b[mi, mj], np.zeros(n + m + free_e.size + free_o.size)])
    d = np.full(z + 1, np.inf)
    d[z] = 0.0
    for _ in range(min(z + 2, _MAX_BF_ROUNDS)):
        nd = d.copy()
        np.minimum.at(nd, dst, d[src] + w)
        if np.array_equal(nd, d):
            return d[:n], -d[n:z]
        d = nd
    return None


def _topk(b: Matrix, k: int, by_column: bool) -> Ints:
    """Flat indices of each row's (or column's) k largest entries, in blocks to bound memory."""
    n, m = b.shape
    found = [np.empty(0, dtype=np.int64)]
    for s in range(0, m if by_column else n, 512):
        blk = b[:, s : s + 512].T if by_column else b[s : s + 512]
        idx = np.argpartition(blk, blk.shape[1] - k, axis=1)[:, blk.shape[1] - k :]
        line = np.arange(s, s + blk.shape[0])[:, None]
        found.append((idx * m + line if by_column else line * m + idx).ravel())
    return np.concatenate(found)


def _violations(b: Matrix, u: Matrix, v: Matrix, tol: float) -> Ints:
    """Flat indices of pairs breaking the dual constraint u_i + v_j >= b_ij."""
    found = [np.empty(0, dtype=np.int64)]
    for s in range(0, b.shape[0], 1024):
        i, j = np.nonzero(b[s : s + 1024] - u[s : s + 1024, None] - v[None, :] > tol)
        found.append((i + s) * b.shape[1] + j)
    return np.concatenate(found)


def _solve(benefit: Matrix, caps: Ints) -> list[tuple[int, int]]:
    """Optimal b-matching: maximise the benefit sum, each row once, column j at most caps[j] times.

    Every benefit is >= 0 (0 = not allowed), so the best complete assignment of slots minus its
    0-pairs is a best partial one: filtering 0-pairs afterwards never loses optimality.
    Dense linear_sum_assignment over slot columns is exact but slow at scale on this structured
    score (~5 s for 5,000 x 4,000 slots: everyone competes for the same attractive mentees), so
    large inputs are solved exactly on a sparse candidate set and certified by LP duality (the
    b-matching LP has integral optima): if the candidate optimum's duals satisfy u_i + v_j >= b_ij
    for every pair, it is optimal overall; else violating pairs join the candidates and we repeat.
    The check allows 1e-9 x max score per pair, far below the 1/14 granularity of score_matrix.
    """
    live_r = np.flatnonzero(benefit.any(axis=1))
    live_c = np.flatnonzero((caps > 0) & benefit.any(axis=0))
    if live_r.size == 0 or live_c.size == 0:
        return []
    pruned = live_r.size < benefit.shape[0] or live_c.size < benefit.shape[1]
    b, reps = benefit[np.ix_(live_r, live_c)] if pruned else benefit, caps[live_c]
    if b.shape[0] * int(reps.sum()) > _DENSE_CELLS:
        n, m = b.shape
        cand = np.union1d(
            _topk(b, min(_TOP_PER_MENTEE, m), False),
            _topk(b, min(_TOP_PER_SLOT * int(reps.max()), n), True),
        )
        cand, tol = cand[b.reshape(-1)[cand] > 0], 1e-9 * max(1.0, float(b.max()))
        for _ in range(_MAX_ROUNDS):
            rows, cols = np.divmod(cand, m)
            mi, mj = _slot_lap(b, rows, cols, reps)
            duals = _duals(b, rows, cols, reps, mi, mj)
            if duals is None:
                break
            extra = _violations(b, *duals, tol)
            if extra.size == 0:
                return list(zip(live_r[mi].tolist(), live_c[mj].tolist(), strict=True))
            cand = np.union1d(cand, extra)
    owner = np.repeat(np.arange(live_c.size), reps)
    # C-contiguous float64 with rows <= columns and maximize=False: scipy copies nothing more.
    if b.shape[0] <= owner.size:
        r, c = linear_sum_assignment(np.negative(np.repeat(b, reps, axis=1)))
    else:
        c, r = linear_sum_assignment(np.negative(np.repeat(b.T, reps, axis=0)))
    keep = b[r, owner[c]] > 0
    return list(zip(live_r[r[keep]].tolist(), live_c[owner[c][keep]].tolist(), strict=True))


def assign(
    mentees: Sequence[MenteeProfile],
    mentors: Sequence[MentorProfile],
    *,
    scores: Matrix | None = None,
    pinned: Iterable[tuple[int, int]] = (),
    forbidden: Iterable[tuple[int, int]] = (),
    min_score: float = 0.0,
) -> Assignment:
    """Maximum-total-score assignment within mentor capacities (exact, see _solve).

    `scores` defaults to score_matrix(mentees, mentors). Pins (admin decisions, by key) are always
    kept and exempt from min_score; forbidden pairs, pairs below min_score and pairs adding
    nothing (score <= 0) are never made. ValueError for unknown, repeated, forbidden or
    over-capacity pins, duplicate keys, or a scores matrix of the wrong shape.
    """
    s, benefit, pins, rows, caps = _prepare(mentees, mentors, scores, pinned, forbidden, min_score)
    made = pins + [(int(rows[r]), j) for r, j in _solve(benefit, caps)]
    return _result(mentees, mentors, s, made)


def greedy_assign(
    mentees: Sequence[MenteeProfile],
    mentors: Sequence[MentorProfile],
    *,
    scores: Matrix | None = None,
    pinned: Iterable[tuple[int, int]] = (),
    forbidden: Iterable[tuple[int, int]] = (),
    min_score: float = 0.0,
) -> Assignment:
    """Benchmark baseline only (same rules as assign): repeatedly take the best remaining pair."""
    s, benefit, pins, rows, caps = _prepare(mentees, mentors, scores, pinned, forbidden, min_score)
    made, taken, flat = list(pins), np.zeros(benefit.shape[0], dtype=bool), benefit.reshape(-1)
    left = min(benefit.shape[0], int(caps.sum()))  # pairs still possible
    for k in np.argsort(-flat, kind="stable")[: np.count_nonzero(flat > 0)].tolist():
        r, j = divmod(k, benefit.shape[1])
        if not taken[r] and caps[j] > 0:
            taken[r], caps[j], left = True, caps[j] - 1, left - 1
            made.append((int(rows[r]), j))
            if left == 0:
                break
    return _result(mentees, mentors, s, made)
