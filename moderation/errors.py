"""The moderation app's domain errors: every refusal of a moderation service is one of these."""

from __future__ import annotations

from portal.errors import DomainError


class ModerationError(DomainError):
    """A refused transition; the message is shown to the user as is."""


class DecisionConflictError(ModerationError):
    """Someone else decided (or holds) the item first."""
