"""Tests for mentoring.matching: pure Python/numpy, no database and no Django.

Run: .venv/bin/python -m pytest mentoring/tests/test_matching.py -p no:django -q
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentoring import matching as mm
from mentoring.matching import (
    SECTORS,
    SUPPORT_AREAS,
    WEIGHTS,
    Assignment,
    MenteeProfile,
    MentorProfile,
    ScorePart,
    assign,
    explain,
    greedy_assign,
    score_matrix,
    solver,
)
from mentoring.matching.benefit import Benefit
from mentoring.matching.solver import Pairs

SECTOR_CODES = [c for c, _ in SECTORS]
AREA_CODES = [c for c, _ in SUPPORT_AREAS]
COUNTRIES = ["France", "Germany", "United Kingdom", " united  kingdom ", ""]
PROGRAMMES = ["MSc European Politics", "MSc Political Economy of Europe", "MSc Conflict Studies"]
ROLES = ["Policy Officer", "Research Fellow", "Analyst", "PhD candidate"]

# 002 §7 protected characteristics (and obvious proxies) that must never be a matching input.
PROTECTED = {
    "age", "birth", "dob", "date_of_birth", "birth_year", "disability", "race", "colour", "color",
    "ethnicity", "ethnic", "nationality", "national_origin", "citizenship", "gender", "sex",
    "gender_reassignment", "pregnancy", "maternity", "marital", "marital_status",
    "civil_partnership", "religion", "belief", "sexual_orientation", "orientation", "photo",
}  # fmt: skip


def mentor(key: int = 100, **kw: object) -> MentorProfile:
    base: dict[str, object] = {
        "courses": frozenset({PROGRAMMES[0]}), "graduation_year": 2015, "country": "France",
        "job_role": "Policy Officer", "sectors": frozenset({"policy"}), "capacity": 1,
    }  # fmt: skip
    return MentorProfile(key=key, **(base | kw))  # type: ignore[arg-type]


def mentee(key: int = 1, **kw: object) -> MenteeProfile:
    base: dict[str, object] = {
        "programme": PROGRAMMES[0], "sectors": frozenset({"policy"}),
        "support_areas": frozenset({"sector_insight"}),
    }  # fmt: skip
    return MenteeProfile(key=key, **(base | kw))  # type: ignore[arg-type]


def subsets(pool: Sequence[str], lo: int, hi: int) -> st.SearchStrategy[frozenset[str]]:
    return st.frozensets(st.sampled_from(pool), min_size=lo, max_size=hi)


mentors_st = st.builds(
    MentorProfile,
    key=st.just(0),
    courses=subsets(PROGRAMMES, 1, 2),
    graduation_year=st.integers(1990, 2025),
    country=st.sampled_from(COUNTRIES),
    job_role=st.sampled_from(ROLES),
    sectors=subsets(SECTOR_CODES[:6], 1, 4),
    capacity=st.integers(1, 3),
)
mentees_st = st.builds(
    MenteeProfile,
    key=st.just(0),
    programme=st.sampled_from([*PROGRAMMES, ""]),
    sectors=subsets(SECTOR_CODES[:6], 0, 5),
    support_areas=subsets(AREA_CODES, 0, 4),
    preferred_countries=subsets(COUNTRIES, 0, 2),
    meeting_mode=st.sampled_from(mm.MEETING_MODES),
    country=st.sampled_from(COUNTRIES),
)


@dataclasses.dataclass
class Instance:
    mentees: list[MenteeProfile]
    mentors: list[MentorProfile]
    scores: np.ndarray | None
    pinned: list[tuple[int, int]]
    forbidden: set[tuple[int, int]]
    min_score: float

    def run(self, solve: Callable[..., Assignment] = assign) -> Assignment:
        return solve(
            self.mentees, self.mentors, scores=self.scores, pinned=self.pinned,
            forbidden=self.forbidden, min_score=self.min_score,
        )  # fmt: skip

    def score(self) -> np.ndarray:
        return score_matrix(self.mentees, self.mentors) if self.scores is None else self.scores


@st.composite
def instances(draw: st.DrawFn) -> Instance:
    """Small random instance with valid pins/forbids and either real or adversarial scores."""
    mentors = [
        dataclasses.replace(o, key=100 + j)
        for j, o in enumerate(draw(st.lists(mentors_st, max_size=4)))
    ]
    mentees = [
        dataclasses.replace(e, key=1 + i)
        for i, e in enumerate(draw(st.lists(mentees_st, max_size=6)))
    ]
    n, m = len(mentees), len(mentors)
    scores = None
    if draw(st.booleans()):  # integers give many ties; negatives test "never worth making"
        flat = draw(st.lists(st.integers(-5, 12), min_size=n * m, max_size=n * m))
        scores = np.array(flat, dtype=float).reshape(n, m)
    pairs = [(e.key, o.key) for e in mentees for o in mentors]
    forbidden = draw(st.sets(st.sampled_from(pairs))) if pairs else set()
    pinned: list[tuple[int, int]] = []
    left = {o.key: o.capacity for o in mentors}
    for e in mentees:
        if pairs and draw(st.integers(0, 3)) == 0:
            ok = [o.key for o in mentors if left[o.key] and (e.key, o.key) not in forbidden]
            if ok:
                pick = draw(st.sampled_from(ok))
                left[pick] -= 1
                pinned.append((e.key, pick))
    min_score = draw(st.sampled_from([0.0, -2.0, 3.0, 40.0, 60.0]))
    return Instance(mentees, mentors, scores, pinned, forbidden, min_score)


def brute_force(inst: Instance) -> float:
    """Best total over every feasible assignment (memoised over remaining capacities)."""
    s, pins = inst.score(), dict(inst.pinned)

    @functools.cache
    def best(i: int, caps: tuple[int, ...]) -> float:
        if i == len(inst.mentees):
            return 0.0
        e = inst.mentees[i]
        options = [-math.inf if e.key in pins else best(i + 1, caps)]  # leave unmatched
        for j, o in enumerate(inst.mentors):
            if e.key in pins:
                allowed = pins[e.key] == o.key
            else:
                allowed = (e.key, o.key) not in inst.forbidden and s[i, j] >= inst.min_score
            if allowed and caps[j] > 0:
                rest = (*caps[:j], caps[j] - 1, *caps[j + 1 :])
                options.append(s[i, j] + best(i + 1, rest))
        return max(options)

    return best(0, tuple(o.capacity for o in inst.mentors))


def check_feasible(result: Assignment, inst: Instance) -> None:
    s = inst.score()
    row = {e.key: i for i, e in enumerate(inst.mentees)}
    col = {o.key: j for j, o in enumerate(inst.mentors)}
    got = [e for e, _ in result.pairs]
    assert len(got) == len(set(got)), "a mentee got two mentors"
    for o in inst.mentors:
        assert sum(1 for _, b in result.pairs if b == o.key) <= o.capacity
    assert set(inst.pinned) <= set(result.pairs)
    assert not set(result.pairs) & inst.forbidden
    for a, b in set(result.pairs) - set(inst.pinned):
        assert s[row[a], col[b]] >= inst.min_score
    assert result.total_score == pytest.approx(sum(s[row[a], col[b]] for a, b in result.pairs))
    assert result.unmatched_mentees == tuple(e.key for e in inst.mentees if e.key not in set(got))
    assert [row[a] for a, _ in result.pairs] == sorted(row[a] for a, _ in result.pairs)


def worst_candidates(benefit: Benefit) -> Pairs:
    """A deliberately bad initial candidate set: each mentee's single worst allowed pair."""
    b = benefit.block(0, benefit.shape[0]).astype(float)
    b[b <= 0] = np.inf
    rows = np.flatnonzero(np.isfinite(b).any(axis=1))
    cols = b[rows].argmin(axis=1)
    return Pairs(rows.astype(np.int64), cols.astype(np.int64), b[rows, cols])


