"""Django admin for moderation: categories are reference data; everything else is view-only.

Categories are saved through ``category_save`` (comms staff only, audited field by field) and
their deletion is audited. Items, decisions, incidents and removal requests change state only
through the services behind the portal's pages; channel tokens are created on the channel page
(the plain token is shown once) and can be revoked here through ``token_revoke``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from portal.admin_base import AuditedReferenceAdmin, ReadOnlyInline, WorkflowAdmin, admin_actor

from .errors import ModerationError
from .models import (
    Category,
    ChannelToken,
    Decision,
    Escalation,
    Incident,
    IncidentStep,
    Item,
    RemovalRequest,
    Suggestion,
)
from .services.categories import CATEGORY_FIELDS, category_save
from .services.tokens import token_revoke


@admin.register(Category)
class CategoryAdmin(AuditedReferenceAdmin):
    list_display = ("name", "code", "clause", "severity", "target_amount", "target_unit", "active")
    list_filter = ("severity", "target_unit", "active")
    search_fields = ("name", "code", "clause", "description")
    ordering = ("-severity", "name")
    fields = CATEGORY_FIELDS
    service_errors = (ModerationError,)

    def save_model(self, request: HttpRequest, obj: Category, form: Any, change: bool) -> None:
        """The service checks the editor and records old and new values."""
        values = {name: getattr(obj, name) for name in CATEGORY_FIELDS}
        saved = category_save(actor=admin_actor(request), category_id=obj.pk, values=values)
        obj.pk = saved.pk
        obj.refresh_from_db()


class ModerationWorkflowAdmin(WorkflowAdmin):
    service_errors = (ModerationError,)


class SuggestionInline(ReadOnlyInline):
    model = Suggestion
    fields = ("category", "rule_code", "label", "evidence", "start", "end")


class DecisionInline(ReadOnlyInline):
    model = Decision
    fields = (
        "outcome",
        "category",
        "reason",
        "decided_by",
        "decided_at",
        "active",
        "reopen_reason",
    )


class EscalationInline(ReadOnlyInline):
    model = Escalation
    fields = (
        "team",
        "to_whom",
        "escalated_by",
        "escalated_at",
        "reply_from",
        "replied_at",
        "reply_outcome",
        "recorded_by",
    )


@admin.register(Item)
class ItemAdmin(ModerationWorkflowAdmin):
    list_display = (
        "pk",
        "channel",
        "kind",
        "author_handle",
        "state",
        "priority",
        "source",
        "created_at",
        "target_category",
        "due_at",
    )
    list_filter = ("state", "kind", "source", "channel__platform", "target_category")
    search_fields = ("text", "author_handle", "external_id")
    list_select_related = ("channel", "target_category")
    inlines = (SuggestionInline, DecisionInline, EscalationInline)
    date_hierarchy = "created_at"


@admin.register(Decision)
class DecisionAdmin(ModerationWorkflowAdmin):
    list_display = ("item", "outcome", "category", "decided_by", "decided_at", "active")
    list_filter = ("outcome", "active", "category")
    search_fields = ("reason", "item__text")


@admin.register(ChannelToken)
class ChannelTokenAdmin(ModerationWorkflowAdmin):
    list_display = (
        "name",
        "channel",
        "prefix",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix")
    exclude = ("token_hash",)
    actions = ("revoke_tokens",)

    @admin.action(description="Revoke selected tokens")
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[ChannelToken]) -> None:
        self.run_service(
            request,
            queryset.filter(revoked_at__isnull=True),
            lambda token: token_revoke(actor=admin_actor(request), token_id=token.pk),
            done="Tokens revoked",
        )


class IncidentStepInline(ReadOnlyInline):
    model = IncidentStep
    fields = ("step", "done_by", "done_at", "note")


@admin.register(Incident)
class IncidentAdmin(ModerationWorkflowAdmin):
    list_display = (
        "title",
        "kind",
        "state",
        "severity",
        "owner",
        "due_at",
        "reported_by",
        "reported_at",
    )
    list_filter = ("kind", "state", "severity")
    search_fields = ("title", "description", "escalated_to", "resolution")
    inlines = (IncidentStepInline, EscalationInline)


@admin.register(Escalation)
class EscalationAdmin(ModerationWorkflowAdmin):
    """Opened by decisions and incident escalations; replies are recorded on their pages."""

    list_display = ("__str__", "team", "escalated_at", "reply_due_at", "replied_at", "recorded_by")
    list_filter = ("team",)
    search_fields = ("to_whom", "reply_from", "reply_outcome")


@admin.register(RemovalRequest)
class RemovalRequestAdmin(ModerationWorkflowAdmin):
    list_display = (
        "owner_name",
        "owner_email",
        "state",
        "deadline",
        "requested_by",
        "confirmed_at",
    )
    list_filter = ("state",)
    search_fields = ("owner_name", "owner_email", "content_description", "content_url")
