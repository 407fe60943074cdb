"""The request form: every rule and every missing field in one pass with an error summary, the
administrators picker's search and its no-script text area, the units offered, live addresses."""

import json

import pytest
from django.test import override_settings
from django.urls import reverse

from accounts_registry.models import AccountRequest, DiscoveredAccount, OfficialAccount
from accounts_registry.services.discovered import discovered_import, discovered_rows_parse
from accounts_registry.services.requests import request_activate
from accounts_registry.tests.factories import approved, make_approver, submitted
from portal.roles import Role
from portal.tests.factories import make_unit, make_user

pytestmark = pytest.mark.django_db
NEW = "accounts_registry:request_create"
SEARCH = "accounts_registry:people_search"


def form_data(cast, **overrides):
    data = {
        "unit": cast.unit.pk,
        "platform": "instagram",
        "proposed_name": "University Form Test",
        "proposed_handle": "UniFormTest",
        "purpose": "p",
        "audience": "a",
        "objectives": "o",
        "evaluation_plan": "e",
        "signoff_process": "s",
        "contact_email": "form-social@example.ac.uk",
        "administrators": f"{cast.admin1.email}\n{cast.admin2.email}",
    }
    data.update(overrides)
    return data


@pytest.fixture
def requester_client(client, cast):
    client.force_login(cast.requester)
    return client


