"""``/api/v1/``: the API, its OpenAPI schema and docs; ``/integration/``: client management."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from integration.views import api, staff

app_name = "integration"

api_v1 = [
    path("groups/", api.GroupList.as_view(), name="groups"),
    path("events/", api.EventList.as_view(), name="events"),
    path("accounts/lookup/", api.AccountLookup.as_view(), name="account_lookup"),
    path("accounts/", api.AccountList.as_view(), name="accounts"),
    path("committees/", api.CommitteeList.as_view(), name="committees"),
    path("changes/", api.ChangeFeed.as_view(), name="changes"),
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    path(
        "docs/",
        # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
        SpectacularSwaggerSplitView.as_view(
            url_name="integration:schema", template_name="integration/swagger_ui.html"
        ),
        name="docs",
    ),
]

management = [
    path("clients/", staff.clients, name="clients"),
    path("clients/<int:pk>/revoke/", staff.client_revoke, name="client_revoke"),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("integration/", include(management)),
]
