"""The response targets of the seeded categories, the duty-of-care category (001 §6.1.11), and
each existing item's target.

Existing items are given the target of their most severe suggested category, counted from
when they arrived, so the queue and the statistics cover them too.
"""

from django.db import migrations

# code, name, clause, severity, screening rule codes, description (as in 0002)
NEW_CATEGORIES = [
    ("duty_of_care", "Duty of care: someone may be at risk", "001 §6.1.11", 5, [],
     "A post suggesting that someone may be in distress or at risk: seek advice from student "
     "services at once and escalate."),
]


def seed_targets(apps, schema_editor):
    from moderation.targets import DEFAULT_TARGETS

    Category = apps.get_model("moderation", "Category")
    for code, name, clause, severity, rules, description in NEW_CATEGORIES:
        Category.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "clause": clause,
                "severity": severity,
                "rule_codes": rules,
                "description": description,
            },
        )
    for code, (amount, unit) in DEFAULT_TARGETS.items():
        Category.objects.filter(code=code).update(target_amount=amount, target_unit=unit)


def backfill_items(apps, schema_editor):
    from moderation.targets import UNFLAGGED_TARGET, Target

    Category = apps.get_model("moderation", "Category")
    Item = apps.get_model("moderation", "Item")
    Suggestion = apps.get_model("moderation", "Suggestion")
    categories = {c.pk: c for c in Category.objects.all()}
    last = 0
    while True:
        batch = list(Item.objects.filter(pk__gt=last).order_by("pk")[:2000])
        if not batch:
            return
        last = batch[-1].pk
        top: dict[int, int] = {}
        rows = Suggestion.objects.filter(item_id__in=[i.pk for i in batch]).values_list(
            "item_id", "category_id"
        )
        for item_id, category_id in rows:
            held = top.get(item_id)
            if held is None or categories[category_id].severity > categories[held].severity:
                top[item_id] = category_id
        for item in batch:
            category = categories.get(top.get(item.pk, 0))
            target = (
                Target(amount=category.target_amount, unit=category.target_unit)
                if category is not None
                else UNFLAGGED_TARGET
            )
            item.target_category_id = category.pk if category is not None else None
            item.due_at, item.alert_at = target.due_and_alert(item.created_at)
        Item.objects.bulk_update(batch, ["target_category", "due_at", "alert_at"])


def unseed(apps, schema_editor):
    codes = [c[0] for c in NEW_CATEGORIES]
    apps.get_model("moderation", "Item").objects.filter(target_category__code__in=codes).update(
        target_category=None
    )
    apps.get_model("moderation", "Category").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("moderation", "0005_response_targets")]
    operations = [
        migrations.RunPython(seed_targets, unseed),
        migrations.RunPython(backfill_items, migrations.RunPython.noop),
    ]
