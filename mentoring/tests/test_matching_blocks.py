"""The block path of mentoring.matching: bounded memory, same optimum as the dense solver.

Run: .venv/bin/python -m pytest mentoring/tests/test_matching_blocks.py -p no:django -q
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import numpy as np
import pytest

from mentoring.matching import (
    MenteeProfile,
    MentorProfile,
    assign,
    problem,
    score_matrix,
    solver,
)
from mentoring.matching.benefit import Benefit, ScoredBenefit
from mentoring.scoring import UNIT
from mentoring.tests.test_matching import _random_profiles, mentee, mentor


@contextmanager
def block_path(block_cells: int = 50, top: int = 1) -> Iterator[None]:
    """Force the candidate + certificate path with tiny blocks and few initial candidates."""
    with mock.patch.multiple(
        solver,
        _DENSE_CELLS=0,
        _BLOCK_CELLS=block_cells,
        _TOP_PER_MENTEE=top,
        _TOP_PER_SLOT=top,
    ):
        yield


def dense_benefit(benefit: Benefit) -> np.ndarray:
    return benefit.block(0, benefit.shape[0]).astype(np.float64)


def people(n: int, caps: list[int]) -> tuple[list[MenteeProfile], list[MentorProfile]]:
    return [mentee(1 + i) for i in range(n)], [
        mentor(1000 + j, capacity=c) for j, c in enumerate(caps)
    ]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_block_path_equals_dense_on_scored_profiles(seed: int) -> None:
    mentees, mentors = _random_profiles(seed, 300, 90)
    forbidden = {(mentees[i].key, mentors[i % 90].key) for i in range(0, 300, 5)}
    pinned = [(mentees[3].key, mentors[7].key), (mentees[4].key, mentors[7].key)]
    kwargs = {"forbidden": forbidden, "pinned": pinned, "min_score": 25.0 + seed}
    dense = assign(mentees, mentors, **kwargs)  # type: ignore[arg-type]
    with block_path():
        blocks = assign(mentees, mentors, **kwargs)  # type: ignore[arg-type]
    assert blocks.total_score == pytest.approx(dense.total_score, abs=1e-9)
    assert set(pinned) <= set(blocks.pairs) and not set(blocks.pairs) & forbidden


def test_certificate_adds_pairs_when_the_top_candidates_are_not_enough() -> None:
    # Everyone's best mentor is mentor 0 (100) and every other mentor's best mentee is mentee 0
    # (12), so the initial candidates are a star around mentor 0 plus a star around mentee 0:
    # worth 112 at most. The optimum also needs the diagonal pairs (i, i) worth 10, which only
    # the certificate can find: 100 + 12 + 10 x (n - 2).
    n = 30
    s = np.zeros((n, n))
    s[:, 0] = 100.0
    s[0, 1:] = 12.0
    s[np.arange(1, n), np.arange(1, n)] = 10.0
    mentees, mentors = people(n, [1] * n)
    with block_path():
        benefit, _ = problem(mentees, mentors, s)
        first = solver.initial_candidates(benefit)
        cert = solver.certified(benefit)
        blocks = assign(mentees, mentors, scores=s)
    assert set(first.cols[first.rows > 0].tolist()) == {0}  # no diagonal pair to start with
    assert cert.rounds >= 2 and cert.candidates.rows.size > first.rows.size
    assert blocks.total_score == assign(mentees, mentors, scores=s).total_score
    assert blocks.total_score == 112.0 + 10.0 * (n - 2)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_adversarial_random_matrices_agree_with_dense(seed: int) -> None:
    # Popular mentors everyone ranks first, capacities 1-3, many ties and some negatives.
    rng = np.random.default_rng(seed)
    n, m = 70, 25
    s = rng.integers(-3, 8, size=(n, m)).astype(float)
    s[:, :3] += 20.0
    caps = rng.integers(1, 4, size=m).tolist()
    mentees, mentors = people(n, caps)
    dense = assign(mentees, mentors, scores=s)
    with block_path(block_cells=60):
        cert = solver.certified(problem(mentees, mentors, s)[0])
        blocks = assign(mentees, mentors, scores=s)
    assert cert.rounds >= 2
    assert blocks.total_score == pytest.approx(dense.total_score, abs=1e-9)


def test_scores_off_the_grid_use_float_duals_and_still_agree() -> None:
    rng = np.random.default_rng(9)
    s = rng.normal(10.0, 4.0, size=(60, 20))
    mentees, mentors = people(60, rng.integers(1, 4, size=20).tolist())
    benefit, _ = problem(mentees, mentors, s)
    assert not benefit.exact and benefit.tol > 0
    dense = assign(mentees, mentors, scores=s)
    with block_path():
        blocks = assign(mentees, mentors, scores=s)
    assert blocks.total_score == pytest.approx(dense.total_score, rel=1e-12)


def test_duals_prove_optimality_exactly_in_units() -> None:
    mentees, mentors = _random_profiles(21, 200, 60)
    with block_path(block_cells=500, top=2):
        benefit, _ = problem(mentees, mentors)
        cert = solver.certified(benefit)
    b = dense_benefit(benefit)
    assert benefit.exact and (cert.u >= 0).all() and (cert.v >= 0).all()
    assert (cert.u[:, None] + cert.v[None, :] >= b).all()  # every pair, not only candidates
    primal = b[cert.rows, cert.cols].sum()
    assert cert.u.sum() + benefit.caps @ cert.v == primal  # whole units: equality is exact


def test_scored_blocks_are_exact_units_of_score_matrix() -> None:
    mentees, mentors = _random_profiles(4, 90, 40)
    s = score_matrix(mentees, mentors)
    for min_score in (0.0, 30.0, 30.0 + 1 / 14, 47.5):
        scored, _ = problem(mentees, mentors, min_score=min_score)
        given, _ = problem(mentees, mentors, s, min_score=min_score)
        assert isinstance(scored, ScoredBenefit)
        np.testing.assert_array_equal(dense_benefit(scored), dense_benefit(given))
        expected = np.where(s >= min_score, np.rint(s * UNIT), 0.0)
        np.testing.assert_array_equal(dense_benefit(scored), np.maximum(expected, 0.0))


def test_column_tops_keep_each_mentors_best_mentees() -> None:
    rng = np.random.default_rng(3)
    s = rng.integers(0, 6, size=(120, 9)).astype(float)  # ties everywhere
    mentees, mentors = people(120, [1, 2, 3] * 3)
    with block_path(block_cells=30, top=2):
        benefit, _ = problem(mentees, mentors, s)
        cand = solver.initial_candidates(benefit)
    for j in range(9):
        k = 2 * 3  # per slot x the largest capacity
        kept = np.sort(cand.vals[cand.cols == j])[::-1]
        best = np.sort(s[:, j][s[:, j] > 0] * UNIT)[::-1][:k]  # exact units
        np.testing.assert_array_equal(kept[: best.size], best)


def test_block_path_never_holds_a_mentee_by_mentor_matrix() -> None:
    mentees, mentors = _random_profiles(8, 3000, 6000)
    benefit, _ = problem(mentees, mentors)
    full = 3000 * 6000 * 4  # one float32 score matrix, bytes
    with mock.patch.object(solver, "_DENSE_CELLS", 0):
        tracemalloc.start()
        try:
            cert = solver.certified(benefit)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert cert.rows.size > 0
    # What is held is the candidate graph, linear in mentees + mentors; blocks are 0.5 MiB.
    assert peak < full / 3, f"peak {peak / 2**20:.1f} MiB against a {full / 2**20:.1f} MiB matrix"
