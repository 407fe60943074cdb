"""The one place role and object-permission checks are made.

Views never hand-roll a role check: they call ``has_role`` for site-wide roles and the
object helpers for "this group", "this unit", "this account", which are django-guardian
permissions stored in direct foreign-key tables (fast at scale). A user without the right to
an object gets ``Http404``, the same answer as for an object that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Exists, Model, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from portal.access_cache import access_of, forget, forget_on_object, remember
from portal.models import User
from portal.roles import STAFF_ROLES, SUPERUSER_ONLY_ROLES, Role

M = TypeVar("M", bound=Model)
AnyUser = User | AnonymousUser
View = Callable[..., HttpResponse]

_ROLE_CACHE = "_portal_roles"


def roles_of(user: AnyUser) -> frozenset[Role]:
    """The site-wide roles of ``user``, loaded once per user object.

    They come from the shared cache (``portal.access_cache``) or else from one query, which
    then fills the cache.

    A named delegate holds ``Role.MARCOMMS_DIRECTOR`` while today (Europe/London) is within the
    delegation's dates and it was not ended early; the same query asks this with an EXISTS
    subquery, so the delegation lapses by itself at midnight after its last day.
    """
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, _ROLE_CACHE, None)
    if cached is None:
        shared = access_of(user).roles
        if shared is None:
            shared = _roles_from_database(user)
            remember(user, roles=shared)
        cached = frozenset(role for role in Role if role.value in shared)
        setattr(user, _ROLE_CACHE, cached)
    return cached


def _roles_from_database(user: User) -> tuple[str, ...]:
    from portal.models import DirectorDelegation

    today = timezone.localdate()
    acting = DirectorDelegation.objects.filter(
        delegate=OuterRef("pk"), ended_at__isnull=True, starts_on__lte=today, ends_on__gte=today
    )
    rows = list(
        User.objects.filter(pk=user.pk)
        .annotate(acting=Exists(acting))
        .values_list("groups__name", "acting")
    )
    names = {name for name, _ in rows if name}
    if any(is_acting for _, is_acting in rows):
        names.add(Role.MARCOMMS_DIRECTOR.value)
    return tuple(sorted(names))


def forget_roles(user: AnyUser) -> None:
    """Drop the cached roles after the user's groups changed (here and in the shared cache)."""
    if hasattr(user, _ROLE_CACHE):
        delattr(user, _ROLE_CACHE)
    forget_on_object(user)
    if user.is_authenticated:
        forget(user.pk)


def has_role(user: AnyUser, *roles: Role) -> bool:
    """True if ``user`` is active and holds at least one of ``roles``."""
    return bool(user.is_authenticated and user.is_active and roles_of(user) & set(roles))


def is_staff_member(user: AnyUser) -> bool:
    """Staff of the university in any capacity (these must use two-factor sign-in)."""
    return bool(user.is_authenticated and (user.is_staff or roles_of(user) & STAFF_ROLES))


def can_manage_people(user: AnyUser) -> bool:
    """Portal administrators and superusers decide who holds staff roles and approverships."""
    if not (user.is_authenticated and user.is_active):
        return False
    return bool(user.is_superuser or has_role(user, Role.PORTAL_ADMINISTRATOR))


def can_change_role(actor: AnyUser, role: Role) -> bool:
    """Whether ``actor`` may grant or revoke ``role`` (for someone else; never for themselves)."""
    if role in SUPERUSER_ONLY_ROLES:
        return bool(actor.is_authenticated and actor.is_active and actor.is_superuser)
    return can_manage_people(actor)


def grant_role(user: User, role: Role) -> None:
    """Grant ``role`` on behalf of the system, audited (tests, scripts; never a person's choice).

    People are given roles by ``portal.people.role_grant``, which checks who is asking.
    """
    from portal.people import role_grant_by_system

    role_grant_by_system(user_id=user.pk, role=role)
    forget_roles(user)


def revoke_role(user: User, role: Role) -> None:
    """Revoke ``role`` on behalf of the system, audited (see ``grant_role``)."""
    from portal.people import role_revoke_by_system

    role_revoke_by_system(user_id=user.pk, role=role)
    forget_roles(user)


def has_object_role(user: AnyUser, perm: str, obj: Model) -> bool:
    """True if ``user`` holds the object permission ``perm`` ("app.codename") on ``obj``."""
    if not (user.is_authenticated and user.is_active):
        return False
    return bool(user.has_perm(perm, obj))


def objects_with_role(user: AnyUser, perm: str, queryset: QuerySet[M]) -> QuerySet[M]:
    """The objects of ``queryset`` on which ``user`` holds ``perm``, as one SQL query."""
    if not (user.is_authenticated and user.is_active):
        return queryset.none()
    return get_objects_for_user(
        user, perm, klass=queryset, accept_global_perms=False, with_superuser=False
    )


def grant_object_role(user: User, perm: str, obj: Model) -> None:
    """Low-level: the calling service audits it (unit approvers: ``portal.people``)."""
    assign_perm(perm, user, obj)


def revoke_object_role(user: User, perm: str, obj: Model) -> None:
    """Low-level: the calling service audits it."""
    remove_perm(perm, user, obj)


def get_visible_or_404(queryset: QuerySet[M], **lookup: Any) -> M:
    """Fetch one object from a queryset already scoped to the user, or 404.

    Missing and forbidden look the same to the caller, so a stranger learns nothing.
    """
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such object.") from exc


def role_required(*roles: Role) -> Callable[[View], View]:
    """View decorator: signed in, and holding one of ``roles`` (403 otherwise)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not has_role(request.user, *roles):
                raise PermissionDenied("This page is for " + ", ".join(r.value for r in roles))
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


class RoleRequiredMixin:
    """Class-based view mixin: ``required_roles`` must be held (403 otherwise)."""

    required_roles: Iterable[Role] = ()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        if not has_role(request.user, *self.required_roles):
            raise PermissionDenied("You do not hold the role this page needs.")
        response: HttpResponse = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        return response