@contextmanager
def sparse_solver(bad_start: bool = True) -> Iterator[None]:
    """Force the sparse candidate + duality-certificate path even on tiny inputs; with a bad
    start the certificate loop must discover (nearly) every pair of the optimum itself."""
    with mock.patch.multiple(
        solver, _DENSE_CELLS=0, _TOP_PER_MENTEE=1, _TOP_PER_SLOT=1, _BLOCK_CELLS=7
    ):
        if not bad_start:
            yield
            return
        with mock.patch.object(solver, "initial_candidates", worst_candidates):
            yield


# --- optimality and constraints -------------------------------------------------------------


@pytest.mark.parametrize("solver", ["dense", "sparse"])
@settings(max_examples=150, deadline=None)
@given(inst=instances())
def test_assign_matches_exhaustive_search(solver: str, inst: Instance) -> None:
    if solver == "sparse":
        with sparse_solver():
            result = inst.run()
    else:
        result = inst.run()
    check_feasible(result, inst)
    assert result.total_score == pytest.approx(brute_force(inst), abs=1e-9)
    greedy = inst.run(greedy_assign)
    check_feasible(greedy, inst)
    assert greedy.total_score <= result.total_score + 1e-9


def _random_profiles(seed: int, n: int, m: int) -> tuple[list[MenteeProfile], list[MentorProfile]]:
    rng = np.random.default_rng(seed)

    def pick(pool: Sequence[str], lo: int, hi: int) -> frozenset[str]:
        k = int(rng.integers(lo, hi + 1))
        return frozenset(rng.choice(pool, size=k, replace=False).tolist())

    mentors = [
        MentorProfile(100_000 + j, pick(PROGRAMMES, 1, 2), 2010, str(rng.choice(COUNTRIES[:3])),
                      str(rng.choice(ROLES)), pick(SECTOR_CODES, 1, 3), int(rng.integers(1, 4)))
        for j in range(m)
    ]  # fmt: skip
    mentees = [
        MenteeProfile(i, str(rng.choice(PROGRAMMES)), pick(SECTOR_CODES, 1, 4),
                      pick(AREA_CODES, 1, 3), pick(COUNTRIES[:3], 0, 1),
                      str(rng.choice(mm.MEETING_MODES)), str(rng.choice(COUNTRIES[:3])))
        for i in range(n)
    ]  # fmt: skip
    return mentees, mentors


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sparse_certified_solver_equals_dense_lsa_at_medium_scale(seed: int) -> None:
    mentees, mentors = _random_profiles(seed, 400, 150)
    s = score_matrix(mentees, mentors)
    forbidden = {(mentees[i].key, mentors[i % 150].key) for i in range(0, 400, 7)}
    pinned = [(mentees[0].key, mentors[5].key)]
    dense = assign(mentees, mentors, scores=s, forbidden=forbidden, pinned=pinned, min_score=30)
    with sparse_solver(bad_start=False):
        sparse = assign(
            mentees, mentors, scores=s, forbidden=forbidden, pinned=pinned, min_score=30
        )
    check_feasible(sparse, Instance(mentees, mentors, s, pinned, forbidden, 30.0))
    assert sparse.total_score == pytest.approx(dense.total_score, abs=1e-6)
    greedy = greedy_assign(mentees, mentors, scores=s, forbidden=forbidden, pinned=pinned)
    assert greedy.total_score <= dense.total_score + 1e-6


