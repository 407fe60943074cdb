"""Dashboard panels of the groups app: members, committees and the engagement team."""

from __future__ import annotations

from django.http import HttpRequest

from groups.permissions import is_engagement_staff
from groups.selectors import committee_groups_with_counts, memberships_of, staff_request_counts
from portal.navigation import DashboardPanel
from portal.permissions import has_role
from portal.roles import Role


def panels(request: HttpRequest) -> list[DashboardPanel]:
    user = request.user
    found: list[DashboardPanel] = []
    if is_engagement_staff(user):
        found.append(
            DashboardPanel(
                "Alumni group requests", "groups/panels/staff.html", staff_request_counts(), 20
            )
        )
    rows = [
        {"group": g, "open": g.open, "changes": g.changes}
        for g in committee_groups_with_counts(user=user)
    ]
    if rows:
        found.append(
            DashboardPanel(
                "Your group committees", "groups/panels/committee.html", {"groups": rows}, 21
            )
        )
    if has_role(user, Role.ALUMNUS):
        found.append(
            DashboardPanel(
                "Alumni groups",
                "groups/panels/member.html",
                {"memberships": list(memberships_of(user=user)[:10])},
                22,
            )
        )
    return found
