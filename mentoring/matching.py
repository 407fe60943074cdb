"""Mentor-mentee matching: a vectorised, explainable score and an optimal capacity-aware assignment.

Pure Python/numpy/scipy; the Django app adapts its models into the dataclasses below (SPEC C4).

The score (0-100; higher is better) is a sum of five factors. Every input is a field the policy
already collects for matching (002 §4-5) or a matching-only preference the mentee chose (SPEC C3):

==================  =====================================================  ======================
factor              points                                                 inputs
==================  =====================================================  ======================
sector_overlap      12 per shared employment sector, at most 3 (max 36)    both parties' sectors
support_match       30 x share of the mentee's support areas the mentor    mentee support areas;
                    can cover (all 30 if none sought/assessable)           mentor sectors, job
                                                                           role, country
course_affinity     14 if the mentor studied the mentee's programme        courses, programme
country_preference  10 if the mentor lives in a preferred country, or the  preferred countries,
                    mentee stated no preference                            mentor country
meeting_mode        10 if the preferred mode is feasible: video/either     meeting mode, both
                    always; in person only when both are in one country    countries of residence
==================  =====================================================  ======================

Support areas count as covered when: sector_insight, cv_applications, interviews, networking -> the
mentor works in one of the mentee's sectors of interest; further_study -> the mentor works in
academia or their job role names research/PhD/lecturing; working_abroad -> the mentor lives in a
country other than the mentee's (not assessable, so left out of the share, when the mentee gave no
country); career_change -> the mentor has worked across two or more sectors.

Why these are non-protected (002 §7): sectors, support areas, courses, job role and meeting mode
are professional or logistical choices; "country" is only ever the current country of residence,
used for logistics and stated preferences, never nationality or origin. Graduation year is
collected (002 §4d) but deliberately NOT scored: it is a close proxy for age. The profiles have no
field for any protected characteristic, so none can reach the score (a test asserts this).

A satisfied preference earns its points whether it is satisfied by any mentor ("no country
preference", "video") or by this mentor, so stating a preference neither helps nor hurts a mentee's
chance of being matched when slots are scarce.

assign() maximises the total score exactly (see _solve); greedy_assign() is a benchmark baseline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

SECTORS: tuple[tuple[str, str], ...] = (
    ("policy", "Public policy & government"),
    ("finance", "Finance & banking"),
    ("consulting", "Consulting"),
    ("eu_affairs", "EU institutions & affairs"),
    ("ngo", "NGOs & international organisations"),
    ("academia", "Academia & research"),
    ("law", "Law & legal services"),
    ("media", "Media & journalism"),
    ("tech", "Technology & digital"),
    ("energy", "Energy & environment"),
    ("health", "Health & social care"),
    ("private_sector", "Business & private sector"),
    ("think_tanks", "Think tanks"),
    ("public_affairs", "Public affairs & lobbying"),
)
SUPPORT_AREAS: tuple[tuple[str, str], ...] = (
    ("sector_insight", "Insight into a sector"),
    ("cv_applications", "CVs and applications"),
    ("interviews", "Interview preparation"),
    ("networking", "Networking"),
    ("further_study", "Further study / PhD"),
    ("working_abroad", "Working abroad"),
    ("career_change", "Career direction"),
)
WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "sector_overlap": 12.0,  # per shared sector, capped at SECTOR_CAP sectors
        "support_match": 30.0,  # times the share of sought support areas covered
        "course_affinity": 14.0,
        "country_preference": 10.0,
        "meeting_mode": 10.0,
    }
)
SECTOR_CAP = 3
MAX_CAPACITY = 3
MEETING_MODES = ("video", "in_person", "either")
_MODE_TEXT = {"video": "by video: any location works", "either": "either way: any location works"}

_SECTOR_LABEL = dict(SECTORS)
_SUPPORT_LABEL = dict(SUPPORT_AREAS)
_SECTOR_IDX = {code: i for i, (code, _) in enumerate(SECTORS)}
_VIA_SECTOR = frozenset({"sector_insight", "cv_applications", "interviews", "networking"})
_RESEARCH_ROLE = re.compile(
    r"\b(research|phd|doctor|lecturer|professor|academic|postdoc)", re.IGNORECASE
)

Matrix = NDArray[np.float64]
Ints = NDArray[np.int64]
# Solver tuning (tests shrink these to force the sparse path); they never change the optimum.
_DENSE_CELLS = 1_000_000  # mentee x slot cells up to which the dense LSA is used directly
_TOP_PER_MENTEE, _TOP_PER_SLOT = 5, 15  # initial sparse candidates (per slot: x capacity)
_MAX_ROUNDS, _MAX_BF_ROUNDS = 12, 2_000  # then fall back to the (slow but exact) dense LSA


def _norm(text: str) -> str:
    """Case- and whitespace-insensitive key for free-text countries and course names."""
    return " ".join(text.split()).casefold()


def _prefs(mentee: MenteeProfile) -> set[str]:
    return {_norm(c) for c in mentee.preferred_countries} - {""}


def _sought(mentee: MenteeProfile) -> set[str]:
    """Support areas sought that can be assessed: working abroad needs the mentee's country."""
    return set(mentee.support_areas) - (set() if _norm(mentee.country) else {"working_abroad"})


