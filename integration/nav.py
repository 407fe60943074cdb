"""The API clients page in the main menu, for portal administrators."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from integration.permissions import can_manage_api_clients
from portal.navigation import NavItem


def nav_items(request: HttpRequest) -> list[NavItem]:
    if can_manage_api_clients(request.user):
        return [NavItem("API clients", reverse("integration:clients"), order=920)]
    return []
