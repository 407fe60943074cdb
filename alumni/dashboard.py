"""Dashboard panels of the alumni app: the graduate's own status, and the team's queue."""

from __future__ import annotations

from django.http import HttpRequest

from alumni.api import verification_status
from alumni.models import Verification
from alumni.permissions import is_engagement_staff
from alumni.selectors import queue_counts
from portal.navigation import DashboardPanel


def panels(request: HttpRequest) -> list[DashboardPanel]:
    user = request.user
    found: list[DashboardPanel] = []
    if is_engagement_staff(user):
        found.append(
            DashboardPanel(
                "Graduate verification", "alumni/panels/staff.html", queue_counts(user=user), 15
            )
        )
    status = verification_status(user)
    if status is not None and status != Verification.Status.VERIFIED:
        found.append(
            DashboardPanel(
                "Your graduate verification", "alumni/panels/member.html", {"status": status}, 10
            )
        )
    return found
