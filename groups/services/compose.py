"""Composing a group email: what recipients get, rendered for the preview and for a test send.

The preview, the test send and the real send (``communication_send_batch``) render the same
templates (``groups/email/communication.txt`` and ``.html``) with the same context, so what staff
see is what members receive; only the unsubscribe link differs, as each member gets their own.
A test send is one email to the staff member's own address through the outbox, audited; it
makes no ``Communication`` or ``Delivery`` and does not move the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from groups.errors import GroupsError
from groups.models import Communication, GroupRequest
from groups.permissions import is_engagement_staff
from portal.audit import audit_record
from portal.mail import email_queue, header_line, plain_text
from portal.models import User

EMAIL_TEMPLATE = "groups/email/communication"
COMPOSABLE = (GroupRequest.Status.IN_PROGRESS, GroupRequest.Status.SCHEDULED)


@dataclass(frozen=True)
class RenderedEmail:
    """One email as its recipient gets it."""

    to: str
    subject: str
    text: str
    html: str


def _sample_unsubscribe(req: GroupRequest) -> str:
    """Stands in for a member's own unsubscribe link, which only a member's copy can carry."""
    return f"{settings.PORTAL_BASE_URL}{reverse('groups:group', args=[req.group.slug])}"


def _context(req: GroupRequest, subject: str, body: str, to: str) -> dict[str, Any]:
    # The context email_queue builds (base_url, recipient) plus what the batch send passes.
    communication = Communication(request=req, subject=subject, body=body)
    return {
        "base_url": settings.PORTAL_BASE_URL,
        "recipient": to,
        "communication": communication,
        "group": req.group,
        "unsubscribe": _sample_unsubscribe(req),
    }


def communication_render(
    *, request: GroupRequest, subject: str, body: str, to: str
) -> RenderedEmail:
    """The email for ``request`` with this subject and text, as ``to`` would receive it."""
    context = _context(request, subject, body, to)
    return RenderedEmail(
        to=to,
        subject=header_line(subject),
        text=plain_text(render_to_string(f"{EMAIL_TEMPLATE}.txt", context)),
        # A plain ``str``: a page that shows it escapes it (the preview frame's ``srcdoc``).
        html=plain_text(render_to_string(f"{EMAIL_TEMPLATE}.html", context)),
    )


def _require_composable(actor: User, req: GroupRequest) -> None:
    if not is_engagement_staff(actor):
        raise GroupsError("Only the Alumni Engagement team can send communications.")
    if req.status not in COMPOSABLE:
        raise GroupsError("Only a request in progress or scheduled can be sent.")
    if not req.sends_email:
        raise GroupsError("This request is a public listing; it has no email audience.")


def communication_preview(
    *, actor: User, request_id: int, subject: str, body: str
) -> RenderedEmail:
    """What the members will receive, rendered for ``actor`` to read before sending."""
    req = GroupRequest.objects.select_related("group").get(pk=request_id)
    _require_composable(actor, req)
    return communication_render(request=req, subject=subject, body=body, to=actor.email)


def communication_test_send(
    *, actor: User, request_id: int, subject: str, body: str
) -> RenderedEmail:
    """Send one copy to ``actor``'s own address; not a send of the request (nothing counts it)."""
    with transaction.atomic():
        try:
            req = (
                GroupRequest.objects.select_for_update().select_related("group").get(pk=request_id)
            )
        except GroupRequest.DoesNotExist as exc:
            raise GroupsError("No such request.") from exc
        _require_composable(actor, req)
        rendered = communication_render(request=req, subject=subject, body=body, to=actor.email)
        email_queue(
            to=actor.email,
            subject=f"[Test] {subject}",
            template=EMAIL_TEMPLATE,
            context=_context(req, subject, body, actor.email),
            category="groups.communication.test",
        )
        audit_record(
            actor=actor,
            action="groups.communication.test_sent",
            target=req,
            new={"to": actor.email, "subject": rendered.subject},
        )
    return rendered
