"""Access log, handovers, compliance, activity and closure (B4-B6)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts_registry.errors import AccountError
from accounts_registry.models import AdminAssignment, OfficialAccount
from accounts_registry.permissions import can_administer_account
from accounts_registry.selectors import account_lookup
from accounts_registry.services.accounts import account_activity_record, account_close, account_keep
from accounts_registry.services.admins import account_admin_add, account_handover
from accounts_registry.tests.factories import active_account
from portal.models import AuditEvent, OutboundEmail
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_handover_moves_rights_and_needs_the_password_confirmation(cast):
    account = active_account(cast)
    new = make_user(Role.STAFF)
    with pytest.raises(AccountError, match="passwords") as refused:
        account_handover(
            actor=cast.admin1,
            account_id=account.pk,
            leaving_id=cast.admin1.pk,
            replacement_id=new.pk,
            passwords_changed_confirmed=False,
        )
    assert refused.value.field == "passwords_changed_confirmed"
    handover = account_handover(
        actor=cast.admin1,
        account_id=account.pk,
        leaving_id=cast.admin1.pk,
        replacement_id=new.pk,
        passwords_changed_confirmed=True,
    )
    assert handover.passwords_changed_confirmed
    assert not can_administer_account(cast.admin1, account) and can_administer_account(new, account)
    log = AdminAssignment.objects.filter(account=account).order_by("id")
    assert [(a.user, a.revoked_at is None) for a in log] == [
        (cast.admin1, False),
        (cast.admin2, True),
        (new, True),
    ]
    account.refresh_from_db()
    assert account.is_compliant


def test_no_password_field_anywhere():
    from django.apps import apps

    for model in apps.get_app_config("accounts_registry").get_models():
        assert not [
            f.name
            for f in model._meta.get_fields()
            if "password" in f.name
            and f.name != "passwords_changed_confirmed"
            and f.name != "passwords_changed"
        ]


def test_leaving_without_replacement_is_noncompliant_and_tells_comms_once(cast):
    account = active_account(cast)
    account_handover(
        actor=cast.comms,
        account_id=account.pk,
        leaving_id=cast.admin2.pk,
        replacement_id=None,
        passwords_changed_confirmed=True,
    )
    account.refresh_from_db()
    assert not account.is_compliant
    mails = OutboundEmail.objects.filter(category="accounts_registry.account.noncompliant")
    assert mails.count() == 1 and mails[0].to == cast.comms.email
    # the same incident: another drop does not email again
    account_handover(
        actor=cast.comms,
        account_id=account.pk,
        leaving_id=cast.admin1.pk,
        replacement_id=None,
        passwords_changed_confirmed=True,
    )
    assert mails.count() == 1
    # fixed, then a new incident: comms hear again
    account_admin_add(
        actor=cast.comms, account_id=account.pk, user_id=cast.admin1.pk, reason="back"
    )
    account_admin_add(
        actor=cast.comms, account_id=account.pk, user_id=cast.admin2.pk, reason="back"
    )
    account.refresh_from_db()
    assert account.is_compliant
    account_handover(
        actor=cast.admin1,
        account_id=account.pk,
        leaving_id=cast.admin2.pk,
        replacement_id=None,
        passwords_changed_confirmed=True,
    )
    assert mails.count() == 2


def test_only_admins_and_comms_manage_admins(cast):
    account = active_account(cast)
    with pytest.raises(AccountError):
        account_admin_add(
            actor=cast.requester, account_id=account.pk, user_id=make_user(Role.STAFF).pk, reason=""
        )
    with pytest.raises(AccountError, match="not a current member of staff") as not_staff:
        account_admin_add(
            actor=cast.admin1, account_id=account.pk, user_id=make_user(Role.ALUMNUS).pk, reason=""
        )
    with pytest.raises(AccountError, match="already"):
        account_admin_add(
            actor=cast.admin1, account_id=account.pk, user_id=cast.admin2.pk, reason=""
        )
    assert not_staff.value.field == "user"


def test_activity_is_recorded_by_admins_only(cast):
    account = active_account(cast)
    with pytest.raises(AccountError):
        account_activity_record(actor=cast.comms, account_id=account.pk, kind="check_in")
    with pytest.raises(AccountError, match="latest post") as no_date:
        account_activity_record(actor=cast.admin1, account_id=account.pk, kind="post")
    assert no_date.value.field == "last_post_on"
    with pytest.raises(AccountError, match="future"):
        account_activity_record(
            actor=cast.admin1,
            account_id=account.pk,
            kind="post",
            last_post_on=timezone.localdate() + timedelta(days=1),
        )
    before = account.last_activity_at
    assert before is not None
    account_activity_record(actor=cast.admin1, account_id=account.pk, kind="check_in")
    account.refresh_from_db()
    assert (account.last_activity_at or before) > before
    # an older post date never moves the clock back
    account_activity_record(
        actor=cast.admin1,
        account_id=account.pk,
        kind="post",
        last_post_on=timezone.localdate() - timedelta(days=50),
    )
    account.refresh_from_db()
    assert (account.last_activity_at or before) > before


def test_comms_close_keeps_history_and_leaves_public_lookup(cast):
    account = active_account(cast)
    assert account_lookup(platform=account.platform, handle="@" + account.handle.upper()) == account
    with pytest.raises(AccountError):
        account_close(actor=cast.admin1, account_id=account.pk, status="deleted", reason="x")
    with pytest.raises(AccountError, match="reason"):
        account_close(actor=cast.comms, account_id=account.pk, status="deleted", reason=" ")
    account_close(
        actor=cast.comms,
        account_id=account.pk,
        status=OfficialAccount.Status.DELETED,
        reason="Unused.",
    )
    account.refresh_from_db()
    assert account.status == "deleted" and account.closed_at
    assert account_lookup(platform=account.platform, handle=account.handle) is None
    assert not can_administer_account(cast.admin1, account)
    assert AdminAssignment.objects.filter(account=account).count() == 2  # history kept
    assert "accounts_registry.account.deleted" in AuditEvent.objects.for_object(
        account
    ).values_list("action", flat=True)
    with pytest.raises(AccountError):
        account_close(actor=cast.comms, account_id=account.pk, status="deleted", reason="again")


def test_keep_only_for_flagged_accounts(cast):
    account = active_account(cast)
    with pytest.raises(AccountError):
        account_keep(actor=cast.comms, account_id=account.pk, reason="fine")


def test_the_access_log_is_the_one_record_of_who_administers(cast):
    from accounts_registry import api
    from accounts_registry.models import OfficialAccountUserObjectPermission

    account = active_account(cast)
    assert api.is_account_admin(cast.admin1, account)
    assert can_administer_account(cast.admin1, account)
    assert not OfficialAccountUserObjectPermission.objects.exists()  # guardian is not asked
    account_handover(
        actor=cast.comms,
        account_id=account.pk,
        leaving_id=cast.admin1.pk,
        replacement_id=None,
        passwords_changed_confirmed=True,
    )
    assert not api.is_account_admin(cast.admin1, account)
    assert not can_administer_account(cast.admin1, account)
    assert list(api.accounts_administered_by(user=cast.admin2)) == [account]
