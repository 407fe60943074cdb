"""Menu entries of the alumni app."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from alumni.api import is_verified_alumnus
from alumni.permissions import can_request_verification, is_engagement_staff
from portal.navigation import NavItem


def nav_items(request: HttpRequest) -> list[NavItem]:
    items = []
    user = request.user
    if can_request_verification(user) and not is_verified_alumnus(user):
        items.append(NavItem("Verify you are a graduate", reverse("alumni:verification"), 15))
    if is_engagement_staff(user):
        items.append(NavItem("Graduate verification", reverse("alumni:queue"), 16))
    return items
