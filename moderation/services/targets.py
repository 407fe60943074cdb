"""Setting the category an open item falls under, which sets its priority and response target."""

from __future__ import annotations

from django.db import transaction

from moderation.errors import DecisionConflictError, ModerationError
from moderation.models import Category, Item
from portal.audit import audit_record
from portal.models import User

from .items import lock_item, priority_for, require_channel


def item_categorise(*, actor: User, item_id: int, category_id: int) -> Item:
    """Put an open item under ``category_id`` (a moderator's reading replaces screening's).

    The priority becomes that category's severity with the channel's reach, and the response
    target is recomputed from when the item arrived: a threat found in an item screened as
    off-topic is due an hour after it came in, not an hour from now. The same category
    again changes nothing.
    """
    with transaction.atomic():
        item = lock_item(item_id)
        require_channel(actor, item.channel)
        if not item.is_open:
            raise DecisionConflictError("This item has already been decided.")
        category = Category.objects.filter(pk=category_id, active=True).first()
        if category is None:
            raise ModerationError("Choose one of the active categories.", field="category")
        if item.target_category_id == category.pk:
            return item
        old = {
            "target_category": item.target_category_id,
            "priority": item.priority,
            "due_at": item.due_at,
        }
        item.target_category = category
        item.priority = priority_for([category.severity], item.channel.followers)
        item.due_at, item.alert_at = category.target.due_and_alert(item.created_at)
        item.save(update_fields=["target_category", "priority", "due_at", "alert_at"])
        audit_record(
            actor=actor,
            action="moderation.item.categorised",
            target=item,
            old=old,
            new={"target_category": category.pk, "priority": item.priority, "due_at": item.due_at},
        )
    return item
