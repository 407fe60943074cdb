"""Matching writes: adapt applications to ``mentoring.matching``, propose, override, confirm (C4).

Only non-protected inputs reach the score (see ``mentoring.matching``); the adapter below is the
single place where application fields become matching profiles.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from django.db import transaction
from django.db.models import Count, Q
from django.template.defaultfilters import pluralize
from django.utils import timezone

from alumni.api import verified_user_ids
from mentoring.errors import MentoringError
from mentoring.matching import MenteeProfile, MentorProfile, assign, explain, score_matrix
from mentoring.models import (
    ApplicationStatus,
    MatchConstraint,
    MatchRun,
    MenteeApplication,
    MentorApplication,
    Partnership,
    Programme,
    ProposedPair,
    split_list,
)
from mentoring.services.common import require_admin
from mentoring.sharing import (
    MENTEE_FIELD_LABELS,
    MENTOR_FIELD_LABELS,
    mentee_card_for_mentor,
    mentor_card_for_mentee,
)
from portal.audit import audit_record
from portal.mail import email_queue
from portal.models import User


def unverified_mentors(programme: Programme) -> list[MentorApplication]:
    """Submitted mentor applications left out of matching: their graduate status is not verified."""
    return list(
        programme.mentor_applications.filter(status=ApplicationStatus.SUBMITTED)
        .exclude(user_id__in=verified_user_ids())
        .order_by("name")
    )


def _require_verified_mentors(applications: Iterable[MentorApplication]) -> None:
    found = list(applications)
    verified = set(verified_user_ids().filter(user_id__in=[a.user_id for a in found]))
    names = [a.name for a in found if a.user_id not in verified]
    if names:
        raise MentoringError(
            "Mentors must be verified graduates; not verified: "
            + ", ".join(sorted(names))
            + ". Their verification is decided in the graduate verification queue."
        )


def mentor_profile(application: MentorApplication, capacity: int) -> MentorProfile:
    return MentorProfile(
        key=application.pk,
        courses=frozenset(application.course_list),
        graduation_year=application.graduation_year,
        country=application.country,
        job_role=application.job_role,
        sectors=frozenset(application.sectors),
        capacity=capacity,
    )


def mentee_profile(application: MenteeApplication) -> MenteeProfile:
    return MenteeProfile(
        key=application.pk,
        programme=application.msc_programme,
        sectors=frozenset(application.sectors),
        support_areas=frozenset(application.support_areas),
        preferred_countries=frozenset(split_list(application.preferred_countries)),
        meeting_mode=application.meeting_mode,
        country=application.country,
    )


def _candidates(
    programme: Programme, only: Collection[int] | None = None
) -> tuple[list[MenteeApplication], list[tuple[MentorApplication, int]]]:
    """Unmatched mentees (optionally only some), and mentors with their remaining capacity."""
    pending = programme.mentee_applications.filter(
        status=ApplicationStatus.SUBMITTED, partnerships__isnull=True
    )
    if only is not None:
        pending = pending.filter(pk__in=only)
    mentees = list(pending.order_by("pk"))
    # A mentor whose graduate status is not verified is never proposed (see unverified_mentors).
    mentors = (
        programme.mentor_applications.filter(
            status=ApplicationStatus.SUBMITTED, user_id__in=verified_user_ids()
        )
        .annotate(
            taken=Count("partnerships", filter=Q(partnerships__status=Partnership.Status.ACTIVE))
        )
        .order_by("pk")
    )
    return mentees, [(m, m.capacity - m.taken) for m in mentors if m.capacity > m.taken]


def _pins_that_fit(
    constraints: list[MatchConstraint],
    pending: Collection[int],
    free: dict[int, tuple[MentorApplication, int]],
) -> list[tuple[int, int]]:
    """The pins of unmatched mentees, refused by name when a mentor has too few free places.

    ``free`` maps each mentor application with a free place to (application, free places).
    """
    pins = [
        c
        for c in constraints
        if c.kind == MatchConstraint.Kind.PIN and c.mentee_application_id in pending
    ]
    by_mentee: dict[int, list[MatchConstraint]] = {}
    by_mentor: dict[int, list[MatchConstraint]] = {}
    for c in pins:
        by_mentee.setdefault(c.mentee_application_id, []).append(c)
        by_mentor.setdefault(c.mentor_application_id, []).append(c)
    for group in by_mentee.values():
        if len(group) > 1:
            mentors = " and ".join(sorted(c.mentor_application.name for c in group))
            raise MentoringError(
                f"The pins cannot all be honoured: {group[0].mentee_application.name} is "
                f"pinned to {len(group)} mentors ({mentors}); keep one pin."
            )
    for mentor_id, group in by_mentor.items():
        places = free[mentor_id][1] if mentor_id in free else 0
        if len(group) <= places:
            continue
        mentor = group[0].mentor_application
        mentees = ", ".join(sorted(c.mentee_application.name for c in group))
        if mentor.status != ApplicationStatus.SUBMITTED:
            why = "has withdrawn their application"
        else:
            why = f"has {places} free place{pluralize(places)} (capacity {mentor.capacity})"
        raise MentoringError(
            f"The pins cannot all be honoured: {mentor.name} {why}, but {len(group)} "
            f"unmatched mentee{pluralize(len(group))} {pluralize(len(group), 'is,are')} "
            f"pinned to them ({mentees}). Remove a pin, then run matching again."
        )
    return [(c.mentee_application_id, c.mentor_application_id) for c in pins]


def match_run_create(
    *, actor: User, programme_id: int, only: Collection[int] | None = None
) -> MatchRun:
    """Propose the optimal assignment for everyone not yet matched, honouring pins and forbids.

    ``only`` limits the run to some mentee applications (e.g. a first wave of late sign-ups).
    """
    require_admin(actor)
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme_id)
        mentees, mentors = _candidates(programme, only)
        e_by_id = {a.pk: a for a in mentees}
        free = {a.pk: (a, cap) for a, cap in mentors}
        mentee_p = [mentee_profile(a) for a in mentees]
        mentor_p = [mentor_profile(a, cap) for a, cap in mentors]
        constraints = list(programme.match_constraints.all())
        pins = _pins_that_fit(constraints, e_by_id, free)
        forbids = [
            (c.mentee_application_id, c.mentor_application_id)
            for c in constraints
            if c.kind == MatchConstraint.Kind.FORBID
        ]
        scores = score_matrix(mentee_p, mentor_p)
        try:
            result = assign(mentee_p, mentor_p, scores=scores, pinned=pins, forbidden=forbids)
        except ValueError as exc:
            raise MentoringError(f"The pins cannot all be honoured: {exc}") from exc
        programme.match_runs.filter(status=MatchRun.Status.PROPOSED).update(
            status=MatchRun.Status.SUPERSEDED
        )
        run = MatchRun.objects.create(
            programme=programme,
            created_by=actor,
            total_score=result.total_score,
            mentee_count=len(mentees),
            mentor_count=len(mentors),
            unmatched=list(result.unmatched_mentees),
        )
        profile_e = {p.key: p for p in mentee_p}
        profile_o = {p.key: p for p in mentor_p}
        index_e = {p.key: i for i, p in enumerate(mentee_p)}
        index_o = {p.key: j for j, p in enumerate(mentor_p)}
        pinned = set(pins)
        ProposedPair.objects.bulk_create(
            [
                ProposedPair(
                    run=run,
                    mentee_application_id=e,
                    mentor_application_id=o,
                    score=float(scores[index_e[e], index_o[o]]),
                    explanation=[
                        {"factor": p.factor, "points": p.points, "reason": p.reason}
                        for p in explain(profile_e[e], profile_o[o])
                    ],
                    pinned=(e, o) in pinned,
                )
                for e, o in result.pairs
            ]
        )
        audit_record(
            actor=actor,
            action="mentoring.match_run.created",
            target=run,
            new={
                "pairs": len(result.pairs),
                "total_score": round(result.total_score, 2),
                "unmatched": len(result.unmatched_mentees),
                "pins": len(pins),
                "forbids": len(forbids),
            },
        )
    return run


def match_constraint_set(
    *,
    actor: User,
    programme_id: int,
    mentee_application_id: int,
    mentor_application_id: int,
    kind: str,
) -> MatchConstraint:
    """Pin or forbid one pair for later runs (replacing any earlier choice for that pair)."""
    require_admin(actor)
    programme = Programme.objects.get(pk=programme_id)
    mentee_application = MenteeApplication.objects.get(pk=mentee_application_id)
    mentor_application = MentorApplication.objects.get(pk=mentor_application_id)
    if mentee_application.programme_id != programme.pk or (
        mentor_application.programme_id != programme.pk
    ):
        raise MentoringError("Both applications must belong to this programme.")
    if kind not in MatchConstraint.Kind.values:
        raise MentoringError("Unknown kind of override.")
    if kind == MatchConstraint.Kind.PIN:
        _require_verified_mentors([mentor_application])
    with transaction.atomic():
        constraint, _created = MatchConstraint.objects.update_or_create(
            mentee_application=mentee_application,
            mentor_application=mentor_application,
            defaults={"programme": programme, "kind": kind, "created_by": actor},
        )
        audit_record(
            actor=actor,
            action=f"mentoring.match_constraint.{kind}",
            target=programme,
            new={"mentee": mentee_application.pk, "mentor": mentor_application.pk},
        )
    return constraint


def match_constraint_remove(*, actor: User, match_constraint_id: int) -> None:
    require_admin(actor)
    with transaction.atomic():
        constraint = (
            MatchConstraint.objects.select_for_update(of=("self",))
            .select_related("programme")
            .get(pk=match_constraint_id)
        )
        audit_record(
            actor=actor,
            action="mentoring.match_constraint.removed",
            target=constraint.programme,
            old={
                "kind": constraint.kind,
                "mentee": constraint.mentee_application_id,
                "mentor": constraint.mentor_application_id,
            },
        )
        constraint.delete()


def match_run_confirm(*, actor: User, match_run_id: int) -> list[Partnership]:
    """Turn the latest proposal into partnerships and tell both partners, each with their card."""
    require_admin(actor)
    with transaction.atomic():
        programme_id = MatchRun.objects.values_list("programme_id", flat=True).get(pk=match_run_id)
        Programme.objects.select_for_update().get(pk=programme_id)
        locked = MatchRun.objects.select_for_update().get(pk=match_run_id)
        if locked.status != MatchRun.Status.PROPOSED:
            raise MentoringError("Only the latest proposed run can be confirmed.")
        pairs = list(locked.pairs.all())
        busy = set(
            Partnership.objects.filter(
                mentee_application_id__in=[p.mentee_application_id for p in pairs]
            ).values_list("mentee_application_id", flat=True)
        )
        if busy:
            raise MentoringError("Some mentees were matched since this run; run matching again.")
        _require_verified_mentors(
            MentorApplication.objects.filter(pk__in=[p.mentor_application_id for p in pairs])
        )
        created = Partnership.objects.bulk_create(
            [
                Partnership(
                    programme_id=locked.programme_id,
                    mentor_application_id=p.mentor_application_id,
                    mentee_application_id=p.mentee_application_id,
                    match_run=locked,
                )
                for p in pairs
            ]
        )
        locked.status = MatchRun.Status.CONFIRMED
        locked.confirmed_by = actor
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=["status", "confirmed_by", "confirmed_at"])
        audit_record(
            actor=actor,
            action="mentoring.match_run.confirmed",
            target=locked,
            old={"status": MatchRun.Status.PROPOSED},
            new={"status": MatchRun.Status.CONFIRMED, "partnerships": len(pairs)},
        )
        partnerships = list(
            Partnership.objects.filter(match_run=locked).select_related(
                "programme", "mentor_application", "mentee_application"
            )
        )
        for partnership in partnerships:
            audit_record(
                actor=actor,
                action="mentoring.partnership.created",
                target=partnership,
                new={"status": Partnership.Status.ACTIVE},
            )
            _tell_partners(partnership)
    return partnerships if created else []


def _tell_partners(partnership: Partnership) -> None:
    programme = partnership.programme
    email_queue(
        to=partnership.mentee_application.university_email,
        subject=f"You have been matched with a mentor: {programme.name}",
        template="mentoring/email/matched",
        context={
            "partnership": partnership,
            "card": mentor_card_for_mentee(partnership),
            "labels": MENTOR_FIELD_LABELS,
            "partner_kind": "mentor",
        },
        category="mentoring.matched",
    )
    email_queue(
        to=partnership.mentor_application.email,
        subject=f"You have been matched with a mentee: {programme.name}",
        template="mentoring/email/matched",
        context={
            "partnership": partnership,
            "card": mentee_card_for_mentor(partnership),
            "labels": MENTEE_FIELD_LABELS,
            "partner_kind": "mentee",
        },
        category="mentoring.matched",
    )
