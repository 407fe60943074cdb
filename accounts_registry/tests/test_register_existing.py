"""Comms register an account that predates the portal through its page."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts_registry.errors import AccountError, RegistryError
from accounts_registry.models import OfficialAccount
from accounts_registry.permissions import can_administer_account
from accounts_registry.services.accounts import account_register_existing
from accounts_registry.tests.factories import active_account
from portal.models import AuditEvent
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db
URL = reverse("accounts_registry:account_register")


def form_data(cast, **overrides):
    data = {
        "unit": cast.unit.pk,
        "platform": "facebook",
        "handle": "@SocSciAlumniGroup",
        "name": "Social Sciences Alumni",
        "url": "https://www.facebook.com/socscialumnigroup",
        "followers": "310",
        "administrators": [cast.admin1.pk, cast.admin2.pk],
        "contact_email": "socsci-alumni@example.ac.uk",
    }
    data.update(overrides)
    return data


def test_comms_register_an_existing_account(client, cast):
    client.force_login(cast.comms)
    response = client.post(URL, form_data(cast))
    account = OfficialAccount.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts_registry:account_detail", args=[account.pk])
    # no naming rules (no "Uni" prefix needed): the account exists already
    assert account.handle == "socscialumnigroup"
    assert account.status == OfficialAccount.Status.ACTIVE
    assert (account.followers, account.unit) == (310, cast.unit)
    assert account.contact_email == "socsci-alumni@example.ac.uk"
    assert account.is_compliant and not account.centrally_managed
    assert can_administer_account(cast.admin1, account) and can_administer_account(
        cast.admin2, account
    )
    assert account.assignments.filter(revoked_at__isnull=True).count() == 2
    actions = set(AuditEvent.objects.for_object(account).values_list("action", flat=True))
    assert {"accounts_registry.account.registered", "accounts_registry.admin.granted"} <= actions
    assert AuditEvent.objects.for_object(account).filter(actor=cast.comms).exists()


def test_contact_email_is_optional(client, cast):
    client.force_login(cast.comms)
    client.post(URL, form_data(cast, contact_email="", centrally_managed="on"))
    account = OfficialAccount.objects.get()
    assert account.contact_email == "" and account.centrally_managed


@pytest.mark.parametrize("role", [Role.STAFF, Role.MARCOMMS_DIRECTOR, Role.ENGAGEMENT_STAFF])
def test_other_roles_get_403(client, cast, role):
    client.force_login(make_user(role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, form_data(cast)).status_code == 403
    assert not OfficialAccount.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, cast):
    response = client.post(URL, form_data(cast))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not OfficialAccount.objects.exists()


def test_bad_input_shows_each_reason_and_creates_nothing(client, cast):
    taken = active_account(cast)
    client.force_login(cast.comms)
    response = client.post(
        URL,
        form_data(
            cast,
            platform=taken.platform,
            handle=taken.handle.upper(),
            contact_email=cast.admin1.email,
            administrators=[cast.admin1.pk],
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "already in the registry" in " ".join(errors["handle"])
    assert "person's own email address" in " ".join(errors["contact_email"])
    assert "at least two" in " ".join(errors["administrators"])
    assert OfficialAccount.objects.count() == 1
    assert not AuditEvent.objects.filter(action="accounts_registry.account.registered").exists()


def test_contact_email_off_the_domain_is_refused(client, cast):
    client.force_login(cast.comms)
    response = client.post(URL, form_data(cast, contact_email="socsci@gmail.com"))
    assert "must be a mailbox on example.ac.uk" in " ".join(
        response.context["form"].errors["contact_email"]
    )
    assert not OfficialAccount.objects.exists()


def test_form_checks_shape(client, cast):
    client.force_login(cast.comms)
    response = client.post(URL, form_data(cast, followers="-3", url="not a url", handle=""))
    errors = response.context["form"].errors
    assert {"followers", "url", "handle"} <= set(errors)
    assert not OfficialAccount.objects.exists()


def test_service_refuses_non_comms_and_non_staff_admins(cast):
    alumnus = make_user(Role.ALUMNUS)
    with pytest.raises(AccountError):
        account_register_existing(
            actor=cast.requester,
            unit_id=cast.unit.pk,
            platform="x",
            handle="socsci",
            name="Social Sciences",
            administrator_ids=[cast.admin1.pk, cast.admin2.pk],
        )
    with pytest.raises(ValidationError) as exc:
        account_register_existing(
            actor=cast.comms,
            unit_id=cast.unit.pk,
            platform="x",
            handle="socsci",
            name="Social Sciences",
            administrator_ids=[cast.admin1.pk, alumnus.pk],
        )
    assert "not a current member of staff" in " ".join(exc.value.message_dict["administrators"])
    assert not OfficialAccount.objects.exists()


def test_comms_pages_link_to_the_form(client, cast):
    client.force_login(cast.comms)
    assert URL in client.get(reverse("accounts_registry:comms")).content.decode()
    assert URL in client.get(reverse("accounts_registry:directory")).content.decode()
    client.force_login(cast.requester)
    assert URL not in client.get(reverse("accounts_registry:directory")).content.decode()


def test_unknown_unit_or_administrator_ids_are_refused_on_their_field(cast):
    base = {
        "actor": cast.comms,
        "platform": "x",
        "handle": "unisocsci",
        "name": "Social Sciences",
    }
    with pytest.raises(RegistryError) as no_unit:
        account_register_existing(
            **base, unit_id=0, administrator_ids=[cast.admin1.pk, cast.admin2.pk]
        )
    assert no_unit.value.field == "unit"
    with pytest.raises(RegistryError) as no_person:
        account_register_existing(
            **base, unit_id=cast.unit.pk, administrator_ids=[cast.admin1.pk, 0]
        )
    assert no_person.value.field == "administrators"
    assert not OfficialAccount.objects.exists()
