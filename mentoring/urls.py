"""URLs of the mentoring app (namespace ``mentoring``, mounted at /mentoring/)."""

from django.urls import URLPattern, path

from mentoring.views import member, staff

app_name = "mentoring"
urlpatterns: list[URLPattern] = [
    path("", member.home, name="home"),
    path("programmes/<int:pk>/", member.programme_detail, name="programme"),
    path("programmes/<int:pk>/apply/mentor/", member.apply_mentor, name="apply_mentor"),
    path("programmes/<int:pk>/apply/mentee/", member.apply_mentee, name="apply_mentee"),
    path(
        "applications/mentor/<int:pk>/",
        member.application_detail,
        {"side": "mentor"},
        name="mentor_application",
    ),
    path(
        "applications/mentee/<int:pk>/",
        member.application_detail,
        {"side": "mentee"},
        name="mentee_application",
    ),
    path("partnerships/<int:pk>/", member.partnership_detail, name="partnership"),
    path("partnerships/<int:pk>/partner.vcf", member.partner_vcard, name="partner_vcard"),
    path("partnerships/<int:pk>/meetings/new/", member.meeting_log, name="meeting_log"),
    path("partnerships/<int:pk>/email-frequency/", member.email_frequency, name="email_frequency"),
    path(
        "partnerships/<int:pk>/unavailability/new/",
        member.unavailability_add,
        name="unavailability_add",
    ),
    path("partnerships/<int:pk>/withdraw/", member.withdraw, name="withdraw"),
    path("partnerships/<int:pk>/survey/<str:stage>/", member.survey, name="survey"),
    path("concerns/new/", member.concern_new, name="concern_new"),
    path("concerns/submitted/", member.concern_submitted, name="concern_submitted"),
    path("concerns/mine/", member.my_concerns, name="my_concerns"),
    path("concerns/mine/<int:pk>/", member.my_concern, name="my_concern"),
    # Scheme administrators
    path("manage/", staff.programmes, name="admin_programmes"),
    path("manage/programmes/new/", staff.programme_create, name="programme_create"),
    path("manage/programmes/<int:pk>/", staff.programme_manage, name="admin_programme"),
    path("manage/programmes/<int:pk>/edit/", staff.programme_edit, name="programme_edit"),
    path(
        "manage/programmes/<int:pk>/match/",
        staff.match_run_create,
        name="match_run_create",
    ),
    path(
        "manage/programmes/<int:pk>/partnerships.csv",
        staff.partnerships_csv,
        name="partnerships_csv",
    ),
    path(
        "manage/programmes/<int:pk>/surveys/",
        staff.survey_results,
        name="survey_results",
    ),
    path(
        "manage/programmes/<int:pk>/wrap-up/",
        staff.programme_wrap_up,
        name="programme_wrap_up",
    ),
    path("manage/runs/<int:pk>/", staff.match_run_detail, name="match_run"),
    path(
        "manage/runs/<int:pk>/overrides/",
        staff.match_constraint_add,
        name="match_constraint_add",
    ),
    path("manage/runs/<int:pk>/confirm/", staff.match_run_confirm, name="match_run_confirm"),
    path(
        "manage/overrides/<int:pk>/delete/",
        staff.match_constraint_delete,
        name="match_constraint_delete",
    ),
    path("manage/concerns/", staff.concerns, name="concerns"),
    path("manage/concerns/<int:pk>/", staff.concern_detail, name="concern"),
]
