"""The registry's domain error: a refused request or account change, safe to show to the user."""

from __future__ import annotations

from portal.errors import DomainError


class RegistryError(DomainError):
    """A rule of the registry refused the action; ``field`` names the form field it concerns."""


class AccountError(RegistryError):
    """A refused change to a live account (the same vocabulary, kept for callers' names)."""
