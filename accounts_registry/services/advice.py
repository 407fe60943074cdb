"""Advice before posting (001 §4.8, §6.1.7, 004 §4.22): ask comms, comms answer.

A crisis request is due within ``ADVICE_CRISIS_HOURS`` (4) hours; any other runs on the
working-day clock (``portal.workdays``) for ``ADVICE_WORKING_DAYS`` (1) working days. The line
manager, when named, is copied on the question and the answer. Overdue requests are sent to
comms once by ``jobs.advice_overdue_sweep``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts_registry.errors import RegistryError
from accounts_registry.models import AdviceRequest
from accounts_registry.permissions import can_administer_account, is_comms, is_registry_staff
from portal.audit import audit_record
from portal.models import User
from portal.workdays import default_calendar

from .admins import account_lock
from .notifications import comms_recipients, notify

# What the asker enters (besides the account); the form takes its field list from here.
ADVICE_FIELDS = ("content", "link", "why_sensitive", "urgency", "line_manager_email")
ANSWER_FIELDS = ("advice", "answer")


def crisis_hours() -> int:
    return int(getattr(settings, "ADVICE_CRISIS_HOURS", 4))


def working_days() -> int:
    return int(getattr(settings, "ADVICE_WORKING_DAYS", 1))


def advice_due(urgency: str, received: datetime) -> datetime:
    """When comms owe the answer: hours for a crisis, else the working-day clock."""
    if urgency == AdviceRequest.Urgency.CRISIS:
        return received + timedelta(hours=crisis_hours())
    due = default_calendar().add_working_days(received, working_days())
    assert due is not None  # no pauses, so the clock always ends
    return due


def advice_url(advice: AdviceRequest) -> str:
    return reverse("accounts_registry:advice_detail", args=[advice.pk])


@transaction.atomic
def advice_request_create(
    *,
    actor: User,
    content: str,
    why_sensitive: str,
    urgency: str,
    account_id: int | None = None,
    link: str = "",
    line_manager_email: str = "",
) -> AdviceRequest:
    """A member of staff asks comms for advice on a draft post or questionable content."""
    if not is_registry_staff(actor):
        raise RegistryError("Only members of staff ask for advice here.")
    account = None
    if account_id is not None:
        account = account_lock(account_id)
        if not (can_administer_account(actor, account) and account.is_open):
            raise RegistryError("You do not administer that account.", field="account")
    if not content.strip() and not link.strip():
        raise RegistryError("Paste the text or give the link to the content.", field="content")
    if not why_sensitive.strip():
        raise RegistryError("Say why it may be sensitive.", field="why_sensitive")
    if urgency not in AdviceRequest.Urgency.values:
        raise RegistryError("Choose how urgent it is.", field="urgency")
    manager = line_manager_email.strip().lower()
    if manager and manager == actor.email.lower():
        raise RegistryError(
            "Your line manager's address, not your own.", field="line_manager_email"
        )
    now = timezone.now()
    advice = AdviceRequest.objects.create(
        asker=actor,
        account=account,
        content=content.strip(),
        link=link.strip(),
        why_sensitive=why_sensitive.strip(),
        urgency=urgency,
        line_manager_email=manager,
        created_at=now,
        due_at=advice_due(urgency, now),
    )
    audit_record(
        actor=actor,
        action="accounts_registry.advice.requested",
        target=advice,
        new={"urgency": urgency, "due_at": advice.due_at, "account": account_id},
    )
    context = {"advice": advice, "url": advice_url(advice)}
    notify(
        to=comms_recipients(),
        subject=f"{'CRISIS: ' if urgency == 'crisis' else ''}Advice requested before posting "
        f"(answer by {timezone.localtime(advice.due_at):%d %b %H:%M})",
        template="advice_requested",
        context=context,
        category="advice.requested",
    )
    if manager:
        notify(
            to=[manager],
            subject=f"{actor.display_name} asked comms for advice before posting",
            template="advice_copy",
            context=context,
            category="advice.copied",
        )
    return advice


@transaction.atomic
def advice_answer(*, actor: User, advice_id: int, advice: str, answer: str) -> AdviceRequest:
    """Comms answer once; the asker (and the line manager, if copied) receive it by email."""
    if not is_comms(actor):
        raise RegistryError("Only comms staff answer advice requests.")
    try:
        item = AdviceRequest.objects.select_for_update().get(pk=advice_id)
    except AdviceRequest.DoesNotExist as exc:
        raise RegistryError("No such advice request.") from exc
    if not item.is_open:
        raise RegistryError("This request has already been answered.")
    if advice not in AdviceRequest.Advice.values:
        raise RegistryError("Choose the advice.", field="advice")
    if not answer.strip():
        raise RegistryError("Write the advice; the asker will read it.", field="answer")
    item.state, item.advice, item.answer = AdviceRequest.State.ANSWERED, advice, answer.strip()
    item.answered_by, item.answered_at = actor, timezone.now()
    item.save(update_fields=["state", "advice", "answer", "answered_by", "answered_at"])
    audit_record(
        actor=actor,
        action="accounts_registry.advice.answered",
        target=item,
        old={"state": AdviceRequest.State.OPEN},
        new={"state": item.state, "advice": advice},
    )
    notify(
        to=[item.asker.email, item.line_manager_email],
        subject=f"Comms advice: {item.get_advice_display()}",
        template="advice_answered",
        context={"advice": item, "url": advice_url(item)},
        category="advice.answered",
    )
    return item
