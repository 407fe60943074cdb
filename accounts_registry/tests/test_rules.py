"""Each request rule of B1-B2, with the reason it gives."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from accounts_registry.rules import (
    check_administrators,
    check_contact_email,
    check_display_name,
    check_handle,
    uses_abbreviation,
)
from accounts_registry.services.requests import request_submit
from accounts_registry.tests.factories import request_data, submitted
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_generic_email_on_institution_domain_passes():
    assert check_contact_email("socsci-social@example.ac.uk") == []
    assert check_contact_email("socsci-social@dept.example.ac.uk") == []


def test_email_on_another_domain_is_refused_with_reason():
    [reason] = check_contact_email("socsci@gmail.com")
    assert "example.ac.uk" in reason


@override_settings(INSTITUTION_EMAIL_DOMAIN="uni.example.org")
def test_domain_comes_from_settings():
    assert check_contact_email("social@uni.example.org") == []
    assert check_contact_email("social@example.ac.uk")


def test_a_users_own_address_is_refused():
    user = make_user(Role.STAFF, email="someone@example.ac.uk")
    [reason] = check_contact_email(user.email.upper())
    assert "person's own email address" in reason


@pytest.mark.parametrize(
    "local", ["jane.doe", "jane_doe", "janedoe", "j.doe", "JANE.DOE", "jane-doe", "jdoe"]
)
def test_first_last_patterns_of_a_user_are_refused(local):
    make_user(Role.ALUMNUS, first_name="Jane", last_name="Doe", email="jd123@example.com")
    [reason] = check_contact_email(f"{local}@example.ac.uk")
    assert "person's mailbox" in reason


def test_name_pattern_of_nobody_passes():
    make_user(Role.ALUMNUS, first_name="Jane", last_name="Doe", email="jd123@example.com")
    assert check_contact_email("john.smith@example.ac.uk") == []


def test_two_distinct_staff_administrators_pass():
    assert check_administrators([make_user(Role.STAFF), make_user(Role.STAFF)]) == []


def test_one_administrator_is_refused():
    errors = check_administrators([make_user(Role.STAFF)])
    assert any("at least two" in e for e in errors)


def test_same_person_twice_is_refused():
    user = make_user(Role.STAFF)
    errors = check_administrators([user, user])
    assert any("same person is named twice" in e for e in errors)


def test_non_staff_administrator_is_refused():
    alumnus = make_user(Role.ALUMNUS, first_name="Amara", last_name="Okafor")
    errors = check_administrators([make_user(Role.STAFF), alumnus])
    assert errors == ["Amara Okafor is not a current member of staff."]


def test_handle_needs_the_prefix_and_names_the_rule():
    [reason] = check_handle("SocSciNews")
    assert 'Naming rule "required prefix"' in reason and '"Uni"' in reason
    assert check_handle("@UniSocSciNews") == []


def test_banned_abbreviation_in_handle_and_name_names_the_rule():
    [reason] = check_handle("UniLMUsocial")
    assert 'Naming rule "banned abbreviation"' in reason and "LMU" in reason
    [reason] = check_display_name("LMU Social Sciences")
    assert "LMU" in reason
    assert check_display_name("Almurst Society") == []


# (name or handle, uses the banned "LMU" as a word of its own)
LMU_TABLE = [
    ("LMU", True),
    ("lmu", True),
    ("L.M.U", True),
    ("L.M.U.", True),
    ("L M U", True),
    ("l-m-u", True),
    ("L_M_U", True),
    ("ＬＭＵ", True),  # full width
    ("LМU", True),  # Cyrillic capital em
    ("lmu_news", True),
    ("lmu.news", True),
    ("LmuNews", True),
    ("newsLMU", True),
    ("UniLMU", True),
    ("UniLMUsocial", True),
    ("LMUStudents", True),
    ("lmu2024", True),
    ("The L.M.U. Alumni Society", True),
    ("Friends of LMU", True),
    ("Palmuni", False),
    ("Almudena", False),
    ("Almurst Society", False),
    ("Helmut", False),
    ("UniPalmuniChoir", False),
    ("Kalmus Lab", False),
    ("Uni Film Society", False),
    ("", False),
]


@pytest.mark.parametrize(("value", "uses"), LMU_TABLE)
def test_banned_abbreviation_matches_word_tokens_only(value, uses):
    assert uses_abbreviation(value, "LMU") is uses
    assert bool(check_display_name(value)) is uses


@pytest.mark.parametrize(
    ("handle", "refused"),
    [
        ("unilmu", True),
        ("@Uni_LMU", True),
        ("uni.lmu.news", True),
        ("UniLmuNews", True),
        ("uni_l_m_u", True),
        ("unipalmuni", False),
        ("UniAlmudena", False),
        ("uni_almudena_choir", False),
        ("UniHelmutFans", False),
    ],
)
def test_banned_abbreviation_in_handles_uses_the_same_tokens(handle, refused):
    reasons = [r for r in check_handle(handle) if "banned abbreviation" in r]
    assert bool(reasons) is refused


def test_handle_shape_and_length():
    assert any("handle characters" in e for e in check_handle("Uni Soc!"))
    assert any("maximum length" in e for e in check_handle("Uni" + "x" * 40))


@override_settings(
    ACCOUNT_NAMING_RULES={"required_prefix": "LonMet", "banned_abbreviations": ["LMU", "LM"]}
)
def test_naming_rules_are_configurable():
    assert check_handle("LonMetSocial") == []
    assert any('"LonMet"' in e for e in check_handle("UniSocial"))
    assert any('"LM"' in e for e in check_display_name("LM news"))


def test_submit_collects_every_reason_per_field(cast):
    data = request_data(
        cast,
        proposed_handle="socsci",
        contact_email=cast.admin1.email,
        administrator_ids=[cast.admin1.pk],
    )
    with pytest.raises(ValidationError) as info:
        request_submit(**data)
    fields = info.value.message_dict
    assert set(fields) == {"proposed_handle", "contact_email", "administrators"}


def test_handle_already_requested_or_registered_is_refused(cast):
    first = submitted(cast)
    with pytest.raises(ValidationError) as info:
        submitted(cast, proposed_handle=first.proposed_handle.upper())
    assert "Another open request" in str(info.value)


def test_alumnus_cannot_submit(cast):
    from accounts_registry.errors import RegistryError

    with pytest.raises(RegistryError):
        submitted(cast, actor=make_user(Role.ALUMNUS))
