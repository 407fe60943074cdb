"""Dashboard panels: the moderation queue for moderators, open incidents for comms."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from accounts_registry.api import is_comms
from portal.navigation import DashboardPanel

from .models import Item
from .permissions import can_moderate_any_channel
from .selectors import items_visible_to, open_incident_count, overdue_removal_requests


def panels(request: HttpRequest) -> list[DashboardPanel]:
    user = request.user
    if not can_moderate_any_channel(user):
        return []
    open_items = items_visible_to(user=user).filter(state__in=Item.OPEN_STATES)
    # One query for both counts: open items, and those past their response target.
    counts = open_items.aggregate(
        open=Count("pk"), past_target=Count("pk", filter=Q(due_at__lte=timezone.now()))
    )
    context: dict[str, object] = {
        "open_items": counts["open"],
        "past_target": counts["past_target"],
        "top": open_items.select_related("channel").order_by("-priority", "created_at").first(),
        "comms": is_comms(user),
    }
    if is_comms(user):
        context["open_incidents"] = open_incident_count()
        # The same definition as the removals list's "Overdue" mark.
        context["overdue_removals"] = overdue_removal_requests().count()
    return [DashboardPanel("Moderation", "moderation/panels/queue.html", context, 60)]
