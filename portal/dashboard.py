"""Dashboard panel of the platform: people and roles, for those who manage them."""

from __future__ import annotations

from django.http import HttpRequest

from portal.navigation import DashboardPanel
from portal.people_selectors import people_summary
from portal.permissions import can_manage_people


def panels(request: HttpRequest) -> list[DashboardPanel]:
    if not can_manage_people(request.user):
        return []
    return [
        DashboardPanel(
            title="People and roles",
            template="portal/panels/people.html",
            context=people_summary(),
            order=90,
        )
    ]
