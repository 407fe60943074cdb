"""Dashboard panel of the registry: what waits for this member of staff."""

from __future__ import annotations

from django.http import HttpRequest

from portal.navigation import DashboardPanel

from . import selectors
from .permissions import is_comms, is_registry_staff


def panels(request: HttpRequest) -> list[DashboardPanel]:
    user = request.user
    if not is_registry_staff(user):
        return []
    context = {
        "awaiting": selectors.requests_awaiting(user=user).count(),
        "to_acknowledge": selectors.acknowledgements_pending_for(user=user).count(),
        "administered": selectors.open_accounts_administered_by(user=user).count(),
        "open_audits": selectors.open_audits_for(user=user).count(),
        "flagged": selectors.flagged_accounts().count() if is_comms(user) else None,
    }
    return [
        DashboardPanel(
            title="Official social media accounts",
            template="accounts_registry/panels/summary.html",
            context=context,
            order=30,
        )
    ]
