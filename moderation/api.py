"""What other apps may use of moderation; nothing else of it is imported across apps.

The comms governance console (in the registry's views) reads its moderation facts here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone

from accounts_registry.api import official_accounts
from portal.dataprotection.registry import Blocker, RetentionRule
from portal.models import User

from .errors import ModerationError
from .models import Decision, Incident, Item, RemovalRequest
from .selectors import overdue_removal_requests
from .services.removals import removal_request_create

__all__ = [
    "ChannelBacklog",
    "GovernanceFacts",
    "ModerationError",
    "RemovalRequest",
    "erase_personal_data",
    "erasure_blockers",
    "governance_facts",
    "personal_data",
    "removal_request_open",
    "report_impersonation",
    "retention_rules",
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


ERASED_TEXT = "[removed: the author's personal data were erased]"


def personal_data(user: User) -> dict[str, Any]:
    """Items they entered or reported, decisions, incidents they reported, removal requests."""
    email = user.email
    return {
        "items_entered_or_reported": [
            {"channel": str(i.channel), "text": i.text, "state": i.state, "at": i.created_at}
            for i in Item.objects.filter(created_by=user).select_related("channel")
            | Item.objects.filter(reporter_email__iexact=email).select_related("channel")
        ],
        "decisions_made": [
            {"item": d.item_id, "outcome": d.get_outcome_display(), "reason": d.reason}
            for d in Decision.objects.filter(decided_by=user)
        ],
        "incidents_reported": [
            {
                "title": i.title,
                "description": i.description,
                "state": i.get_state_display(),
                "at": i.reported_at,
            }
            for i in Incident.objects.filter(reported_by=user)
        ],
        "removal_requests_about_my_content": [
            {
                "content": r.content_description,
                "reason": r.reason,
                "state": r.get_state_display(),
                "deadline": r.deadline,
            }
            for r in RemovalRequest.objects.filter(owner_email__iexact=email)
        ],
    }


def erasure_blockers(user: User) -> list[Blocker]:
    """Items they have claimed are obligations: release them to the queue first."""
    return [
        Blocker("moderation", f"Has claimed {count} item(s) in the moderation queue.")
        for count in [Item.objects.filter(claimed_by=user, state=Item.State.CLAIMED).count()]
        if count
    ]


def erase_personal_data(user: User, pseudonym: str) -> list[str]:
    """Their address goes from items they reported and removal requests about their content;
    incidents they reported keep what happened but lose the reporter's own words."""
    email = user.email
    Item.objects.filter(claimed_by=user, state=Item.State.CLAIMED).update(
        state=Item.State.NEW, claimed_by=None, claimed_at=None
    )
    Item.objects.filter(reporter_email__iexact=email).update(reporter_email="")
    owned = RemovalRequest.objects.filter(owner_email__iexact=email)
    names = list(owned.values_list("owner_name", flat=True))
    owned.update(owner_name=pseudonym, owner_email=f"{pseudonym}@erased.invalid")
    Incident.objects.filter(reported_by=user).update(description=ERASED_TEXT)
    return [name for name in names if name]


def retention_rules() -> list[RetentionRule]:
    from moderation.jobs import decided_items_retention_sweep

    return [
        RetentionRule(
            app="moderation",
            name="decided_items_retention_sweep",
            held="Moderated posts and comments: author handles, texts, links, reporters",
            clause="001 §6.1.4 (decided and reported), 004 §5.4",
            setting="RETENTION_MODERATION_MONTHS",
            period=f"{settings.RETENTION_MODERATION_MONTHS} months after the decision",
            sweep=decided_items_retention_sweep,
        )
    ]
