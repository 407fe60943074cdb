"""Navigation entries of the registry, by role."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from portal.navigation import NavItem

from .permissions import is_comms, is_registry_staff


def nav_items(request: HttpRequest) -> list[NavItem]:
    items = []
    if is_registry_staff(request.user):
        items.append(NavItem("Official accounts", reverse("accounts_registry:directory"), 30))
        items.append(NavItem("Account requests", reverse("accounts_registry:my_requests"), 31))
        items.append(NavItem("Advice before posting", reverse("accounts_registry:advice_list"), 33))
        items.append(NavItem("My social media training", reverse("accounts_registry:training"), 34))
    if is_comms(request.user):
        items.append(NavItem("Governance console", reverse("accounts_registry:comms"), 32))
    if not is_registry_staff(request.user):
        items.append(NavItem("Is this account official?", reverse("accounts_registry:lookup"), 30))
    return items
