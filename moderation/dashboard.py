"""Dashboard panels: the moderation queue for moderators, open incidents for comms."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts_registry.api import is_comms
from portal.counting import count_many
from portal.navigation import DashboardPanel

from .models import Item
from .permissions import can_moderate_any_channel
from .selectors import items_visible_to, open_incidents, overdue_removal_requests


def panels(request: HttpRequest) -> list[DashboardPanel]:
    user = request.user
    if not can_moderate_any_channel(user):
        return []
    open_items = items_visible_to(user=user).filter(state__in=Item.OPEN_STATES)
    counted: dict[str, QuerySet[Any]] = {
        "open_items": open_items,
        "past_target": open_items.filter(due_at__lte=timezone.now()),
    }
    if is_comms(user):
        counted["open_incidents"] = open_incidents()
        # The same definition as the removals list's "Overdue" mark.
        counted["overdue_removals"] = overdue_removal_requests()
    counts = count_many(**counted)
    # With nothing open there is no top item to look for (the search would walk the whole
    # open queue for an account admin whose channels have none).
    top = (
        open_items.select_related("channel").order_by("-priority", "created_at").first()
        if counts["open_items"]
        else None
    )
    context: dict[str, object] = {**counts, "top": top, "comms": is_comms(user)}
    return [DashboardPanel("Moderation", "moderation/panels/queue.html", context, 60)]
