"""Mentor-mentee matching, part two: the optimal capacity-aware assignment (SPEC C4).

Pure Python/numpy/scipy; the Django app adapts its models into the profiles of
``mentoring.scoring`` (where the score and its factors are described) and calls ``assign``.

assign() maximises the total score exactly, in memory bounded by blocks of rows: the scores are
served block by block (``benefit``) and the solver (``solver``) certifies its optimum against
every pair by LP duality. greedy_assign() is a benchmark baseline. The scoring names are
re-exported here, so ``mentoring.matching`` stays the one entry point.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mentoring.matching import solver
from mentoring.matching.benefit import Benefit, MatrixBenefit, ScoredBenefit, row_step
from mentoring.scoring import (
    MAX_CAPACITY,
    MEETING_MODES,
    SECTOR_CAP,
    SECTORS,
    SUPPORT_AREAS,
    WEIGHTS,
    Matrix,
    MenteeProfile,
    MentorProfile,
    ScorePart,
    Scorer,
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


@dataclass(frozen=True)
class Assignment:
    pairs: tuple[tuple[int, int], ...]  # (mentee.key, mentor.key), in mentee input order
    total_score: float
    unmatched_mentees: tuple[int, ...]


def problem(
    mentees: Sequence[MenteeProfile],
    mentors: Sequence[MentorProfile],
    scores: Matrix | None = None,
    pinned: Iterable[tuple[int, int]] = (),
    forbidden: Iterable[tuple[int, int]] = (),
    min_score: float = 0.0,
) -> tuple[Benefit, list[tuple[int, int]]]:
    """Validate; return the benefit of the unpinned mentees and the pins as (mentee, mentor)
    indices. The scores are never copied whole: a given matrix is read block by block, and
    without one the profiles are scored block by block."""
    e_idx = {e.key: i for i, e in enumerate(mentees)}
    o_idx = {o.key: j for j, o in enumerate(mentors)}
    if len(e_idx) != len(mentees) or len(o_idx) != len(mentors):
        raise ValueError("mentee and mentor keys must be unique")
    if scores is not None:
        scores = np.asarray(scores, dtype=np.float64)
        if scores.shape != (len(mentees), len(mentors)) or not _finite(scores):
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
    rest = (rows, caps, sorted(banned), min_score)
    if scores is None:
        return ScoredBenefit(Scorer(mentees, mentors), *rest), list(pins.items())
    return MatrixBenefit(scores, *rest), list(pins.items())


def _finite(scores: Matrix) -> bool:
    step = row_step(scores.shape[1])
    return all(np.isfinite(scores[s : s + step]).all() for s in range(0, scores.shape[0], step))


def result(
    mentees: Sequence[MenteeProfile],
    mentors: Sequence[MentorProfile],
    benefit: Benefit,
    made: list[tuple[int, int]],
) -> Assignment:
    """The Assignment of (mentee index, mentor index) pairs, scored pair by pair."""
    made.sort()
    matched = {i for i, _ in made}
    rows = np.array([i for i, _ in made], dtype=np.int64)
    cols = np.array([j for _, j in made], dtype=np.int64)
    return Assignment(
        pairs=tuple((mentees[i].key, mentors[j].key) for i, j in made),
        total_score=float(benefit.points(rows, cols).sum()) if made else 0.0,
        unmatched_mentees=tuple(e.key for i, e in enumerate(mentees) if i not in matched),
    )


def assign(
    mentees: Sequence[MenteeProfile],
    mentors: Sequence[MentorProfile],
    *,
    scores: Matrix | None = None,
    pinned: Iterable[tuple[int, int]] = (),
    forbidden: Iterable[tuple[int, int]] = (),
    min_score: float = 0.0,
) -> Assignment:
    """Maximum-total-score assignment within mentor capacities (exact, see ``solver``).

    `scores` defaults to score_matrix(mentees, mentors), computed block by block. Pins (admin
    decisions, by key) are always kept and exempt from min_score; forbidden pairs, pairs below
    min_score and pairs adding nothing (score <= 0) are never made. ValueError for unknown,
    repeated, forbidden or over-capacity pins, duplicate keys, or a scores matrix of the wrong
    shape.
    """
    benefit, pins = problem(mentees, mentors, scores, pinned, forbidden, min_score)
    r, j = solver.solve(benefit)
    made = pins + list(zip(benefit.rows[r].tolist(), j.tolist(), strict=True))
    return result(mentees, mentors, benefit, made)


def greedy_assign(
    mentees: Sequence[MenteeProfile],
    mentors: Sequence[MentorProfile],
    *,
    scores: Matrix | None = None,
    pinned: Iterable[tuple[int, int]] = (),
    forbidden: Iterable[tuple[int, int]] = (),
    min_score: float = 0.0,
) -> Assignment:
    """Benchmark baseline only (same rules as assign): repeatedly take the best remaining pair.

    It sorts every pair, so unlike assign it holds the whole benefit matrix.
    """
    benefit, pins = problem(mentees, mentors, scores, pinned, forbidden, min_score)
    n, m = benefit.shape
    flat: NDArray[np.float64] = np.zeros(n * m)
    step = row_step(m)
    for s in range(0, n, step):
        flat[s * m : (s + step) * m] = benefit.block(s, min(s + step, n)).ravel()
    made, taken, caps = list(pins), np.zeros(n, dtype=bool), benefit.caps.copy()
    left = min(n, int(np.maximum(caps, 0).sum()))  # pairs still possible
    for k in np.argsort(-flat, kind="stable")[: np.count_nonzero(flat > 0)].tolist():
        r, j = divmod(k, m)
        if not taken[r] and caps[j] > 0:
            taken[r], caps[j], left = True, caps[j] - 1, left - 1
            made.append((int(benefit.rows[r]), j))
            if left == 0:
                break
    return result(mentees, mentors, benefit, made)
