"""Dashboard panel of the registry: what waits for this member of staff."""

from __future__ import annotations

from django.http import HttpRequest

from portal.counting import count_many
from portal.navigation import DashboardPanel

from . import selectors
from .permissions import is_comms, is_registry_staff


def panels(request: HttpRequest) -> list[DashboardPanel]:
    user = request.user
    if not is_registry_staff(user):
        return []
    counted = {
        "awaiting": selectors.requests_awaiting(user=user),
        "to_acknowledge": selectors.acknowledgements_pending_for(user=user),
        "administered": selectors.open_accounts_administered_by(user=user),
        "open_audits": selectors.open_audits_for(user=user),
    }
    if is_comms(user):
        counted["flagged"] = selectors.flagged_accounts()
    context: dict[str, int | None] = {"flagged": None, **count_many(**counted)}
    return [
        DashboardPanel(
            title="Official social media accounts",
            template="accounts_registry/panels/summary.html",
            context=context,
            order=30,
        )
    ]
