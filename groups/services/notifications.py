"""Emails to a group's committee: their own addresses, never the members'."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from groups.models import AlumniGroup, CommitteeMembership
from portal.mail import email_queue


def committee_addresses(group: AlumniGroup) -> list[str]:
    return list(
        CommitteeMembership.objects.filter(group=group, ended_at__isnull=True).values_list(
            "user__email", flat=True
        )
    )


def notify_committee(
    *,
    group: AlumniGroup,
    subject: str,
    template: str,
    context: Mapping[str, Any],
    category: str,
) -> int:
    """Email the group's current committee (their own addresses, never members')."""
    addresses = committee_addresses(group)
    if addresses:
        email_queue(
            to=addresses,
            subject=subject,
            template=template,
            context={"group": group, **context},
            category=category,
        )
    return len(addresses)
