"""Partnership writes: meetings, email frequency, unavailability, withdrawal and the end (002 §1-2).

Emails that show a partner take the partner's details from ``mentoring.sharing`` only.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from mentoring.errors import MentoringError
from mentoring.models import Meeting, Partnership, Unavailability
from mentoring.permissions import (
    can_record_unavailability_for_partnership,
    can_withdraw_partnership,
    side_in,
)
from mentoring.services.common import months_later, scheme_admin_addresses, today
from mentoring.sharing import mentee_card_for_mentor, mentor_card_for_mentee
from portal.audit import audit_record
from portal.mail import email_queue
from portal.models import User


def _lock_live(partnership_id: int, actor: User) -> Partnership:
    """The partnership, row-locked, if ``actor`` is a partner and it is still live."""
    locked = (
        Partnership.objects.select_for_update(of=("self",))
        .select_related("programme", "mentor_application", "mentee_application")
        .get(pk=partnership_id)
    )
    if side_in(actor, locked) is None:
        raise MentoringError("You are not a partner in this partnership.")
    if not locked.is_live(today()):
        raise MentoringError("This partnership has ended.")
    return locked


def meeting_log(*, actor: User, partnership_id: int, held_on: datetime.date, mode: str) -> Meeting:
    """Log the next official meeting (002 §1b); either partner may log it."""
    with transaction.atomic():
        locked = _lock_live(partnership_id, actor)
        programme = locked.programme
        if held_on > today():
            raise MentoringError(
                "A meeting can only be logged once it has taken place.", field="held_on"
            )
        if not programme.starts_on <= held_on <= programme.ends_on:
            raise MentoringError(
                "The meeting must fall within the programme's dates.", field="held_on"
            )
        logged = locked.meetings.count()
        if logged >= programme.official_meetings:
            raise MentoringError(
                "The official meeting is already logged."
                if programme.official_meetings == 1
                else f"All {programme.official_meetings} official meetings are already logged."
            )
        meeting = Meeting.objects.create(
            partnership=locked, number=logged + 1, held_on=held_on, mode=mode, logged_by=actor
        )
        audit_record(
            actor=actor,
            action="mentoring.meeting.logged",
            target=locked,
            new={"number": meeting.number, "held_on": held_on, "mode": mode},
        )
    return meeting


def email_frequency_set(*, actor: User, partnership_id: int, frequency: str) -> Partnership:
    """Record the email frequency agreed at the first meeting (002 §1c)."""
    frequency = frequency.strip()
    with transaction.atomic():
        locked = _lock_live(partnership_id, actor)
        if locked.email_frequency == frequency:
            return locked
        old = locked.email_frequency
        locked.email_frequency = frequency
        locked.save(update_fields=["email_frequency"])
        audit_record(
            actor=actor,
            action="mentoring.partnership.email_frequency_set",
            target=locked,
            old={"email_frequency": old},
            new={"email_frequency": frequency},
        )
    return locked


def unavailability_record(
    *, actor: User, partnership_id: int, starts_on: datetime.date, ends_on: datetime.date
) -> Unavailability:
    """The mentor advises of more than a month without contact (002 §1d); the mentee is told."""
    if ends_on <= months_later(starts_on, 1):
        raise MentoringError(
            "Record periods of more than a month; for shorter absences simply email your mentee.",
            field="ends_on",
        )
    with transaction.atomic():
        locked = _lock_live(partnership_id, actor)
        if not can_record_unavailability_for_partnership(actor, locked):
            raise MentoringError("Only the mentor records unavailability.")
        if ends_on < today():
            raise MentoringError("This period is already over.", field="ends_on")
        period = Unavailability.objects.create(
            partnership=locked, starts_on=starts_on, ends_on=ends_on, recorded_by=actor
        )
        audit_record(
            actor=actor,
            action="mentoring.unavailability.recorded",
            target=locked,
            new={"starts_on": starts_on, "ends_on": ends_on},
        )
        mentor = mentor_card_for_mentee(locked)
        email_queue(
            to=locked.mentee_application.university_email,
            subject=f"Your mentor will be unavailable from {starts_on:%d %B %Y}",
            template="mentoring/email/unavailability",
            context={"mentor": mentor, "period": period, "partnership": locked},
            category="mentoring.unavailability",
        )
    return period


def partnership_withdraw(*, actor: User, partnership_id: int, reason: str = "") -> Partnership:
    """The mentee leaves the programme; the scheme admins and the mentor are told (002 §1b)."""
    with transaction.atomic():
        locked = _lock_live(partnership_id, actor)
        if not can_withdraw_partnership(actor, locked):
            raise MentoringError("Only the mentee can withdraw from a partnership.")
        # The mentor's notice names the student, so take the card while it is still live.
        mentee = mentee_card_for_mentor(locked)
        locked.status = Partnership.Status.WITHDRAWN
        locked.ended_at = timezone.now()
        locked.withdrawal_reason = reason.strip()
        locked.save(update_fields=["status", "ended_at", "withdrawal_reason"])
        audit_record(
            actor=actor,
            action="mentoring.partnership.withdrawn",
            target=locked,
            old={"status": Partnership.Status.ACTIVE},
            new={"status": Partnership.Status.WITHDRAWN},
        )
        email_queue(
            to=scheme_admin_addresses(locked.programme),
            subject=f"A mentee has withdrawn from {locked.programme.name}",
            template="mentoring/email/withdrawal_admin",
            context={"partnership": locked, "reason": locked.withdrawal_reason},
            category="mentoring.withdrawal",
        )
        email_queue(
            to=locked.mentor_application.email,
            subject="Your mentee has withdrawn from the programme",
            template="mentoring/email/withdrawal_mentor",
            context={"mentee_name": mentee.get("name", ""), "programme": locked.programme},
            category="mentoring.withdrawal",
        )
    return locked


def partnership_end(*, actor: User | None, partnership_id: int) -> Partnership:
    """Close an active partnership at the programme's end (002 §2); no-op otherwise."""
    with transaction.atomic():
        locked = Partnership.objects.select_for_update().get(pk=partnership_id)
        if locked.status != Partnership.Status.ACTIVE:
            return locked
        locked.status = Partnership.Status.ENDED
        locked.ended_at = timezone.now()
        locked.save(update_fields=["status", "ended_at"])
        audit_record(
            actor=actor,
            action="mentoring.partnership.ended",
            target=locked,
            old={"status": Partnership.Status.ACTIVE},
            new={"status": Partnership.Status.ENDED},
        )
    return locked
