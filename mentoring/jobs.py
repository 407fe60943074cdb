"""Mentoring's scheduled sweeps: meeting reminders, survey invitations, programme wrap-up.

Each sweep selects its candidates in one query that leaves out what was already sent, and claims
every piece of work in one statement (a reminder row per object and period, or a state check),
so running a sweep twice sends nothing the second time, and an idle run costs a few queries
whatever the number of pairs.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat

from mentoring.models import (
    MenteeApplication,
    MentorApplication,
    Partnership,
    Programme,
    SurveyResponse,
)
from mentoring.selectors import survey_stage_open
from mentoring.services.common import months_later
from mentoring.services.common import today as local_today
from mentoring.services.programmes import programme_wrap_up
from mentoring.sharing import mentee_card_for_mentor, mentor_card_for_mentee
from portal.dataprotection.retention import months_before
from portal.mail import Mail, emails_queue
from portal.reminders import not_reminded, reminders_claim_bulk


def _live_programmes(today: datetime.date, *, grace_days: int = 0) -> list[Programme]:
    return list(
        Programme.objects.filter(
            starts_on__lte=today, ends_on__gte=today - datetime.timedelta(days=grace_days)
        ).order_by("pk")
    )


def meeting_reminders_sweep(*, today: datetime.date | None = None) -> int:
    """Remind pairs behind the schedule: one reminder per pair per expected-meeting stage.

    Stage k (meeting k expected) is reached on ``Programme.meeting_due_dates()[k-1]``; a pair
    with fewer than k meetings logged gets one email to each partner, claimed per (pair, stage),
    so running twice sends once. The stage of each live programme is computed first; the pairs
    behind it and not yet reminded for it are then one query, claimed in one statement.
    """
    today = today or local_today()
    expected_by_programme = {
        programme.pk: sum(1 for d in programme.meeting_due_dates() if d <= today)
        for programme in _live_programmes(today)
    }
    expected_by_programme = {pk: k for pk, k in expected_by_programme.items() if k > 0}
    if not expected_by_programme:
        return 0
    expected = Case(
        *(When(programme_id=pk, then=Value(k)) for pk, k in expected_by_programme.items()),
        output_field=IntegerField(),
    )
    kind = "mentoring.meeting_behind"
    period = Concat(
        Value("meeting-"), Cast(OuterRef("expected"), CharField()), output_field=CharField()
    )
    behind = (
        Partnership.objects.filter(
            status=Partnership.Status.ACTIVE, programme_id__in=expected_by_programme
        )
        .annotate(expected=expected, logged=Count("meetings"))
        .filter(logged__lt=F("expected"))
    )
    # Annotated rows: ``expected`` and ``logged`` are the stage and the meetings logged.
    candidates: list[Any] = list(
        not_reminded(behind, kind=kind, period=period)
        .select_related("programme", "mentor_application", "mentee_application")
        .order_by("pk")
    )
    with transaction.atomic():
        claimed = reminders_claim_bulk(
            kind=kind,
            model=Partnership,
            claims=((p.pk, f"meeting-{p.expected}") for p in candidates),
            details={
                (str(p.pk), f"meeting-{p.expected}"): f"{p.logged} of {p.expected} logged"
                for p in candidates
            },
        )
        mails = []
        for partnership in candidates:
            if (str(partnership.pk), f"meeting-{partnership.expected}") not in claimed:
                continue
            due = partnership.programme.meeting_due_dates()[partnership.expected - 1]
            common = {
                "partnership": partnership,
                "expected": partnership.expected,
                "logged": partnership.logged,
                "due_on": due,
            }
            mails.append(
                Mail(
                    to=partnership.mentor_application.email,
                    subject="Reminder: your next mentoring meeting",
                    template="mentoring/email/meeting_reminder",
                    context={**common, "partner": mentee_card_for_mentor(partnership, today=today)},
                    category="mentoring.meeting_reminder",
                )
            )
            mails.append(
                Mail(
                    to=partnership.mentee_application.university_email,
                    subject="Reminder: your next mentoring meeting",
                    template="mentoring/email/meeting_reminder",
                    context={**common, "partner": mentor_card_for_mentee(partnership, today=today)},
                    category="mentoring.meeting_reminder",
                )
            )
        emails_queue(mails)
    return len(mails) // 2


def survey_invitations_sweep(*, today: datetime.date | None = None) -> int:
    """Invite both partners to each survey once, when its stage opens (002 §1e).

    Which stages are open is a property of the programme; per stage, the pairs of those
    programmes not yet invited are one query, claimed in one statement. A partner who has
    already answered that stage is not invited, and a pair where both have is not selected.
    """
    today = today or local_today()
    programmes = _live_programmes(today, grace_days=7)
    kind = "mentoring.survey_invitation"
    sent = 0
    for stage in SurveyResponse.Stage:
        open_in = [p.pk for p in programmes if survey_stage_open(p, stage, today)]
        if not open_in:
            continue
        answers = SurveyResponse.objects.filter(partnership=OuterRef("pk"), stage=stage)
        partnerships = list(
            not_reminded(
                Partnership.objects.filter(programme_id__in=open_in).exclude(
                    status=Partnership.Status.WITHDRAWN
                ),
                kind=kind,
                period=stage.value,
            )
            .annotate(
                mentor_answered=Exists(answers.filter(side=SurveyResponse.Side.MENTOR)),
                mentee_answered=Exists(answers.filter(side=SurveyResponse.Side.MENTEE)),
            )
            .exclude(mentor_answered=True, mentee_answered=True)
            .select_related("programme", "mentor_application", "mentee_application")
            .order_by("pk")
        )
        with transaction.atomic():
            claimed = reminders_claim_bulk(
                kind=kind, model=Partnership, claims=((p.pk, stage.value) for p in partnerships)
            )
            mails = [
                Mail(
                    to=[
                        address
                        for address, answered in (
                            (partnership.mentor_application.email, partnership.mentor_answered),
                            (
                                partnership.mentee_application.university_email,
                                partnership.mentee_answered,
                            ),
                        )
                        if not answered
                    ],
                    subject=f"{stage.label} feedback survey: {partnership.programme.name}",
                    template="mentoring/email/survey_invitation",
                    context={"partnership": partnership, "stage": stage},
                    category="mentoring.survey_invitation",
                )
                for partnership in partnerships
                if (str(partnership.pk), stage.value) in claimed
            ]
            emails_queue(mails)
        sent += len(mails)
    return sent


def finished_programmes_sweep(*, today: datetime.date | None = None) -> int:
    """Wrap up every programme whose end date has passed and that still has work left.

    Work left is a pair still active or a participant not yet invited to future programmes;
    an idle run is this one query.
    """
    today = today or local_today()
    kind = "mentoring.future_invitation"
    uninvited_mentors = not_reminded(
        MentorApplication.objects.filter(programme=OuterRef("pk"), status="submitted"),
        kind=kind,
        period="end",
    )
    uninvited_mentees = not_reminded(
        MenteeApplication.objects.filter(programme=OuterRef("pk"), status="submitted"),
        kind=kind,
        period="end",
    )
    active = Partnership.objects.filter(programme=OuterRef("pk"), status=Partnership.Status.ACTIVE)
    due = Programme.objects.filter(ends_on__lt=today, ends_on__gte=months_later(today, -12))
    due = due.filter(Exists(active) | Exists(uninvited_mentors) | Exists(uninvited_mentees))
    return sum(
        programme_wrap_up(actor=None, programme_id=pk) for pk in due.values_list("pk", flat=True)
    )


def daily_sweep() -> dict[str, int]:
    """The daily mentoring run (beat entry ``mentoring.tasks.send_meeting_reminders``)."""
    return {
        "meeting_reminders": meeting_reminders_sweep(),
        "survey_invitations": survey_invitations_sweep(),
        "end_invitations": finished_programmes_sweep(),
    }


def partner_details_retention_sweep(*, dry_run: bool = False) -> int:
    """Applications of programmes that ended ``RETENTION_MENTORING_MONTHS`` ago lose their
    personal details (names, addresses, bios, profiles, jobs, courses, countries); programme,
    status, sectors and the matching figures stay for the scheme's statistics. Set-based, and
    a second run finds nothing: cleared rows have an empty address."""
    cutoff = months_before(local_today(), settings.RETENTION_MENTORING_MONTHS)
    mentors = MentorApplication.objects.filter(programme__ends_on__lt=cutoff).exclude(email="")
    mentees = MenteeApplication.objects.filter(programme__ends_on__lt=cutoff).exclude(
        university_email=""
    )
    if dry_run:
        return mentors.count() + mentees.count()
    with transaction.atomic():
        Partnership.objects.filter(programme__ends_on__lt=cutoff).exclude(
            withdrawal_reason=""
        ).update(withdrawal_reason="")
        cleared = mentors.update(
            name="Former mentor",
            email="",
            bio="",
            linkedin="",
            job_role="",
            courses="",
            country="",
        )
        cleared += mentees.update(
            name="Former mentee",
            university_email="",
            bio="",
            linkedin="",
            msc_programme="",
            preferred_countries="",
            country="",
        )
    return cleared
