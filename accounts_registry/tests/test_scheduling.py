"""Inactivity (B6) and annual audits (B7): time moves, each reminder goes once."""

from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from accounts_registry import tasks
from accounts_registry.errors import AccountError
from accounts_registry.models import AnnualAudit, OfficialAccount
from accounts_registry.services.accounts import account_activity_record, account_keep
from accounts_registry.services.audits import audit_submit
from accounts_registry.tests.factories import active_account
from portal.models import OutboundEmail, Reminder
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db
START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.get_default_timezone())


def emails(category):
    return OutboundEmail.objects.filter(category=f"accounts_registry.{category}")


def run_twice(task):
    task()
    return task()


def test_inactivity_reminder_then_grace_then_flag(cast):
    with time_machine.travel(START, tick=False):
        account = active_account(cast)
        run_twice(tasks.run_inactivity_checks)
        assert not emails("account.inactivity_reminder").exists()
    with time_machine.travel(START + timedelta(days=89), tick=False):
        run_twice(tasks.run_inactivity_checks)
        assert not emails("account.inactivity_reminder").exists()
    with time_machine.travel(START + timedelta(days=90, hours=1), tick=False):
        first = tasks.run_inactivity_checks()
        second = tasks.run_inactivity_checks()
        assert first == {"reminded": 1, "flagged": 0} and second == {"reminded": 0, "flagged": 0}
        sent = emails("account.inactivity_reminder")
        assert set(sent.values_list("to", flat=True)) == {cast.admin1.email, cast.admin2.email}
        assert sent.count() == 2
    with time_machine.travel(START + timedelta(days=90 + 29), tick=False):
        run_twice(tasks.run_inactivity_checks)
        account.refresh_from_db()
        assert account.status == OfficialAccount.Status.ACTIVE
    with time_machine.travel(START + timedelta(days=90 + 30, hours=2), tick=False):
        assert tasks.run_inactivity_checks()["flagged"] == 1
        assert tasks.run_inactivity_checks()["flagged"] == 0
        account.refresh_from_db()
        assert account.status == OfficialAccount.Status.FLAGGED
        assert emails("account.flagged").count() == 1
        assert emails("account.inactivity_reminder").count() == 2


@override_settings(ACCOUNT_INACTIVITY_GRACE_DAYS=10)
def test_grace_period_is_configurable_and_activity_resets_the_clock(cast):
    with time_machine.travel(START, tick=False):
        account = active_account(cast)
    with time_machine.travel(START + timedelta(days=91), tick=False):
        tasks.run_inactivity_checks()
        account_activity_record(actor=cast.admin1, account_id=account.pk, kind="check_in")
    with time_machine.travel(START + timedelta(days=91 + 11), tick=False):
        run_twice(tasks.run_inactivity_checks)
        account.refresh_from_db()
        assert account.status == OfficialAccount.Status.ACTIVE
    # a new silence is a new period: one more reminder, then the flag after 10 days
    with time_machine.travel(START + timedelta(days=91 + 91), tick=False):
        run_twice(tasks.run_inactivity_checks)
        assert Reminder.objects.filter(kind="accounts_registry.inactivity").count() == 2
    with time_machine.travel(START + timedelta(days=91 + 91 + 10, hours=1), tick=False):
        run_twice(tasks.run_inactivity_checks)
        account.refresh_from_db()
        assert account.status == OfficialAccount.Status.FLAGGED


def test_comms_keep_restarts_the_clock(cast):
    with time_machine.travel(START, tick=False):
        account = active_account(cast)
    with time_machine.travel(START + timedelta(days=91), tick=False):
        tasks.run_inactivity_checks()
    with time_machine.travel(START + timedelta(days=122), tick=False):
        tasks.run_inactivity_checks()
        with pytest.raises(AccountError):
            account_keep(actor=cast.admin1, account_id=account.pk, reason="x")
        account_keep(actor=cast.comms, account_id=account.pk, reason="Term starts; posts planned.")
        run_twice(tasks.run_inactivity_checks)
        account.refresh_from_db()
        assert account.status == OfficialAccount.Status.ACTIVE


