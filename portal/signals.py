"""Session bookkeeping at sign-in and at two-factor enrolment."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from portal.middleware import session_started


def on_user_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        session_started(request)


def on_authenticator_added(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    """Enrolling proves the second factor (a valid code was entered): record it for this session.

    The session key is rotated, as at every change of what a session may do.
    """
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator

    if authenticator.type != Authenticator.Type.TOTP:
        return
    request.session.cycle_key()
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)


def on_groups_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    """A user's groups are their roles: any change makes the cached roles stale."""
    from portal.access_cache import forget

    if action not in {"post_add", "post_remove", "post_clear", "pre_clear"}:
        return
    if not reverse:
        forget(instance.pk)
    elif action == "pre_clear":
        forget(*instance.user_set.values_list("pk", flat=True))
    elif pk_set:
        forget(*pk_set)


def on_delegation_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A delegation gives or takes the director's role: the delegate's cached roles are stale."""
    from portal.access_cache import forget

    forget(instance.delegate_id)


def on_authenticator_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """An authenticator added or removed: the cached two-factor state is stale."""
    from portal.access_cache import forget

    forget(instance.user_id)
