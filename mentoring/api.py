"""What other apps may use of mentoring: its part of subject access and erasure.

A partner's details reach an export only through ``mentoring.sharing``'s projections, so an
export never holds a field the other side did not share (002 §4-5), nor anything once the
partnership is over.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q

from mentoring.models import (
    Concern,
    Meeting,
    MenteeApplication,
    MentorApplication,
    Partnership,
    SurveyResponse,
    Unavailability,
)
from mentoring.services.applications import MENTEE_FIELDS, MENTOR_FIELDS
from mentoring.sharing import mentee_card_for_mentor, mentor_card_for_mentee
from portal.dataprotection.registry import Blocker, RetentionRule
from portal.models import User

ERASED_TEXT = "[removed: the author's personal data were erased]"

__all__ = ["erase_personal_data", "erasure_blockers", "personal_data", "retention_rules"]

# What each application holds of the applicant: the fields the apply services take (less the
# commitments, which are recorded acceptances, not data about the person), plus its state.
_COMMITMENTS = {code for code, _ in MentorApplication.COMMITMENTS}
_MENTOR_FIELDS = (
    *(field for field in MENTOR_FIELDS if field not in _COMMITMENTS),
    "status",
    "submitted_at",
)
_MENTEE_FIELDS = (*MENTEE_FIELDS, "status", "submitted_at")


def _own(application: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    row = {field: getattr(application, field) for field in fields}
    row["programme"] = application.programme.name
    return row


def _partnerships(user: User) -> list[dict[str, Any]]:
    """Each partnership as the person sees it: the partner's card from the projection only."""
    rows = []
    partnerships = Partnership.objects.filter(
        Q(mentor_application__user=user) | Q(mentee_application__user=user)
    ).select_related("programme", "mentor_application", "mentee_application")
    for partnership in partnerships:
        as_mentor = partnership.mentor_application.user_id == user.pk
        card = (
            mentee_card_for_mentor(partnership)
            if as_mentor
            else mentor_card_for_mentee(partnership)
        )
        rows.append(
            {
                "programme": partnership.programme.name,
                "my_side": "mentor" if as_mentor else "mentee",
                "status": partnership.get_status_display(),
                "since": partnership.created_at,
                "ended_at": partnership.ended_at,
                "partner_as_shared_with_me": card,
                "meetings": [
                    {"number": m.number, "held_on": m.held_on, "mode": m.get_mode_display()}
                    for m in Meeting.objects.filter(partnership=partnership)
                ],
            }
        )
    return rows


def personal_data(user: User) -> dict[str, Any]:
    """Own applications in full, partnerships as seen, concerns raised, survey answers."""
    return {
        "mentor_applications": [
            _own(a, _MENTOR_FIELDS)
            for a in MentorApplication.objects.filter(user=user).select_related("programme")
        ],
        "mentee_applications": [
            _own(a, _MENTEE_FIELDS)
            for a in MenteeApplication.objects.filter(user=user).select_related("programme")
        ],
        "partnerships": _partnerships(user),
        "unavailability_recorded": [
            {"from": u.starts_on, "until": u.ends_on}
            for u in Unavailability.objects.filter(recorded_by=user)
        ],
        "concerns_raised": [
            {"text": c.text, "status": c.get_status_display(), "at": c.created_at}
            for c in Concern.objects.filter(reporter=user)
        ],
        "survey_answers": [
            {
                "stage": s.get_stage_display(),
                "satisfaction": s.satisfaction,
                "usefulness": s.usefulness,
                "would_recommend": s.would_recommend,
                "comments": s.comments,
                "at": s.submitted_at,
            }
            for s in SurveyResponse.objects.filter(respondent=user)
        ],
    }


def erasure_blockers(user: User) -> list[Blocker]:
    """An open concern they raised stops erasure (it is being followed up, 002 §6); an active
    partnership is an obligation to the partner."""
    blockers = [
        Blocker(
            "mentoring",
            f"Concern {c.pk} raised on {c.created_at:%d %b %Y} is still {c.get_status_display()}"
            " (the scheme admins close it first).",
            hard=True,
        )
        for c in Concern.objects.filter(reporter=user).exclude(status=Concern.Status.CLOSED)
    ]
    blockers += [
        Blocker("mentoring", f"Partnership in {p.programme.name} is still active.")
        for p in Partnership.objects.filter(
            Q(mentor_application__user=user) | Q(mentee_application__user=user),
            status=Partnership.Status.ACTIVE,
        ).select_related("programme")
    ]
    return blockers


def erase_personal_data(user: User, pseudonym: str) -> list[str]:
    """Applications keep their programme, status and matching figures under the pseudonym; the
    names, addresses, bios, profiles and job details go, and so do concern texts and survey
    comments. Returns the names, addresses, bios and profiles typed on the applications."""
    mentors = MentorApplication.objects.filter(user=user)
    mentees = MenteeApplication.objects.filter(user=user)
    typed = [
        *mentors.values_list("name", "email", "bio", "linkedin"),
        *mentees.values_list("name", "university_email", "bio", "linkedin"),
    ]
    address = f"{pseudonym}@erased.invalid"
    mentors.update(
        name=pseudonym, email=address, bio="", linkedin="", job_role="", courses="", country=""
    )
    mentees.update(
        name=pseudonym,
        university_email=address,
        bio="",
        linkedin="",
        msc_programme="",
        preferred_countries="",
        country="",
    )
    Concern.objects.filter(reporter=user).update(text=ERASED_TEXT)
    SurveyResponse.objects.filter(respondent=user).update(comments="")
    Partnership.objects.filter(
        Q(mentor_application__user=user) | Q(mentee_application__user=user)
    ).update(withdrawal_reason="")
    # Names, addresses, and the bios and profiles partners were sent (the match email's card);
    # not courses or jobs, which other people share word for word.
    return [value for row in typed for value in row if value]


def retention_rules() -> list[RetentionRule]:
    from mentoring.jobs import partner_details_retention_sweep

    return [
        RetentionRule(
            app="mentoring",
            name="partner_details_retention_sweep",
            held="Applications and the partner details they feed: names, addresses, bios, jobs",
            clause="002 §2 (the partnership ends with the programme), §4-5",
            setting="RETENTION_MENTORING_MONTHS",
            period=f"{settings.RETENTION_MENTORING_MONTHS} months after the programme ends",
            sweep=partner_details_retention_sweep,
        )
    ]
