"""Matching runs on real applications: optimal totals, capacities, pins, forbids, confirmation."""

from __future__ import annotations

import itertools
import random
import threading

import numpy as np
import pytest
from django.db import connection

from mentoring.errors import MentoringError
from mentoring.matching import SECTORS, SUPPORT_AREAS, score_matrix
from mentoring.models import MatchConstraint, MatchRun, Partnership, Programme
from mentoring.services.matching import (
    match_constraint_set,
    match_run_confirm,
    match_run_create,
    mentee_profile,
    mentor_profile,
)
from mentoring.tests.factories import (
    make_mentee,
    make_mentor,
    make_programme,
)
from portal.models import AuditEvent, OutboundEmail, User
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db

SECTOR_CODES = [c for c, _ in SECTORS]
AREA_CODES = [c for c, _ in SUPPORT_AREAS]
COURSES = ["MSc European Politics", "MSc Political Economy", "MSc Conflict Studies"]


def random_programme(seed: int, mentees: int, mentors: int) -> Programme:
    rng = random.Random(seed)
    programme = make_programme()
    for _ in range(mentors):
        make_mentor(
            programme=programme,
            courses=rng.choice(COURSES),
            country=rng.choice(["France", "Belgium", "Germany"]),
            sectors=rng.sample(SECTOR_CODES, rng.randint(1, 3)),
            capacity=rng.randint(1, 3),
        )
    for _ in range(mentees):
        make_mentee(
            programme=programme,
            msc_programme=rng.choice(COURSES),
            sectors=rng.sample(SECTOR_CODES, rng.randint(1, 3)),
            support_areas=rng.sample(AREA_CODES, rng.randint(1, 2)),
            preferred_countries=rng.choice(["", "France", "Belgium, Germany"]),
            meeting_mode=rng.choice(["either", "video", "in_person"]),
            country=rng.choice(["", "France", "Belgium"]),
        )
    return programme


def brute_force_best(scores: np.ndarray, caps: list[int]) -> float:
    """Exhaustive optimum: every mentee takes one mentor or none, within capacities."""
    n, m = scores.shape
    best = 0.0
    for choice in itertools.product(range(-1, m), repeat=n):
        if any(choice.count(j) > caps[j] for j in range(m)):
            continue
        best = max(best, sum(scores[i, j] for i, j in enumerate(choice) if j >= 0))
    return best


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_run_is_optimal_and_within_capacity(seed: int) -> None:
    programme = random_programme(seed, mentees=5, mentors=3)
    admin = make_user(Role.SCHEME_ADMIN)
    run = match_run_create(actor=admin, programme_id=programme.pk)
    mentees = list(programme.mentee_applications.order_by("pk"))
    mentors = list(programme.mentor_applications.order_by("pk"))
    scores = score_matrix(
        [mentee_profile(a) for a in mentees],
        [mentor_profile(a, a.capacity) for a in mentors],
    )
    best = brute_force_best(scores, [a.capacity for a in mentors])
    assert run.total_score == pytest.approx(best)
    pairs = list(run.pairs.all())
    assert sum(p.score for p in pairs) == pytest.approx(best)
    for mentor in mentors:
        assert sum(p.mentor_application_id == mentor.pk for p in pairs) <= mentor.capacity
    for p in pairs:  # every pair carries a readable explanation summing to its score
        assert sum(part["points"] for part in p.explanation) == pytest.approx(p.score)
        assert all(part["reason"] for part in p.explanation)


def test_pins_are_kept_and_forbids_never_appear() -> None:
    programme = random_programme(7, mentees=4, mentors=3)
    admin = make_user(Role.SCHEME_ADMIN)
    first = match_run_create(actor=admin, programme_id=programme.pk)
    pairs = list(first.pairs.all())
    banned = pairs[0]
    mentees = list(programme.mentee_applications.order_by("pk"))
    mentors = list(programme.mentor_applications.order_by("pk"))
    # Pin a pair the optimum did not choose, and forbid one it did.
    pinned = next(
        (e, o)
        for e in mentees
        for o in mentors
        if not any(
            p.mentee_application_id == e.pk and p.mentor_application_id == o.pk for p in pairs
        )
        and e.pk != banned.mentee_application_id
    )
    match_constraint_set(
        actor=admin,
        programme_id=programme.pk,
        mentee_application_id=banned.mentee_application.pk,
        mentor_application_id=banned.mentor_application.pk,
        kind=MatchConstraint.Kind.FORBID,
    )
    match_constraint_set(
        actor=admin,
        programme_id=programme.pk,
        mentee_application_id=pinned[0].pk,
        mentor_application_id=pinned[1].pk,
        kind=MatchConstraint.Kind.PIN,
    )
    second = match_run_create(actor=admin, programme_id=programme.pk)
    made = set(second.pairs.values_list("mentee_application_id", "mentor_application_id"))
    assert (pinned[0].pk, pinned[1].pk) in made
    assert (banned.mentee_application_id, banned.mentor_application_id) not in made
    assert second.pairs.get(mentee_application=pinned[0]).pinned
    first.refresh_from_db()
    assert first.status == MatchRun.Status.SUPERSEDED
    with pytest.raises(MentoringError, match="latest proposed"):
        match_run_confirm(actor=admin, match_run_id=first.pk)


