"""Navigation entries for moderation, shown only to those who may use them."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from accounts_registry.api import is_comms
from portal.navigation import NavItem

from .permissions import can_moderate_any_channel, can_report_incident


def nav_items(request: HttpRequest) -> list[NavItem]:
    user = request.user
    items: list[NavItem] = []
    if can_moderate_any_channel(user):
        items.append(NavItem("Moderation", reverse("moderation:queue"), 60))
    if is_comms(user):
        items.append(NavItem("Incidents", reverse("moderation:incident_list"), 61))
    elif can_report_incident(user):
        items.append(NavItem("Report an incident", reverse("moderation:incident_new"), 61))
    return items