def test_block_path_refuses_an_uncertified_result() -> None:
    mentees, mentors = _random_profiles(7, 120, 50)
    assert assign(mentees, mentors).total_score > 0
    with (
        sparse_solver(),
        mock.patch.object(solver, "_MAX_ROUNDS", 1),
        pytest.raises(solver.NotCertifiedError, match="after 1 rounds"),
    ):
        assign(mentees, mentors)


def test_optimal_beats_greedy_on_the_classic_trap() -> None:
    # Greedy takes the single best pair (A-X, 10) and strands B; optimal gives 9 + 9.
    a, b = mentee(1), mentee(2)
    x, y = mentor(100), mentor(101)
    s = np.array([[10.0, 9.0], [9.0, 0.0]])
    assert assign([a, b], [x, y], scores=s).pairs == ((1, 101), (2, 100))
    assert assign([a, b], [x, y], scores=s).total_score == 18.0
    assert greedy_assign([a, b], [x, y], scores=s).total_score == 10.0


def test_capacity_more_mentees_than_slots_and_min_score() -> None:
    mentees = [mentee(i) for i in range(1, 6)]
    s = np.array([[50.0, 10.0], [40.0, 45.0], [30.0, 60.0], [20.0, 5.0], [70.0, 1.0]])
    result = assign(mentees, [mentor(100, capacity=2), mentor(101, capacity=1)], scores=s)
    assert result.pairs == ((1, 100), (3, 101), (5, 100))
    assert result.unmatched_mentees == (2, 4)
    high = assign(mentees, [mentor(100, capacity=3), mentor(101, capacity=3)], scores=s,
                  min_score=45)  # fmt: skip
    assert high.pairs == ((1, 100), (2, 101), (3, 101), (5, 100))
    assert high.unmatched_mentees == (4,)


