"""URLs of the moderation app."""

from django.urls import path

from .views import api, member, public, staff

app_name = "moderation"
urlpatterns = [
    path("", staff.queue, name="queue"),
    path("items/new/", staff.item_new, name="item_new"),
    path("items/<int:pk>/", staff.item_detail, name="item_detail"),
    path("items/<int:pk>/claim/", staff.item_claim_view, name="item_claim"),
    path("items/<int:pk>/release/", staff.item_release_view, name="item_release"),
    path("items/<int:pk>/decide/", staff.item_decide_view, name="item_decide"),
    path("items/<int:pk>/reopen/", staff.item_reopen_view, name="item_reopen"),
    path("items/<int:pk>/categorise/", staff.item_categorise_view, name="item_categorise"),
    path("items/<int:pk>/timeline/", staff.item_timeline_view, name="item_timeline"),
    path("items/<int:pk>/incident/", member.item_incident_new, name="item_incident"),
    path("import/", staff.import_csv, name="import"),
    path("channels/", staff.channel_list, name="channels"),
    path("channels/search/", staff.channel_search_view, name="channel_search"),
    path("channels/<int:pk>/tokens/", staff.channel_tokens_view, name="channel_tokens"),
    path(
        "channels/<int:pk>/tokens/<int:token_id>/revoke/",
        staff.token_revoke_view,
        name="token_revoke",
    ),
    path("api/channels/<int:pk>/items", api.api_items, name="api_items"),
    path("statistics/", staff.statistics_view, name="statistics"),
    path("statistics/weekly.csv", staff.statistics_csv, name="statistics_csv"),
    path("categories/", staff.category_list, name="categories"),
    path("categories/new/", staff.category_edit, name="category_new"),
    path("categories/<int:pk>/", staff.category_edit, name="category_edit"),
    path("incidents/", member.incident_list, name="incident_list"),
    path("incidents/new/", member.incident_new, name="incident_new"),
    path("incidents/<int:pk>/", member.incident_detail, name="incident_detail"),
    path(
        "incidents/<int:pk>/transition/",
        member.incident_transition_view,
        name="incident_transition",
    ),
    path("incidents/<int:pk>/assign/", member.incident_assign_view, name="incident_assign"),
    path("escalations/<int:pk>/reply/", member.escalation_reply_view, name="escalation_reply"),
    path(
        "incidents/<int:pk>/steps/<slug:step>/",
        member.incident_step_view,
        name="incident_step",
    ),
    path("removals/", staff.removal_list, name="removal_list"),
    path("removals/new/", staff.removal_new, name="removal_new"),
    path("removals/<int:pk>/", staff.removal_detail, name="removal_detail"),
    path(
        "removals/<int:pk>/withdraw/",
        staff.removal_withdraw_view,
        name="removal_withdraw",
    ),
    path("removals/confirm/<str:token>/", public.removal_confirm, name="removal_confirm"),
]
