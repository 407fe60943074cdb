"""Item, import and decision services: happy paths, wrong states, wrong actors, audit, mail."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db.models import Model

from accounts_registry.models import OfficialAccount
from moderation.errors import DecisionConflictError, ModerationError
from moderation.models import Category, Decision, Item
from moderation.services.decisions import decision_reopen, escalation_address, item_decide
from moderation.services.items import ItemData, item_claim, item_create, item_release, items_import
from portal.models import AuditEvent, OutboundEmail, User
from portal.roles import Role
from portal.tests.factories import make_user

from .factories import make_channel_admin


@pytest.fixture
def item(channel: OfficialAccount, comms_staff: User) -> Item:
    return item_create(
        actor=comms_staff, channel_id=channel.pk, data=ItemData(text="You are so stupid")
    )[0]


def actions(obj: Model) -> list[str]:
    return list(
        AuditEvent.objects.for_object(obj).order_by("at", "id").values_list("action", flat=True)
    )


def category(code: str) -> Category:
    return Category.objects.get(code=code)


def test_manual_item_gets_suggestions_priority_and_audit(item: Item) -> None:
    assert item.state == Item.State.NEW
    assert [s.category.code for s in item.suggestions.all()] == ["profanity"]
    assert item.priority == 30 + 5  # severity 3, 5,000 followers
    assert actions(item) == ["moderation.item.created"]


def test_moderator_categories_add_to_suggestions(
    channel: OfficialAccount, comms_staff: User
) -> None:
    item, _ = item_create(
        actor=comms_staff,
        channel_id=channel.pk,
        data=ItemData(text="Nice weather"),
        category_ids=[c.pk for c in [category("grievance")]],
    )
    assert [(s.category.code, s.rule_code) for s in item.suggestions.all()] == [("grievance", "")]
    assert item.priority == 30 + 5


def test_admin_of_another_channel_cannot_enter_items(
    channel: OfficialAccount, other_admin: User
) -> None:
    with pytest.raises(ModerationError):
        item_create(actor=other_admin, channel_id=channel.pk, data=ItemData(text="hello"))


def test_same_external_post_entered_twice_is_one_item(
    channel: OfficialAccount, channel_admin: User
) -> None:
    first, created = item_create(
        actor=channel_admin, channel_id=channel.pk, data=ItemData(text="a", external_id="p1")
    )
    again, created_again = item_create(
        actor=channel_admin, channel_id=channel.pk, data=ItemData(text="a", external_id="p1")
    )
    assert created and not created_again and first.pk == again.pk


def test_double_import_counts_already_present(
    channel: OfficialAccount, channel_admin: User, other_channel: OfficialAccount
) -> None:
    rows = [ItemData(text=f"post {n}", external_id=f"e{n}") for n in range(5)] + [
        ItemData(text="no id")
    ]
    first = items_import(
        actor=channel_admin, channel_id=channel.pk, rows=rows, source=Item.Source.CSV
    )
    assert first.summary == "6 new, 0 already present"
    second = items_import(
        actor=channel_admin,
        channel_id=channel.pk,
        rows=[
            *rows[:5],
            ItemData(text="post 9", external_id="e9"),
            ItemData(text="dup", external_id="e9"),
        ],
        source=Item.Source.CSV,
    )
    assert second.summary == "1 new, 5 already present"
    assert Item.objects.filter(channel=channel).count() == 7
    assert AuditEvent.objects.filter(action="moderation.items.imported").count() == 2
    # The same external id on another channel is another post.
    other = items_import(
        actor=None, channel_id=other_channel.pk, rows=rows[:1], source=Item.Source.API
    )
    assert other.summary == "1 new, 0 already present"


def test_claim_and_release(item: Item, channel_admin: User) -> None:
    item_claim(actor=channel_admin, item_id=item.pk)
    item.refresh_from_db()
    assert (item.state, item.claimed_by) == (Item.State.CLAIMED, channel_admin)
    assert item_claim(actor=channel_admin, item_id=item.pk).state == Item.State.CLAIMED  # no-op
    item_release(actor=channel_admin, item_id=item.pk)
    item.refresh_from_db()
    assert (item.state, item.claimed_by) == (Item.State.NEW, None)
    assert actions(item)[-2:] == ["moderation.item.claimed", "moderation.item.released"]
    with pytest.raises(ModerationError, match="not claimed"):
        item_release(actor=channel_admin, item_id=item.pk)


def test_claimed_item_is_refused_to_others_until_released(
    item: Item, channel_admin: User, comms_staff: User
) -> None:
    item_claim(actor=channel_admin, item_id=item.pk)
    other = make_user(Role.COMMS_STAFF)
    with pytest.raises(DecisionConflictError, match="already working"):
        item_claim(actor=other, item_id=item.pk)
    with pytest.raises(DecisionConflictError, match="claimed this item"):
        item_decide(actor=other, item_id=item.pk, outcome="keep", reason="fine")
    second_admin = make_user(Role.STAFF)
    make_channel_admin(second_admin, item.channel)
    with pytest.raises(ModerationError, match="Only"):
        item_release(actor=second_admin, item_id=item.pk)
    item_release(actor=comms_staff, item_id=item.pk)  # comms may release anyone's claim


def test_other_channel_admin_cannot_claim_or_decide(item: Item, other_admin: User) -> None:
    with pytest.raises(ModerationError):
        item_claim(actor=other_admin, item_id=item.pk)
    with pytest.raises(ModerationError):
        item_decide(actor=other_admin, item_id=item.pk, outcome="keep", reason="fine")


def test_keep_needs_a_rationale(item: Item, channel_admin: User) -> None:
    with pytest.raises(ModerationError, match="rationale"):
        item_decide(actor=channel_admin, item_id=item.pk, outcome="keep", reason="  ")
    decision = item_decide(
        actor=channel_admin,
        item_id=item.pk,
        outcome="keep",
        reason="Accurate but negative (001 §6.1.1).",
    )
    item.refresh_from_db()
    assert item.state == Item.State.DECIDED and decision.active
    assert actions(item)[-1] == "moderation.item.decided"
    assert OutboundEmail.objects.count() == 0


@pytest.mark.parametrize("outcome", [Decision.Outcome.REMOVE, Decision.Outcome.BLOCK])
def test_remove_and_block_need_a_category(item: Item, channel_admin: User, outcome: str) -> None:
    with pytest.raises(ModerationError, match="category"):
        item_decide(actor=channel_admin, item_id=item.pk, outcome=outcome, reason="rude")
    decision = item_decide(
        actor=channel_admin,
        item_id=item.pk,
        outcome=outcome,
        reason="rude",
        category_id=category("profanity").pk,
    )
    assert decision.outcome == outcome
    assert decision.category is not None and decision.category.code == "profanity"


@pytest.mark.parametrize(
    ("outcome", "target"),
    [
        (Decision.Outcome.ESCALATE_STUDENT_SERVICES, "student_services"),
        (Decision.Outcome.ESCALATE_POLICE, "police"),
        (Decision.Outcome.ESCALATE_SENIOR_MANAGEMENT, "senior_management"),
    ],
)
def test_escalations_email_the_right_people(
    item: Item, comms_staff: User, outcome: str, target: str, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        decision = item_decide(
            actor=comms_staff, item_id=item.pk, outcome=outcome, reason="Needs care"
        )
    assert decision.escalated_to == target
    assert [m.to for m in mail.outbox] == [[escalation_address(target)]]
    assert "You are so stupid" in mail.outbox[0].body


def test_escalation_addresses_come_from_settings(settings) -> None:
    settings.MODERATION_ESCALATION_EMAILS = {"police": "police.liaison@example.ac.uk"}
    assert escalation_address("police") == "police.liaison@example.ac.uk"
    assert escalation_address("student_services") == "student.services@example.ac.uk"


def test_message_to_reporter(
    channel: OfficialAccount, channel_admin: User, comms_staff: User
) -> None:
    item, _ = item_create(
        actor=channel_admin,
        channel_id=channel.pk,
        data=ItemData(text="rubbish", reporter_email="member.of.public@example.com"),
    )
    item_decide(
        actor=comms_staff,
        item_id=item.pk,
        outcome="keep",
        reason="Fair comment",
        message_to_reporter="We looked at it and it stays.",
    )
    email = OutboundEmail.objects.get(category="moderation.decision.reporter")
    assert email.to == "member.of.public@example.com"
    assert "it stays" in email.body_text


def test_message_goes_to_the_person_who_entered_it_without_reporter(
    item: Item, channel_admin: User, comms_staff: User
) -> None:
    item_decide(
        actor=channel_admin,
        item_id=item.pk,
        outcome="keep",
        reason="ok",
        message_to_reporter="Thanks",
    )
    assert (
        OutboundEmail.objects.get(category="moderation.decision.reporter").to == comms_staff.email
    )


def test_second_decision_is_refused_with_a_clear_message(
    item: Item, channel_admin: User, comms_staff: User
) -> None:
    item_decide(actor=channel_admin, item_id=item.pk, outcome="keep", reason="ok")
    with pytest.raises(DecisionConflictError, match="got there first"):
        item_decide(
            actor=comms_staff,
            item_id=item.pk,
            outcome="remove",
            reason="x",
            category_id=category("profanity").pk,
        )
    assert Decision.objects.filter(item=item).count() == 1


def test_unknown_outcome_is_refused(item: Item, comms_staff: User) -> None:
    with pytest.raises(ModerationError):
        item_decide(actor=comms_staff, item_id=item.pk, outcome="delete_everything", reason="x")


def test_reopen_keeps_history_and_allows_a_new_decision(
    item: Item, channel_admin: User, comms_staff: User
) -> None:
    first = item_decide(actor=channel_admin, item_id=item.pk, outcome="keep", reason="ok")
    with pytest.raises(ModerationError, match="comms"):
        decision_reopen(actor=channel_admin, item_id=item.pk, reason="no")
    with pytest.raises(ModerationError, match="why"):
        decision_reopen(actor=comms_staff, item_id=item.pk, reason=" ")
    decision_reopen(actor=comms_staff, item_id=item.pk, reason="It is an insult (001 §6.1.4)")
    item.refresh_from_db()
    first.refresh_from_db()
    assert item.state == Item.State.REOPENED
    assert not first.active and first.reopened_by == comms_staff
    with pytest.raises(ModerationError, match="decided item"):
        decision_reopen(actor=comms_staff, item_id=item.pk, reason="again")
    # claimed and released again it goes back to "reopened", not "new"
    item_claim(actor=channel_admin, item_id=item.pk)
    assert item_release(actor=channel_admin, item_id=item.pk).state == Item.State.REOPENED
    second = item_decide(
        actor=comms_staff,
        item_id=item.pk,
        outcome="remove",
        reason="insult",
        category_id=category("profanity").pk,
    )
    assert list(item.decisions.order_by("id")) == [first, second]
    assert "moderation.item.reopened" in actions(item)


def test_one_active_decision_is_refused_by_the_service_when_the_index_holds(
    item: Item, comms_staff: User
) -> None:
    """An active decision the item's state does not show (written around the services): the
    state re-check passes, the partial unique index refuses, and the service says so."""
    Decision.objects.create(item=item, outcome="keep", reason="a", decided_by=comms_staff)
    with pytest.raises(DecisionConflictError, match="Someone else decided this item at the same"):
        item_decide(actor=comms_staff, item_id=item.pk, outcome="keep", reason="b")
    item.refresh_from_db()
    assert item.state == Item.State.NEW  # nothing of the refused decision was kept
    assert Decision.objects.filter(item=item).count() == 1


def test_database_allows_one_active_decision_per_item(
    postgres_only: None, item: Item, comms_staff: User
) -> None:
    """With the service bypassed, the constraint itself refuses a second active decision."""
    from django.db import IntegrityError, transaction

    Decision.objects.create(item=item, outcome="keep", reason="a", decided_by=comms_staff)
    with (
        pytest.raises(IntegrityError, match="moderation_one_active_decision"),
        transaction.atomic(),
    ):
        Decision.objects.create(item=item, outcome="keep", reason="b", decided_by=comms_staff)
    Decision.objects.filter(item=item).update(active=False)
    Decision.objects.create(item=item, outcome="keep", reason="c", decided_by=comms_staff)


def test_database_refuses_duplicate_external_ids(
    postgres_only: None, channel: OfficialAccount
) -> None:
    from django.db import IntegrityError, transaction

    Item.objects.create(channel=channel, text="a", external_id="same")
    Item.objects.create(channel=channel, text="b")
    Item.objects.create(channel=channel, text="c")  # blank ids do not collide
    with pytest.raises(IntegrityError, match="moderation_item_external_once"), transaction.atomic():
        Item.objects.create(channel=channel, text="d", external_id="same")
