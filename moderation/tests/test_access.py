"""Every moderation URL for every kind of visitor: the expected status, nothing leaked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from moderation.models import Category, Incident
from moderation.services.incidents import incident_report
from moderation.services.items import ItemData, item_create
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


@pytest.fixture
def world(db: None) -> World:
    channel, other = make_channel(), make_channel()
    comms = make_user(Role.COMMS_STAFF)
    users: dict[str, User | None] = {
        "anonymous": None,
        "alumnus": make_user(Role.ALUMNUS),
        "admin_this": make_account_admin(channel),
        "admin_other": make_account_admin(other),
        "comms": comms,
    }
    item, _ = item_create(actor=comms, channel_id=channel.pk, data=ItemData(text="hello"))
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
            "channel": {"pk": channel.pk},
            "token": {"pk": channel.pk, "token_id": token.pk},
            "incident": {"pk": incident.pk},
            "step": {"pk": incident.pk, "step": "log_out_all"},
            "removal": {"pk": removal.pk},
            "confirm": {"token": confirm_token(removal)},
            "none": {},
            "category": {"pk": Category.objects.get(code="spam").pk},
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
    ("item_release", "item", "post", ITEM_ACTION),
    ("item_decide", "item", "post", (LOGIN, NO, 400, GONE, 400)),  # empty form: redisplayed
    ("item_reopen", "item", "post", (LOGIN, NO, NO, GONE, 302)),
    ("channel_tokens", "channel", "get", ITEM_PAGE),
    ("token_revoke", "token", "post", ITEM_ACTION),
    ("statistics", "none", "get", COMMS_PAGE),
    ("categories", "none", "get", COMMS_PAGE),
    ("category_new", "none", "get", COMMS_PAGE),
    ("category_edit", "category", "get", COMMS_PAGE),
    ("incident_list", "none", "get", STAFF_PAGE),
    ("incident_new", "none", "get", STAFF_PAGE),
    ("incident_detail", "incident", "get", (LOGIN, NO, GONE, GONE, 200)),
    ("incident_transition", "incident", "post", COMMS_ACTION),
    ("incident_step", "step", "post", COMMS_ACTION),
    ("removal_list", "none", "get", COMMS_PAGE),
    ("removal_new", "none", "get", COMMS_PAGE),
    ("removal_detail", "removal", "get", COMMS_PAGE),
    ("removal_withdraw", "removal", "post", COMMS_ACTION),
    ("removal_confirm", "confirm", "get", (200, 200, 200, 200, 200)),
    ("api_items", "channel", "post", (401, 401, 401, 401, 401)),
]


def test_matrix_covers_every_url() -> None:
    from moderation.urls import urlpatterns

    assert {p.name for p in urlpatterns} == {row[0] for row in MATRIX}


@pytest.mark.parametrize(("name", "obj", "method", "expected"), MATRIX, ids=[m[0] for m in MATRIX])
def test_access(world: World, name: str, obj: str, method: str, expected: tuple[int, ...]) -> None:
    url = reverse(f"moderation:{name}", kwargs=world.kwargs[obj])
    got = []
    for role in ROLES:
        client = Client()
        user = world.users[role]
        if user is not None:
            client.force_login(user)
        response = getattr(client, method)(url)
        if role == "anonymous" and response.status_code == 302:
            assert "/accounts/login/" in response["Location"]
        got.append(response.status_code)
    assert tuple(got) == expected, dict(zip(ROLES, got, strict=True))


def test_admin_of_another_channel_sees_none_of_its_items_in_the_queue(world: World) -> None:
    client = Client()
    admin_other, admin_this = world.users["admin_other"], world.users["admin_this"]
    assert admin_other is not None and admin_this is not None
    client.force_login(admin_other)
    response = client.get(reverse("moderation:queue"))
    assert response.context["page"].paginator.count == 0
    client.force_login(admin_this)
    assert client.get(reverse("moderation:queue")).context["page"].paginator.count == 1


def test_forged_confirmation_link_is_404(client: Client, db: None) -> None:
    response = client.get(reverse("moderation:removal_confirm", kwargs={"token": "forged:abc"}))
    assert response.status_code == 404
