"""Platform entries in the main menu."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from portal.dataprotection.permissions import is_data_protection_officer
from portal.models import User
from portal.navigation import NavItem
from portal.permissions import can_manage_people
from portal.selectors import reminder_apps_for


def nav_items(request: HttpRequest) -> list[NavItem]:
    user = request.user
    items = []
    if isinstance(user, User) and reminder_apps_for(user):
        items.append(NavItem("Reminders", reverse("portal:reminders"), order=900))
    if can_manage_people(user):
        items.append(NavItem("People and roles", reverse("portal:people"), order=910))
    if is_data_protection_officer(user):
        items.append(NavItem("Data protection", reverse("portal:dpo_home"), order=920))
    if isinstance(user, User):
        items.append(NavItem("My data", reverse("portal:my_data"), order=990))
    return items