def test_missing_fields_and_broken_rules_are_shown_together(requester_client, cast):
    data = form_data(
        cast,
        purpose="",
        audience="",
        proposed_handle="socsci",  # no "Uni" prefix
        contact_email=cast.admin1.email,  # a person's mailbox
        administrators=cast.admin1.email,  # only one
    )
    response = requester_client.post(reverse(NEW), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {
        "purpose",
        "audience",
        "proposed_handle",
        "contact_email",
        "administrators",
    }
    html = response.content.decode()
    summary = html[
        html.index("data-error-summary") : html.index("</ul>", html.index("data-error-summary"))
    ]
    for field in errors:
        assert f'href="#id_{field}"' in summary
    assert 'role="alert"' in html and "error-summary.js" in html
    assert not AccountRequest.objects.exists()


def test_a_valid_form_submits_with_addresses_in_any_case_and_either_shape(requester_client, cast):
    typed = form_data(cast, administrators=f" {cast.admin1.email.upper()} ,\n{cast.admin2.email}\n")
    response = requester_client.post(reverse(NEW), typed)
    assert response.status_code == 302
    request = AccountRequest.objects.get()
    assert {named.user for named in request.administrators.all()} == {cast.admin1, cast.admin2}
    chips = form_data(
        cast,
        proposed_handle="UniFormTwo",
        administrators=[cast.admin1.email, cast.admin2.email],  # one hidden input per chip
    )
    assert requester_client.post(reverse(NEW), chips).status_code == 302
    assert AccountRequest.objects.count() == 2


def test_unknown_and_malformed_addresses_are_named(requester_client, cast):
    alumnus = make_user(Role.ALUMNUS)
    response = requester_client.post(
        reverse(NEW),
        form_data(
            cast, administrators=f"{cast.admin1.email}\nghost@example.ac.uk\n{alumnus.email}"
        ),
    )
    message = " ".join(response.context["form"].errors["administrators"])
    assert "No current member of staff has the address" in message
    assert "“ghost@example.ac.uk”" in message and f"“{alumnus.email}”" in message
    response = requester_client.post(
        reverse(NEW), form_data(cast, administrators=f"{cast.admin1.email}\nnot-an-address")
    )
    assert (
        "Not an email address: “not-an-address”."
        in response.context["form"].errors["administrators"]
    )


def test_the_same_person_twice_is_refused_by_the_rule(requester_client, cast):
    response = requester_client.post(
        reverse(NEW), form_data(cast, administrators=f"{cast.admin1.email}\n{cast.admin1.email}")
    )
    assert "named twice" in " ".join(response.context["form"].errors["administrators"])


def test_the_picker_is_a_text_area_bound_to_the_search(requester_client, cast):
    html = requester_client.get(reverse(NEW)).content.decode()
    assert 'id="id_administrators"' in html and "<textarea" in html
    assert f'data-search-url="{reverse(SEARCH)}"' in html
    assert "people-picker.js" in html and '<select name="administrators"' not in html
    response = requester_client.post(
        reverse(NEW), form_data(cast, purpose="", administrators=cast.admin1.email)
    )
    field = response.context["form"]["administrators"]
    chosen = json.loads(
        field.field.widget.get_context("administrators", field.value(), {})["widget"]["attrs"][
            "data-chosen"
        ]
    )
    assert chosen == [{"email": cast.admin1.email, "name": cast.admin1.display_name}]


def test_the_requesters_units_come_first(requester_client, cast):
    other = make_unit(name="Zoology", slug="zoology")
    submitted(cast, unit_id=other.pk)  # a unit the requester has asked for before
    html = requester_client.get(reverse(NEW)).content.decode()
    assert '<optgroup label="Your units">' in html
    own = html[html.index('<optgroup label="Your units">') : html.index("</optgroup>")]
    assert "Zoology" in own and cast.unit.name not in own
    stranger = make_user(Role.STAFF)
    requester_client.force_login(stranger)
    assert "Your units" not in requester_client.get(reverse(NEW)).content.decode()
    approver_of = make_approver(other)
    requester_client.force_login(approver_of)
    assert '<optgroup label="Your units">' in requester_client.get(reverse(NEW)).content.decode()


# --- The staff search --------------------------------------------------------------------------


def test_search_finds_staff_by_name_or_address_at_most_twenty(client, cast):
    client.force_login(cast.requester)
    for n in range(25):
        make_user(Role.STAFF, first_name="Pat", last_name=f"Searchable{n:02d}")
    make_user(Role.ALUMNUS, first_name="Pat", last_name="Searchable-alumnus")
    make_user(Role.STAFF, first_name="Pat", last_name="Searchable-gone", is_active=False)
    body = client.get(reverse(SEARCH), {"q": "pat search"}).json()
    assert len(body["results"]) == 20 and "narrow" in body["message"]
    assert all(r["name"].startswith("Pat Searchable") for r in body["results"])
    assert not any("alumnus" in r["name"] or "gone" in r["name"] for r in body["results"])
    one = client.get(reverse(SEARCH), {"q": cast.admin1.email.upper()}).json()
    assert one["results"] == [
        {"id": cast.admin1.pk, "name": cast.admin1.display_name, "email": cast.admin1.email}
    ]


@pytest.mark.parametrize("query", ["", "a", " b "])
def test_search_needs_two_characters(client, cast, query):
    client.force_login(cast.requester)
    body = client.get(reverse(SEARCH), {"q": query}).json()
    assert body == {"results": [], "message": "Type at least 2 characters."}


def test_search_is_for_staff_only(client, cast):
    assert client.get(reverse(SEARCH), {"q": "pat"}).status_code == 302
    client.force_login(make_user(Role.ALUMNUS))
    assert client.get(reverse(SEARCH), {"q": "pat"}).status_code == 403


def test_search_is_rate_limited_per_person(client, cast):
    client.force_login(make_user(Role.STAFF))
    limits = {"people_search": "2/m"}
    with override_settings(PORTAL_RATE_LIMITS=limits):
        codes = [client.get(reverse(SEARCH), {"q": "pat"}).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        client.force_login(make_user(Role.STAFF))  # a colleague at the same address
        assert client.get(reverse(SEARCH), {"q": "pat"}).status_code == 200


def test_search_costs_the_same_for_any_number_of_people(
    client, cast, django_assert_max_num_queries
):
    client.force_login(cast.requester)
    for n in range(30):
        make_user(Role.STAFF, last_name=f"Counted{n}")
    with django_assert_max_num_queries(8):
        client.get(reverse(SEARCH), {"q": "counted"})


# --- Live addresses without a scheme ----------------------------------------------------------


def test_activation_accepts_an_address_without_a_scheme(client, cast):
    request = approved(cast)
    client.force_login(cast.requester)
    url = reverse("accounts_registry:activate", args=[request.pk])
    html = client.get(url).content.decode()
    assert 'type="url"' not in html  # the browser would refuse "instagram.com/..."
    response = client.post(
        url,
        {
            "handle": request.proposed_handle,
            "url": f"instagram.com/{request.proposed_handle}",
            "followers": 3,
        },
    )
    assert response.status_code == 302
    account = OfficialAccount.objects.get()
    assert account.url == f"https://instagram.com/{request.proposed_handle}"


def test_services_normalise_or_refuse_addresses(cast):
    from django.core.exceptions import ValidationError

    request = approved(cast)
    with pytest.raises(ValidationError) as refused:
        request_activate(
            actor=cast.requester,
            request_id=request.pk,
            handle=request.proposed_handle,
            url="ftp://files.example.ac.uk/x",
        )
    assert "not a web address" in " ".join(refused.value.message_dict["url"])
    account = request_activate(
        actor=cast.requester,
        request_id=request.pk,
        handle=request.proposed_handle,
        url="www.example.ac.uk/x",
    )
    assert account.url == "https://www.example.ac.uk/x"


def test_an_imported_address_without_a_scheme_is_kept_with_https(cast):
    rows = discovered_rows_parse([{"platform": "x", "handle": "uni_x", "url": "twitter.com/uni_x"}])
    discovered_import(actor=cast.comms, rows=rows, source="csv")
    assert DiscoveredAccount.objects.get().url == "https://twitter.com/uni_x"
