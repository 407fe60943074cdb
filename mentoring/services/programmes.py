"""Programme writes: create, update, and the wrap-up after the end date (002 §2-3)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from mentoring.errors import MentoringError
from mentoring.models import MenteeApplication, MentorApplication, Partnership, Programme
from mentoring.services.common import require_admin, today
from mentoring.services.partnerships import partnership_end
from portal.audit import audit_record
from portal.mail import Mail, emails_queue
from portal.models import User
from portal.reminders import not_reminded, reminders_claim_bulk

# The fields programme_create/update apply; the form and the Django admin use this one list.
PROGRAMME_FIELDS = (
    "name",
    "host_unit",
    "description",
    "starts_on",
    "ends_on",
    "applications_open",
    "applications_close",
    "official_meetings",
    "concerns_email",
    "status",
)


def programme_create(*, actor: User, data: Mapping[str, Any]) -> Programme:
    require_admin(actor)
    with transaction.atomic():
        programme = Programme.objects.create(**{k: data[k] for k in PROGRAMME_FIELDS if k in data})
        audit_record(
            actor=actor,
            action="mentoring.programme.created",
            target=programme,
            new={k: data[k] for k in PROGRAMME_FIELDS if k in data and k != "host_unit"},
        )
    return programme


def programme_update(*, actor: User, programme_id: int, data: Mapping[str, Any]) -> Programme:
    require_admin(actor)
    with transaction.atomic():
        locked = Programme.objects.select_for_update().get(pk=programme_id)
        old, new = {}, {}
        for field in PROGRAMME_FIELDS:
            if field in data and getattr(locked, field) != data[field]:
                old[field], new[field] = str(getattr(locked, field)), str(data[field])
                setattr(locked, field, data[field])
        if new:
            locked.save(update_fields=list(new))
            audit_record(
                actor=actor, action="mentoring.programme.updated", target=locked, old=old, new=new
            )
    return locked


def programme_wrap_up(*, actor: User | None, programme_id: int) -> int:
    """After the end date: end the partnerships and invite everyone to future programmes (002 §3).

    Each participant is invited once, however often this runs. Returns invitations sent.
    """
    programme = Programme.objects.get(pk=programme_id)
    if not programme.has_ended(today()):
        raise MentoringError("The programme has not ended yet.")
    active = programme.partnerships.filter(status=Partnership.Status.ACTIVE)
    for partnership_id in active.values_list("pk", flat=True):
        partnership_end(actor=actor, partnership_id=partnership_id)
    kind = "mentoring.future_invitation"
    people: list[tuple[MentorApplication | MenteeApplication, str]] = [
        (a, a.email)
        for a in not_reminded(
            programme.mentor_applications.filter(status="submitted"), kind=kind, period="end"
        )
    ]
    people += [
        (a, a.university_email)
        for a in not_reminded(
            programme.mentee_applications.filter(status="submitted"), kind=kind, period="end"
        )
    ]
    with transaction.atomic():
        claimed_mentors = reminders_claim_bulk(
            kind=kind,
            model=MentorApplication,
            claims=((a.pk, "end") for a, _ in people if isinstance(a, MentorApplication)),
        )
        claimed_mentees = reminders_claim_bulk(
            kind=kind,
            model=MenteeApplication,
            claims=((a.pk, "end") for a, _ in people if isinstance(a, MenteeApplication)),
        )
        mails = [
            Mail(
                to=address,
                subject=f"Thank you for taking part in {programme.name}",
                template="mentoring/email/future_invitation",
                context={"programme": programme, "name": application.name},
                category="mentoring.future_invitation",
            )
            for application, address in people
            if (str(application.pk), "end")
            in (claimed_mentors if isinstance(application, MentorApplication) else claimed_mentees)
        ]
        emails_queue(mails)
    sent = len(mails)
    if sent:
        audit_record(
            actor=actor,
            action="mentoring.programme.invitations_sent",
            target=programme,
            new={"invitations": sent},
        )
    return sent
