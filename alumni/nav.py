"""Menu entries of the alumni app."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from alumni.api import verification_status_shown
from alumni.permissions import is_engagement_staff
from portal.navigation import NavItem


def nav_items(request: HttpRequest) -> list[NavItem]:
    items = []
    user = request.user
    status = verification_status_shown(user)
    if status is not None and status != "verified":
        items.append(NavItem("Verify you are a graduate", reverse("alumni:verification"), 15))
    if is_engagement_staff(user):
        items.append(NavItem("Graduate verification", reverse("alumni:queue"), 16))
    return items
