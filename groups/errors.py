"""The domain error raised by the groups services; views turn it into a message or form error."""

from __future__ import annotations

from portal.errors import DomainError


class GroupsError(DomainError):
    """A groups rule refused the action. ``field`` names the form field it concerns, if any."""