def _check_codes(kind: str, values: frozenset[str], allowed: Mapping[str, str]) -> None:
    unknown = sorted(values - allowed.keys())
    if unknown:
        raise ValueError(f"unknown {kind} code(s): {', '.join(unknown)}")


@dataclass(frozen=True)
class MentorProfile:
    key: int
    courses: frozenset[str]
    graduation_year: int  # shown to the mentee (002 §4d) but never scored: an age proxy
    country: str  # current country of residence (002 §4e), not nationality
    job_role: str
    sectors: frozenset[str]
    capacity: int

    def __post_init__(self) -> None:
        # Coerce sets/lists from the ORM adapter so instances stay hashable and comparable.
        object.__setattr__(self, "courses", frozenset(self.courses))
        object.__setattr__(self, "sectors", frozenset(self.sectors))
        _check_codes("sector", self.sectors, _SECTOR_LABEL)
        if not 1 <= self.capacity <= MAX_CAPACITY:
            raise ValueError(f"mentor {self.key}: capacity must be 1-{MAX_CAPACITY}")


@dataclass(frozen=True)
class MenteeProfile:
    key: int
    programme: str
    sectors: frozenset[str]
    support_areas: frozenset[str]
    preferred_countries: frozenset[str] = frozenset()  # matching-only, never shown to mentors
    meeting_mode: str = "either"  # matching-only
    country: str = ""  # matching-only: where the mentee is, for in-person feasibility

    def __post_init__(self) -> None:
        for name in ("sectors", "support_areas", "preferred_countries"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))
        _check_codes("sector", self.sectors, _SECTOR_LABEL)
        _check_codes("support area", self.support_areas, _SUPPORT_LABEL)
        if self.meeting_mode not in MEETING_MODES:
            raise ValueError(f"mentee {self.key}: meeting_mode must be one of {MEETING_MODES}")


@dataclass(frozen=True)
class ScorePart:
    factor: str
    points: float
    reason: str


@dataclass(frozen=True)
class Assignment:
    pairs: tuple[tuple[int, int], ...]  # (mentee.key, mentor.key), in mentee input order
    total_score: float
    unmatched_mentees: tuple[int, ...]


def _is_research(mentor: MentorProfile) -> bool:
    return "academia" in mentor.sectors or bool(_RESEARCH_ROLE.search(mentor.job_role))


def _onehot(rows: Sequence[Iterable[str]], vocab: Mapping[str, int]) -> Matrix:
    """0/1 matrix (len(rows) x len(vocab)); a product of two counts shared items exactly."""
    out = np.zeros((len(rows), len(vocab)))
    for i, items in enumerate(rows):
        out[i, [vocab[x] for x in items]] = 1.0
    return out


