"""Django admin for the groups models, through the services.

Lists, filters, search and read-only detail pages for everything; the edits the admin offers
are the ones a service applies: a group's details (``group_create``/``group_update``), its
status (actions calling ``group_update``), a seat's role (``committee_appoint``) and ending a
seat (``committee_end``, which takes the committee permission back). Requests, plans,
memberships, consent and deliveries change only on the portal's own pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from typing_extensions import override

from groups.errors import GroupsError
from groups.models import (
    AlumniGroup,
    AnnualPlan,
    CommitteeMembership,
    Communication,
    ConsentEvent,
    Delivery,
    GroupRequest,
    Membership,
    MembershipChange,
    OutsidePresence,
    PageChange,
    RequestMessage,
    RequestPause,
)
from groups.services.groups import (
    GROUP_FIELDS,
    committee_appoint,
    committee_end,
    group_create,
    group_update,
)
from portal.admin_base import ReadOnlyInline, WorkflowAdmin, admin_actor

# A group's details; its status changes through the list's actions.
GROUP_DETAIL_FIELDS = tuple(f for f in GROUP_FIELDS if f != "status")


class CommitteeInline(ReadOnlyInline):
    model = CommitteeMembership
    fields = ("user", "role", "started_at", "ended_at")


class GroupsWorkflowAdmin(WorkflowAdmin):
    service_errors = (GroupsError,)


@admin.register(AlumniGroup)
class AlumniGroupAdmin(GroupsWorkflowAdmin):
    list_display = ("name", "kind", "place", "country", "status", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("name", "place", "country")
    fields = ("name", "slug", "kind", "place", "country", "description", "status", "created_at")
    inlines = (CommitteeInline,)
    actions = ("mark_active", "mark_dormant", "mark_closed")

    @override
    def has_add_permission(self, request: HttpRequest) -> bool:
        return True

    @override
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    @override
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The slug is the group's public address: set once, at creation.
        return ("status", "created_at") if obj is None else ("slug", "status", "created_at")

    @override
    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> dict[str, Any]:
        return {"slug": ("name",)} if obj is None else {}

    @override
    def save_model(self, request: HttpRequest, obj: AlumniGroup, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            group_update(
                actor=admin_actor(request),
                group_id=obj.pk,
                changes={f: data[f] for f in GROUP_DETAIL_FIELDS if f in data},
            )
        else:
            created = group_create(
                actor=admin_actor(request),
                **{f: data[f] for f in GROUP_DETAIL_FIELDS if f in data},
                slug=data.get("slug", ""),
            )
            obj.pk = created.pk

    def _set_status(
        self, request: HttpRequest, queryset: QuerySet[AlumniGroup], status: str
    ) -> None:
        self.run_service(
            request,
            queryset,
            lambda group: group_update(
                actor=admin_actor(request), group_id=group.pk, changes={"status": status}
            ),
            done=f"Groups now {AlumniGroup.Status(status).label.lower()}",
        )

    @admin.action(description="Mark selected groups active")
    def mark_active(self, request: HttpRequest, queryset: QuerySet[AlumniGroup]) -> None:
        self._set_status(request, queryset, AlumniGroup.Status.ACTIVE)

    @admin.action(description="Mark selected groups dormant")
    def mark_dormant(self, request: HttpRequest, queryset: QuerySet[AlumniGroup]) -> None:
        self._set_status(request, queryset, AlumniGroup.Status.DORMANT)

    @admin.action(description="Close selected groups")
    def mark_closed(self, request: HttpRequest, queryset: QuerySet[AlumniGroup]) -> None:
        self._set_status(request, queryset, AlumniGroup.Status.CLOSED)


@admin.register(CommitteeMembership)
class CommitteeMembershipAdmin(GroupsWorkflowAdmin):
    """Appointments are made on the staff group page; here a role changes or a seat ends."""

    list_display = ("group", "user", "role", "started_at", "ended_at")
    list_filter = ("role", "group")
    search_fields = ("group__name", "user__email", "user__last_name")
    fields = ("group", "user", "role", "started_at", "ended_at")
    readonly_fields = ("group", "user", "started_at", "ended_at")
    list_select_related = ("group", "user")
    actions = ("end_seats",)

    @override
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # An ended seat is history; saving it through committee_appoint would open a new one.
        return obj is None or obj.ended_at is None

    @override
    def save_model(
        self, request: HttpRequest, obj: CommitteeMembership, form: Any, change: bool
    ) -> None:
        committee_appoint(
            actor=admin_actor(request),
            group_id=obj.group_id,
            user_id=obj.user_id,
            role=form.cleaned_data["role"],
        )

    @admin.action(description="End selected committee seats (removes committee access)")
    def end_seats(self, request: HttpRequest, queryset: QuerySet[CommitteeMembership]) -> None:
        self.run_service(
            request,
            queryset.filter(ended_at__isnull=True),
            lambda seat: committee_end(actor=admin_actor(request), seat_id=seat.pk),
            done="Committee seats ended",
        )


class ConsentEventInline(ReadOnlyInline):
    model = ConsentEvent
    fields = ("given", "at", "source", "wording")


@admin.register(Membership)
class MembershipAdmin(GroupsWorkflowAdmin):
    list_display = ("user", "group", "joined_at", "left_at", "email_consent", "consent_changed_at")
    list_filter = ("email_consent", "group")
    search_fields = ("user__email", "user__last_name", "group__name")
    list_select_related = ("user", "group")
    inlines = (ConsentEventInline,)


@admin.register(AnnualPlan)
class AnnualPlanAdmin(GroupsWorkflowAdmin):
    list_display = ("group", "year", "status", "submitted_at", "reviewed_at", "reviewed_by")
    list_filter = ("status", "year")
    search_fields = ("group__name",)


class PauseInline(ReadOnlyInline):
    model = RequestPause
    fields = ("started_at", "ended_at")


class MessageInline(ReadOnlyInline):
    model = RequestMessage
    fields = ("author", "from_staff", "body", "created_at")


@admin.register(GroupRequest)
class GroupRequestAdmin(GroupsWorkflowAdmin):
    list_display = ("pk", "title", "group", "kind", "status", "submitted_at", "due_at", "sent_at")
    list_filter = ("status", "kind", "audience")
    search_fields = ("title", "group__name", "content")
    date_hierarchy = "submitted_at"
    list_select_related = ("group",)
    inlines = (PauseInline, MessageInline)


@admin.register(RequestMessage)
class RequestMessageAdmin(GroupsWorkflowAdmin):
    list_display = ("request", "author", "from_staff", "created_at")
    search_fields = ("body", "request__title")


@admin.register(RequestPause)
class RequestPauseAdmin(GroupsWorkflowAdmin):
    list_display = ("request", "started_at", "ended_at")


@admin.register(Communication)
class CommunicationAdmin(GroupsWorkflowAdmin):
    list_display = ("subject", "request", "status", "recipient_count", "batch_count", "created_at")
    list_filter = ("status",)
    search_fields = ("subject", "request__title")


@admin.register(Delivery)
class DeliveryAdmin(GroupsWorkflowAdmin):
    list_display = ("communication", "recipient", "batch", "status", "sent_at")
    list_filter = ("status",)
    search_fields = ("recipient__email", "communication__subject")
    raw_id_fields = ("communication", "recipient", "membership")


@admin.register(ConsentEvent)
class ConsentEventAdmin(GroupsWorkflowAdmin):
    list_display = ("membership", "given", "at", "source")
    list_filter = ("given", "source")


@admin.register(OutsidePresence)
class OutsidePresenceAdmin(GroupsWorkflowAdmin):
    list_display = ("name", "group", "kind", "platform", "disclaimer_confirmed_at", "flagged")
    list_filter = ("kind", "platform", "flagged")
    search_fields = ("name", "group__name", "url")


@admin.register(PageChange)
class PageChangeAdmin(GroupsWorkflowAdmin):
    """Proposals are decided on the staff page (``page_change_accept``/``page_change_return``)."""

    list_display = ("group", "status", "proposed_by", "proposed_at", "decided_by", "decided_at")
    list_filter = ("status",)
    search_fields = ("group__name", "description")


@admin.register(MembershipChange)
class MembershipChangeAdmin(GroupsWorkflowAdmin):
    """The CRM's change feed: insert-only, written by the membership services."""

    list_display = ("pk", "kind", "membership", "at")
    list_filter = ("kind",)
    search_fields = ("membership__group__name", "membership__user__email")