def test_pins_forbids_and_min_score_exemption_for_pins() -> None:
    mentees = [mentee(1), mentee(2)]
    mentors = [mentor(100), mentor(101)]
    s = np.array([[90.0, 5.0], [80.0, 70.0]])
    pinned = assign(mentees, mentors, scores=s, pinned=[(1, 101)], min_score=50)
    assert pinned.pairs == ((1, 101), (2, 100))  # the admin's pin stands despite scoring 5
    banned = assign(mentees, mentors, scores=s, forbidden={(1, 100), (9, 9)})
    assert banned.pairs == ((1, 101), (2, 100))
    nothing = assign(mentees, mentors, scores=-s)
    assert nothing.pairs == () and nothing.total_score == 0.0


def test_user_scores_are_not_modified() -> None:
    s = np.array([[1.0, -1.0], [2.0, 3.0]])
    before = s.copy()
    assign([mentee(1), mentee(2)], [mentor(100), mentor(101)], scores=s, min_score=1.5)
    assign([mentee(1), mentee(2)], [mentor(100), mentor(101)], scores=s, pinned=[(1, 100)])
    np.testing.assert_array_equal(s, before)


# --- validation and edge cases ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pinned": [(1, 100)], "forbidden": {(1, 100)}}, "also forbidden"),
        ({"pinned": [(1, 100), (1, 101)]}, "pinned more than once"),
        ({"pinned": [(1, 100), (1, 100)]}, "pinned more than once"),
        ({"pinned": [(1, 100), (2, 100)]}, "exceed mentor 100's capacity of 1"),
        ({"pinned": [(9, 100)]}, "unknown mentee or mentor"),
        ({"pinned": [(1, 999)]}, "unknown mentee or mentor"),
        ({"scores": np.zeros((3, 2))}, "finite 2x2 matrix"),
        ({"scores": np.array([[np.nan, 0.0], [0.0, 0.0]])}, "finite 2x2 matrix"),
    ],
)
def test_inconsistent_inputs_raise(kwargs: dict[str, object], message: str) -> None:
    for solve in (assign, greedy_assign):
        with pytest.raises(ValueError, match=message):
            solve([mentee(1), mentee(2)], [mentor(100), mentor(101)], **kwargs)  # type: ignore[arg-type]


def test_duplicate_keys_and_bad_profiles_raise() -> None:
    with pytest.raises(ValueError, match="unique"):
        assign([mentee(1), mentee(1)], [mentor(100)])
    with pytest.raises(ValueError, match="capacity"):
        mentor(capacity=4)
    with pytest.raises(ValueError, match="capacity"):
        mentor(capacity=0)
    with pytest.raises(ValueError, match="unknown sector"):
        mentor(sectors={"astrology"})
    with pytest.raises(ValueError, match="unknown support area"):
        mentee(support_areas={"visa"})
    with pytest.raises(ValueError, match="meeting_mode"):
        mentee(meeting_mode="phone")
    coerced = mentee(sectors=["policy", "policy"], preferred_countries={"France"})
    assert coerced.sectors == frozenset({"policy"}) and hash(coerced)


def test_empty_inputs() -> None:
    assert score_matrix([], []).shape == (0, 0)
    assert score_matrix([mentee()], []).shape == (1, 0)
    assert assign([], []) == Assignment(pairs=(), total_score=0.0, unmatched_mentees=())
    assert assign([mentee(1), mentee(2)], []).unmatched_mentees == (1, 2)
    assert assign([], [mentor()]).pairs == ()
    assert greedy_assign([], []).pairs == ()


