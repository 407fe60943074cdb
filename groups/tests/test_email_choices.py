"""An alumnus's "my email choices" page: every group they belong to, whether they receive its
emails, one click to change it (through the consent services) and the history of their choices."""

from __future__ import annotations

import pytest
from django.test import Client

from groups.models import AlumniGroup, ConsentEvent, Membership
from groups.services.groups import membership_join
from groups.tests.factories import make_group
from portal.models import User

pytestmark = pytest.mark.django_db
URL = "/groups/mine/emails/"


@pytest.fixture
def memberships(alumnus: User, group: AlumniGroup, other_group: AlumniGroup) -> list[Membership]:
    return [
        membership_join(actor=alumnus, group_id=group.pk, consent=True),
        membership_join(actor=alumnus, group_id=other_group.pk, consent=False),
    ]


def test_lists_every_group_with_its_consent_state(
    client: Client, alumnus: User, memberships: list[Membership]
) -> None:
    make_group(name="A group they did not join", slug="elsewhere")
    client.force_login(alumnus)
    html = client.get(URL).content.decode()
    kenya, new_york = html.index("Alumni Group of Kenya"), html.index("New York Alumni")
    assert "You receive its emails" in html[kenya:new_york]
    assert "You do not receive its emails" in html[new_york:]
    assert "A group they did not join" not in html


def test_one_click_changes_the_choice_and_records_it(
    client: Client, alumnus: User, memberships: list[Membership]
) -> None:
    kenya, new_york = memberships
    client.force_login(alumnus)
    response = client.post(
        f"/groups/memberships/{kenya.pk}/consent/", {"consent": "withdraw", "next": "emails"}
    )
    assert response["Location"] == URL
    response = client.post(
        f"/groups/memberships/{new_york.pk}/consent/", {"consent": "give", "next": "emails"}
    )
    assert response["Location"] == URL
    kenya.refresh_from_db()
    new_york.refresh_from_db()
    assert (kenya.email_consent, new_york.email_consent) == (False, True)
    assert list(kenya.consent_events.values_list("given", flat=True)) == [False, True]
    html = client.get(URL).content.decode()
    assert "History of your choices" in html
    assert html.count("Alumni Group of Kenya: stopped emails") == 1
    assert html.count("New York Alumni: agreed to receive emails") == 1


def test_a_membership_of_someone_else_cannot_be_changed(
    client: Client, alumnus: User, memberships: list[Membership], student: User
) -> None:
    client.force_login(student)
    response = client.post(
        f"/groups/memberships/{memberships[0].pk}/consent/", {"consent": "withdraw"}
    )
    assert response.status_code == 404
    assert Membership.objects.get(pk=memberships[0].pk).email_consent is True
    assert ConsentEvent.objects.filter(membership=memberships[0], given=False).count() == 0


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_reachable_from_my_groups(
    client: Client, alumnus: User, memberships: list[Membership]
) -> None:
    client.force_login(alumnus)
    assert f'href="{URL}"' in client.get("/groups/mine/").content.decode()


def test_page_reads_in_few_queries(
    client: Client, alumnus: User, memberships: list[Membership], django_assert_max_num_queries
) -> None:
    for index in range(5):
        extra = make_group(name=f"Extra {index}", slug=f"extra-{index}")
        membership_join(actor=alumnus, group_id=extra.pk, consent=index % 2 == 0)
    client.force_login(alumnus)
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200
