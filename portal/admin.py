"""Admin for the platform models, through the services.

Site roles are not granted here: ``groups``, ``user_permissions``, ``is_staff`` and
``is_superuser`` are read-only, and the People and roles page grants roles through audited
services. Names and ``is_active`` may be corrected here, with an audit event carrying the old
and new values; the email address is the sign-in identity that allauth verified, so it is set
when a person is added and read-only afterwards. Org units are reference data (audited edits); the audit trail, reminders,
the outbox, role groups, email addresses and authenticators are view-only.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from portal.admin_base import AuditedReferenceAdmin, WorkflowAdmin, admin_actor
from portal.audit import audit_record
from portal.models import (
    AuditEvent,
    DirectorDelegation,
    OrgUnit,
    OutboundEmail,
    Reminder,
    RoleGrant,
    User,
)

# What the admin may correct on a person, and what each correction records.
USER_AUDITED_FIELDS = ("email", "first_name", "last_name", "is_active")  # email: on add only
ROLE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


def roles_page_note(user: User) -> str:
    """Where this person's roles are granted: a link to their People and roles page."""
    text = "Roles are granted on the People and roles page, where every grant is audited."
    try:
        url = reverse("portal:person", args=[user.pk])
    except NoReverseMatch:
        return text
    return format_html('{} <a href="{}">Open this person\'s roles</a>.', text, url)


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser", "groups")
    search_fields = ("email", "first_name", "last_name")
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    readonly_fields = (*ROLE_FIELDS, "last_login", "date_joined")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return self.readonly_fields if obj is None else ("email", *self.readonly_fields)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return self.add_fieldsets
        return (
            (None, {"fields": ("email", "password")}),
            ("Name", {"fields": ("first_name", "last_name")}),
            ("Access", {"fields": ("is_active",)}),
            ("Roles", {"fields": ROLE_FIELDS, "description": roles_page_note(obj)}),
            ("Dates", {"fields": ("last_login", "date_joined")}),
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # people are deactivated, never deleted: their history points at them

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        with transaction.atomic():
            old: dict[str, Any] = {}
            if change:
                before = User.objects.select_for_update().get(pk=obj.pk)
                old = {f: getattr(before, f) for f in USER_AUDITED_FIELDS}
            super().save_model(request, obj, form, change)
            new = {f: getattr(obj, f) for f in USER_AUDITED_FIELDS}
            if change:
                changed = [f for f in USER_AUDITED_FIELDS if old[f] != new[f]]
                if not changed:
                    return
                old = {f: old[f] for f in changed}
                new = {f: new[f] for f in changed}
            audit_record(
                actor=admin_actor(request),
                action="portal.admin.user.changed" if change else "portal.admin.user.created",
                target=obj,
                old=old,
                new=new,
            )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            audit_record(
                actor=admin_actor(request),
                action="portal.admin.user.password_set",
                target=User.objects.get(pk=id),
            )
        return response


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedReferenceAdmin):
    list_display = ("name", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("name",)
    fields = ("name", "slug", "kind", "parent")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(RoleGrant)
class RoleGrantAdmin(WorkflowAdmin):
    """Provenance of site roles and approverships, written by ``portal.people``."""

    list_display = ("user", "role", "unit", "granted_by", "granted_at", "ended_at")
    list_filter = ("role", "ended_at")
    search_fields = ("user__email", "user__last_name", "role", "unit__name")
    list_select_related = ("user", "unit", "granted_by")


@admin.register(DirectorDelegation)
class DirectorDelegationAdmin(WorkflowAdmin):
    list_display = ("director", "delegate", "starts_on", "ends_on", "ended_at")
    search_fields = ("director__email", "delegate__email")
    list_select_related = ("director", "delegate")


@admin.register(AuditEvent)
class AuditEventAdmin(WorkflowAdmin):
    list_display = ("at", "action", "actor_label", "target_label", "request_id")
    list_filter = ("action", "target_type")
    search_fields = ("action", "actor_label", "target_label", "target_id", "request_id")
    date_hierarchy = "at"
    list_select_related = ("target_type",)


@admin.register(Reminder)
class ReminderAdmin(WorkflowAdmin):
    list_display = ("created_at", "kind", "target_type", "target_id", "period", "detail")
    list_filter = ("kind",)
    search_fields = ("kind", "target_id", "detail")


@admin.register(OutboundEmail)
class OutboundEmailAdmin(WorkflowAdmin):
    """The outbox is written by ``portal.mail`` and drained by its task; here it is read."""

    list_display = ("created_at", "to", "subject", "category", "status", "attempts", "sent_at")
    list_filter = ("status", "category")
    search_fields = ("to", "subject")


# Third-party models: role groups (created by a migration, granted on the People and roles page),
# allauth's email addresses (verified through allauth) and authenticators (enrolled by their
# owner) are shown, never edited, here.
admin.site.unregister(Group)
admin.site.unregister(EmailAddress)
admin.site.unregister(Authenticator)
# Single sign-on: providers come from the environment (OpenID Connect and SAML) and tokens are
# not stored, so neither has an admin page; the identities linked to people are shown only.
admin.site.unregister(SocialApp)
admin.site.unregister(SocialToken)
admin.site.unregister(SocialAccount)


@admin.register(Group)
class RoleGroupAdmin(WorkflowAdmin, BaseGroupAdmin):
    pass


@admin.register(EmailAddress)
class EmailAddressAdmin(WorkflowAdmin):
    list_display = ("email", "user", "primary", "verified")
    list_filter = ("primary", "verified")
    search_fields = ("email", "user__email")


@admin.register(Authenticator)
class AuthenticatorAdmin(WorkflowAdmin):
    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type",)
    search_fields = ("user__email",)
    fields = ("user", "type", "created_at", "last_used_at")  # never ``data``: it holds secrets


@admin.register(SocialAccount)
class SocialAccountAdmin(WorkflowAdmin):
    list_display = ("user", "provider", "uid", "last_login", "date_joined")
    list_filter = ("provider",)
    search_fields = ("user__email", "uid")
    fields = ("user", "provider", "uid", "last_login", "date_joined")  # not the token's claims
