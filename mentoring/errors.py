"""Mentoring's domain error: a refused transition, safe to show to the user."""

from __future__ import annotations

from portal.errors import DomainError


class MentoringError(DomainError):
    """A mentoring rule refused the action; ``field`` names the form field concerned, if any."""
