"""The integration app's domain error."""

from portal.errors import DomainError


class IntegrationError(DomainError):
    """A rule of API client management refused the action."""
