"""Response targets: the clocks, the due times items get, recategorising, editing targets."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from accounts_registry.models import OfficialAccount
from moderation.errors import DecisionConflictError, ModerationError
from moderation.models import Category, Item
from moderation.services.categories import category_save
from moderation.services.decisions import item_decide
from moderation.services.items import ItemData, item_create, items_import
from moderation.services.targets import item_categorise
from moderation.targets import UNFLAGGED_TARGET, Target, TargetUnit, describe_time_left
from portal.models import AuditEvent, User
from portal.workdays import LONDON

# Friday 4 December 2026, an ordinary working day; Monday 7th follows.
FRIDAY = datetime(2026, 12, 4, 16, 30, tzinfo=LONDON)
WEDNESDAY = datetime(2026, 12, 2, 10, 0, tzinfo=LONDON)


def category(code: str) -> Category:
    return Category.objects.get(code=code)


def test_wall_clock_target_counts_nights_and_weekends() -> None:
    target = Target(amount=1, unit=TargetUnit.HOURS)
    saturday_night = datetime(2026, 12, 5, 23, 30, tzinfo=LONDON)
    assert target.after(saturday_night) == datetime(2026, 12, 6, 0, 30, tzinfo=LONDON)
    assert target.label == "1 hour, round the clock"


def test_working_hours_run_in_business_hours_without_a_cut_off() -> None:
    target = Target(amount=4, unit=TargetUnit.WORKING_HOURS)
    # Half an hour on Friday, three and a half on Monday from 09:00.
    assert target.after(FRIDAY) == datetime(2026, 12, 7, 12, 30, tzinfo=LONDON)
    due, alert = target.due_and_alert(FRIDAY)
    assert (due, alert) == (target.after(FRIDAY), datetime(2026, 12, 7, 16, 30, tzinfo=LONDON))
    assert target.label == "4 working hours"


def test_working_day_skips_bank_holidays() -> None:
    target = Target(amount=1, unit=TargetUnit.WORKING_DAYS)
    assert target.after(WEDNESDAY) == datetime(2026, 12, 3, 10, 0, tzinfo=LONDON)
    christmas_eve = datetime(2026, 12, 24, 15, 0, tzinfo=LONDON)
    # 25 Dec (Fri) and 28 Dec (Boxing Day observed) are bank holidays.
    assert target.after(christmas_eve) == datetime(2026, 12, 29, 15, 0, tzinfo=LONDON)
    assert Target(amount=2, unit=TargetUnit.WORKING_DAYS).label == "2 working days"


def test_time_left_reads_both_ways() -> None:
    due = datetime(2026, 12, 2, 12, 0, tzinfo=LONDON)
    assert describe_time_left(due, datetime(2026, 12, 2, 9, 55, tzinfo=LONDON)) == "2 h 5 min left"
    assert describe_time_left(due, datetime(2026, 12, 2, 11, 59, 30, tzinfo=LONDON)) == (
        "1 min left"
    )
    assert describe_time_left(due, datetime(2026, 12, 2, 15, 10, tzinfo=LONDON)) == (
        "overdue by 3 h 10 min"
    )
    assert describe_time_left(due, datetime(2026, 12, 4, 16, 0, tzinfo=LONDON)) == (
        "overdue by 2 days 4 h"
    )


@pytest.mark.django_db
def test_seeded_targets_follow_the_policy() -> None:
    labels = {c.code: c.target.label for c in Category.objects.all()}
    for urgent in ("threat", "discrimination", "illegal", "duty_of_care"):
        assert labels[urgent] == "1 hour, round the clock"
    assert labels["personal_data"] == "4 working hours"
    assert labels["off_topic"] == labels["advertising"] == "1 working day"
    assert category("duty_of_care").clause == "001 §6.1.11"


@time_machine.travel(FRIDAY, tick=False)
def test_item_takes_the_target_of_its_most_severe_suggestion(
    channel: OfficialAccount, comms_staff: User
) -> None:
    item, _ = item_create(
        actor=comms_staff,
        channel_id=channel.pk,
        data=ItemData(text="Email me at jane.smith@gmail.com, idiot"),
    )
    assert {s.category.code for s in item.suggestions.all()} >= {"personal_data", "profanity"}
    assert item.target_category == category("personal_data")
    assert item.due_at == datetime(2026, 12, 7, 12, 30, tzinfo=LONDON)
    threat, _ = item_create(
        actor=comms_staff,
        channel_id=channel.pk,
        data=ItemData(text="Nice photo"),
        category_ids=[category("duty_of_care").pk],
    )
    assert threat.target_category == category("duty_of_care")
    assert threat.due_at == datetime(2026, 12, 4, 17, 30, tzinfo=LONDON)
    assert threat.alert_at == datetime(2026, 12, 4, 18, 30, tzinfo=LONDON)


@time_machine.travel(WEDNESDAY, tick=False)
def test_imported_and_unflagged_items_get_due_times(
    channel: OfficialAccount, comms_staff: User
) -> None:
    result = items_import(
        actor=comms_staff,
        channel_id=channel.pk,
        rows=[ItemData(text="Lovely campus", external_id="a"), ItemData(text="Buy now! 50% off")],
        source=Item.Source.CSV,
    )
    plain, advert = Item.objects.filter(pk__in=result.created).order_by("pk")
    assert plain.target_category is None and plain.target == UNFLAGGED_TARGET
    assert plain.due_at == datetime(2026, 12, 3, 10, 0, tzinfo=LONDON)
    assert advert.target_category == category("advertising")
    assert advert.due_at == datetime(2026, 12, 3, 10, 0, tzinfo=LONDON)


@time_machine.travel(WEDNESDAY, tick=False)
def test_recategorising_recomputes_priority_and_due_time_from_arrival(
    channel: OfficialAccount, channel_admin: User, other_admin: User
) -> None:
    item, _ = item_create(actor=channel_admin, channel_id=channel.pk, data=ItemData(text="hmm"))
    assert item.due_at == datetime(2026, 12, 3, 10, 0, tzinfo=LONDON)
    with pytest.raises(ModerationError):
        item_categorise(actor=other_admin, item_id=item.pk, category_id=category("threat").pk)
    with time_machine.travel(datetime(2026, 12, 2, 10, 20, tzinfo=LONDON), tick=False):
        item = item_categorise(
            actor=channel_admin, item_id=item.pk, category_id=category("threat").pk
        )
    assert item.target_category == category("threat")
    assert item.due_at == datetime(2026, 12, 2, 11, 0, tzinfo=LONDON)  # from arrival
    assert item.priority == 50 + 5
    event = AuditEvent.objects.for_object(item).get(action="moderation.item.categorised")
    assert event.old["priority"] == 5 and event.new["priority"] == 55
    again = item_categorise(actor=channel_admin, item_id=item.pk, category_id=category("threat").pk)
    assert again.due_at == item.due_at
    assert AuditEvent.objects.filter(action="moderation.item.categorised").count() == 1


def test_categorising_refuses_decided_items_and_inactive_categories(
    channel: OfficialAccount, comms_staff: User
) -> None:
    item, _ = item_create(actor=comms_staff, channel_id=channel.pk, data=ItemData(text="ok"))
    retired = category("off_topic")
    category_save(actor=comms_staff, category_id=retired.pk, values={"active": False})
    with pytest.raises(ModerationError, match="active categories"):
        item_categorise(actor=comms_staff, item_id=item.pk, category_id=retired.pk)
    item_decide(actor=comms_staff, item_id=item.pk, outcome="keep", reason="fine")
    with pytest.raises(DecisionConflictError):
        item_categorise(actor=comms_staff, item_id=item.pk, category_id=category("spam").pk)


def test_comms_change_a_target_audited_and_bad_values_refused(
    comms_staff: User, channel_admin: User
) -> None:
    spam = category("spam")
    saved = category_save(
        actor=comms_staff,
        category_id=spam.pk,
        values={"target_amount": 2, "target_unit": TargetUnit.HOURS},
    )
    assert saved.target.label == "2 hours, round the clock"
    event = AuditEvent.objects.for_object(saved).get(action="moderation.category.updated")
    assert event.old == {"target_amount": 4, "target_unit": "working_hours"}
    assert event.new == {"target_amount": 2, "target_unit": "hours"}
    for values in ({"target_amount": 0}, {"target_amount": "x"}, {"target_unit": "weeks"}):
        with pytest.raises(ModerationError):
            category_save(actor=comms_staff, category_id=spam.pk, values=values)
    with pytest.raises(ModerationError, match="comms"):
        category_save(actor=channel_admin, category_id=spam.pk, values={"target_amount": 9})
    assert category("spam").target_amount == 2
