"""What other apps may use of groups; nothing else of it is imported across apps.

Its part of subject access and erasure: ``personal_data``, ``erasure_blockers`` and
``erase_personal_data`` are found by name by ``portal.dataprotection.registry``. The CRM
integration reads the public directory, public events, current committee seats and the
membership change feed (``MembershipChange``, whose ids become visible in increasing order).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from groups.models import (
    COMMITTEE_PERM,
    AlumniGroup,
    CommitteeMembership,
    ConsentEvent,
    Delivery,
    GroupRequest,
    Membership,
    MembershipChange,
    PageChange,
    RequestMessage,
)
from groups.selectors import groups_public, public_events
from portal.dataprotection.registry import Blocker, RetentionRule
from portal.models import User
from portal.permissions import revoke_object_role

ERASED_TEXT = "[removed: the author's personal data were erased]"

__all__ = [
    "AlumniGroup",
    "CommitteeMembership",
    "GroupRequest",
    "MembershipChange",
    "committee_seats_public",
    "erase_personal_data",
    "erasure_blockers",
    "events_public",
    "groups_public",
    "membership_changes_after",
    "personal_data",
    "retention_rules",
]


def personal_data(user: User) -> dict[str, Any]:
    """Memberships with their consent history, committee seats, requests, messages, proposals."""
    memberships = Membership.objects.filter(user=user).select_related("group")
    events = ConsentEvent.objects.filter(membership__user=user).order_by("at", "pk")
    history: dict[int, list[dict[str, Any]]] = {}
    for event in events:
        history.setdefault(event.membership_id, []).append(
            {"given": event.given, "at": event.at, "source": event.source, "wording": event.wording}
        )
    requests = GroupRequest.objects.filter(created_by=user).select_related("group")
    return {
        "memberships": [
            {
                "group": m.group.name,
                "joined_at": m.joined_at,
                "left_at": m.left_at,
                "email_consent": m.email_consent,
                "consent_history": history.get(m.pk, []),
            }
            for m in memberships
        ],
        "committee_seats": [
            {
                "group": s.group.name,
                "role": s.get_role_display(),
                "from": s.started_at,
                "until": s.ended_at,
            }
            for s in CommitteeMembership.objects.filter(user=user).select_related("group")
        ],
        "requests_written": [
            {
                "group": r.group.name,
                "kind": r.get_kind_display(),
                "title": r.title,
                "content": r.content,
                "status": r.get_status_display(),
                "submitted_at": r.submitted_at,
            }
            for r in requests
        ],
        "messages_written": [
            {"request": m.request.title, "body": m.body, "at": m.created_at}
            for m in RequestMessage.objects.filter(author=user).select_related("request")
        ],
        "page_changes_proposed": [
            {"group": p.group.name, "description": p.description, "at": p.proposed_at}
            for p in PageChange.objects.filter(proposed_by=user).select_related("group")
        ],
        "emails_received": [
            {"subject": d.communication.subject, "status": d.status, "sent_at": d.sent_at}
            for d in Delivery.objects.filter(recipient=user).select_related("communication")
        ],
    }


def erasure_blockers(user: User) -> list[Blocker]:
    """Open committee seats and open requests are obligations towards the group."""
    blockers = [
        Blocker("groups", f"Serves on the committee of {seat.group.name}.")
        for seat in CommitteeMembership.objects.filter(
            user=user, ended_at__isnull=True
        ).select_related("group")
    ]
    blockers += [
        Blocker("groups", f"Request “{req.title}” ({req.group.name}) is still open.")
        for req in GroupRequest.objects.filter(
            created_by=user, status__in=GroupRequest.OPEN_STATUSES
        ).select_related("group")
    ]
    return blockers


def erase_personal_data(user: User, pseudonym: str) -> list[str]:
    """End open seats; the messages they wrote lose their text. Consent history stays."""
    for seat in CommitteeMembership.objects.filter(user=user, ended_at__isnull=True).select_related(
        "group"
    ):
        seat.ended_at = timezone.now()
        seat.save(update_fields=["ended_at"])
        revoke_object_role(user, COMMITTEE_PERM, seat.group)
    RequestMessage.objects.filter(author=user).update(body=ERASED_TEXT)
    return []


def retention_rules() -> list[RetentionRule]:
    from groups.jobs import unsubscribed_contacts_retention_sweep

    return [
        RetentionRule(
            app="groups",
            name="unsubscribed_contacts_retention_sweep",
            held="Group emails sent to members who left or withdrew consent: address, text",
            clause="000 (groups keep no mailing lists; the university holds alumni data)",
            setting="RETENTION_UNSUBSCRIBED_MONTHS",
            period=f"{settings.RETENTION_UNSUBSCRIBED_MONTHS} months after leaving or withdrawing",
            sweep=unsubscribed_contacts_retention_sweep,
        )
    ]


def membership_changes_after(*, after: int, limit: int) -> list[MembershipChange]:
    """Up to ``limit`` changes with an id above ``after``, oldest first, in one query."""
    return list(
        MembershipChange.objects.filter(pk__gt=after)
        .select_related("membership__group", "membership__user")
        .order_by("pk")[:limit]
    )


def events_public() -> QuerySet[GroupRequest]:
    """Events of public groups (scheduled or sent event requests), soonest first."""
    return public_events()


def committee_seats_public() -> QuerySet[CommitteeMembership]:
    """Open committee seats of public groups, with the group and the person."""
    return (
        CommitteeMembership.objects.filter(ended_at__isnull=True, group__in=groups_public())
        .select_related("group", "user")
        .order_by("group__name", "role", "pk")
    )
