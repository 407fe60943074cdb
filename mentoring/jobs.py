"""Mentoring's scheduled sweeps: meeting reminders, survey invitations, programme wrap-up.

Each sweep selects its candidates in one query and claims every piece of work (a reminder row
per object and period, or a state check), so running a sweep twice sends nothing the second time.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q

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
from portal.mail import email_queue
from portal.reminders import reminder_claim


def meeting_reminders_sweep(*, today: datetime.date | None = None) -> int:
    """Remind pairs behind the schedule: one reminder per pair per expected-meeting stage.

    Stage k (meeting k expected) is reached on ``Programme.meeting_due_dates()[k-1]``; a pair
    with fewer than k meetings logged gets one email to each partner, claimed per (pair, stage),
    so running twice sends once.
    """
    today = today or local_today()
    candidates = (
        Partnership.objects.filter(
            status=Partnership.Status.ACTIVE,
            programme__starts_on__lte=today,
            programme__ends_on__gte=today,
        )
        .select_related("programme", "mentor_application", "mentee_application")
        .annotate(logged=Count("meetings"))
        .filter(logged__lt=F("programme__official_meetings"))
    )
    sent = 0
    for partnership in candidates:
        logged: int = partnership.logged
        due = [d for d in partnership.programme.meeting_due_dates() if d <= today]
        expected = len(due)
        if logged >= expected:
            continue
        with transaction.atomic():
            if not reminder_claim(
                kind="mentoring.meeting_behind",
                target=partnership,
                period=f"meeting-{expected}",
                detail=f"{logged} of {expected} logged",
            ):
                continue
            common = {
                "partnership": partnership,
                "expected": expected,
                "logged": logged,
                "due_on": due[-1],
            }
            email_queue(
                to=partnership.mentor_application.email,
                subject="Reminder: your next mentoring meeting",
                template="mentoring/email/meeting_reminder",
                context={**common, "partner": mentee_card_for_mentor(partnership, today=today)},
                category="mentoring.meeting_reminder",
            )
            email_queue(
                to=partnership.mentee_application.university_email,
                subject="Reminder: your next mentoring meeting",
                template="mentoring/email/meeting_reminder",
                context={**common, "partner": mentor_card_for_mentee(partnership, today=today)},
                category="mentoring.meeting_reminder",
            )
            sent += 1
    return sent


def survey_invitations_sweep(*, today: datetime.date | None = None) -> int:
    """Invite both partners to each survey once, when its stage opens (002 §1e).

    A partner who has already answered that stage is not invited (the query says who has), and
    a partnership whose two partners have both answered is not even selected.
    """
    today = today or local_today()
    sent = 0
    live = Partnership.objects.filter(
        ~Q(status=Partnership.Status.WITHDRAWN),
        programme__starts_on__lte=today,
        programme__ends_on__gte=today - datetime.timedelta(days=7),
    ).select_related("programme", "mentor_application", "mentee_application")
    for stage in SurveyResponse.Stage:
        answers = SurveyResponse.objects.filter(partnership=OuterRef("pk"), stage=stage)
        partnerships = live.annotate(
            mentor_answered=Exists(answers.filter(side=SurveyResponse.Side.MENTOR)),
            mentee_answered=Exists(answers.filter(side=SurveyResponse.Side.MENTEE)),
        ).exclude(mentor_answered=True, mentee_answered=True)
        for partnership in partnerships:
            if not survey_stage_open(partnership.programme, stage, today):
                continue
            to = [
                address
                for address, answered in (
                    (partnership.mentor_application.email, partnership.mentor_answered),
                    (partnership.mentee_application.university_email, partnership.mentee_answered),
                )
                if not answered
            ]
            with transaction.atomic():
                if not reminder_claim(
                    kind="mentoring.survey_invitation", target=partnership, period=stage.value
                ):
                    continue
                email_queue(
                    to=to,
                    subject=f"{stage.label} feedback survey: {partnership.programme.name}",
                    template="mentoring/email/survey_invitation",
                    context={"partnership": partnership, "stage": stage},
                    category="mentoring.survey_invitation",
                )
                sent += 1
    return sent


def finished_programmes_sweep(*, today: datetime.date | None = None) -> int:
    """Wrap up every programme whose end date has passed and that still has work left."""
    today = today or local_today()
    due = Programme.objects.filter(ends_on__lt=today, ends_on__gte=months_later(today, -12))
    due = due.filter(
        Q(partnerships__status=Partnership.Status.ACTIVE)
        | Q(mentor_applications__status="submitted")
        | Q(mentee_applications__status="submitted")
    ).distinct()
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
