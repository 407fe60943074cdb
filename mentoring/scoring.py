"""Mentor-mentee matching, part one: the vectorised, explainable score (SPEC C4).

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

The assignment that maximises the total of these scores is in ``mentoring.matching``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits

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

UNIT = 14  # every score is a whole number of 1/14 points (see Scorer)
_ROWS = 256  # rows per block in score_matrix

Matrix = NDArray[np.float64]
Floats = NDArray[np.float32]
Ints = NDArray[np.int64]


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


def _is_research(mentor: MentorProfile) -> bool:
    return "academia" in mentor.sectors or bool(_RESEARCH_ROLE.search(mentor.job_role))


def _onehot(rows: Sequence[Iterable[str]], vocab: Mapping[str, int]) -> Floats:
    """0/1 matrix (len(rows) x len(vocab)); a product of two counts shared items exactly."""
    out = np.zeros((len(rows), len(vocab)), dtype=np.float32)
    for i, items in enumerate(rows):
        out[i, [vocab[x] for x in items]] = 1.0
    return out


class Scorer:
    """Scores in integer units (UNIT x points) for any rows of mentees, from small feature tables.

    Every factor except the sector ones is linear in one-hot features, so it is one product
    F @ G.T with columns [countries | courses | research mentor | multi-sector mentor | mentor
    country known | constant]; e.g. "in person feasible" is sum_c mentee_in_c * mentor_in_c and
    "mentor abroad" is known_j - same_country_ij. The sector overlap count is a second product,
    then capped and turned into the support indicator. Every weight, and 30 / (areas sought) for
    1-7 areas, is a whole number of units, so every product and sum is a small integer that
    float32 holds exactly: blocks are exact, and half the size of float64 ones. Python loops are
    O(n + m) and only fill the feature tables; the n x m work happens per block of rows.
    """

    def __init__(self, mentees: Sequence[MenteeProfile], mentors: Sequence[MentorProfile]) -> None:
        n, m, w = len(mentees), len(mentors), {k: v * UNIT for k, v in WEIGHTS.items()}
        countries = {_norm(o.country) for o in mentors} | {_norm(e.country) for e in mentees}
        countries |= {c for e in mentees for c in _prefs(e)}
        courses = {_norm(c) for o in mentors for c in o.courses}
        courses |= {_norm(e.programme) for e in mentees}
        col = {c: k for k, c in enumerate(sorted(countries - {""}))}
        course = {c: len(col) + k for k, c in enumerate(sorted(courses - {""}))}
        research, broad, known, one = range(len(col) + len(course), len(col) + len(course) + 4)
        mentor_f = np.zeros((m, one + 1), dtype=np.float32)
        mentee_f = np.zeros((n, one + 1), dtype=np.float32)
        for j, o in enumerate(mentors):
            mentor_f[j, [course[c] for c in {_norm(c) for c in o.courses} - {""}]] = 1.0
            if country := _norm(o.country):
                mentor_f[j, [col[country], known]] = 1.0
            mentor_f[j, [research, broad, one]] = (_is_research(o), len(o.sectors) >= 2, 1.0)
        self.via_sector = np.zeros(n, dtype=np.float32)  # support units from any shared sector
        for i, e in enumerate(mentees):
            f, here, sought = mentee_f[i], _norm(e.country), _sought(e)
            per_area = w["support_match"] / len(sought) if sought else 0.0  # 420 / 1-7: whole
            self.via_sector[i] = per_area * len(sought & _VIA_SECTOR)
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
        self.mentee_f, self.mentor_t = mentee_f, np.ascontiguousarray(mentor_f.T)
        self.mentee_s = _onehot([e.sectors for e in mentees], _SECTOR_IDX)
        self.mentor_s = np.ascontiguousarray(_onehot([o.sectors for o in mentors], _SECTOR_IDX).T)
        self.shape = (n, m)

    def units(self, rows: NDArray[np.intp] | slice, out: Floats | None = None) -> Floats:
        """Scores of the given mentee rows against every mentor, in units, float32 (exact)."""
        f, sect, via = self.mentee_f[rows], self.mentee_s[rows], self.via_sector[rows]
        out = np.asarray(np.matmul(f, self.mentor_t, out=out), dtype=np.float32)
        overlap = sect @ self.mentor_s  # shared-sector counts, exact small integers
        out += (overlap > 0.5) * via[:, None]
        np.minimum(overlap, SECTOR_CAP, out=overlap)
        overlap *= np.float32(WEIGHTS["sector_overlap"] * UNIT)
        out += overlap
        return out

    def pair_units(self, rows: NDArray[np.intp], cols: NDArray[np.intp]) -> Matrix:
        """Units of the pairs (rows[k], cols[k]) only, float64 (exact)."""
        f = self.mentee_f[rows].astype(np.float64)
        linear = np.einsum("kf,fk->k", f, self.mentor_t[:, cols].astype(np.float64))
        overlap = np.einsum("ks,sk->k", self.mentee_s[rows], self.mentor_s[:, cols])
        sector = np.minimum(overlap, SECTOR_CAP) * WEIGHTS["sector_overlap"] * UNIT
        return np.asarray(linear + (overlap > 0.5) * self.via_sector[rows] + sector, np.float64)


def score_matrix(mentees: Sequence[MenteeProfile], mentors: Sequence[MentorProfile]) -> Matrix:
    """Scores of every (mentee, mentor) pair, shape (len(mentees), len(mentors)), float64.

    For explanations and small runs; ``assign`` itself scores block by block (see Scorer).
    """
    n, m = len(mentees), len(mentors)
    score = np.empty((n, m))
    if n == 0 or m == 0:
        return score
    scorer, block = Scorer(mentees, mentors), np.empty((min(n, _ROWS), m), dtype=np.float32)
    with threadpool_limits(1, user_api="blas"):  # short products: threads cost more than they save
        for s in range(0, n, _ROWS):  # row blocks keep temporaries small and cache-resident
            units = scorer.units(slice(s, s + _ROWS), out=block[: min(_ROWS, n - s)])
            np.divide(units, np.float64(UNIT), out=score[s : s + _ROWS])  # float64 division
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
