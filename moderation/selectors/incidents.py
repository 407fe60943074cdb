"""Reads for managing incidents and escalations: the filtered list, owners, escalations, and the
facts a security breach needs from the registry (the account's current admins)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts_registry.api import current_admins, open_accounts
from moderation.models import Escalation, Incident, Item
from moderation.permissions import can_manage_incidents
from portal.models import User
from portal.permissions import AnyUser, get_visible_or_404
from portal.roles import Role

from .items import channels_matching, incidents_visible_to, items_visible_to


@dataclass(frozen=True)
class IncidentFilters:
    kind: str = ""
    state: str = ""  # "", "open" or an Incident.State value
    owner: User | None = None
    channel_text: str = ""  # the account search box: open accounts only
    unowned: bool = False


def incidents_filtered(*, user: AnyUser, filters: IncidentFilters) -> QuerySet[Incident]:
    """The incidents ``user`` may see, narrowed by kind, state, owner and account."""
    incidents = incidents_visible_to(user=user).select_related("owner")
    if filters.kind:
        incidents = incidents.filter(kind=filters.kind)
    if filters.state == "open":
        incidents = incidents.exclude(state=Incident.State.CLOSED)
    elif filters.state:
        incidents = incidents.filter(state=filters.state)
    if filters.unowned:
        incidents = incidents.filter(owner__isnull=True)
    elif filters.owner is not None:
        incidents = incidents.filter(owner=filters.owner)
    if filters.channel_text:
        matching = channels_matching(open_accounts(), filters.channel_text)
        incidents = incidents.filter(channel__in=matching.values("pk"))
    return incidents


def incident_owner_choices() -> QuerySet[User]:
    """Who may own an incident: active comms staff."""
    return (
        User.objects.filter(groups__name=Role.COMMS_STAFF.value, is_active=True)
        .distinct()
        .order_by("email")
    )


def incident_escalations(*, incident: Incident) -> list[Escalation]:
    return list(incident.escalations.select_related("escalated_by", "recorded_by"))


def item_escalations(*, item: Item) -> list[Escalation]:
    return list(item.escalations.select_related("escalated_by", "recorded_by"))


def incident_account_admins(*, incident: Incident) -> list[User]:
    """The current admins of the incident's account (an open access-log row), none without one."""
    if incident.channel_id is None or incident.channel is None:
        return []
    return current_admins(account=incident.channel)


def escalations_visible_to(*, user: AnyUser) -> QuerySet[Escalation]:
    """Escalations of the items ``user`` moderates, and of incidents for comms."""
    escalations = Escalation.objects.select_related("item", "incident")
    visible = Q(item__in=items_visible_to(user=user).values("pk"))
    if can_manage_incidents(user):
        visible |= Q(incident__isnull=False)
    return escalations.filter(visible)


def access_escalation_or_404(user: AnyUser, escalation_id: int) -> Escalation:
    return get_visible_or_404(escalations_visible_to(user=user), pk=escalation_id)
