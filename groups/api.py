"""What other apps may use of groups; nothing else of it is imported across apps.

The CRM integration reads the public directory, public events, current committee seats and
the membership change feed (``MembershipChange``, whose ids become visible in increasing order).
"""

from __future__ import annotations

from django.db.models import QuerySet

from groups.models import AlumniGroup, CommitteeMembership, GroupRequest, MembershipChange
from groups.selectors import groups_public, public_events

__all__ = [
    "AlumniGroup",
    "CommitteeMembership",
    "GroupRequest",
    "MembershipChange",
    "committee_seats_public",
    "events_public",
    "groups_public",
    "membership_changes_after",
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
