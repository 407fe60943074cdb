"""Reads scoped to the user: a stranger's object is simply not in the queryset (404).

Views fetch every object through an ``access_<entity>_or_404(user, id)`` here, which answers
"missing" and "forbidden" with the same 404.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    Func,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from alumni.api import graduate_status_annotation
from mentoring.models import (
    REPORTER_STATUS_LABELS,
    ApplicationStatus,
    Concern,
    ConcernNote,
    MatchConstraint,
    MatchRun,
    MenteeApplication,
    MentorApplication,
    Partnership,
    Programme,
    ProposedPair,
    SurveyResponse,
)
from mentoring.permissions import can_manage_mentoring
from portal.models import Reminder, User
from portal.permissions import AnyUser, get_visible_or_404

# --- Programmes -------------------------------------------------------------------------------


def programmes_visible_to(*, user: AnyUser) -> QuerySet[Programme]:
    """Published programmes for everyone signed in; drafts and archives for scheme admins."""
    qs = Programme.objects.select_related("host_unit")
    if can_manage_mentoring(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(status=Programme.Status.PUBLISHED)


def access_programme_or_404(user: AnyUser, programme_id: int) -> Programme:
    return get_visible_or_404(programmes_visible_to(user=user), pk=programme_id)


def _count(model: type[Model], **where: Any) -> Func:
    """Correlated COUNT subquery: three of these avoid the row explosion of three joins."""
    rows = (
        model._default_manager.filter(programme=OuterRef("pk"), **where)
        .order_by()
        .values("programme")
    )
    return Coalesce(Subquery(rows.annotate(n=Func(F("pk"), function="COUNT")).values("n")), 0)


def programmes_with_counts(queryset: QuerySet[Programme]) -> QuerySet[Programme]:
    return queryset.annotate(
        mentors=_count(MentorApplication),
        mentees=_count(MenteeApplication),
        pairs=_count(Partnership),
    )


def programmes_open_for_applications(*, today: datetime.date) -> QuerySet[Programme]:
    return Programme.objects.filter(
        status=Programme.Status.PUBLISHED,
        applications_open__lte=today,
        applications_close__gte=today,
    ).select_related("host_unit")


def latest_programme_of(user: User) -> Programme | None:
    """The programme a concern not tied to a partnership is routed to: the latest applied to."""
    applications: list[MentorApplication | MenteeApplication] = [
        *user.mentor_applications.select_related("programme").order_by("-submitted_at")[:1],
        *user.mentee_applications.select_related("programme").order_by("-submitted_at")[:1],
    ]
    latest = max(applications, key=lambda a: a.submitted_at, default=None)
    return latest.programme if latest else None


# --- Applications -----------------------------------------------------------------------------


def mentor_applications_visible_to(*, user: AnyUser) -> QuerySet[MentorApplication]:
    qs = MentorApplication.objects.select_related("programme", "user")
    if can_manage_mentoring(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(user=user)


def mentee_applications_visible_to(*, user: AnyUser) -> QuerySet[MenteeApplication]:
    qs = MenteeApplication.objects.select_related("programme", "user")
    if can_manage_mentoring(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(user=user)


def access_mentor_application_or_404(
    user: AnyUser, mentor_application_id: int
) -> MentorApplication:
    return get_visible_or_404(mentor_applications_visible_to(user=user), pk=mentor_application_id)


def access_mentee_application_or_404(
    user: AnyUser, mentee_application_id: int
) -> MenteeApplication:
    return get_visible_or_404(mentee_applications_visible_to(user=user), pk=mentee_application_id)


def own_applications_by_programme(
    *, user: AnyUser, programme: Programme | None = None
) -> dict[int, dict[str, MentorApplication | MenteeApplication]]:
    """``user``'s applications as {programme id: {"mentor"/"mentee": application}} (two queries).

    Each application carries ``matched`` (it has a partnership), so a page can say whether it
    may still be withdrawn without asking again.
    """
    found: dict[int, dict[str, MentorApplication | MenteeApplication]] = {}
    if not user.is_authenticated:
        return found
    sides: tuple[tuple[str, QuerySet[Any]], ...] = (
        ("mentor", MentorApplication.objects.filter(user=user).select_related("programme")),
        ("mentee", MenteeApplication.objects.filter(user=user).select_related("programme")),
    )
    for side, applications in sides:
        if programme is not None:
            applications = applications.filter(programme=programme)
        matched = Partnership.objects.filter(**{f"{side}_application": OuterRef("pk")})
        for application in applications.annotate(matched=Exists(matched)):
            found.setdefault(application.programme_id, {})[side] = application
    return found


def mentors_for_admin(*, programme: Programme) -> QuerySet[MentorApplication]:
    """A programme's mentors with how many active partnerships each has (``matched``) and their
    graduate verification status (``graduate_status``: None means pending)."""
    return programme.mentor_applications.annotate(
        matched=Count("partnerships", filter=Q(partnerships__status=Partnership.Status.ACTIVE)),
        graduate_status=graduate_status_annotation("user_id"),
    ).order_by("name")


def mentees_for_admin(*, programme: Programme) -> QuerySet[MenteeApplication]:
    return programme.mentee_applications.order_by("name")


def status_counts_for_admin(*, programme: Programme) -> dict[str, dict[str, int]]:
    """Mentor and mentee applications and partnerships by status, totals under ``""`` (one
    query): ``{"mentors": {"": 12, "submitted": 10, "withdrawn": 2}, "mentees": ..., ...}``."""
    kinds = {"mentors": MentorApplication, "mentees": MenteeApplication, "pairs": Partnership}
    statuses = {"mentors": ApplicationStatus.values, "mentees": ApplicationStatus.values}
    statuses["pairs"] = Partnership.Status.values
    fields = {
        f"{kind}__{status}": _count(model, status=status)
        for kind, model in kinds.items()
        for status in statuses[kind]
    }
    row = Programme.objects.filter(pk=programme.pk).annotate(**fields).values(*fields).get()
    counts = {kind: {s: row[f"{kind}__{s}"] for s in statuses[kind]} for kind in kinds}
    return {kind: {"": sum(found.values()), **found} for kind, found in counts.items()}


# --- Partnerships -----------------------------------------------------------------------------


def partnerships_of(*, user: AnyUser) -> QuerySet[Partnership]:
    """The partnerships ``user`` is a partner in. Scheme admins use the management pages."""
    qs = Partnership.objects.select_related("programme", "mentor_application", "mentee_application")
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(Q(mentor_application__user=user) | Q(mentee_application__user=user))


def access_partnership_or_404(user: AnyUser, partnership_id: int) -> Partnership:
    """A partnership ``user`` is a partner in; anyone else (scheme admins included) gets 404."""
    return get_visible_or_404(partnerships_of(user=user), pk=partnership_id)


def partnerships_for_admin(*, programme: Programme) -> QuerySet[Partnership]:
    return (
        programme.partnerships.select_related("mentor_application", "mentee_application")
        .annotate(meeting_count=Count("meetings"))
        .order_by("mentee_application__name")
    )


def survey_stages_answered(*, user: User, partnership: Partnership) -> set[str]:
    return set(partnership.survey_responses.filter(respondent=user).values_list("stage", flat=True))


def meeting_reminders_by_partnership(partnerships: list[Partnership]) -> dict[int, list[Reminder]]:
    """Meeting reminders already sent, per partnership (one query), for the staff listing."""
    found: dict[int, list[Reminder]] = {}
    if not partnerships:
        return found
    rows = Reminder.objects.filter(
        kind="mentoring.meeting_behind",
        target_type=ContentType.objects.get_for_model(Partnership),
        target_id__in=[str(p.pk) for p in partnerships],
    ).order_by("created_at")
    for reminder in rows:
        found.setdefault(int(reminder.target_id), []).append(reminder)
    return found


# --- Matching ---------------------------------------------------------------------------------


def match_runs_visible_to(*, user: AnyUser) -> QuerySet[MatchRun]:
    return MatchRun.objects.filter(programme__in=programmes_visible_to(user=user)).select_related(
        "programme"
    )


def access_match_run_or_404(user: AnyUser, match_run_id: int) -> MatchRun:
    return get_visible_or_404(match_runs_visible_to(user=user), pk=match_run_id)


def match_constraints_visible_to(*, user: AnyUser) -> QuerySet[MatchConstraint]:
    return MatchConstraint.objects.filter(
        programme__in=programmes_visible_to(user=user)
    ).select_related("programme")


def access_match_constraint_or_404(user: AnyUser, match_constraint_id: int) -> MatchConstraint:
    return get_visible_or_404(match_constraints_visible_to(user=user), pk=match_constraint_id)


def match_runs_of(*, programme: Programme) -> QuerySet[MatchRun]:
    """The programme's runs, newest first (the model's ordering)."""
    return programme.match_runs.select_related("created_by")


def proposed_pairs_of(*, run: MatchRun) -> QuerySet[ProposedPair]:
    return run.pairs.select_related("mentee_application", "mentor_application")


def unmatched_mentees_of(*, run: MatchRun) -> QuerySet[MenteeApplication]:
    return MenteeApplication.objects.filter(pk__in=run.unmatched).order_by("name")


def match_constraints_of(*, programme: Programme) -> QuerySet[MatchConstraint]:
    return programme.match_constraints.select_related("mentee_application", "mentor_application")


def submitted_applicants_of(
    *, programme: Programme
) -> tuple[QuerySet[MenteeApplication], QuerySet[MentorApplication]]:
    """The applications an override may name: submitted ones of the programme, by name."""
    submitted = ApplicationStatus.SUBMITTED
    return (
        programme.mentee_applications.filter(status=submitted).order_by("name"),
        programme.mentor_applications.filter(status=submitted).order_by("name"),
    )


# --- Concerns and surveys ---------------------------------------------------------------------


def concerns_visible_to(*, user: AnyUser) -> QuerySet[Concern]:
    """Concerns are for scheme admins only (002 §6); everyone else sees none, not even their own."""
    if not can_manage_mentoring(user):
        return Concern.objects.none()
    return Concern.objects.select_related("programme", "partnership", "reporter")


def access_concern_or_404(user: AnyUser, concern_id: int) -> Concern:
    return get_visible_or_404(concerns_visible_to(user=user), pk=concern_id)


def concern_notes_of(*, concern: Concern) -> QuerySet[ConcernNote]:
    return concern.notes.select_related("author")


def concerns_reported_by(*, user: AnyUser) -> QuerySet[Concern]:
    """The concerns ``user`` reported, for their status page (scheme admins' rows included)."""
    if not user.is_authenticated:
        return Concern.objects.none()
    return Concern.objects.filter(reporter=user).select_related("programme")


def access_own_concern_or_404(user: AnyUser, concern_id: int) -> Concern:
    """A concern ``user`` reported; anyone else's is 404 (admins read it on the manage pages)."""
    return get_visible_or_404(concerns_reported_by(user=user), pk=concern_id)


def concern_status_history(*, concern: Concern) -> list[tuple[datetime.datetime, str]]:
    """When the concern was received and each later change of status, in the reporter's words.

    Only the dates and statuses of the follow-up notes are read, never their text or author.
    """
    history = [(concern.created_at, REPORTER_STATUS_LABELS[Concern.Status.NEW])]
    current = Concern.Status.NEW.value
    for status, when in concern.notes.order_by("created_at", "id").values_list(
        "status_after", "created_at"
    ):
        if status != current:
            history.append((when, REPORTER_STATUS_LABELS[status]))
            current = status
    return history


def survey_stage_open(programme: Programme, stage: str, on: datetime.date) -> bool:
    """Mid survey from the midpoint to the end; end survey from two weeks before the end."""
    if stage == SurveyResponse.Stage.MID:
        return programme.midpoint() <= on <= programme.ends_on
    if stage == SurveyResponse.Stage.END:
        return (
            programme.ends_on - datetime.timedelta(days=14)
            <= on
            <= (programme.ends_on + datetime.timedelta(days=60))
        )
    return False


def surveys_open_to(
    *, user: User, partnership: Partnership, today: datetime.date
) -> list[SurveyResponse.Stage]:
    """The survey stages ``user`` may still answer for ``partnership`` (none once withdrawn)."""
    if partnership.status == Partnership.Status.WITHDRAWN:
        return []
    answered = survey_stages_answered(user=user, partnership=partnership)
    return [
        stage
        for stage in SurveyResponse.Stage
        if stage.value not in answered and survey_stage_open(partnership.programme, stage, today)
    ]


def survey_refusal(
    *, user: User, partnership: Partnership, stage: str, today: datetime.date
) -> str | None:
    """Why ``user`` may not answer ``stage`` now (None if they may): a survey is answered once."""
    if stage in survey_stages_answered(user=user, partnership=partnership):
        return "You have already answered this survey. Thank you for your feedback."
    if stage not in surveys_open_to(user=user, partnership=partnership, today=today):
        return "This survey is not open at the moment."
    return None


def survey_summary(*, programme: Programme) -> list[dict[str, Any]]:
    """Averages per stage and side, with the share that would recommend the programme."""
    responses = SurveyResponse.objects.filter(partnership__programme=programme)
    summary = responses.values("stage", "side").annotate(
        n=Count("id"),
        satisfaction=Avg("satisfaction"),
        usefulness=Avg("usefulness"),
        recommend=Count("id", filter=Q(would_recommend=True)),
    )
    rows: list[dict[str, Any]] = []
    for row in summary.order_by("stage", "side"):
        row["stage_label"] = SurveyResponse.Stage(row["stage"]).label
        row["side_label"] = SurveyResponse.Side(row["side"]).label
        row["recommend_share"] = round(100 * row["recommend"] / row["n"]) if row["n"] else 0
        rows.append(row)
    return rows


def survey_comments(*, programme: Programme) -> list[tuple[str, str, str]]:
    """Comments with their stage and side but never their author, shuffled within each group."""
    comments = (
        SurveyResponse.objects.filter(partnership__programme=programme)
        .exclude(comments="")
        .order_by("stage", "side", "?")
        .values_list("stage", "side", "comments")
    )
    return [
        (SurveyResponse.Stage(s).label, SurveyResponse.Side(d).label, c) for s, d, c in comments
    ]
