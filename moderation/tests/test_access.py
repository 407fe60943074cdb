"""Every moderation URL for every kind of visitor: the expected status, nothing leaked, and for
each POST its effect in the database (a refused POST changes nothing, an allowed one acts).

Each visitor's request runs in a savepoint that is rolled back afterwards, so every role meets
the same starting state: a 302 that was a refusal cannot pass for a success.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from moderation.models import (
    Category,
    ChannelToken,
    Decision,
    Escalation,
    Incident,
    IncidentStep,
    Item,
    RemovalRequest,
)
from moderation.services.decisions import item_decide
from moderation.services.incidents import incident_report
from moderation.services.items import ItemData, item_claim, item_create
from moderation.services.removals import confirm_token, removal_request_create
from moderation.services.tokens import token_create
from portal.models import User
from portal.roles import Role
from portal.tests.factories import make_user

from .factories import make_account_admin, make_channel

ROLES = ("anonymous", "alumnus", "admin_this", "admin_other", "comms")


@dataclass
class World:
    users: dict[str, User | None]
    kwargs: dict[str, dict[str, object]]
    ids: dict[str, int]


@pytest.fixture
def world(db: None) -> World:
    channel, other = make_channel(), make_channel()
    comms = make_user(Role.COMMS_STAFF)
    admin_this = make_account_admin(channel)
    users: dict[str, User | None] = {
        "anonymous": None,
        "alumnus": make_user(Role.ALUMNUS),
        "admin_this": admin_this,
        "admin_other": make_account_admin(other),
        "comms": comms,
    }

    def new_item(text: str) -> Item:
        return item_create(actor=comms, channel_id=channel.pk, data=ItemData(text=text))[0]

    item, claimed, decided = new_item("hello"), new_item("claimed"), new_item("decided")
    item_claim(actor=admin_this, item_id=claimed.pk)
    item_decide(actor=comms, item_id=decided.pk, outcome="keep", reason="fine")
    escalated = new_item("escalated")
    item_decide(actor=comms, item_id=escalated.pk, outcome="escalate_police", reason="threat")
    escalation = Escalation.objects.get(item=escalated)
    token, _plain = token_create(actor=comms, channel_id=channel.pk, name="tool")
    incident = incident_report(
        actor=make_user(Role.STAFF), kind=Incident.Kind.SECURITY_BREACH, title="t", description="d"
    )
    removal = removal_request_create(
        actor=comms,
        owner_name="O",
        owner_email="o@example.com",
        content_description="c",
        reason="r",
        deadline=timezone.now() + timedelta(days=2),
    )
    return World(
        users=users,
        kwargs={
            "item": {"pk": item.pk},
            "claimed": {"pk": claimed.pk},
            "decided": {"pk": decided.pk},
            "channel": {"pk": channel.pk},
            "token": {"pk": channel.pk, "token_id": token.pk},
            "incident": {"pk": incident.pk},
            "step": {"pk": incident.pk, "step": "log_out_all"},
            "removal": {"pk": removal.pk},
            "escalation": {"pk": escalation.pk},
            "confirm": {"token": confirm_token(removal)},
            "none": {},
            "category": {"pk": Category.objects.get(code="spam").pk},
        },
        ids={
            "item": item.pk,
            "claimed": claimed.pk,
            "decided": decided.pk,
            "token": token.pk,
            "incident": incident.pk,
            "removal": removal.pk,
            "escalation": escalation.pk,
        },
    )


LOGIN, NO, GONE = 302, 403, 404
MODERATOR_PAGE = (LOGIN, NO, 200, 200, 200)
ITEM_PAGE = (LOGIN, NO, 200, GONE, 200)
ITEM_ACTION = (LOGIN, NO, 302, GONE, 302)
STAFF_PAGE = (LOGIN, NO, 200, 200, 200)
COMMS_PAGE = (LOGIN, NO, NO, NO, 200)
COMMS_ACTION = (LOGIN, NO, NO, NO, 302)

MATRIX = [
    ("queue", "none", "get", MODERATOR_PAGE),
    ("item_new", "none", "get", MODERATOR_PAGE),
    ("import", "none", "get", MODERATOR_PAGE),
    ("channels", "none", "get", MODERATOR_PAGE),
    ("item_detail", "item", "get", ITEM_PAGE),
    ("item_timeline", "item", "get", ITEM_PAGE),
    ("item_incident", "item", "get", ITEM_PAGE),
    ("item_claim", "item", "post", ITEM_ACTION),
    ("item_release", "claimed", "post", ITEM_ACTION),
    ("item_decide", "item", "post", ITEM_ACTION),
    ("item_reopen", "decided", "post", (LOGIN, NO, NO, GONE, 302)),
    ("item_categorise", "item", "post", ITEM_ACTION),
    ("channel_search", "none", "get", MODERATOR_PAGE),
    ("channel_tokens", "channel", "get", ITEM_PAGE),
    ("token_revoke", "token", "post", ITEM_ACTION),
    ("statistics", "none", "get", COMMS_PAGE),
    ("statistics_csv", "none", "get", COMMS_PAGE),
    ("categories", "none", "get", COMMS_PAGE),
    ("category_new", "none", "get", COMMS_PAGE),
    ("category_edit", "category", "get", COMMS_PAGE),
    ("incident_list", "none", "get", STAFF_PAGE),
    ("incident_new", "none", "get", STAFF_PAGE),
    ("incident_detail", "incident", "get", (LOGIN, NO, GONE, GONE, 200)),
    ("incident_transition", "incident", "post", COMMS_ACTION),
    ("incident_step", "step", "post", COMMS_ACTION),
    ("incident_assign", "incident", "post", COMMS_ACTION),
    ("escalation_reply", "escalation", "post", (LOGIN, GONE, 302, GONE, 302)),
    ("removal_list", "none", "get", COMMS_PAGE),
    ("removal_new", "none", "get", COMMS_PAGE),
    ("removal_detail", "removal", "get", COMMS_PAGE),
    ("removal_withdraw", "removal", "post", COMMS_ACTION),
    ("removal_confirm", "confirm", "get", (200, 200, 200, 200, 200)),
    ("api_items", "channel", "post", (401, 401, 401, 401, 401)),
]

# What each POST sends (a valid request, so that only the visitor decides the outcome) and the
# state it acts on; the roles whose POST must change that state.
Snapshot = Callable[[World], object]
ACTS = frozenset({"admin_this", "comms"})
POSTS: dict[str, tuple[dict[str, str], Snapshot, frozenset[str]]] = {
    "item_claim": (
        {},
        lambda w: Item.objects.values_list("state", "claimed_by").get(pk=w.ids["item"]),
        ACTS,
    ),
    "item_release": (
        {},
        lambda w: Item.objects.values_list("state", "claimed_by").get(pk=w.ids["claimed"]),
        ACTS,
    ),
    "item_decide": (
        {"outcome": "keep", "reason": "Fair comment"},
        lambda w: list(Decision.objects.filter(item_id=w.ids["item"]).values_list("pk")),
        ACTS,
    ),
    "item_reopen": (
        {"reason": "Look again"},
        lambda w: Item.objects.values_list("state", flat=True).get(pk=w.ids["decided"]),
        frozenset({"comms"}),
    ),
    "item_categorise": (
        {"target-category": "category:threat"},
        lambda w: Item.objects.values_list("target_category", "due_at").get(pk=w.ids["item"]),
        ACTS,
    ),
    "token_revoke": (
        {},
        lambda w: ChannelToken.objects.values_list("revoked_at", flat=True).get(pk=w.ids["token"]),
        ACTS,
    ),
    "incident_transition": (
        {"to_state": "triaged", "note": ""},
        lambda w: Incident.objects.values_list("state", flat=True).get(pk=w.ids["incident"]),
        frozenset({"comms"}),
    ),
    "incident_assign": (
        {"owner": "", "severity": "critical"},
        lambda w: Incident.objects.values_list("severity", flat=True).get(pk=w.ids["incident"]),
        frozenset({"comms"}),
    ),
    "escalation_reply": (
        {
            "reply_from": "PC Smith",
            "replied_at": "now",  # filled in when the request is made
            "reply_outcome": "Logged",
        },
        lambda w: Escalation.objects.values_list("recorded_at", flat=True).get(
            pk=w.ids["escalation"]
        ),
        ACTS,
    ),
    "incident_step": (
        {"note": "done"},
        lambda w: IncidentStep.objects.filter(incident_id=w.ids["incident"]).count(),
        frozenset({"comms"}),
    ),
    "removal_withdraw": (
        {"reason": "Resolved another way"},
        lambda w: RemovalRequest.objects.values_list("state", flat=True).get(pk=w.ids["removal"]),
        frozenset({"comms"}),
    ),
    "api_items": ({}, lambda w: Item.objects.count(), frozenset()),
}


def test_matrix_covers_every_url() -> None:
    from moderation.urls import urlpatterns

    assert {p.name for p in urlpatterns} == {row[0] for row in MATRIX}
    assert set(POSTS) == {row[0] for row in MATRIX if row[2] == "post"}


@pytest.mark.parametrize(("name", "obj", "method", "expected"), MATRIX, ids=[m[0] for m in MATRIX])
def test_access(world: World, name: str, obj: str, method: str, expected: tuple[int, ...]) -> None:
    url = reverse(f"moderation:{name}", kwargs=world.kwargs[obj])
    data, snapshot, acting = POSTS.get(name, ({}, lambda w: None, frozenset()))
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    data = {key: now if value == "now" else value for key, value in data.items()}
    for key, value in data.items():
        if value.startswith("category:"):  # a category by its code
            data[key] = str(Category.objects.get(code=value.removeprefix("category:")).pk)
    got, changed = [], set()
    for role in ROLES:
        client = Client()
        user = world.users[role]
        if user is not None:
            client.force_login(user)
        with transaction.atomic():
            before = snapshot(world)
            response = getattr(client, method)(url, data)
            if snapshot(world) != before:
                changed.add(role)
            transaction.set_rollback(True)  # the next visitor meets the same state
        if role == "anonymous" and response.status_code == 302:
            assert "/accounts/login/" in response["Location"]
        got.append(response.status_code)
    assert tuple(got) == expected, dict(zip(ROLES, got, strict=True))
    assert changed == acting, f"{name}: changed by {sorted(changed)}, expected {sorted(acting)}"


def test_admin_of_another_channel_sees_none_of_its_items_in_the_queue(world: World) -> None:
    client = Client()
    admin_other, admin_this = world.users["admin_other"], world.users["admin_this"]
    assert admin_other is not None and admin_this is not None
    client.force_login(admin_other)
    response = client.get(reverse("moderation:queue"))
    assert response.context["page"].paginator.count == 0
    client.force_login(admin_this)
    assert client.get(reverse("moderation:queue")).context["page"].paginator.count == 2  # open ones


def test_forged_confirmation_link_is_404(client: Client, db: None) -> None:
    response = client.get(reverse("moderation:removal_confirm", kwargs={"token": "forged:abc"}))
    assert response.status_code == 404
