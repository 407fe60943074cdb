"""Every write to items, decisions and channel tokens: one function per transition."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts_registry.models import OfficialAccount
from portal.audit import audit_record
from portal.mail import email_queue
from portal.models import User

from .models import Category, ChannelToken, Decision, Item, Suggestion
from .permissions import (
    can_moderate_channel,
    can_release_any_claim,
    can_reopen_decision,
)
from .suggestions import Suggested, priority_for, suggest_many


class ModerationError(Exception):
    """A refused transition; the message is shown to the user as is."""


class DecisionConflictError(ModerationError):
    """Someone else decided (or holds) the item first."""


@dataclass(frozen=True)
class ItemData:
    """One post or comment as entered, uploaded or posted to the endpoint (already validated)."""

    text: str
    author_handle: str = ""
    link: str = ""
    external_id: str = ""
    posted_at: datetime | None = None
    kind: str = Item.Kind.COMMENT
    reporter_email: str = ""


@dataclass(frozen=True)
class ImportResult:
    created: list[int]
    already_present: int

    @property
    def summary(self) -> str:
        return f"{len(self.created)} new, {self.already_present} already present"


DEFAULT_ESCALATION_EMAILS = {
    "student_services": "student.services@{domain}",
    "police": "security@{domain}",
    "senior_management": "senior.management@{domain}",
}


def escalation_address(target: str) -> str:
    """Where an escalation goes: ``MODERATION_ESCALATION_EMAILS[target]`` or a default."""
    configured: dict[str, str] = getattr(settings, "MODERATION_ESCALATION_EMAILS", {}) or {}
    if configured.get(target):
        return configured[target]
    return DEFAULT_ESCALATION_EMAILS[target].format(domain=settings.INSTITUTION_EMAIL_DOMAIN)


def _require_channel(actor: User | None, channel: OfficialAccount) -> None:
    # actor None means the JSON endpoint, whose token was checked against this channel.
    if actor is not None and not can_moderate_channel(actor, channel):
        raise ModerationError("You do not moderate this channel.")


def _new_item(
    channel: OfficialAccount,
    data: ItemData,
    suggested: Sequence[Suggested],
    *,
    actor: User | None,
    source: str,
    batch: uuid.UUID | None,
    now: datetime,
) -> Item:
    return Item(
        channel=channel,
        kind=data.kind or Item.Kind.COMMENT,
        text=data.text,
        author_handle=data.author_handle,
        link=data.link,
        external_id=data.external_id,
        posted_at=data.posted_at,
        reporter_email=data.reporter_email,
        source=source,
        import_batch=batch,
        created_by=actor,
        created_at=now,
        priority=priority_for((s.category.severity for s in suggested), channel.followers),
    )


def _suggestion_rows(item_id: int, suggested: Sequence[Suggested]) -> list[Suggestion]:
    return [
        Suggestion(
            item_id=item_id,
            category=s.category,
            rule_code=s.rule_code,
            label=s.label,
            evidence=s.evidence,
            start=s.start,
            end=s.end,
        )
        for s in suggested
    ]


def item_create(
    *,
    actor: User,
    channel: OfficialAccount,
    data: ItemData,
    categories: Sequence[Category] = (),
) -> tuple[Item, bool]:
    """Enter one item by hand; ``categories`` are the moderator's own suggestions.

    With an external id already known on this channel, the existing item is returned.
    """
    _require_channel(actor, channel)
    if data.external_id:
        existing = Item.objects.filter(channel=channel, external_id=data.external_id).first()
        if existing is not None:
            return existing, False
    suggested = suggest_many([data.text])[0] + [
        Suggested(
            category=c,
            rule_code="",
            label="Entered by moderator",
            evidence="",
            start=None,
            end=None,
        )
        for c in categories
    ]
    with transaction.atomic():
        item = _new_item(
            channel,
            data,
            suggested,
            actor=actor,
            source=Item.Source.MANUAL,
            batch=None,
            now=timezone.now(),
        )
        try:
            with transaction.atomic():
                item.save()
        except IntegrityError:
            # Entered at the same moment by someone else: theirs is the one item.
            return Item.objects.get(channel=channel, external_id=data.external_id), False
        Suggestion.objects.bulk_create(_suggestion_rows(item.pk, suggested))
        audit_record(
            actor=actor,
            action="moderation.item.created",
            target=item,
            new={"channel": channel.pk, "source": item.source, "priority": item.priority},
        )
    return item, True


def items_import(
    *,
    actor: User | None,
    channel: OfficialAccount,
    rows: Sequence[ItemData],
    source: str,
    token: ChannelToken | None = None,
) -> ImportResult:
    """Import many items at once; items already known by external id are counted, not added.

    Screening runs once over the whole batch. Rows with an external id are inserted with
    ``ignore_conflicts`` (a concurrent import of the same post loses quietly) and read back by
    this batch's marker; rows without one cannot conflict.
    """
    _require_channel(actor, channel)
    seen: set[str] = set()
    unique: list[ItemData] = []
    for row in rows:
        if row.external_id:
            if row.external_id in seen:
                continue
            seen.add(row.external_id)
        unique.append(row)
    known: set[str] = set()
    ids = sorted(seen)
    for start in range(0, len(ids), 500):
        known.update(
            Item.objects.filter(
                channel=channel, external_id__in=ids[start : start + 500]
            ).values_list("external_id", flat=True)
        )
    fresh = [row for row in unique if not row.external_id or row.external_id not in known]
    suggested = suggest_many([row.text for row in fresh])
    batch = uuid.uuid4()
    now = timezone.now()
    keyed = [(row, s) for row, s in zip(fresh, suggested, strict=True) if row.external_id]
    plain = [(row, s) for row, s in zip(fresh, suggested, strict=True) if not row.external_id]
    with transaction.atomic():
        Item.objects.bulk_create(
            [
                _new_item(channel, r, s, actor=actor, source=source, batch=batch, now=now)
                for r, s in keyed
            ],
            ignore_conflicts=True,
            batch_size=1000,
        )
        created_keyed = dict(
            Item.objects.filter(import_batch=batch, channel=channel)
            .exclude(external_id="")
            .values_list("external_id", "pk")
        )
        plain_items = Item.objects.bulk_create(
            [
                _new_item(channel, r, s, actor=actor, source=source, batch=batch, now=now)
                for r, s in plain
            ],
            batch_size=1000,
        )
        rows_out: list[Suggestion] = []
        for row, s in keyed:
            if row.external_id in created_keyed:
                rows_out += _suggestion_rows(created_keyed[row.external_id], s)
        for item, (_row, s) in zip(plain_items, plain, strict=True):
            rows_out += _suggestion_rows(item.pk, s)
        Suggestion.objects.bulk_create(rows_out, batch_size=1000)
        created = sorted([*created_keyed.values(), *(i.pk for i in plain_items)])
        result = ImportResult(created=created, already_present=len(unique) - len(created))
        audit_record(
            actor=actor,
            action="moderation.items.imported",
            target=channel,
            new={
                "source": source,
                "batch": str(batch),
                "created": len(created),
                "already_present": result.already_present,
                "token": token.prefix if token else "",
            },
        )
    return result


def _lock_item(item_id: int) -> Item:
    try:
        return Item.objects.select_for_update().select_related("channel").get(pk=item_id)
    except Item.DoesNotExist as exc:
        raise ModerationError("This item no longer exists.") from exc


def item_claim(*, actor: User, item_id: int) -> Item:
    """Take an open item so that others know you are on it."""
    with transaction.atomic():
        item = _lock_item(item_id)
        _require_channel(actor, item.channel)
        if item.state == Item.State.DECIDED:
            raise DecisionConflictError("This item has already been decided.")
        if item.state == Item.State.CLAIMED:
            if item.claimed_by_id == actor.pk:
                return item
            raise DecisionConflictError(f"{item.claimed_by} is already working on this item.")
        old = {"state": item.state}
        item.state, item.claimed_by, item.claimed_at = Item.State.CLAIMED, actor, timezone.now()
        item.save(update_fields=["state", "claimed_by", "claimed_at"])
        audit_record(
            actor=actor,
            action="moderation.item.claimed",
            target=item,
            old=old,
            new={"state": item.state},
        )
    return item


def item_release(*, actor: User, item_id: int) -> Item:
    """Give a claimed item back to the queue (comms may release anyone's claim)."""
    with transaction.atomic():
        item = _lock_item(item_id)
        _require_channel(actor, item.channel)
        if item.state != Item.State.CLAIMED:
            raise ModerationError("This item is not claimed.")
        if item.claimed_by_id != actor.pk and not can_release_any_claim(actor):
            raise ModerationError(f"Only {item.claimed_by} or comms staff can release this item.")
        old = {"state": item.state, "claimed_by": item.claimed_by_id}
        was_decided = item.decisions.exists()
        item.state = Item.State.REOPENED if was_decided else Item.State.NEW
        item.claimed_by, item.claimed_at = None, None
        item.save(update_fields=["state", "claimed_by", "claimed_at"])
        audit_record(
            actor=actor,
            action="moderation.item.released",
            target=item,
            old=old,
            new={"state": item.state},
        )
    return item


NEEDS_CATEGORY = frozenset({Decision.Outcome.REMOVE, Decision.Outcome.BLOCK})


def item_decide(
    *,
    actor: User,
    item_id: int,
    outcome: str,
    reason: str,
    category: Category | None = None,
    message_to_reporter: str = "",
) -> Decision:
    """Decide an open item. Exactly one decision wins, however many moderators click at once.

    The item row is locked and its state re-checked; the partial unique index on active
    decisions is the last line of defence.
    """
    if outcome not in Decision.Outcome.values:
        raise ModerationError("Choose one of the listed outcomes.")
    reason = reason.strip()
    if not reason:
        if outcome == Decision.Outcome.KEEP:
            raise ModerationError("Give the rationale for keeping it (001 §6.1.1).")
        raise ModerationError("Give the internal reason for this decision.")
    if outcome in NEEDS_CATEGORY and category is None:
        raise ModerationError("Removing or blocking needs the policy category it breaches.")
    with transaction.atomic():
        item = _lock_item(item_id)
        _require_channel(actor, item.channel)
        if item.state == Item.State.DECIDED:
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
        item.state, item.claimed_by, item.claimed_at = Item.State.DECIDED, None, None
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
        raise ModerationError("Say why the decision is being reopened.")
    with transaction.atomic():
        item = _lock_item(item_id)
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


TOKEN_PREFIX = "mod_"


def token_create(*, actor: User, channel: OfficialAccount, name: str) -> tuple[ChannelToken, str]:
    """A new endpoint token; the plain value is returned once and never stored."""
    _require_channel(actor, channel)
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ChannelToken.objects.create(
            channel=channel,
            name=name.strip() or "Import token",
            prefix=plain[: ChannelToken.PREFIX_LENGTH],
            token_hash=ChannelToken.hash(plain),
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="moderation.token.created",
            target=channel,
            new={"token": token.pk, "prefix": token.prefix, "name": token.name},
        )
    return token, plain


def token_revoke(*, actor: User, token_id: int) -> ChannelToken:
    with transaction.atomic():
        token = ChannelToken.objects.select_for_update().select_related("channel").get(pk=token_id)
        _require_channel(actor, token.channel)
        if token.revoked_at is not None:
            return token
        token.revoked_at, token.revoked_by = timezone.now(), actor
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=actor,
            action="moderation.token.revoked",
            target=token.channel,
            old={"token": token.pk, "prefix": token.prefix},
            new={"revoked_at": token.revoked_at},
        )
    return token


