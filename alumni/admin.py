"""Django admin for verified alumni: lists and search; decisions go through the services.

Records change only by import (``records_import``), verifications only through the services:
staff verify and reject on the queue page (a reason or evidence note is needed), and the one
admin action, "try matching again", calls ``verification_rematch`` for the selected rows.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from alumni.errors import AlumniError
from alumni.models import AlumniRecord, Verification
from alumni.services.verification import verification_rematch
from portal.admin_base import WorkflowAdmin


class AlumniWorkflowAdmin(WorkflowAdmin):
    service_errors = (AlumniError,)


@admin.register(AlumniRecord)
class AlumniRecordAdmin(AlumniWorkflowAdmin):
    list_display = ("record_id", "given_names", "family_name", "programmes", "graduation_years")
    search_fields = ("record_id", "given_names", "family_name", "former_names", "emails")


@admin.register(Verification)
class VerificationAdmin(AlumniWorkflowAdmin):
    list_display = ("user", "status", "origin", "method", "requested_at", "due_at", "decided_at")
    list_filter = ("status", "origin", "method")
    search_fields = ("user__email", "family_name", "given_names")
    raw_id_fields = ("user", "record", "decided_by")
    actions = ("rematch",)

    @admin.action(description="Try matching the selected pending graduates again")
    def rematch(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        verified = verification_rematch(verification_ids=ids)
        self.message_user(request, f"Now verified: {verified} of {len(ids)}.")
