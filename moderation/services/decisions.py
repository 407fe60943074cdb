"""Decisions on items: deciding an open item (one decision wins) and reopening a decision."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from moderation.errors import DecisionConflictError, ModerationError
from moderation.models import Category, Decision, Escalation, Item
from moderation.permissions import can_reopen_decision
from portal.audit import audit_record
from portal.mail import email_queue
from portal.models import User

from .escalations import escalation_open
from .items import lock_item, require_channel

DEFAULT_ESCALATION_EMAILS = {
    "student_services": "student.services@{domain}",
    "police": "security@{domain}",
    "senior_management": "senior.management@{domain}",
}

NEEDS_CATEGORY = frozenset({Decision.Outcome.REMOVE, Decision.Outcome.BLOCK})

# The fields of a decision as a moderator enters it (the form takes its field list from here).
DECISION_FIELDS = ("outcome", "category", "reason", "message_to_reporter")


def escalation_address(target: str) -> str:
    """Where an escalation goes: ``MODERATION_ESCALATION_EMAILS[target]`` or a default."""
    configured: dict[str, str] = getattr(settings, "MODERATION_ESCALATION_EMAILS", {}) or {}
    if configured.get(target):
        return configured[target]
    return DEFAULT_ESCALATION_EMAILS[target].format(domain=settings.INSTITUTION_EMAIL_DOMAIN)


def _category(category_id: int | None) -> Category | None:
    if category_id is None:
        return None
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        raise ModerationError("Choose one of the listed categories.", field="category")
    return category


def item_decide(
    *,
    actor: User,
    item_id: int,
    outcome: str,
    reason: str,
    category_id: int | None = None,
    message_to_reporter: str = "",
) -> Decision:
    """Decide an open item. Exactly one decision wins, however many moderators click at once.

    The item row is locked and its state re-checked; the partial unique index on active
    decisions (``moderation_one_active_decision``) is the last line of defence.
    """
    if outcome not in Decision.Outcome.values:
        raise ModerationError("Choose one of the listed outcomes.", field="outcome")
    reason = reason.strip()
    if not reason:
        if outcome == Decision.Outcome.KEEP:
            raise ModerationError("Give the rationale for keeping it (001 §6.1.1).", field="reason")
        raise ModerationError("Give the internal reason for this decision.", field="reason")
    if outcome in NEEDS_CATEGORY and category_id is None:
        raise ModerationError(
            "Removing or blocking needs the policy category it breaches.", field="category"
        )
    category = _category(category_id)
    with transaction.atomic():
        item = lock_item(item_id)
        require_channel(actor, item.channel)
        if item.state in (Item.State.DECIDED, Item.State.ESCALATED):
            current = item.decisions.filter(active=True).select_related("decided_by").first()
            who = (
                f"{current.decided_by} decided it ({current.get_outcome_display()}) "
                if current
                else ""
            )
            raise DecisionConflictError(
                f"Someone got there first: {who}before your decision was saved. Nothing was changed."
            )
        if item.state == Item.State.CLAIMED and item.claimed_by_id != actor.pk:
            raise DecisionConflictError(
                f"{item.claimed_by} has claimed this item; ask them to release it."
            )
        old = {"state": item.state}
        try:
            with transaction.atomic():
                decision = Decision.objects.create(
                    item=item,
                    outcome=outcome,
                    category=category,
                    reason=reason,
                    message_to_reporter=message_to_reporter.strip(),
                    decided_by=actor,
                )
        except IntegrityError as exc:
            raise DecisionConflictError(
                "Someone else decided this item at the same moment."
            ) from exc
        # An escalation stays open as "escalated" until the receiving team's reply is recorded.
        decided = Item.State.ESCALATED if decision.escalated_to else Item.State.DECIDED
        item.state, item.claimed_by, item.claimed_at = decided, None, None
        item.save(update_fields=["state", "claimed_by", "claimed_at"])
        audit_record(
            actor=actor,
            action="moderation.item.decided",
            target=item,
            old=old,
            new={
                "state": item.state,
                "decision": decision.pk,
                "outcome": outcome,
                "category": category.code if category else "",
            },
        )
        if decision.escalated_to:
            escalation_open(
                actor=actor,
                team=decision.escalated_to,
                to_whom=Escalation.Team(decision.escalated_to).label,
                address=escalation_address(decision.escalated_to),
                item=item,
            )
        _notify_decision(decision, item, actor)
    return decision


def _notify_decision(decision: Decision, item: Item, actor: User) -> None:
    context = {"decision": decision, "item": item, "channel": item.channel}
    if decision.escalated_to:
        email_queue(
            to=escalation_address(decision.escalated_to),
            subject=f"Escalation from social media moderation: {item.channel}",
            template="moderation/email/escalation",
            context=context,
            category="moderation.decision.escalated",
        )
    if decision.message_to_reporter:
        reporter = item.reporter_email or (
            item.created_by.email if item.created_by and item.created_by != actor else ""
        )
        if reporter:
            email_queue(
                to=reporter,
                subject="About the content you reported",
                template="moderation/email/reporter_message",
                context=context,
                category="moderation.decision.reporter",
            )


def decision_reopen(*, actor: User, item_id: int, reason: str) -> Item:
    """Comms set a decision aside; it stays in the history and the item returns to the queue."""
    if not can_reopen_decision(actor):
        raise ModerationError("Only comms staff can reopen a decision.")
    reason = reason.strip()
    if not reason:
        raise ModerationError("Say why the decision is being reopened.", field="reason")
    with transaction.atomic():
        item = lock_item(item_id)
        if item.state == Item.State.ESCALATED:
            raise ModerationError(
                "This item is waiting for the receiving team's reply; record it first."
            )
        if item.state != Item.State.DECIDED:
            raise ModerationError("Only a decided item can be reopened.")
        decision = item.decisions.select_for_update().get(active=True)
        decision.active = False
        decision.reopened_by, decision.reopened_at = actor, timezone.now()
        decision.reopen_reason = reason
        decision.save(update_fields=["active", "reopened_by", "reopened_at", "reopen_reason"])
        item.state = Item.State.REOPENED
        item.save(update_fields=["state"])
        audit_record(
            actor=actor,
            action="moderation.item.reopened",
            target=item,
            old={"state": Item.State.DECIDED, "decision": decision.pk},
            new={"state": item.state, "reason": reason},
        )
    return item