def test_annual_audit_opens_on_anniversary_reminds_and_escalates(cast):
    with time_machine.travel(
        datetime(2025, 3, 10, 10, 0, tzinfo=timezone.get_default_timezone()), tick=False
    ):
        account = active_account(cast)
        central = active_account(cast)
        OfficialAccount.objects.filter(pk=central.pk).update(centrally_managed=True)
        run_twice(tasks.run_annual_audits)
        assert not AnnualAudit.objects.exists()  # nothing in the year of creation
    with time_machine.travel(
        datetime(2026, 3, 9, 8, 0, tzinfo=timezone.get_default_timezone()), tick=False
    ):
        run_twice(tasks.run_annual_audits)
        assert not AnnualAudit.objects.exists()
    with time_machine.travel(
        datetime(2026, 3, 10, 8, 0, tzinfo=timezone.get_default_timezone()), tick=False
    ):
        assert tasks.run_annual_audits()["opened"] == 1
        assert tasks.run_annual_audits()["opened"] == 0
        audit = AnnualAudit.objects.get()
        assert audit.account == account and audit.year == 2026 and audit.due_on == date(2026, 4, 9)
        assert emails("audit.opened").count() == 2
    with time_machine.travel(
        datetime(2026, 4, 2, 8, 0, tzinfo=timezone.get_default_timezone()), tick=False
    ):
        run_twice(tasks.run_annual_audits)
        assert emails("audit.reminder").count() == 2
    with time_machine.travel(
        datetime(2026, 4, 10, 8, 0, tzinfo=timezone.get_default_timezone()), tick=False
    ):
        result = run_twice(tasks.run_annual_audits)
        assert result == {"opened": 0, "reminded": 0, "escalated": 0}
        assert emails("audit.overdue").count() == 1
        assert emails("audit.reminder").count() == 2
        audit.refresh_from_db()
        assert audit.escalated_at and audit.is_overdue()


def test_audit_answers_and_close_outcome_flags_the_account(cast):
    with time_machine.travel(
        datetime(2025, 3, 10, 10, 0, tzinfo=timezone.get_default_timezone()), tick=False
    ):
        account = active_account(cast)
    with time_machine.travel(
        datetime(2026, 3, 11, 8, 0, tzinfo=timezone.get_default_timezone()), tick=False
    ):
        tasks.run_annual_audits()
        audit = AnnualAudit.objects.get()
        answers: dict[str, Any] = {
            "still_needed": False,
            "activity_ok": False,
            "admins_correct": True,
            "passwords_changed": True,
            "two_factor_on": True,
            "incidents": "",
            "outcome": "close",
        }
        with pytest.raises(AccountError):
            audit_submit(actor=make_user(Role.STAFF), audit_id=audit.pk, **answers)
        audit_submit(actor=cast.admin2, audit_id=audit.pk, **answers)
        with pytest.raises(AccountError):
            audit_submit(actor=cast.admin2, audit_id=audit.pk, **answers)
        account.refresh_from_db()
        assert account.status == OfficialAccount.Status.FLAGGED
        assert emails("account.flagged").count() == 1


def test_audit_with_concerns_tells_comms(cast):
    with time_machine.travel(
        datetime(2025, 3, 10, 10, 0, tzinfo=timezone.get_default_timezone()), tick=False
    ):
        active_account(cast)
    with time_machine.travel(
        datetime(2026, 3, 11, 8, 0, tzinfo=timezone.get_default_timezone()), tick=False
    ):
        tasks.run_annual_audits()
        audit = AnnualAudit.objects.get()
        audit_submit(
            actor=cast.admin1,
            audit_id=audit.pk,
            still_needed=True,
            activity_ok=True,
            admins_correct=True,
            passwords_changed=False,
            two_factor_on=True,
            incidents="",
            outcome="continue",
        )
        mail = emails("audit.concerns").get()
        assert "passwords_changed" in mail.body_text
        tasks.run_annual_audits()
        assert not emails("audit.overdue").exists()
