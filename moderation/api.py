"""What other apps may use of moderation; nothing else of it is imported across apps.

The comms governance console (in the registry's views) reads its moderation facts here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min
from django.utils import timezone

from accounts_registry.api import official_accounts
from portal.models import User

from .errors import ModerationError
from .models import Incident, Item, RemovalRequest
from .selectors import overdue_removal_requests
from .services.removals import removal_request_create

__all__ = [
    "ChannelBacklog",
    "GovernanceFacts",
    "ModerationError",
    "RemovalRequest",
    "governance_facts",
    "removal_request_open",
    "report_impersonation",
]


@dataclass(frozen=True)
class ChannelBacklog:
    channel_id: int
    channel: str
    open_items: int
    oldest_at: datetime


@dataclass(frozen=True)
class GovernanceFacts:
    overdue_removals: list[RemovalRequest]
    open_incidents: list[Incident]
    incidents_by_severity: list[tuple[str, int]]
    incidents_by_owner: list[tuple[str, int]]
    backlog: list[ChannelBacklog]

    @property
    def backlog_items(self) -> int:
        return sum(row.open_items for row in self.backlog)


def governance_facts(*, now: datetime | None = None) -> GovernanceFacts:
    """Overdue removal requests (the removals list's definition), open incidents by severity
    and owner, and the open moderation backlog per channel with its oldest item (4 queries)."""
    now = now or timezone.now()
    removals = list(overdue_removal_requests(now=now).select_related("requested_by"))
    incidents = list(
        Incident.objects.exclude(state=Incident.State.CLOSED)
        .select_related("owner", "channel")
        .order_by("due_at", "reported_at", "id")
    )
    severity_rank = {value: n for n, value in enumerate(Incident.Severity.values)}
    incidents.sort(key=lambda i: (severity_rank[i.severity], i.due_at or now))
    by_severity = [
        (label, sum(1 for i in incidents if i.severity == value))
        for value, label in Incident.Severity.choices
    ]
    owners: dict[str, int] = {}
    for incident in incidents:
        name = str(incident.owner) if incident.owner else "Nobody yet"
        owners[name] = owners.get(name, 0) + 1
    rows = list(
        Item.objects.filter(state__in=Item.OPEN_STATES)
        .values("channel_id")
        .annotate(n=Count("pk"), oldest=Min("created_at"))
        .order_by("oldest")
    )
    names = {
        a.pk: str(a) for a in official_accounts().filter(pk__in=[r["channel_id"] for r in rows])
    }
    backlog = [
        ChannelBacklog(r["channel_id"], names.get(r["channel_id"], "?"), r["n"], r["oldest"])
        for r in rows
    ]
    return GovernanceFacts(
        overdue_removals=removals,
        open_incidents=incidents,
        incidents_by_severity=by_severity,
        incidents_by_owner=sorted(owners.items()),
        backlog=backlog,
    )


def report_impersonation(
    *, platform: str, handle: str, details: str, contact_email: str = "", link: str = ""
) -> int:
    """A member of the public reports an account pretending to be official: opens an incident
    for comms (or adds to the open one about that account) and returns its id. Raises
    ``ModerationError`` (with ``field``) on bad input."""
    # Imported here: moderation's services use the registry's api, which may import this one.
    from moderation.services.public_reports import impersonation_report

    incident = impersonation_report(
        platform=platform, handle=handle, details=details, contact_email=contact_email, link=link
    )
    return incident.pk


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
