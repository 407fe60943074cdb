"""Application writes: a mentor's or a mentee's application, and its withdrawal before matching."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from alumni.api import NOT_VERIFIED, is_verified_alumnus, not_verified_error_link, record_facts
from mentoring.errors import MentoringError
from mentoring.models import (
    ApplicationStatus,
    MenteeApplication,
    MentorApplication,
    Partnership,
    Programme,
)
from mentoring.permissions import can_apply_as_mentee, can_apply_as_mentor
from mentoring.services.common import institution_email_ok, today
from portal.audit import audit_record
from portal.models import User
from portal.permissions import has_role
from portal.roles import Role

# The fields each submit applies, in the order the forms show them (the forms use these lists).
MENTOR_FIELDS = (
    "name",
    "email",
    "courses",
    "graduation_year",
    "country",
    "job_role",
    "sectors",
    "bio",
    "share_bio",
    "linkedin",
    "share_linkedin",
    "capacity",
    *(code for code, _ in MentorApplication.COMMITMENTS),
)
MENTEE_FIELDS = (
    "name",
    "university_email",
    "msc_programme",
    "sectors",
    "support_areas",
    "linkedin",
    "share_linkedin",
    "bio",
    "share_bio",
    "preferred_countries",
    "meeting_mode",
    "country",
)


def _open_programme(programme_id: int) -> Programme:
    programme = Programme.objects.get(pk=programme_id)
    if not programme.accepting_applications(today()):
        raise MentoringError("This programme is not accepting applications.")
    return programme


def mentor_application_submit(
    *, actor: User, programme_id: int, data: Mapping[str, Any]
) -> MentorApplication:
    """An alumnus volunteers; each commitment of 002 §1 a-f must be accepted on its own."""
    if has_role(actor, Role.ALUMNUS) and not is_verified_alumnus(actor):
        raise MentoringError(
            f"Only verified graduates can apply as mentors. {NOT_VERIFIED}",
            link=not_verified_error_link(),
        )
    if not can_apply_as_mentor(actor):
        raise MentoringError("Only alumni can apply as mentors.")
    programme = _open_programme(programme_id)
    missing = [label for code, label in MentorApplication.COMMITMENTS if not data.get(code)]
    if missing:
        raise MentoringError("Every commitment must be accepted: " + " ".join(missing))
    if not 1 <= int(data["capacity"]) <= 3:
        raise MentoringError("You can mentor between one and three students.", field="capacity")
    values = {k: data[k] for k in MENTOR_FIELDS if k in data}
    facts = record_facts(actor)
    if facts is not None:
        # The institution's record, not what was typed, is what partners see (002 §4c-d).
        values["courses"] = ", ".join(facts.programmes)
        values["graduation_year"] = max(facts.graduation_years)
    try:
        with transaction.atomic():
            application = MentorApplication.objects.create(
                programme=programme, user=actor, **values
            )
            audit_record(
                actor=actor,
                action="mentoring.mentor_application.submitted",
                target=application,
                new={"programme": programme.pk, "capacity": application.capacity},
            )
    except IntegrityError as exc:
        raise MentoringError("You have already applied to mentor in this programme.") from exc
    return application


def mentee_application_submit(
    *, actor: User, programme_id: int, data: Mapping[str, Any]
) -> MenteeApplication:
    if not can_apply_as_mentee(actor):
        raise MentoringError("Only current students can apply as mentees.")
    programme = _open_programme(programme_id)
    if not institution_email_ok(str(data.get("university_email", ""))):
        raise MentoringError(
            f"Use your university email address (@{settings.INSTITUTION_EMAIL_DOMAIN}).",
            field="university_email",
        )
    values = {k: data[k] for k in MENTEE_FIELDS if k in data}
    try:
        with transaction.atomic():
            application = MenteeApplication.objects.create(
                programme=programme, user=actor, **values
            )
            audit_record(
                actor=actor,
                action="mentoring.mentee_application.submitted",
                target=application,
                new={"programme": programme.pk},
            )
    except IntegrityError as exc:
        raise MentoringError("You have already applied for a mentor in this programme.") from exc
    return application


def _withdraw(
    actor: User, locked: MentorApplication | MenteeApplication, kind: str
) -> MentorApplication | MenteeApplication:
    """Withdraw a locked application before it is matched (afterwards the partnership is)."""
    if locked.user_id != actor.pk:
        raise MentoringError("You can only withdraw your own application.")
    if locked.status != ApplicationStatus.SUBMITTED:
        raise MentoringError("This application has already been withdrawn.")
    if locked.partnerships.filter(status=Partnership.Status.ACTIVE).exists():
        raise MentoringError("You are already matched; use the partnership page instead.")
    locked.status = ApplicationStatus.WITHDRAWN
    locked.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=f"mentoring.{kind}_application.withdrawn",
        target=locked,
        old={"status": ApplicationStatus.SUBMITTED},
        new={"status": ApplicationStatus.WITHDRAWN},
    )
    return locked


def mentor_application_withdraw(*, actor: User, mentor_application_id: int) -> MentorApplication:
    with transaction.atomic():
        locked = MentorApplication.objects.select_for_update().get(pk=mentor_application_id)
        _withdraw(actor, locked, "mentor")
    return locked


def mentee_application_withdraw(*, actor: User, mentee_application_id: int) -> MenteeApplication:
    with transaction.atomic():
        locked = MenteeApplication.objects.select_for_update().get(pk=mentee_application_id)
        _withdraw(actor, locked, "mentee")
    return locked