def token_authenticate(*, channel_id: int, plain: str) -> ChannelToken | None:
    """The active token of this channel matching ``plain``, or None."""
    if not plain:
        return None
    token = (
        ChannelToken.objects.select_related("channel")
        .filter(token_hash=ChannelToken.hash(plain), channel_id=channel_id, revoked_at__isnull=True)
        .first()
    )
    if token is not None:
        ChannelToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


CATEGORY_FIELDS = ("code", "name", "clause", "description", "severity", "rule_codes", "active")


def category_save(*, actor: User, category: Category) -> Category:
    """Create or update a policy category (comms only); the change is audited field by field."""
    from .permissions import is_comms

    if not is_comms(actor):
        raise ModerationError("Only comms staff edit the categories.")
    if not 1 <= int(category.severity) <= 5:
        raise ModerationError("Severity runs from 1 to 5.")
    with transaction.atomic():
        old: dict[str, object] = {}
        if category.pk:
            before = Category.objects.select_for_update().get(pk=category.pk)
            old = {
                f: getattr(before, f)
                for f in CATEGORY_FIELDS
                if getattr(before, f) != getattr(category, f)
            }
        category.save()
        audit_record(
            actor=actor,
            action="moderation.category.updated" if old else "moderation.category.saved",
            target=category,
            old=old,
            new={f: getattr(category, f) for f in (old or CATEGORY_FIELDS)},
        )
    return category