def score_matrix(mentees: Sequence[MenteeProfile], mentors: Sequence[MentorProfile]) -> Matrix:
    """Scores of every (mentee, mentor) pair, shape (len(mentees), len(mentors)), float64.

    Vectorised as two matrix products. Every factor except the sector ones is linear in one-hot
    features, so it is one product F @ G.T with columns [countries | courses | research mentor |
    multi-sector mentor | mentor country known | constant]; e.g. "in person feasible" is
    sum_c mentee_in_c * mentor_in_c and "mentor abroad" is known_j - same_country_ij. The sector
    overlap count is a second product, then capped and turned into the support indicator. Python
    loops are O(n + m) and only fill the small feature matrices; full-size work runs in row blocks.
    """
    n, m, w = len(mentees), len(mentors), WEIGHTS
    if n == 0 or m == 0:
        return np.zeros((n, m))
    countries = {_norm(o.country) for o in mentors} | {_norm(e.country) for e in mentees}
    countries |= {c for e in mentees for c in _prefs(e)}
    courses = {_norm(c) for o in mentors for c in o.courses} | {_norm(e.programme) for e in mentees}
    col = {c: k for k, c in enumerate(sorted(countries - {""}))}
    course = {c: len(col) + k for k, c in enumerate(sorted(courses - {""}))}
    research, broad, known, one = range(len(col) + len(course), len(col) + len(course) + 4)
    mentor_f, mentee_f = np.zeros((m, one + 1)), np.zeros((n, one + 1))
    for j, o in enumerate(mentors):
        mentor_f[j, [course[c] for c in {_norm(c) for c in o.courses} - {""}]] = 1.0
        if country := _norm(o.country):
            mentor_f[j, [col[country], known]] = 1.0
        mentor_f[j, [research, broad, one]] = (_is_research(o), len(o.sectors) >= 2, 1.0)
    via_sector = np.zeros(n)  # support points a mentee gets from any shared sector
    for i, e in enumerate(mentees):
        f, here, sought = mentee_f[i], _norm(e.country), _sought(e)
        per_area = w["support_match"] / len(sought) if sought else 0.0
        via_sector[i] = per_area * len(sought & _VIA_SECTOR)
        f[research] = per_area * ("further_study" in sought)
        f[broad] = per_area * ("career_change" in sought)
        if "working_abroad" in sought:  # only sought-and-assessable when `here` is known
            f[known] += per_area
            f[col[here]] -= per_area
        f[one] = 0.0 if sought else w["support_match"]
        if programme := _norm(e.programme):
            f[course[programme]] = w["course_affinity"]
        f[[col[c] for c in _prefs(e)]] += w["country_preference"]
        f[one] += 0.0 if _prefs(e) else w["country_preference"]
        if e.meeting_mode != "in_person":
            f[one] += w["meeting_mode"]
        elif here:
            f[col[here]] += w["meeting_mode"]
    mentee_s = _onehot([e.sectors for e in mentees], _SECTOR_IDX)
    mentor_s = _onehot([o.sectors for o in mentors], _SECTOR_IDX).T
    score = np.empty((n, m))
    for s in range(0, n, 1024):  # row blocks keep temporaries small and cache-resident
        out, rows = score[s : s + 1024], slice(s, s + 1024)
        np.matmul(mentee_f[rows], mentor_f.T, out=out)
        overlap = mentee_s[rows] @ mentor_s  # shared-sector counts, exact small integers
        out += (overlap > 0.5) * via_sector[rows, None]
        np.minimum(overlap, SECTOR_CAP, out=overlap)
        overlap *= w["sector_overlap"]
        out += overlap
    return score


def _labels(codes: Iterable[str], table: Mapping[str, str]) -> str:
    return ", ".join(table[c] for c in sorted(codes, key=list(table).index))


def explain(mentee: MenteeProfile, mentor: MentorProfile) -> list[ScorePart]:
    """Per-factor breakdown of one pair; the points sum to score_matrix([mentee], [mentor])."""
    w = WEIGHTS
    parts: list[ScorePart] = []

    def add(factor: str, points: float, reason: str) -> None:
        parts.append(ScorePart(factor, points, f"{reason} (+{round(points, 1):g})"))

    shared = mentee.sectors & mentor.sectors
    sector_pts = w["sector_overlap"] * min(len(shared), SECTOR_CAP)
    cap = f", capped at {SECTOR_CAP}" if len(shared) > SECTOR_CAP else ""
    add(
        "sector_overlap",
        sector_pts,
        f"Shared sectors: {_labels(shared, _SECTOR_LABEL)}{cap}" if shared else "No shared sectors",
    )

    m_cty, e_cty = _norm(mentor.country), _norm(mentee.country)
    covered = {
        "further_study": _is_research(mentor),
        "career_change": len(mentor.sectors) >= 2,
        "working_abroad": bool(m_cty) and m_cty != e_cty,
    } | {a: bool(shared) for a in _VIA_SECTOR}
    sought = _sought(mentee)
    met = {a for a in sought if covered[a]}
    if sought:
        reason = f"Can support {len(met)} of {len(sought)} areas sought"
        reason += f": {_labels(met, _SUPPORT_LABEL)}" if met else ""
        if sought - met:
            reason += f"; not: {_labels(sought - met, _SUPPORT_LABEL)}"
        add("support_match", w["support_match"] * len(met) / len(sought), reason)
    else:
        add("support_match", w["support_match"], "No assessable support areas sought")

    programme = _norm(mentee.programme)
    if programme and programme in {_norm(c) for c in mentor.courses}:
        add("course_affinity", w["course_affinity"], f"Mentor studied {mentee.programme}")
    else:
        add("course_affinity", 0.0, "Mentor studied a different course")

    preferred = _prefs(mentee)
    if not preferred:
        add("country_preference", w["country_preference"], "No country preference")
    elif m_cty in preferred:
        add("country_preference", w["country_preference"], f"In preferred country {mentor.country}")
    else:
        add("country_preference", 0.0, f"{mentor.country or 'Unknown'} is not a preferred country")

    if mentee.meeting_mode != "in_person":
        add("meeting_mode", w["meeting_mode"], f"Meeting {_MODE_TEXT[mentee.meeting_mode]}")
    elif m_cty and m_cty == e_cty:
        add("meeting_mode", w["meeting_mode"], f"In person feasible: both in {mentor.country}")
    else:
        add("meeting_mode", 0.0, "In person preferred but not in the same country")
    return parts


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
