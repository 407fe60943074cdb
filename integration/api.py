"""What other apps may use of the integration app: the client model, for data-protection views."""

from integration.models import ApiClient, Scope

__all__ = ["ApiClient", "Scope"]
