"""What other apps may use of moderation; nothing else of it is imported across apps."""

from __future__ import annotations

from datetime import datetime

from moderation.models import RemovalRequest
from moderation.services.removals import removal_request_create
from portal.models import User

__all__ = ["RemovalRequest", "removal_request_open"]


def removal_request_open(
    *,
    actor: User,
    owner_name: str,
    owner_email: str,
    content_description: str,
    reason: str,
    deadline: datetime,
    content_url: str = "",
) -> int:
    """Comms ask an owner to remove content (the registry's impersonation triage, 001 §4.9).

    The owner is emailed the confirmation link; the request follows moderation's reminders and
    escalation. Returns the removal request's id; its refusals are ``ModerationError``.
    """
    request = removal_request_create(
        actor=actor,
        owner_name=owner_name,
        owner_email=owner_email,
        content_description=content_description,
        reason=reason,
        deadline=deadline,
        content_url=content_url,
    )
    return request.pk
