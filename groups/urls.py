"""URLs of the groups app (mounted at /groups/ with namespace "groups")."""

from django.urls import path

from groups.views import member, public, staff

app_name = "groups"
urlpatterns = [
    # Public: no sign-in needed.
    path("", public.directory, name="directory"),
    path("events/", public.events, name="events"),
    path("events.ics", public.events_ics, name="events_ics"),
    path("events/<int:pk>.ics", public.event_ics, name="event_ics"),
    path("g/<slug:slug>/", public.group_page, name="group"),
    path("g/<slug:slug>/events.ics", public.group_ics, name="group_ics"),
    path("unsubscribe/<str:token>/", public.unsubscribe, name="unsubscribe"),
    # Members.
    path("mine/", member.my_groups, name="my_groups"),
    path("mine/emails/", member.email_choices, name="email_choices"),
    path("g/<slug:slug>/join/", member.join, name="join"),
    path("memberships/<int:pk>/leave/", member.leave, name="leave"),
    path("memberships/<int:pk>/consent/", member.consent, name="consent"),
    # Committee of one group.
    path("g/<slug:slug>/committee/", member.committee_home, name="committee_home"),
    path("g/<slug:slug>/requests/new/", member.request_new, name="request_new"),
    path("g/<slug:slug>/requests/<int:pk>/", member.request_detail, name="request_detail"),
    path(
        "g/<slug:slug>/requests/<int:pk>/resubmit/",
        member.request_resubmit_view,
        name="request_resubmit",
    ),
    path(
        "g/<slug:slug>/requests/<int:pk>/message/",
        member.request_message,
        name="request_message",
    ),
    path("g/<slug:slug>/plans/<int:year>/", member.plan_edit, name="plan_edit"),
    path("g/<slug:slug>/page/", member.page_edit, name="page_edit"),
    path("g/<slug:slug>/presences/", member.presences, name="presences"),
    path(
        "g/<slug:slug>/presences/<int:pk>/confirm/",
        member.presence_confirm,
        name="presence_confirm",
    ),
    # Alumni Engagement staff.
    path("staff/queue/", staff.queue, name="queue"),
    path("staff/requests/<int:pk>/", staff.request_detail, name="staff_request"),
    path(
        "staff/requests/<int:pk>/do/<slug:action>/",
        staff.request_action,
        name="staff_request_action",
    ),
    path("staff/requests/<int:pk>/send/", staff.compose, name="compose"),
    path("staff/plans/", staff.plans, name="plans_overview"),
    path("staff/plans/<int:pk>/", staff.plan_review, name="plan_review"),
    path("staff/sla/", staff.sla, name="sla_report"),
    path("staff/sla.csv", staff.sla_csv, name="sla_csv"),
    path("staff/groups/", staff.group_list, name="staff_groups"),
    path("staff/groups/<slug:slug>/", staff.group_detail, name="staff_group"),
    path(
        "staff/groups/<slug:slug>/committee/",
        staff.committee_appoint_view,
        name="committee_appoint",
    ),
    path("staff/committee/<int:pk>/end/", staff.committee_end_view, name="committee_end"),
    path("staff/groups/<slug:slug>/members/", staff.members, name="staff_members"),
    path("staff/pages/", staff.page_changes, name="staff_page_changes"),
    path("staff/pages/<int:pk>/", staff.page_changes, name="staff_page_change_decide"),
    path("staff/presences/", staff.presence_list, name="staff_presences"),
    path("staff/presences/<int:pk>/flag/", staff.presence_flag_view, name="presence_flag"),
]
