"""Who may manage API clients: portal administrators and superusers."""

from __future__ import annotations

from portal.permissions import AnyUser, can_manage_people


def can_manage_api_clients(user: AnyUser) -> bool:
    """API tokens give systems access to personal data: the people who grant roles decide."""
    return can_manage_people(user)
