"""URLs of the accounts_registry app (mounted at /social/)."""

from django.urls import URLPattern, path

from .views import api, member, public, staff

app_name = "accounts_registry"
urlpatterns: list[URLPattern] = [
    path("check/", public.lookup, name="lookup"),
    path("check/report/", public.report_impersonation, name="report_impersonation"),
    path("check/report/thanks/", public.report_thanks, name="report_thanks"),
    path("requests/", staff.my_requests, name="my_requests"),
    path("requests/new/", staff.request_create, name="request_create"),
    path("requests/queue/", staff.queue, name="queue"),
    path("requests/<int:pk>/", member.request_detail, name="request_detail"),
    path("requests/<int:pk>/decide/", member.request_decide_view, name="request_decide"),
    path("requests/<int:pk>/acknowledge/", member.acknowledge, name="acknowledge"),
    path("requests/<int:pk>/activate/", member.activate, name="activate"),
    path("requests/<int:pk>/withdraw/", member.request_withdraw_view, name="request_withdraw"),
    path("requests/<int:pk>/stand-in/", staff.request_stand_in, name="request_stand_in"),
    path("people/search/", api.people_search, name="people_search"),
    path("directory/", staff.directory, name="directory"),
    path("accounts/register/", staff.register_existing, name="account_register"),
    path("accounts/<int:pk>/", member.account_detail, name="account_detail"),
    path("accounts/<int:pk>/activity/", member.record_activity, name="record_activity"),
    path("accounts/<int:pk>/handover/", member.handover, name="handover"),
    path("accounts/<int:pk>/admins/add/", member.add_admin, name="add_admin"),
    path("accounts/<int:pk>/audits/<int:year>/", member.audit, name="audit"),
    path("accounts/<int:pk>/guidelines/", member.guidelines, name="guidelines"),
    path("accounts/<int:pk>/close/", staff.close_account, name="close"),
    path("accounts/<int:pk>/keep/", staff.keep_account, name="keep"),
    path("comms/", staff.comms_overview, name="comms"),
    path("discovered/", staff.discovered_list, name="discovered"),
    path("discovered/<int:pk>/", staff.discovered_detail, name="discovered_detail"),
    path("discovered/tokens/", staff.monitoring_tokens, name="monitoring_tokens"),
    path(
        "discovered/tokens/<int:pk>/revoke/",
        staff.monitoring_token_revoke_view,
        name="monitoring_token_revoke",
    ),
    path("api/discovered/", api.api_discovered, name="api_discovered"),
    path("advice/", staff.advice_list, name="advice_list"),
    path("advice/new/", staff.advice_create, name="advice_create"),
    path("advice/<int:pk>/", member.advice_detail, name="advice_detail"),
    path("training/", staff.training, name="training"),
    path("training/acknowledge/", staff.policy_acknowledge_view, name="policy_acknowledge"),
    path("training/settings/", staff.governance_settings_view, name="governance_settings"),
]
