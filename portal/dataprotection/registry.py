"""The contributors to subject access and erasure: one per app, found in the app's ``api.py``.

An app listed in ``settings.PORTAL_APPS`` plugs in by defining, in its ``api.py``:

* ``personal_data(user) -> dict`` (required to take part): everything the app holds about
  ``user``, as JSON-ready values, keyed by kind of record. Partner data in mentoring comes only
  from ``mentoring.sharing`` projections.
* ``erasure_blockers(user) -> list[Blocker]`` (optional): what stops erasure now.
* ``erase_personal_data(user, pseudonym) -> list[str]`` (optional): replace the app's personal
  fields of ``user`` with the pseudonym, remove free text that identifies them; return the
  identifying strings it removed (e.g. a name typed on an application) so that the platform's
  final sweep also removes them wherever else they were copied.

* ``retention_rules() -> list[RetentionRule]`` (optional): the app's retention sweeps, run by
  ``portal.tasks.retention_sweep`` and listed on the DPO's dry-run report.

So a new app (e.g. ``alumni``) takes part with one function and nothing to register: the
registry imports ``<app>.api`` of every portal app and looks the functions up by name.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django.conf import settings

from portal.models import User

ExportFn = Callable[[User], dict[str, Any]]
BlockersFn = Callable[[User], list["Blocker"]]
EraseFn = Callable[[User, str], list[str]]


@dataclass(frozen=True)
class Blocker:
    """Something that stops erasure, in words the person and the DPO can act on.

    ``hard`` blockers stop every erasure (the data are still needed: an open concern, an
    official account that would be left with fewer than two administrators). The others are
    open obligations: they stop a person erasing themselves, while a data protection officer
    may erase anyway (the app's ``erase_personal_data`` then ends them).
    """

    app: str
    reason: str
    hard: bool = False


@dataclass(frozen=True)
class RetentionRule:
    """One retention period: ``sweep(dry_run=True)`` counts what is due, without it acts.

    Every sweep is set-based (one UPDATE or DELETE over what is due) and idempotent: what it
    has cleared no longer matches, so a second run changes nothing.
    """

    app: str
    name: str
    held: str
    clause: str
    setting: str
    period: str
    sweep: Callable[..., int]


@dataclass(frozen=True)
class Contributor:
    app: str
    export: ExportFn
    blockers: BlockersFn | None
    erase: EraseFn | None


def retention_rules() -> list[RetentionRule]:
    """Every app's retention rules (the platform's own are in ``retention``)."""
    rules: list[RetentionRule] = []
    for app in settings.PORTAL_APPS:
        module = _api_module(app) if app != "portal" else None
        found = getattr(module, "retention_rules", None) if module else None
        if found is not None:
            rules.extend(found())
    return rules


def _api_module(app: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"{app}.api")
    except ModuleNotFoundError as exc:
        if exc.name == f"{app}.api":
            return None
        raise


def contributors() -> list[Contributor]:
    """The apps that hold personal data, in ``PORTAL_APPS`` order (the platform is separate)."""
    found = []
    for app in settings.PORTAL_APPS:
        if app == "portal":
            continue
        module = _api_module(app)
        export = getattr(module, "personal_data", None) if module else None
        if export is None:
            continue
        found.append(
            Contributor(
                app=app,
                export=export,
                blockers=getattr(module, "erasure_blockers", None),
                erase=getattr(module, "erase_personal_data", None),
            )
        )
    return found
