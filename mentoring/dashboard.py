"""Dashboard cards: a participant's partnerships, a scheme admin's work queue."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from mentoring import selectors
from mentoring.models import MatchRun
from mentoring.permissions import can_manage_mentoring
from portal.counting import count_many
from portal.navigation import DashboardPanel
from portal.permissions import has_role
from portal.roles import Role


def panels(request: HttpRequest) -> list[DashboardPanel]:
    user = request.user
    found = []
    if has_role(user, Role.ALUMNUS, Role.STUDENT):
        # Partners are not named here: their details appear only on the partnership page.
        today = timezone.localdate()
        partnerships = [(p, p.is_live(today)) for p in selectors.partnerships_of(user=user)[:5]]
        open_count = selectors.programmes_open_for_applications(today=today).count()
        found.append(
            DashboardPanel(
                "Mentoring",
                "mentoring/panels/participant.html",
                {"partnerships": partnerships, "open_count": open_count},
                40,
            )
        )
    if can_manage_mentoring(user):
        found.append(
            DashboardPanel(
                "Mentoring programmes",
                "mentoring/panels/admin.html",
                count_many(
                    new_concerns=selectors.concerns_visible_to(user=user).filter(status="new"),
                    proposed_runs=MatchRun.objects.filter(status=MatchRun.Status.PROPOSED),
                ),
                41,
            )
        )
    return found
