"""Removal requests (004 §6.5): ask the owner to remove content, confirm, withdraw.

The owner confirms through a signed link (no account needed). The reminders and the
escalation of overdue requests are ``moderation.jobs.removal_reminders_sweep``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from moderation.errors import ModerationError
from moderation.models import RemovalRequest
from moderation.permissions import can_manage_removal_requests
from moderation.selectors import items_visible_to
from portal.audit import audit_record
from portal.mail import Mail, email_queue, emails_queue
from portal.models import User

# The fields comms enter for a request (the form takes its field list from here).
REMOVAL_REQUEST_FIELDS = (
    "owner_name",
    "owner_email",
    "content_url",
    "content_description",
    "reason",
    "deadline",
)
SALT = "moderation.removal-request"
LINK_MAX_AGE = timedelta(days=180)


def confirm_token(request: RemovalRequest) -> str:
    """The signed value of the owner's confirmation link."""
    return signing.dumps({"r": request.pk, "e": request.owner_email}, salt=SALT, compress=True)


def confirm_url(request: RemovalRequest) -> str:
    """The owner's confirmation link, absolute (it goes out by email)."""
    path = reverse("moderation:removal_confirm", kwargs={"token": confirm_token(request)})
    return settings.PORTAL_BASE_URL + path


def request_for_token(token: str) -> RemovalRequest | None:
    """The request a signed link points at, or None if the link is forged or stale."""
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return RemovalRequest.objects.filter(pk=data.get("r"), owner_email=data.get("e")).first()


def removal_request_create(
    *,
    actor: User,
    owner_name: str,
    owner_email: str,
    content_description: str,
    reason: str,
    deadline: datetime,
    content_url: str = "",
    item_id: int | None = None,
) -> RemovalRequest:
    """Comms ask the owner to remove content by ``deadline``; the owner is emailed a link."""
    if not can_manage_removal_requests(actor):
        raise ModerationError("Only comms staff send removal requests.")
    if deadline <= timezone.now():
        raise ModerationError("The deadline must be in the future.", field="deadline")
    item = None
    if item_id is not None:
        item = items_visible_to(user=actor).filter(pk=item_id).first()
        if item is None:
            raise ModerationError("There is no moderation item with that number.", field="item")
    with transaction.atomic():
        request = RemovalRequest.objects.create(
            owner_name=owner_name.strip(),
            owner_email=owner_email.strip().lower(),
            content_description=content_description.strip(),
            content_url=content_url,
            reason=reason.strip(),
            deadline=deadline,
            item=item,
            requested_by=actor,
        )
        audit_record(
            actor=actor,
            action="moderation.removal_request.sent",
            target=request,
            new={"state": request.state, "deadline": deadline, "item": item.pk if item else None},
        )
        email_owner(request, "removal_request", "Please remove content: request from")
    return request


def owner_mail(request: RemovalRequest, template: str, subject: str) -> Mail:
    return Mail(
        to=request.owner_email,
        subject=f"{subject} {settings.INSTITUTION_NAME}",
        template=f"moderation/email/{template}",
        context={"request": request, "confirm_url": confirm_url(request)},
        category=f"moderation.removal_request.{template}",
    )


def email_owner(request: RemovalRequest, template: str, subject: str) -> None:
    emails_queue([owner_mail(request, template, subject)])


def removal_request_confirm(*, request_id: int, note: str = "") -> RemovalRequest:
    """The owner says the content is gone (no sign-in: the signed link is the authority)."""
    with transaction.atomic():
        request = RemovalRequest.objects.select_for_update().get(pk=request_id)
        if request.state == RemovalRequest.State.CONFIRMED:
            return request
        if request.state == RemovalRequest.State.WITHDRAWN:
            raise ModerationError("This request was withdrawn; nothing more is needed.")
        old = {"state": request.state}
        request.state, request.confirmed_at = RemovalRequest.State.CONFIRMED, timezone.now()
        request.owner_note = note.strip()[:2000]
        request.save(update_fields=["state", "confirmed_at", "owner_note"])
        audit_record(
            actor=None,
            action="moderation.removal_request.confirmed",
            target=request,
            old=old,
            new={"state": request.state, "by": request.owner_email},
        )
        email_queue(
            to=request.requested_by.email,
            subject=f"Removal confirmed by {request.owner_name}",
            template="moderation/email/removal_confirmed",
            context={"request": request},
            category="moderation.removal_request.confirmed",
        )
    return request


def removal_request_withdraw(*, actor: User, request_id: int, reason: str) -> RemovalRequest:
    """Comms withdraw an open request (with a reason); the owner need do nothing more."""
    if not can_manage_removal_requests(actor):
        raise ModerationError("Only comms staff manage removal requests.")
    if not reason.strip():
        raise ModerationError("Say why the request is withdrawn.", field="reason")
    with transaction.atomic():
        request = RemovalRequest.objects.select_for_update().get(pk=request_id)
        if request.state not in RemovalRequest.OPEN_STATES:
            raise ModerationError("Only an open request can be withdrawn.")
        old = {"state": request.state}
        request.state = RemovalRequest.State.WITHDRAWN
        request.save(update_fields=["state"])
        audit_record(
            actor=actor,
            action="moderation.removal_request.withdrawn",
            target=request,
            old=old,
            new={"state": request.state, "reason": reason.strip()},
        )
    return request
