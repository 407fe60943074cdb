"""Committees keep their public page accurate: they propose its description, place and links,
the Alumni Engagement team accepts or returns each proposal (audited), and the public page
shows the accepted version. Also: unconfirmed outside presences are never listed publicly, and
next year's plan is reachable from the committee area."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from groups.errors import GroupsError
from groups.models import AlumniGroup, OutsidePresence, PageChange
from groups.services.pages import page_change_accept, page_change_propose, page_change_return
from groups.services.presences import presence_confirm_disclaimer, presence_register
from groups.tests.factories import make_committee, make_group
from portal.models import AuditEvent, User
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db

PROPOSAL = {
    "description": "Monthly meet-ups in Westlands.",
    "place": "Nairobi",
    "country": "Kenya",
    "links": "https://kenya-alumni.example.org",
}


def propose(actor: User, group: AlumniGroup, **overrides: str) -> PageChange:
    return page_change_propose(actor=actor, group_id=group.pk, **{**PROPOSAL, **overrides})


def actions(change: PageChange) -> list[str]:
    return list(AuditEvent.objects.for_object(change).values_list("action", flat=True))


# --- Services ---------------------------------------------------------------------------------


def test_accepted_proposal_is_the_public_page(
    client: Client, group: AlumniGroup, committee: User, engagement_staff: User
) -> None:
    change = propose(committee, group, description="Our new description.")
    assert client.get("/groups/g/kenya/").content.decode().count("Our new description.") == 0
    page_change_accept(actor=engagement_staff, page_change_id=change.pk)
    group.refresh_from_db()
    assert (group.description, group.place) == ("Our new description.", "Nairobi")
    html = client.get("/groups/g/kenya/").content.decode()
    assert "Our new description." in html
    assert 'href="https://kenya-alumni.example.org"' in html
    change.refresh_from_db()
    assert (change.status, change.decided_by) == (PageChange.Status.ACCEPTED, engagement_staff)
    event = AuditEvent.objects.for_object(change).get(action="groups.page.accepted")
    assert event.actor == engagement_staff
    assert event.old["description"] == "A friendly group."
    assert event.new["description"] == "Our new description."


def test_returned_proposal_leaves_the_page_and_tells_the_committee_why(
    client: Client, group: AlumniGroup, committee: User, engagement_staff: User
) -> None:
    change = propose(committee, group, description="Unverified claims.")
    page_change_return(actor=engagement_staff, page_change_id=change.pk, reason="Please cite it.")
    group.refresh_from_db()
    assert group.description == "A friendly group."
    assert actions(change)[0] == "groups.page.returned"
    client.force_login(committee)
    html = client.get("/groups/g/kenya/page/").content.decode()
    assert "Returned to the committee" in html
    assert "Please cite it." in html


def test_a_return_needs_a_reason(
    group: AlumniGroup, committee: User, engagement_staff: User
) -> None:
    change = propose(committee, group)
    with pytest.raises(GroupsError) as refused:
        page_change_return(actor=engagement_staff, page_change_id=change.pk, reason="  ")
    assert refused.value.field == "reason"


@pytest.mark.parametrize("first", ["accept", "return"])
@pytest.mark.parametrize("second", ["accept", "return"])
def test_a_decided_proposal_cannot_be_decided_again(
    group: AlumniGroup, committee: User, engagement_staff: User, first: str, second: str
) -> None:
    change = propose(committee, group)
    decide = {"accept": page_change_accept, "return": page_change_return}
    decide[first](actor=engagement_staff, page_change_id=change.pk, reason="Noted.")
    with pytest.raises(GroupsError, match="no longer waiting"):
        decide[second](actor=engagement_staff, page_change_id=change.pk, reason="Again.")
    assert len(actions(change)) == 2  # proposed, then the first decision only


def test_a_newer_proposal_replaces_the_waiting_one(
    group: AlumniGroup, committee: User, engagement_staff: User
) -> None:
    first = propose(committee, group, description="First")
    second = propose(committee, group, description="Second")
    first.refresh_from_db()
    assert first.status == PageChange.Status.REPLACED
    assert "groups.page.replaced" in actions(first)
    with pytest.raises(GroupsError):
        page_change_accept(actor=engagement_staff, page_change_id=first.pk)
    page_change_accept(actor=engagement_staff, page_change_id=second.pk)
    group.refresh_from_db()
    assert group.description == "Second"


def test_only_this_groups_committee_proposes_and_only_staff_decide(
    group: AlumniGroup, committee: User, other_committee: User, engagement_staff: User
) -> None:
    for stranger in (other_committee, engagement_staff, make_user(Role.ALUMNUS)):
        with pytest.raises(GroupsError):
            propose(stranger, group)
    change = propose(committee, group)
    for not_staff in (committee, other_committee):
        with pytest.raises(GroupsError):
            page_change_accept(actor=not_staff, page_change_id=change.pk)
        with pytest.raises(GroupsError):
            page_change_return(actor=not_staff, page_change_id=change.pk, reason="No")
    change.refresh_from_db()
    assert change.status == PageChange.Status.PROPOSED


def test_links_must_be_web_addresses(client: Client, group: AlumniGroup, committee: User) -> None:
    client.force_login(committee)
    data = {**PROPOSAL, "links": "https://ok.example.org\njavascript:alert(1)"}
    response = client.post("/groups/g/kenya/page/", data)
    assert response.status_code == 200
    assert "is not a web address" in response.content.decode()
    assert not PageChange.objects.exists()


# --- Access: every role on every page-change URL, and what each POST changes ------------------

ROLES = ("anonymous", "alumnus", "committee", "other_committee", "staff")
LOGIN = "login"


@pytest.fixture
def people(group: AlumniGroup, committee: User, engagement_staff: User) -> dict[str, User | None]:
    return {
        "anonymous": None,
        "alumnus": make_user(Role.ALUMNUS),
        "committee": committee,
        "other_committee": make_committee(make_group(name="New York Alumni", slug="new-york")),
        "staff": engagement_staff,
    }


def _status(client: Client, method: str, url: str, data: dict[str, str]) -> int | str:
    response = client.post(url, data) if method == "post" else client.get(url)
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return LOGIN
    return response.status_code


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_access_matrix(group: AlumniGroup, people: dict[str, User | None]) -> None:
    committee = people["committee"]
    assert committee is not None
    change = propose(committee, group)
    cases: dict[str, tuple[str, str, dict[str, int | str]]] = {
        "committee page": (
            "get",
            "/groups/g/kenya/page/",
            {"alumnus": 404, "committee": 200, "other_committee": 404, "staff": 404},
        ),
        "staff list": (
            "get",
            "/groups/staff/pages/",
            {"alumnus": 403, "committee": 403, "other_committee": 403, "staff": 200},
        ),
    }
    for name, (method, url, expected) in cases.items():
        got = {role: _status(_client(people[role]), method, url, {}) for role in ROLES}
        assert got == {"anonymous": LOGIN, **expected}, name
    html = _client(people["staff"]).get("/groups/staff/pages/").content.decode()
    assert "Monthly meet-ups in Westlands." in html
    assert change.group.name in html


def _effects(
    people: dict[str, User | None],
    url: str,
    data: dict[str, str],
    state: Callable[[], object],
) -> tuple[dict[str, int | str], set[str]]:
    got: dict[str, int | str] = {}
    changed: set[str] = set()
    for role in ROLES:
        before = state()
        got[role] = _status(_client(people[role]), "post", url, data)
        if state() != before:
            changed.add(role)
    return got, changed


def test_only_the_committee_of_this_group_can_propose(
    group: AlumniGroup, people: dict[str, User | None]
) -> None:
    got, changed = _effects(
        people,
        "/groups/g/kenya/page/",
        PROPOSAL,
        lambda: PageChange.objects.filter(group=group).count(),
    )
    assert got == {
        "anonymous": LOGIN,
        "alumnus": 404,
        "committee": 302,
        "other_committee": 404,
        "staff": 404,
    }
    assert changed == {"committee"}


@pytest.mark.parametrize("decision", ["accept", "return"])
def test_only_staff_can_decide(
    group: AlumniGroup, people: dict[str, User | None], decision: str
) -> None:
    committee = people["committee"]
    assert committee is not None
    change = propose(committee, group, description="Proposed words.")
    got, changed = _effects(
        people,
        f"/groups/staff/pages/{change.pk}/",
        {"decision": decision, "reason": "Checked."},
        lambda: (
            PageChange.objects.get(pk=change.pk).status,
            AlumniGroup.objects.get(pk=group.pk).description,
        ),
    )
    assert got == {
        "anonymous": LOGIN,
        "alumnus": 403,
        "committee": 403,
        "other_committee": 403,
        "staff": 302,
    }
    assert changed == {"staff"}
    group.refresh_from_db()
    assert (group.description == "Proposed words.") == (decision == "accept")


def test_the_committee_area_links_to_the_page_and_to_next_years_plan(
    client: Client, group: AlumniGroup, committee: User
) -> None:
    from groups.selectors import plan_year

    client.force_login(committee)
    html = client.get("/groups/g/kenya/committee/").content.decode()
    assert 'href="/groups/g/kenya/page/"' in html
    next_year = plan_year() + 1
    assert f'href="/groups/g/kenya/plans/{next_year}/"' in html
    assert client.get(f"/groups/g/kenya/plans/{next_year}/").status_code == 200


# --- Outside presences on public pages ---------------------------------------------------------


def test_an_unconfirmed_presence_is_not_listed_publicly(
    client: Client, group: AlumniGroup, committee: User
) -> None:
    presence = presence_register(
        actor=committee,
        group_id=group.pk,
        kind=OutsidePresence.Kind.WEBSITE,
        platform=OutsidePresence.Platform.WEBSITE,
        name="Kenya alumni website",
        url="https://kenya.example.org",
    )
    assert "Kenya alumni website" not in client.get("/groups/g/kenya/").content.decode()
    presence_confirm_disclaimer(actor=committee, presence_id=presence.pk)
    assert "Kenya alumni website" in client.get("/groups/g/kenya/").content.decode()
