"""Items: entering one by hand, importing many, pre-screening them, claiming and releasing.

Pre-screening turns screening findings into suggested categories (written as ``Suggestion``
rows with the item) and a queue priority: ``10 x highest suggested severity + reach points``
where reach points are ``min(10, round(log10(followers + 1) x 10 / 7))`` (0 for no audience, 10
at ten million). Severity dominates: a severity-4 item on a tiny channel ranks level with a
severity-3 item on a channel of ten million, and above it otherwise. Unflagged items rank by
reach alone.

Each item also gets its response target (``moderation.targets``) from the most severe
suggested category, counted from its arrival: ``due_at`` and the comms ``alert_at``.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts_registry.api import OfficialAccount, official_accounts
from moderation.errors import DecisionConflictError, ModerationError
from moderation.models import Category, ChannelToken, Item, Suggestion
from moderation.permissions import can_moderate_channel, can_release_claim
from moderation.selectors import categories_by_rule
from moderation.targets import UNFLAGGED_TARGET
from portal.audit import audit_record
from portal.models import User
from portal.screening import Finding, RuleSet, screen_many


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


# The fields a person enters for one item (the form takes its field list from here).
ITEM_FIELDS = (
    "kind",
    "text",
    "author_handle",
    "link",
    "external_id",
    "posted_at",
    "reporter_email",
)


@dataclass(frozen=True)
class ImportResult:
    created: list[int]
    already_present: int

    @property
    def summary(self) -> str:
        return f"{len(self.created)} new, {self.already_present} already present"


@dataclass(frozen=True)
class Suggested:
    """One suggested category for a text, with the finding that triggered it (if any)."""

    category: Category
    rule_code: str
    label: str
    evidence: str
    start: int | None
    end: int | None


def reach_points(followers: int) -> int:
    return min(10, round(math.log10(max(followers, 0) + 1) * 10 / 7))


def priority_for(severities: Iterable[int], followers: int) -> int:
    return 10 * max(severities, default=0) + reach_points(followers)


def suggest(findings: Sequence[Finding], by_rule: dict[str, list[Category]]) -> list[Suggested]:
    """Turn findings into suggestions: one per (finding, category that the rule maps to)."""
    return [
        Suggested(
            category=category,
            rule_code=finding.rule.code,
            label=finding.rule.label[:200],
            evidence=finding.evidence[:300],
            start=finding.start,
            end=finding.end,
        )
        for finding in findings
        for category in by_rule.get(finding.rule.code, ())
    ]


def suggest_many(texts: Sequence[str]) -> list[list[Suggested]]:
    """Screen a batch of texts in one vectorised pass and map the findings to categories."""
    by_rule = categories_by_rule()
    return [
        suggest(findings, by_rule) for findings in screen_many(texts, rule_set=RuleSet.MODERATION)
    ]


def moderated_channel(actor: User | None, channel_id: int) -> OfficialAccount:
    """The channel, if ``actor`` moderates it (None: the endpoint, whose token names it)."""
    channel = official_accounts().filter(pk=channel_id).first()
    if channel is None or (actor is not None and not can_moderate_channel(actor, channel)):
        raise ModerationError("You do not moderate this channel.", field="channel")
    return channel


def require_channel(actor: User, channel: OfficialAccount) -> None:
    """Refuse an action on a channel ``actor`` does not moderate (comms moderate all)."""
    if not can_moderate_channel(actor, channel):
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
    top = max(suggested, key=lambda s: s.category.severity, default=None)
    category = top.category if top is not None else None
    due_at, alert_at = (category.target if category else UNFLAGGED_TARGET).due_and_alert(now)
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
        target_category=category,
        due_at=due_at,
        alert_at=alert_at,
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
    channel_id: int,
    data: ItemData,
    category_ids: Sequence[int] = (),
) -> tuple[Item, bool]:
    """Enter one item by hand; ``category_ids`` are the moderator's own suggestions.

    With an external id already known on this channel, the existing item is returned.
    """
    channel = moderated_channel(actor, channel_id)
    if data.external_id:
        existing = Item.objects.filter(channel=channel, external_id=data.external_id).first()
        if existing is not None:
            return existing, False
    own = Category.objects.filter(pk__in=category_ids)  # in the categories' own order
    suggested = suggest_many([data.text])[0] + [
        Suggested(
            category=c,
            rule_code="",
            label="Entered by moderator",
            evidence="",
            start=None,
            end=None,
        )
        for c in (own if category_ids else ())
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


def _known_external_ids(channel: OfficialAccount, ids: list[str]) -> set[str]:
    known: set[str] = set()
    for start in range(0, len(ids), 500):
        known.update(
            Item.objects.filter(
                channel=channel, external_id__in=ids[start : start + 500]
            ).values_list("external_id", flat=True)
        )
    return known


def items_import(
    *,
    actor: User | None,
    channel_id: int,
    rows: Sequence[ItemData],
    source: str,
    token_id: int | None = None,
) -> ImportResult:
    """Import many items at once; items already known by external id are counted, not added.

    Screening runs once over the whole batch. Rows with an external id are inserted with
    ``ignore_conflicts`` (a concurrent import of the same post loses quietly) and read back by
    this batch's marker; rows without one cannot conflict. ``actor`` None is the JSON
    endpoint, whose token (``token_id``) was checked against this channel.
    """
    channel = moderated_channel(actor, channel_id)
    seen: set[str] = set()
    unique: list[ItemData] = []
    for row in rows:
        if row.external_id:
            if row.external_id in seen:
                continue
            seen.add(row.external_id)
        unique.append(row)
    known = _known_external_ids(channel, sorted(seen))
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
        prefix = (
            ChannelToken.objects.filter(pk=token_id).values_list("prefix", flat=True).first()
            if token_id is not None
            else None
        )
        audit_record(
            actor=actor,
            action="moderation.items.imported",
            target=channel,
            new={
                "source": source,
                "batch": str(batch),
                "created": len(created),
                "already_present": result.already_present,
                "token": prefix or "",
            },
        )
    return result


def lock_item(item_id: int) -> Item:
    """The item, locked for this transaction (with its channel)."""
    try:
        return Item.objects.select_for_update().select_related("channel").get(pk=item_id)
    except Item.DoesNotExist as exc:
        raise ModerationError("This item no longer exists.") from exc


def item_claim(*, actor: User, item_id: int) -> Item:
    """Take an open item so that others know you are on it."""
    with transaction.atomic():
        item = lock_item(item_id)
        require_channel(actor, item.channel)
        if item.state in (Item.State.DECIDED, Item.State.ESCALATED):
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
        item = lock_item(item_id)
        require_channel(actor, item.channel)
        if item.state != Item.State.CLAIMED:
            raise ModerationError("This item is not claimed.")
        if not can_release_claim(actor, item):
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
