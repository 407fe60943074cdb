"""Each user's site roles and two-factor state, shared by the web workers through the cache.

Every signed-in request needs the user's roles and, for staff, whether they have an
authenticator: two queries a request if read from the database each time. They are kept in the
cache per user, for today only (a delegation starts and lapses at midnight, Europe/London) and
for at most ``ACCESS_SECONDS``, and forgotten whenever they change: a change of the user's
groups (roles granted or revoked, by the services, the admin or anything else), a delegation
saved or deleted, an authenticator added or removed (``portal.signals`` connects these).

Forgetting replaces the user's *generation* token; an entry is believed only if it carries the
current token. A request that read the old roles from the database just before a change and
stores them just after stores them under the old token, so they are never believed. Forgetting
happens at once and again after the transaction commits. With the cache down every read misses
and the database answers, as before.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

ACCESS_SECONDS = 300
# A generation outlives every entry written under the one before it.
_GENERATION_SECONDS = 2 * ACCESS_SECONDS
_ATTR = "_portal_access"


@dataclass
class Access:
    generation: str | None
    roles: tuple[str, ...] | None = None
    totp: bool | None = None
    # Other yes-or-no facts of access the apps keep here (each app forgets them on change).
    flags: dict[str, bool] = field(default_factory=dict)


def _entry_key(user_id: int) -> str:
    return f"portal.access.{user_id}"


def _generation_key(user_id: int) -> str:
    return f"portal.access.generation.{user_id}"


def access_of(user: Any) -> Access:
    """What the cache knows of ``user`` (one cache round trip, then kept on the user object)."""
    known: Access | None = getattr(user, _ATTR, None)
    if known is not None:
        return known
    entry_key, generation_key = _entry_key(user.pk), _generation_key(user.pk)
    found = cache.get_many([entry_key, generation_key])
    generation = found.get(generation_key)
    entry = found.get(entry_key)
    known = Access(generation=generation)
    if (
        isinstance(entry, dict)
        and entry.get("generation") == generation
        and entry.get("day") == timezone.localdate().isoformat()
    ):
        roles = entry.get("roles")
        known.roles = tuple(roles) if isinstance(roles, list | tuple) else None
        totp = entry.get("totp")
        known.totp = totp if isinstance(totp, bool) else None
        flags = entry.get("flags")
        if isinstance(flags, dict):
            known.flags = {k: v for k, v in flags.items() if isinstance(v, bool)}
    setattr(user, _ATTR, known)
    return known


def remember(
    user: Any,
    *,
    roles: tuple[str, ...] | None = None,
    totp: bool | None = None,
    flags: dict[str, bool] | None = None,
) -> None:
    """Store what was just read from the database, under the generation read before it."""
    known = access_of(user)
    if roles is not None:
        known.roles = roles
    if totp is not None:
        known.totp = totp
    known.flags.update(flags or {})
    cache.set(
        _entry_key(user.pk),
        {
            "generation": known.generation,
            "day": timezone.localdate().isoformat(),
            "roles": list(known.roles) if known.roles is not None else None,
            "totp": known.totp,
            "flags": known.flags,
        },
        ACCESS_SECONDS,
    )


def _new_generation(user_ids: list[int]) -> None:
    cache.set_many({_generation_key(pk): uuid.uuid4().hex for pk in user_ids}, _GENERATION_SECONDS)


def forget(*user_ids: int) -> None:
    """The roles or two-factor state of these users changed: stop believing what is cached."""
    ids = [pk for pk in user_ids if pk is not None]
    if not ids:
        return
    _new_generation(ids)
    transaction.on_commit(lambda: _new_generation(ids))


def forget_on_object(user: Any) -> None:
    """Drop what this user object itself remembers (the next read asks the cache again)."""
    if hasattr(user, _ATTR):
        delattr(user, _ATTR)
