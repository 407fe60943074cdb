"""Posting guidelines (001 §6.1.8): generated per account, confirmed, asked again by the audit."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts_registry import tasks
from accounts_registry.errors import AccountError
from accounts_registry.models import AnnualAudit, OfficialAccount
from accounts_registry.services.audits import audit_submit
from accounts_registry.services.guidelines import (
    SHORT_LIMIT,
    guidelines_confirm,
    guidelines_for,
)
from accounts_registry.tests.factories import active_account
from portal.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_text_names_the_account_and_carries_the_clause(cast) -> None:
    account = active_account(cast)
    text = guidelines_for(account)
    assert account.name in text.short and account.name in text.full
    assert len(text.short) <= SHORT_LIMIT
    assert account.contact_email in text.full
    assert "reserve the right to review all comments and posted materials" in text.full
    assert "remove such materials for any reason" in text.full
    for standard in ("relevant to the topic", "expletives", "spam", "copyright", "privately"):
        assert standard in text.full


@override_settings(ACCOUNTS_COMMS_EMAIL="social@example.ac.uk")
def test_without_a_mailbox_the_comms_address_is_given(cast) -> None:
    account = active_account(cast)
    OfficialAccount.objects.filter(pk=account.pk).update(contact_email="")
    account.refresh_from_db()
    assert "social@example.ac.uk" in guidelines_for(account).full


def test_admins_confirm_and_comms_see_guidelines_missing_until_then(client, cast) -> None:
    account = active_account(cast)
    client.force_login(cast.comms)
    comms_page = reverse("accounts_registry:comms")
    assert (
        f"@{account.handle}, {account.unit.name}): guidelines missing"
        in client.get(comms_page).content.decode()
    )
    with pytest.raises(AccountError):
        guidelines_confirm(actor=cast.comms, account_id=account.pk)
    guidelines_confirm(actor=cast.admin1, account_id=account.pk)
    account.refresh_from_db()
    assert account.guidelines_confirmed_by == cast.admin1
    assert "guidelines missing" not in client.get(comms_page).content.decode()
    assert AuditEvent.objects.filter(action="accounts_registry.guidelines.confirmed").count() == 1


def test_the_annual_audit_asks_again(cast) -> None:
    tz = timezone.get_default_timezone()
    with time_machine.travel(datetime(2025, 6, 1, 10, tzinfo=tz), tick=False):
        account = active_account(cast)
        guidelines_confirm(actor=cast.admin1, account_id=account.pk)
    with time_machine.travel(datetime(2026, 6, 2, 10, tzinfo=tz), tick=False):
        tasks.run_annual_audits()
        audit = AnnualAudit.objects.get(account=account)
        audit_submit(
            actor=cast.admin2,
            audit_id=audit.pk,
            still_needed=True,
            activity_ok=True,
            admins_correct=True,
            passwords_changed=True,
            two_factor_on=True,
            guidelines_displayed=False,
            incidents="",
            outcome="continue",
        )
    account.refresh_from_db()
    assert account.guidelines_confirmed_at is None
    audit.refresh_from_db()
    assert audit.guidelines_displayed is False