def test_inconsistent_pins_are_a_domain_error() -> None:
    programme = make_programme()
    mentor = make_mentor(programme=programme, capacity=1)
    a = make_mentee(programme=programme)
    b = make_mentee(programme=programme)
    admin = make_user(Role.SCHEME_ADMIN)
    for mentee in (a, b):
        match_constraint_set(
            actor=admin,
            programme_id=programme.pk,
            mentee_application_id=mentee.pk,
            mentor_application_id=mentor.pk,
            kind=MatchConstraint.Kind.PIN,
        )
    with pytest.raises(MentoringError, match="pins"):
        match_run_create(actor=admin, programme_id=programme.pk)


def test_confirm_creates_partnerships_and_emails_both_sides() -> None:
    programme = random_programme(11, mentees=4, mentors=2)
    admin = make_user(Role.SCHEME_ADMIN)
    run = match_run_create(actor=admin, programme_id=programme.pk)
    with pytest.raises(MentoringError):
        match_run_confirm(actor=make_user(Role.ALUMNUS), match_run_id=run.pk)
    made = match_run_confirm(actor=admin, match_run_id=run.pk)
    assert len(made) == run.pairs.count() > 0
    assert OutboundEmail.objects.filter(category="mentoring.matched").count() == 2 * len(made)
    assert (
        AuditEvent.objects.for_object(run).filter(action="mentoring.match_run.confirmed").exists()
    )
    with pytest.raises(MentoringError):
        match_run_confirm(actor=admin, match_run_id=run.pk)
    # A re-run only considers the mentees still unmatched and the places still free.
    rerun = match_run_create(actor=admin, programme_id=programme.pk)
    matched = set(Partnership.objects.values_list("mentee_application_id", flat=True))
    assert not matched & set(rerun.pairs.values_list("mentee_application_id", flat=True))


def test_constraints_need_admin_and_the_same_programme() -> None:
    programme = make_programme()
    mentor = make_mentor(programme=programme)
    stranger = make_mentee()
    with pytest.raises(MentoringError, match="belong to this programme"):
        match_constraint_set(
            actor=make_user(Role.SCHEME_ADMIN),
            programme_id=programme.pk,
            mentee_application_id=stranger.pk,
            mentor_application_id=mentor.pk,
            kind="pin",
        )
    with pytest.raises(MentoringError):
        match_run_create(actor=make_user(Role.STUDENT), programme_id=programme.pk)


ROUNDS = 20  # one round passes by luck often enough; twenty do not


@pytest.mark.django_db(transaction=True)
def test_concurrent_confirmations_make_one_set_of_partnerships(postgres_only: None) -> None:
    """Two admins confirm one proposal at the same instant: the programme lock lets one win."""
    admins = [make_user(Role.SCHEME_ADMIN), make_user(Role.SCHEME_ADMIN)]
    for round_no in range(ROUNDS):
        programme = random_programme(round_no, mentees=4, mentors=3)
        run = match_run_create(actor=admins[0], programme_id=programme.pk)
        barrier = threading.Barrier(len(admins))
        outcomes: list[str] = []

        def confirm(admin: User, run_id: int = run.pk) -> None:
            try:
                barrier.wait()
                match_run_confirm(actor=admin, match_run_id=run_id)
                outcomes.append("confirmed")
            except MentoringError:
                outcomes.append("refused")
            finally:
                connection.close()

        threads = [threading.Thread(target=confirm, args=(a,)) for a in admins]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["confirmed", "refused"], f"round {round_no}"
        made = Partnership.objects.filter(programme=programme).count()
        assert made == run.pairs.count(), f"round {round_no}"
