"""Top-level URLs: the platform, allauth, the admin, and one prefix per app."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from portal import views, views_auth, views_people
from portal.dataprotection import views as dp

portal_patterns = (
    [
        path("", views.home, name="home"),
        path("dashboard/", views.dashboard, name="dashboard"),
        path("reminders/", views.reminders, name="reminders"),
        path("people/", views_people.people, name="people"),
        path("people/<int:pk>/", views_people.person, name="person"),
        path("people/<int:pk>/roles/grant/", views_people.role_grant, name="person_role_grant"),
        path("people/<int:pk>/roles/revoke/", views_people.role_revoke, name="person_role_revoke"),
        path(
            "people/<int:pk>/approvers/appoint/",
            views_people.approver_appoint,
            name="person_approver_appoint",
        ),
        path(
            "people/<int:pk>/approvers/end/", views_people.approver_end, name="person_approver_end"
        ),
        path(
            "people/<int:pk>/delegations/add/",
            views_people.delegation_create,
            name="person_delegation_create",
        ),
        path(
            "people/<int:pk>/delegations/end/",
            views_people.delegation_end,
            name="person_delegation_end",
        ),
        path("my-data/", dp.my_data, name="my_data"),
        path("my-data/export.json", dp.my_data_json, name="my_data_json"),
        path("my-data/export/", dp.my_data_html, name="my_data_html"),
        path("my-data/erase/", dp.my_data_erase, name="my_data_erase"),
        path("data-protection/", dp.dpo_home, name="dpo_home"),
        path("data-protection/retention/", dp.dpo_retention, name="dpo_retention"),
        path("data-protection/people/<int:pk>/", dp.dpo_person, name="dpo_person"),
        path(
            "data-protection/people/<int:pk>/export.json",
            dp.dpo_person_json,
            name="dpo_person_json",
        ),
        path("data-protection/people/<int:pk>/export/", dp.dpo_person_html, name="dpo_person_html"),
        path(
            "data-protection/people/<int:pk>/erase/", dp.dpo_person_erase, name="dpo_person_erase"
        ),
    ],
    "portal",
)

urlpatterns = [
    path("", include(portal_patterns)),
    path("healthz", views.healthz, name="healthz"),
    # Before allauth's own: a SAML response that is not even XML ends on the sign-in error page,
    # and the metadata answers 503 when the identity provider's cannot be read.
    path(
        "accounts/saml/<str:organization_slug>/acs/finish/",
        views_auth.saml_finish_acs,
        name="portal_saml_finish_acs",
    ),
    path(
        "accounts/saml/<str:organization_slug>/metadata/",
        views_auth.saml_metadata,
        name="portal_saml_metadata",
    ),
    path("accounts/", include("allauth.urls")),
    # Before the admin's own URLs: its sign-in goes through allauth (limits, two-factor).
    path("admin/login/", views_auth.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("alumni/", include("alumni.urls")),
    path("groups/", include("groups.urls")),
    path("social/", include("accounts_registry.urls")),
    path("mentoring/", include("mentoring.urls")),
    path("moderation/", include("moderation.urls")),
    path("", include("integration.urls")),
]

if settings.PORTAL_BENCH_BASELINE:
    # The one-query page the page benchmark compares every page with (bench/pages.py).
    urlpatterns.insert(0, path("bench/baseline/", views.bench_baseline, name="bench_baseline"))

handler400 = "portal.views.error_400"
handler403 = "portal.views.error_403"
handler404 = "portal.views.error_404"
handler500 = "portal.views.error_500"
