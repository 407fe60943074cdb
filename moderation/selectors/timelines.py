"""Timelines: everything that happened to an item or an incident, oldest first."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst

from moderation.models import Decision, Incident, Item
from portal.models import AuditEvent
from portal.permissions import AnyUser
from portal.wording import action_phrase, actor_name

from .items import incidents_visible_to, item_incidents


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    actor: str
    title: str
    detail: str = ""
    url: str = ""


@dataclass(frozen=True)
class ItemTimeline:
    entries: list[TimelineEntry]
    decisions: list[Decision]


def _event_detail(action: str, new: dict[str, object]) -> str:
    """What an audit event adds to its title on a timeline."""
    if action == "moderation.item.reopened":
        return str(new.get("reason", ""))
    if action.endswith("escalation_replied"):
        when = str(new.get("replied_at", ""))
        with contextlib.suppress(ValueError):
            when = f"{timezone.localtime(datetime.fromisoformat(when)):%d %b %Y %H:%M}"
        return f"{new.get('reply_from', '')} replied on {when}: {new.get('outcome', '')}"
    if action.startswith("moderation.escalation."):
        return f"To {new.get('to_whom', '')}"
    if action == "moderation.incident.assigned":
        owner = new.get("owner_name") or "nobody"
        return f"Owner: {owner}; severity: {new.get('severity', '')}"
    if action == "moderation.incident.step_done":
        return str(new.get("step", "")).replace("_", " ")
    if action.startswith("moderation.incident."):
        return str(new.get("note", ""))
    return ""


def _incident_entry(incident: Incident, openable: bool) -> TimelineEntry:
    title = f"Incident #{incident.pk} reported"
    if not openable:
        # Who reported what is shown only to those who may open the incident.
        return TimelineEntry(
            incident.reported_at, "a member of staff", title, "Handled by the Communications team."
        )
    url = reverse("moderation:incident_detail", kwargs={"pk": incident.pk})
    return TimelineEntry(
        incident.reported_at, str(incident.reported_by), title, incident.get_kind_display(), url
    )


def item_timeline(*, user: AnyUser, item: Item) -> ItemTimeline:
    """Everything that happened to ``item``, oldest first: its audit events, decisions and the
    incidents reported about it (their reporter and link only for those who may open them)."""
    entries: list[TimelineEntry] = []
    if item.source != Item.Source.MANUAL:
        imported = f"Imported ({item.get_source_display()})"
        entries.append(TimelineEntry(item.created_at, str(item.created_by or "Import"), imported))
    for event in AuditEvent.objects.for_object(item).select_related("actor"):
        detail = _event_detail(event.action, event.new or {})
        actor = actor_name(event)
        title = capfirst(action_phrase(event.action, event.target_label))
        entries.append(TimelineEntry(event.at, actor, title, detail))
    decisions = list(
        item.decisions.select_related("category", "decided_by", "reopened_by").order_by(
            "decided_at", "id"
        )
    )
    for d in decisions:
        detail = f"{d.category or 'No category'} — {d.reason}"
        title = f"Decision: {d.get_outcome_display()}"
        entries.append(TimelineEntry(d.decided_at, str(d.decided_by), title, detail))
    incidents = list(item_incidents(item=item))
    openable: set[int] = set()
    if incidents:
        ids = [i.pk for i in incidents]
        visible = incidents_visible_to(user=user).filter(pk__in=ids)
        openable = set(visible.values_list("pk", flat=True))
    entries += [_incident_entry(i, i.pk in openable) for i in incidents]
    entries.sort(key=lambda e: e.at)
    return ItemTimeline(entries=entries, decisions=decisions)


def incident_timeline(*, incident: Incident) -> list[TimelineEntry]:
    """Everything that happened to ``incident`` (already authorised), oldest first."""
    entries = []
    for event in (
        AuditEvent.objects.for_object(incident).select_related("actor").order_by("at", "id")
    ):
        actor = actor_name(event)
        title = capfirst(action_phrase(event.action, event.target_label))
        entries.append(
            TimelineEntry(event.at, actor, title, _event_detail(event.action, event.new or {}))
        )
    return entries
