"""Base classes for the Django admin: workflow rows change only through services, reference data
is edited here with an audit trail.

The admin is one more path to the data, so it meets the same rules as the views: a workflow model
(requests, seats, partnerships, decisions, tokens...) is view-only unless a service applies the
edit, and then ``save_model`` or an admin action calls that service, which locks, re-checks and
audits. Reference data (org units, policy categories) has no workflow, so the admin edits it
directly and records who changed what, with old and new values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, cast

from django.contrib import admin, messages
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from portal.audit import audit_record
from portal.models import User

# Links typed without a scheme are read as https (Django 6's default, and the only one we want).
HTTPS_URLS: Mapping[type[models.Field[Any, Any]], Mapping[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}


def admin_actor(request: HttpRequest) -> User:
    """The signed-in admin user, typed for the services."""
    return cast(User, request.user)


class ReadOnlyInline(admin.TabularInline[Any, Any]):
    """An inline that lists related rows of a workflow model and never adds, edits or deletes."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ServiceErrorsMixin:
    """Shows a service's domain error as a message instead of a server error.

    The admin wraps its change form in a transaction, so whatever the refused save did is rolled
    back before the redirect; the service's own transaction is nested inside it.
    """

    service_errors: ClassVar[tuple[type[Exception], ...]] = ()
    formfield_overrides = HTTPS_URLS

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(  # type: ignore[misc, no-any-return]
                request, object_id, form_url, extra_context
            )
        except self.service_errors as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(request.get_full_path())

    def run_service(
        self,
        request: HttpRequest,
        objects: Iterable[models.Model],
        service: Callable[[models.Model], object],
        *,
        done: str,
    ) -> int:
        """Call ``service`` once per object (each call is its own transaction); report results."""
        succeeded = 0
        for obj in objects:
            try:
                service(obj)
            except self.service_errors as exc:
                messages.error(request, f"{obj}: {exc}")
            else:
                succeeded += 1
        if succeeded:
            messages.success(request, f"{done}: {succeeded}.")
        return succeeded


class WorkflowAdmin(ServiceErrorsMixin, admin.ModelAdmin[Any]):
    """A model whose rows change only through services: lists, filters, search, read-only detail.

    A subclass that offers an edit overrides the matching ``has_*_permission`` *and* sends the
    save through a service in ``save_model`` (or offers an admin action that calls one); the
    state fields stay in ``readonly_fields``. Deleting is never offered: history is kept, and a
    service ends or withdraws a row instead.
    """

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def field_values(obj: models.Model) -> dict[str, Any]:
    """The concrete field values of ``obj`` by attribute name (foreign keys as ids)."""
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


class AuditedReferenceAdmin(ServiceErrorsMixin, admin.ModelAdmin[Any]):
    """Reference data edited in the admin; every create, change and delete is audited.

    Actions are ``portal.admin.<model>.created|changed|deleted`` with the old and new values of
    the concrete fields that changed (many-to-many fields are not audited: keep them off
    reference models, or audit them in ``save_related``). A save that changes nothing records
    nothing.
    """

    def _action(self, verb: str) -> str:
        return f"portal.admin.{self.model._meta.model_name}.{verb}"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            before: dict[str, Any] = {}
            if change:
                locked = self.model._default_manager.select_for_update().get(pk=obj.pk)
                before = field_values(locked)
            super().save_model(request, obj, form, change)
            after = field_values(obj)
            if change:
                changed = [name for name, value in after.items() if before.get(name) != value]
                if not changed:
                    return
                old = {name: before[name] for name in changed}
                new = {name: after[name] for name in changed}
            else:
                old, new = {}, after
            audit_record(
                actor=admin_actor(request),
                action=self._action("changed" if change else "created"),
                target=obj,
                old=old,
                new=new,
            )

    def _audit_delete(self, request: HttpRequest, obj: models.Model) -> None:
        audit_record(
            actor=admin_actor(request),
            action=self._action("deleted"),
            target=obj,
            old=field_values(obj),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            self._audit_delete(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                self._audit_delete(request, obj)
            super().delete_queryset(request, queryset)
