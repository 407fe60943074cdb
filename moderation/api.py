"""What other apps may use of moderation: its part of subject access and erasure."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from moderation.models import Decision, Incident, Item, RemovalRequest
from portal.dataprotection.registry import Blocker, RetentionRule
from portal.models import User

ERASED_TEXT = "[removed: the author's personal data were erased]"

__all__ = ["erase_personal_data", "erasure_blockers", "personal_data", "retention_rules"]


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
