"""Administrators' training and policy acknowledgements (001 §5.6, 004 §4.12-4.13)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts_registry import tasks
from accounts_registry.errors import AccountError
from accounts_registry.jobs import training_expiry_sweep
from accounts_registry.models import AccountRequest, AnnualAudit, OfficialAccount, TrainingRecord
from accounts_registry.services.admins import account_admin_add
from accounts_registry.services.requests import request_activate
from accounts_registry.services.training import (
    governance_settings_update,
    policy_acknowledge,
    training_record,
)
from accounts_registry.tests.factories import active_account, approved
from portal.models import AuditEvent, OutboundEmail
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db


def _require(cast, required=True, days=365):
    governance_settings_update(
        actor=cast.comms, training_required=required, training_valid_days=days
    )


def _activate(cast, request):
    return request_activate(
        actor=cast.requester,
        request_id=request.pk,
        handle=request.proposed_handle,
        url="https://www.instagram.com/x/",
    )


def test_required_training_blocks_activation_with_a_clear_reason(cast) -> None:
    request = approved(cast)
    _require(cast)
    training_record(
        actor=cast.admin1, course="Social media essentials", completed_on=timezone.localdate()
    )
    with pytest.raises(AccountError) as info:
        _activate(cast, request)
    assert cast.admin2.display_name in str(info.value)
    assert cast.admin1.display_name not in str(info.value)
    assert "training is required" in str(info.value)
    request.refresh_from_db()
    assert request.status == AccountRequest.Status.APPROVED
    assert not OfficialAccount.objects.exists()
    training_record(
        actor=cast.admin2, course="Social media essentials", completed_on=timezone.localdate()
    )
    assert _activate(cast, request).status == OfficialAccount.Status.ACTIVE


def test_not_required_means_no_gate(cast) -> None:
    request = approved(cast)
    assert _activate(cast, request).is_open


def test_required_training_blocks_adding_an_administrator(cast) -> None:
    account = active_account(cast)
    _require(cast)
    newcomer = make_user(Role.STAFF)
    with pytest.raises(AccountError, match="training is required"):
        account_admin_add(actor=cast.comms, account_id=account.pk, user_id=newcomer.pk, reason="")
    training_record(actor=newcomer, course="Etiquette", completed_on=timezone.localdate())
    account_admin_add(actor=cast.comms, account_id=account.pk, user_id=newcomer.pk, reason="")


def test_records_expire_after_the_configured_period(cast) -> None:
    _require(cast, required=False, days=90)
    record = training_record(
        actor=cast.admin1, course="Etiquette", completed_on=timezone.localdate()
    )
    assert record.expires_on == timezone.localdate() + timedelta(days=90)
    with pytest.raises(AccountError, match="already expired"):
        training_record(
            actor=cast.admin1, course="Old", completed_on=timezone.localdate() - timedelta(days=91)
        )
    with pytest.raises(AccountError, match="future"):
        training_record(
            actor=cast.admin1, course="Later", completed_on=timezone.localdate() + timedelta(days=1)
        )


def test_settings_are_comms_only_and_audited(cast) -> None:
    with pytest.raises(AccountError):
        governance_settings_update(
            actor=cast.admin1, training_required=True, training_valid_days=365
        )
    with pytest.raises(AccountError, match="five years"):
        _require(cast, days=5)
    _require(cast)
    assert AuditEvent.objects.filter(action="accounts_registry.settings.updated").count() == 1


@override_settings(ACCOUNT_POLICIES={"001": ("Social media policy", "2024")})
def test_acknowledgement_is_per_policy_version(client, cast) -> None:
    policy_acknowledge(actor=cast.admin1, policy="001")
    policy_acknowledge(actor=cast.admin1, policy="001")
    assert AuditEvent.objects.filter(action="accounts_registry.policy.acknowledged").count() == 1
    with pytest.raises(AccountError):
        policy_acknowledge(actor=cast.admin1, policy="999")
    client.force_login(cast.admin1)
    page = client.get(reverse("accounts_registry:training")).content.decode()
    assert "Acknowledged" in page
    with override_settings(ACCOUNT_POLICIES={"001": ("Social media policy", "2026")}):
        page = client.get(reverse("accounts_registry:training")).content.decode()
        assert "I have read and understood 001 version 2026" in page


def test_expiry_reminds_then_flags_the_account_once(cast) -> None:
    tz = timezone.get_default_timezone()
    with time_machine.travel(datetime(2026, 1, 5, 10, tzinfo=tz), tick=False):
        account = active_account(cast)
        _require(cast, days=90)
        training_record(actor=cast.admin1, course="Etiquette", completed_on=date(2026, 1, 5))
        training_record(actor=cast.admin2, course="Etiquette", completed_on=date(2026, 1, 5))
    expires = date(2026, 4, 5)
    with time_machine.travel(datetime(2026, 3, 10, 10, tzinfo=tz), tick=False):
        assert training_expiry_sweep().reminded == 2
        assert training_expiry_sweep().reminded == 0
        # admin2 renews: the new record supersedes the one about to expire.
        training_record(actor=cast.admin2, course="Refresher", completed_on=date(2026, 3, 10))
    reminders = OutboundEmail.objects.filter(category="accounts_registry.training.expiring")
    assert {email.to for email in reminders} == {cast.admin1.email, cast.admin2.email}
    with time_machine.travel(datetime(2026, 4, 6, 10, tzinfo=tz), tick=False):
        first = training_expiry_sweep()
        assert (first.flagged, training_expiry_sweep().flagged) == (1, 0)
    account.refresh_from_db()
    assert account.status == OfficialAccount.Status.FLAGGED
    assert cast.admin1.display_name in account.flag_reason
    assert expires.strftime("%d %B %Y") in account.flag_reason
    flagged = TrainingRecord.objects.filter(expiry_flagged_at__isnull=False)
    assert [r.user for r in flagged] == [cast.admin1]


def test_expiry_does_not_flag_when_training_is_not_required(cast) -> None:
    tz = timezone.get_default_timezone()
    with time_machine.travel(datetime(2026, 1, 5, 10, tzinfo=tz), tick=False):
        account = active_account(cast)
        _require(cast, required=False, days=90)
        training_record(actor=cast.admin1, course="Etiquette", completed_on=date(2026, 1, 5))
    with time_machine.travel(datetime(2026, 5, 1, 10, tzinfo=tz), tick=False):
        assert training_expiry_sweep().flagged == 0
    account.refresh_from_db()
    assert account.status == OfficialAccount.Status.ACTIVE


def test_the_annual_audit_shows_each_admins_status(client, cast) -> None:
    tz = timezone.get_default_timezone()
    with time_machine.travel(datetime(2025, 6, 1, 10, tzinfo=tz), tick=False):
        account = active_account(cast)
    with time_machine.travel(datetime(2026, 6, 2, 10, tzinfo=tz), tick=False):
        tasks.run_annual_audits()
        training_record(actor=cast.admin1, course="Etiquette", completed_on=date(2026, 6, 1))
        audit = AnnualAudit.objects.get(account=account)
        client.force_login(cast.admin2)
        page = client.get(
            reverse("accounts_registry:audit", args=[account.pk, audit.year])
        ).content.decode()
    assert "Current until 1 Jun 2027" in page
    assert "No current training" in page


def test_the_activation_page_shows_the_reason(client, cast) -> None:
    request = approved(cast)
    _require(cast)
    client.force_login(cast.requester)
    response = client.post(
        reverse("accounts_registry:activate", args=[request.pk]),
        {"handle": request.proposed_handle, "url": "https://www.instagram.com/x/", "followers": 1},
    )
    assert response.status_code == 200
    assert "training is required" in response.content.decode()
    assert not OfficialAccount.objects.exists()


def test_comms_change_the_setting_on_the_page(client, cast) -> None:
    client.force_login(cast.comms)
    url = reverse("accounts_registry:governance_settings")
    response = client.post(url, {"training_required": "on", "training_valid_days": 10})
    assert response.status_code == 200
    assert "five years" in response.content.decode()
    client.post(url, {"training_required": "on", "training_valid_days": 200})
    page = client.get(reverse("accounts_registry:training")).content.decode()
    assert "Current training is required" in page and "200 days" in page
