"""Django admin for the registry: view-only, through the portal's services.

Requests, accounts, approvals and assignments change only on the portal's pages, whose services
apply the naming, two-administrator and generic-email rules and write the audit trail; adding an
account or a request here would skip them. The admin keeps lists, filters, search and detail.
"""

from __future__ import annotations

from django.contrib import admin

from portal.admin_base import ReadOnlyInline, WorkflowAdmin

from .models import (
    AccountRequest,
    ActivityRecord,
    AdminAssignment,
    AdviceRequest,
    AnnualAudit,
    ApprovalDecision,
    DiscoveredAccount,
    GovernanceSettings,
    Handover,
    MonitoringToken,
    OfficialAccount,
    PolicyAcknowledgement,
    RequestedAdministrator,
    StandInApprover,
    TrainingRecord,
)


class AssignmentInline(ReadOnlyInline):
    model = AdminAssignment
    fk_name = "account"
    fields = (
        "user",
        "granted_at",
        "granted_by",
        "reason",
        "revoked_at",
        "revoked_by",
        "revoke_reason",
    )


@admin.register(OfficialAccount)
class OfficialAccountAdmin(WorkflowAdmin):
    list_display = (
        "name",
        "platform",
        "handle",
        "unit",
        "status",
        "noncompliant_since",
        "last_activity_at",
        "followers",
    )
    list_filter = ("status", "platform", "unit", "centrally_managed")
    search_fields = ("name", "handle", "contact_email")
    list_select_related = ("unit",)
    inlines = (AssignmentInline,)


class RequestedAdministratorInline(ReadOnlyInline):
    model = RequestedAdministrator
    fields = ("user", "acknowledged_at")


class StandInApproverInline(ReadOnlyInline):
    """Named on the request's page by comms (``request_stand_in_name``), never here."""

    model = StandInApprover
    fields = ("slot", "user", "named_by", "named_at", "reason")


@admin.register(AccountRequest)
class AccountRequestAdmin(WorkflowAdmin):
    list_display = (
        "proposed_name",
        "platform",
        "proposed_handle",
        "unit",
        "requester",
        "status",
        "created_at",
    )
    list_filter = ("status", "platform", "unit")
    search_fields = ("proposed_name", "proposed_handle", "requester__email", "contact_email")
    list_select_related = ("unit", "requester")
    inlines = (RequestedAdministratorInline, StandInApproverInline)


@admin.register(ApprovalDecision)
class ApprovalDecisionAdmin(WorkflowAdmin):
    list_display = ("request", "slot", "decision", "decided_by", "decided_at")
    list_filter = ("slot", "decision")
    search_fields = ("request__proposed_name", "decided_by__email")


@admin.register(AdminAssignment)
class AdminAssignmentAdmin(WorkflowAdmin):
    list_display = ("account", "user", "granted_at", "revoked_at", "reason")
    list_filter = ("revoked_at",)
    search_fields = ("account__handle", "user__email")


@admin.register(Handover)
class HandoverAdmin(WorkflowAdmin):
    list_display = ("account", "leaving", "replacement", "passwords_changed_confirmed", "at", "by")
    search_fields = ("account__handle", "leaving__email", "replacement__email")


@admin.register(ActivityRecord)
class ActivityRecordAdmin(WorkflowAdmin):
    list_display = ("account", "kind", "last_post_on", "recorded_by", "recorded_at")
    list_filter = ("kind",)
    search_fields = ("account__handle",)


@admin.register(AnnualAudit)
class AnnualAuditAdmin(WorkflowAdmin):
    list_display = ("account", "year", "due_on", "completed_at", "outcome", "escalated_at")
    list_filter = ("year", "outcome")
    search_fields = ("account__handle",)


@admin.register(RequestedAdministrator)
class RequestedAdministratorAdmin(WorkflowAdmin):
    list_display = ("request", "user", "acknowledged_at")
    search_fields = ("request__proposed_name", "user__email")


@admin.register(DiscoveredAccount)
class DiscoveredAccountAdmin(WorkflowAdmin):
    """Imported and triaged on the comms pages (``services.discovered``)."""

    list_display = ("platform", "handle", "display_name", "followers", "match", "decision")
    list_filter = ("match", "decision", "platform", "source")
    search_fields = ("handle", "display_name", "url")


@admin.register(AdviceRequest)
class AdviceRequestAdmin(WorkflowAdmin):
    """Asked and answered on the portal's pages (``services.advice``)."""

    list_display = ("pk", "asker", "account", "urgency", "state", "due_at", "answered_at")
    list_filter = ("state", "urgency", "advice")
    search_fields = ("asker__email", "content", "why_sensitive")
    list_select_related = ("asker", "account")


@admin.register(TrainingRecord)
class TrainingRecordAdmin(WorkflowAdmin):
    """Recorded by each member of staff on the training page (``services.training``)."""

    list_display = ("user", "course", "completed_on", "expires_on", "expiry_flagged_at")
    search_fields = ("user__email", "course", "evidence")
    list_select_related = ("user",)


@admin.register(PolicyAcknowledgement)
class PolicyAcknowledgementAdmin(WorkflowAdmin):
    list_display = ("user", "policy", "version", "acknowledged_at")
    list_filter = ("policy", "version")
    search_fields = ("user__email",)


@admin.register(GovernanceSettings)
class GovernanceSettingsAdmin(WorkflowAdmin):
    """Changed by comms on the training settings page, audited by the service."""

    list_display = ("training_required", "training_valid_days", "updated_by", "updated_at")


@admin.register(MonitoringToken)
class MonitoringTokenAdmin(WorkflowAdmin):
    """Created and revoked by comms on the monitoring tokens page (audited there)."""

    list_display = ("name", "prefix", "created_by", "created_at", "last_used_at", "revoked_at")
    exclude = ("token_hash",)
