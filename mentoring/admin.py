"""Django admin for mentoring: lists, filters and search; every write goes through the services.

Programmes are created and edited here through ``programme_create``/``programme_update`` (audited,
scheme admins and superusers). Applications, runs, partnerships, meetings, concerns and surveys
are view-only: their changes happen on the portal's pages, whose services apply the rules.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from typing_extensions import override

from mentoring.errors import MentoringError
from mentoring.models import (
    Concern,
    ConcernNote,
    MatchConstraint,
    MatchRun,
    Meeting,
    MenteeApplication,
    MentorApplication,
    Partnership,
    Programme,
    ProposedPair,
    SurveyResponse,
    Unavailability,
)
from mentoring.services.programmes import (
    PROGRAMME_FIELDS,
    programme_create,
    programme_update,
)
from portal.admin_base import ReadOnlyInline, WorkflowAdmin, admin_actor


class MentoringWorkflowAdmin(WorkflowAdmin):
    service_errors = (MentoringError,)


@admin.register(Programme)
class ProgrammeAdmin(MentoringWorkflowAdmin):
    list_display = ("name", "host_unit", "starts_on", "ends_on", "status")
    list_filter = ("status", "host_unit")
    search_fields = ("name",)
    date_hierarchy = "starts_on"
    fields = (*PROGRAMME_FIELDS, "created_at")  # the fields the services apply
    readonly_fields = ("created_at",)

    @override
    def has_add_permission(self, request: HttpRequest) -> bool:
        return True

    @override
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    @override
    def save_model(self, request: HttpRequest, obj: Programme, form: Any, change: bool) -> None:
        """Through the services, so the audit trail holds for admin edits too."""
        if change:
            programme_update(
                actor=admin_actor(request), programme_id=obj.pk, data=form.cleaned_data
            )
        else:
            obj.pk = programme_create(actor=admin_actor(request), data=form.cleaned_data).pk


@admin.register(MentorApplication)
class MentorApplicationAdmin(MentoringWorkflowAdmin):
    list_display = ("name", "email", "programme", "country", "job_role", "capacity", "status")
    list_filter = ("programme", "status", "capacity")
    search_fields = ("name", "email", "job_role", "courses")


@admin.register(MenteeApplication)
class MenteeApplicationAdmin(MentoringWorkflowAdmin):
    list_display = ("name", "university_email", "programme", "msc_programme", "status")
    list_filter = ("programme", "status", "meeting_mode")
    search_fields = ("name", "university_email", "msc_programme")


class ProposedPairInline(ReadOnlyInline):
    model = ProposedPair
    fields = ("mentee_application", "mentor_application", "score", "pinned")


@admin.register(MatchRun)
class MatchRunAdmin(MentoringWorkflowAdmin):
    list_display = ("pk", "programme", "created_at", "status", "total_score", "mentee_count")
    list_filter = ("programme", "status")
    inlines = (ProposedPairInline,)


@admin.register(MatchConstraint)
class MatchConstraintAdmin(MentoringWorkflowAdmin):
    list_display = ("programme", "kind", "mentee_application", "mentor_application", "created_by")
    list_filter = ("programme", "kind")


class MeetingInline(ReadOnlyInline):
    model = Meeting
    fields = ("number", "held_on", "mode", "logged_by")


@admin.register(Partnership)
class PartnershipAdmin(MentoringWorkflowAdmin):
    list_display = ("pk", "programme", "mentor_application", "mentee_application", "status")
    list_filter = ("programme", "status")
    search_fields = ("mentor_application__name", "mentee_application__name")
    inlines = (MeetingInline,)


@admin.register(Meeting)
class MeetingAdmin(MentoringWorkflowAdmin):
    list_display = ("partnership", "number", "held_on", "mode")
    list_filter = ("mode", "partnership__programme")


@admin.register(Unavailability)
class UnavailabilityAdmin(MentoringWorkflowAdmin):
    list_display = ("partnership", "starts_on", "ends_on", "recorded_by")


class ConcernNoteInline(ReadOnlyInline):
    model = ConcernNote
    fields = ("author", "status_after", "text", "created_at")


@admin.register(Concern)
class ConcernAdmin(MentoringWorkflowAdmin):
    list_display = ("pk", "programme", "reporter", "status", "created_at")
    list_filter = ("status", "programme")
    search_fields = ("text", "reporter__email")
    inlines = (ConcernNoteInline,)


@admin.register(SurveyResponse)
class SurveyResponseAdmin(MentoringWorkflowAdmin):
    list_display = ("partnership", "stage", "side", "satisfaction", "usefulness")
    list_filter = ("stage", "side", "partnership__programme")


@admin.register(ProposedPair)
class ProposedPairAdmin(MentoringWorkflowAdmin):
    list_display = ("run", "mentee_application", "mentor_application", "score", "pinned")
    list_filter = ("run__programme", "pinned")
    search_fields = ("mentee_application__name", "mentor_application__name")


@admin.register(ConcernNote)
class ConcernNoteAdmin(MentoringWorkflowAdmin):
    list_display = ("concern", "author", "status_after", "created_at")
    list_filter = ("status_after",)
