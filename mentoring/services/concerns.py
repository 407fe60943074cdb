"""Concern writes: anyone in a programme reports one (002 §6); scheme admins follow it up."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from mentoring.errors import MentoringError
from mentoring.models import Concern, ConcernNote, Partnership, Programme
from mentoring.permissions import side_in
from mentoring.services.common import require_admin, scheme_admin_addresses
from portal.audit import audit_record
from portal.mail import email_queue
from portal.models import User


def concern_report(
    *,
    actor: User,
    text: str,
    partnership_id: int | None = None,
    programme_id: int | None = None,
) -> Concern:
    """Anyone in a programme may raise a concern; only scheme admins will read it (002 §6)."""
    text = text.strip()
    if not text:
        raise MentoringError("Please describe your concern.", field="text")
    partnership: Partnership | None = None
    programme: Programme | None = None
    if partnership_id is not None:
        partnership = Partnership.objects.select_related(
            "programme", "mentor_application", "mentee_application"
        ).get(pk=partnership_id)
        if side_in(actor, partnership) is None:
            raise MentoringError("You are not a partner in this partnership.")
        programme = partnership.programme
    elif programme_id is not None:
        programme = Programme.objects.get(pk=programme_id)
    with transaction.atomic():
        concern = Concern.objects.create(
            reporter=actor, text=text, partnership=partnership, programme=programme
        )
        audit_record(
            actor=actor,
            action="mentoring.concern.reported",
            target=concern,
            new={"partnership": partnership.pk if partnership else None},
        )
        # The email says a concern exists, never what it says: it is read in the portal.
        email_queue(
            to=scheme_admin_addresses(programme),
            subject="A new mentoring concern has been reported",
            template="mentoring/email/concern_new",
            context={"concern": concern},
            category="mentoring.concern",
        )
    return concern


def concern_follow_up(*, actor: User, concern_id: int, note: str, status: str) -> Concern:
    require_admin(actor)
    if status not in Concern.Status.values:
        raise MentoringError("Unknown status.", field="status")
    with transaction.atomic():
        locked = Concern.objects.select_for_update().get(pk=concern_id)
        old = locked.status
        if old == Concern.Status.CLOSED and status == Concern.Status.CLOSED and not note.strip():
            raise MentoringError("This concern is already closed.")
        ConcernNote.objects.create(
            concern=locked, author=actor, text=note.strip(), status_after=status
        )
        locked.status = status
        locked.updated_at = timezone.now()
        locked.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action="mentoring.concern.followed_up",
            target=locked,
            old={"status": old},
            new={"status": status},
        )
    return locked
