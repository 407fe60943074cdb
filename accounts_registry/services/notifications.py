"""Who is told what by the registry: recipients and the outbox call, in one place."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, cast

from django.conf import settings
from guardian.shortcuts import get_users_with_perms

from portal.mail import Mail, email_queue
from portal.models import OrgUnit, User
from portal.roles import Role


def _active_in_role(role: Role) -> list[str]:
    """Active holders of ``role``; for the director, today's delegates too."""
    from portal.people_selectors import users_acting_as

    return sorted(set(users_acting_as(role).values_list("email", flat=True)))


def comms_recipients() -> list[str]:
    """Comms staff, plus the team mailbox ``ACCOUNTS_COMMS_EMAIL`` if one is configured."""
    recipients = _active_in_role(Role.COMMS_STAFF)
    mailbox = getattr(settings, "ACCOUNTS_COMMS_EMAIL", "")
    if mailbox:
        recipients.append(mailbox)
    return recipients


def director_recipients() -> list[str]:
    return _active_in_role(Role.MARCOMMS_DIRECTOR)


def unit_approver_recipients(unit: OrgUnit) -> list[str]:
    users = cast(
        Iterable[User],
        get_users_with_perms(
            unit, only_with_perms_in=["approve_account_requests"], with_group_users=True
        ),
    )
    return sorted(user.email for user in users if user.is_active)


def notify(
    *,
    to: Iterable[str],
    subject: str,
    template: str,
    context: Mapping[str, Any],
    category: str,
) -> None:
    """Queue ``accounts_registry/email/<template>`` to each address (after commit)."""
    recipients = [address for address in dict.fromkeys(to) if address]
    if recipients:
        email_queue(
            to=recipients,
            subject=subject,
            template=f"accounts_registry/email/{template}",
            context=context,
            category=f"accounts_registry.{category}",
        )


def notice(
    *,
    to: Iterable[str],
    subject: str,
    template: str,
    context: Mapping[str, Any],
    category: str,
) -> list[Mail]:
    """``notify`` as a list of at most one ``Mail``, for a sweep that queues many at once."""
    recipients = [address for address in dict.fromkeys(to) if address]
    if not recipients:
        return []
    return [
        Mail(
            to=recipients,
            subject=subject,
            template=f"accounts_registry/email/{template}",
            context=context,
            category=f"accounts_registry.{category}",
        )
    ]
