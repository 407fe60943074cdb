"""Top-level URLs: the platform, allauth, the admin, and one prefix per app."""

from django.contrib import admin
from django.urls import include, path

from portal import views, views_auth

portal_patterns = (
    [
        path("", views.home, name="home"),
        path("dashboard/", views.dashboard, name="dashboard"),
        path("reminders/", views.reminders, name="reminders"),
    ],
    "portal",
)

urlpatterns = [
    path("", include(portal_patterns)),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    # Before the admin's own URLs: its sign-in goes through allauth (limits, two-factor).
    path("admin/login/", views_auth.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("groups/", include("groups.urls")),
    path("social/", include("accounts_registry.urls")),
    path("mentoring/", include("mentoring.urls")),
    path("moderation/", include("moderation.urls")),
]

handler400 = "portal.views.error_400"
handler403 = "portal.views.error_403"
handler404 = "portal.views.error_404"
handler500 = "portal.views.error_500"