# --- score and explanations -------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(e=mentees_st, o=mentors_st)
def test_explain_parts_sum_to_score_matrix(e: MenteeProfile, o: MentorProfile) -> None:
    parts = explain(e, o)
    assert [p.factor for p in parts] == list(WEIGHTS)
    assert all(isinstance(p, ScorePart) and p.points >= 0 for p in parts)
    assert sum(p.points for p in parts) == pytest.approx(score_matrix([e], [o])[0, 0], abs=1e-9)
    assert 0.0 <= sum(p.points for p in parts) <= 100.0 + 1e-9


@settings(max_examples=25, deadline=None)
@given(st.lists(mentees_st, min_size=1, max_size=8), st.lists(mentors_st, min_size=1, max_size=6))
def test_vectorised_matrix_equals_pairwise_explanations(
    es: list[MenteeProfile], os: list[MentorProfile]
) -> None:
    s = score_matrix(es, os)
    expected = [[sum(p.points for p in explain(e, o)) for o in os] for e in es]
    np.testing.assert_allclose(s, expected, atol=1e-9)


def test_explanation_names_shared_sectors_and_support() -> None:
    e = mentee(
        sectors=frozenset({"policy", "eu_affairs", "media"}),
        support_areas=frozenset({"sector_insight", "further_study"}),
        preferred_countries=frozenset({"Belgium"}), meeting_mode="in_person", country="France",
    )  # fmt: skip
    o = mentor(sectors=frozenset({"policy", "eu_affairs", "finance"}), country="France")
    parts = {p.factor: p for p in explain(e, o)}
    sector = parts["sector_overlap"]
    assert sector.points == 24.0
    assert (
        sector.reason
        == "Shared sectors: Public policy & government, EU institutions & affairs (+24)"
    )
    assert "Insight into a sector" in parts["support_match"].reason
    assert "not: Further study / PhD" in parts["support_match"].reason
    assert parts["support_match"].points == 15.0
    assert parts["course_affinity"].points == WEIGHTS["course_affinity"]
    assert parts["country_preference"].points == 0.0
    assert parts["meeting_mode"].reason.startswith("In person feasible: both in France")
    four = explain(mentee(sectors=frozenset(SECTOR_CODES[:4])), mentor(sectors=SECTOR_CODES[:4]))
    assert four[0].points == 36.0 and "capped at 3" in four[0].reason


def test_support_rules_research_abroad_and_breadth() -> None:
    e = mentee(support_areas=frozenset({"further_study", "working_abroad", "career_change"}),
               country="United Kingdom", sectors=frozenset())  # fmt: skip
    researcher = mentor(job_role="Lecturer in EU law", sectors=frozenset({"law", "policy"}))
    assert explain(e, researcher)[1].points == pytest.approx(30.0)
    local = mentor(country="united kingdom ", sectors=frozenset({"law"}))
    assert explain(e, local)[1].points == 0.0
    unknown_home = dataclasses.replace(e, country="")  # abroad not assessable: 2 areas remain
    assert explain(unknown_home, researcher)[1].reason.startswith("Can support 2 of 2")


def test_no_protected_characteristic_is_an_input() -> None:
    for cls in (MentorProfile, MenteeProfile):
        for f in dataclasses.fields(cls):
            tokens = set(f.name.lower().split("_")) | {f.name.lower()}
            assert not tokens & PROTECTED, f"{cls.__name__}.{f.name} looks protected (002 §7)"
    # score_matrix can only read these fields; graduation year (an age proxy) must not matter.
    young, old = mentor(graduation_year=2024), mentor(graduation_year=1975, key=555)
    e = [mentee(sectors=frozenset({"policy", "law"}), support_areas=frozenset(AREA_CODES))]
    np.testing.assert_array_equal(score_matrix(e, [young]), score_matrix(e, [old]))
    assert [p.points for p in explain(e[0], young)] == [p.points for p in explain(e[0], old)]


def test_score_is_permutation_consistent() -> None:
    mentees, mentors = _random_profiles(11, 60, 25)
    s = score_matrix(mentees, mentors)
    perm_e, perm_o = (
        np.random.default_rng(0).permutation(60),
        np.random.default_rng(1).permutation(25),
    )
    shuffled = score_matrix([mentees[i] for i in perm_e], [mentors[j] for j in perm_o])
    np.testing.assert_allclose(shuffled, s[np.ix_(perm_e, perm_o)], atol=1e-9)
