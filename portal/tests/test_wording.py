"""Every action code and reminder kind the code writes has wording (``portal.wording``).

The services are read as source: each ``audit_record(action=...)`` and ``reminder_claim(kind=...)``
call is found, and its code must be a key of the mapping. A code built at run time (an f-string)
is listed below with every value it can take, so a new one fails here until it is worded.
"""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest

from portal import wording
from portal.tests.factories import make_user

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = [
    "portal",
    "groups",
    "accounts_registry",
    "mentoring",
    "moderation",
    "alumni",
    "integration",
]

# The calls that write audit events and reminders, one at a time or in bulk.
AUDIT_WRITERS = ("audit_record", "audit_record_bulk")
REMINDER_WRITERS = ("reminder_claim", "reminders_claim_bulk")

# f-string codes (as written in the source) -> every code they produce.
BUILT_CODES: dict[str, set[str]] = {
    "groups.request.{verb}": {
        f"groups.request.{verb}"
        for verb in ("started", "changes_requested", "resubmitted", "scheduled", "declined", "sent")
    },
    "groups.plan.{...}": {"groups.plan.accepted", "groups.plan.changes_requested"},
    "accounts_registry.account.{status}": {
        "accounts_registry.account.deactivated",
        "accounts_registry.account.deleted",
    },
    "accounts_registry.request.{...}_{slot}": {
        f"accounts_registry.request.{verdict}_{slot}"
        for verdict in ("approved", "rejected")
        for slot in ("unit", "marcomms")
    },
    "accounts_registry.request.{status}": {
        "accounts_registry.request.approved",
        "accounts_registry.request.rejected",
    },
    "mentoring.match_constraint.{kind}": {
        "mentoring.match_constraint.pin",
        "mentoring.match_constraint.forbid",
    },
    "mentoring.{kind}_application.withdrawn": {
        "mentoring.mentor_application.withdrawn",
        "mentoring.mentee_application.withdrawn",
    },
    "moderation.incident.{to_state}": {
        f"moderation.incident.{state}" for state in ("triaged", "escalated", "closed")
    },
    "moderation.escalation.reminded.{stage}": {
        "moderation.escalation.reminded.reply_due",
        "moderation.escalation.reminded.comms",
    },
    "accounts_registry.discovered.{decision}": {
        f"accounts_registry.discovered.{decision}"
        for decision in ("unregistered", "personal", "impersonation", "unrelated")
    },
    "accounts_registry.guidelines.{...}": {
        "accounts_registry.guidelines.confirmed",
        "accounts_registry.guidelines.missing",
    },
    "portal.admin.{model}.{verb}": {
        f"portal.admin.{model}.{verb}"
        for model in ("user", "orgunit")
        for verb in ("created", "changed")
    }
    | {"portal.admin.orgunit.deleted"},
}


def _pattern(node: ast.JoinedStr) -> str:
    parts = []
    for value in node.values:
        if isinstance(value, ast.Constant):
            parts.append(str(value.value))
        else:
            inner = value.value if isinstance(value, ast.FormattedValue) else value
            parts.append("{" + (inner.id if isinstance(inner, ast.Name) else "...") + "}")
    return "".join(parts)


def _written_codes(functions: tuple[str, ...], keyword: str) -> tuple[set[str], set[str]]:
    """(literal codes, f-string patterns) passed as ``keyword`` to calls of ``function``."""
    literals: set[str] = set()
    patterns: set[str] = set()
    for directory in SOURCE_DIRS:
        for path in (ROOT / directory).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text())
            constants = {
                target.id: node.value.value
                for node in tree.body
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                for target in node.targets
                if isinstance(target, ast.Name) and isinstance(node.value.value, str)
            }
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name not in functions:
                    continue
                values = [kw.value for kw in node.keywords if kw.arg == keyword]
                while values:
                    value = values.pop()
                    if isinstance(value, ast.IfExp):  # "a" if created else "b": both
                        values += [value.body, value.orelse]
                    elif isinstance(value, ast.Constant) and isinstance(value.value, str):
                        literals.add(value.value)
                    elif isinstance(value, ast.JoinedStr):
                        patterns.add(_pattern(value))
                    elif isinstance(value, ast.Name) and value.id in constants:
                        literals.add(constants[value.id])
    return literals, patterns


def test_every_audit_action_the_code_writes_has_wording() -> None:
    literals, patterns = _written_codes(AUDIT_WRITERS, "action")
    assert len(literals) > 80  # the scan finds the services' calls
    # portal.admin_base builds its codes with a helper method, not an f-string at the call.
    patterns.add("portal.admin.{model}.{verb}")
    assert patterns == BUILT_CODES.keys(), "list the values of each code built at run time"
    codes = literals | set().union(*BUILT_CODES.values())
    assert sorted(codes - wording.ACTIONS.keys()) == []


def test_every_reminder_kind_the_code_writes_has_wording() -> None:
    literals, patterns = _written_codes(REMINDER_WRITERS, "kind")
    assert not patterns
    kinds = literals
    assert len(kinds) >= 8
    assert sorted(kinds - wording.REMINDERS.keys()) == []


def test_no_wording_left_for_codes_nobody_writes() -> None:
    literals, _ = _written_codes(AUDIT_WRITERS, "action")
    written = literals | set().union(*BUILT_CODES.values())
    assert sorted(wording.ACTIONS.keys() - written) == []


@pytest.mark.django_db
def test_an_event_reads_as_a_sentence_with_names() -> None:
    person = make_user(first_name="Ann", last_name="Lee")
    event = SimpleNamespace(
        action="groups.request.changes_requested",
        actor=person,
        actor_label=person.email,
        target_label="Nairobi dinner",
    )
    assert wording.event_sentence(event) == (
        "Ann Lee asked for changes to the request “Nairobi dinner”."
    )
    system = SimpleNamespace(
        action="groups.communication.released", actor=None, actor_label="", target_label="News"
    )
    assert wording.event_sentence(system) == "The portal released the scheduled email “News”."
    unknown = SimpleNamespace(
        action="groups.widget.polished", actor=None, actor_label="", target_label="W"
    )
    assert wording.event_sentence(unknown) == "The portal widget polished (“W”)."


@pytest.mark.parametrize(
    ("kind", "period", "sentence"),
    [
        ("groups.sla.overdue", "stage-0", "Overdue request escalated to the engagement manager"),
        ("groups.sla.due_soon", "stage-2", "Reminder that the request is due soon"),
        ("groups.plan.reminder", "2026", "Reminder to submit this year's annual plan (for 2026)"),
        ("accounts_registry.inactivity", "2026-11-21", "Inactivity reminder"),
        ("mentoring.meeting_behind", "meeting-2", "behind on meetings (meeting 2)"),
    ],
)
def test_a_reminder_reads_as_words(kind: str, period: str, sentence: str) -> None:
    text = wording.reminder_sentence(SimpleNamespace(kind=kind, period=period))
    assert sentence in text
    assert kind not in text and "stage-" not in text
