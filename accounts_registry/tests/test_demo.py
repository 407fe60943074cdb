"""The demo seed reaches every state and is idempotent."""

import pytest

from accounts_registry import demo
from accounts_registry.models import (
    AccountRequest,
    AdviceRequest,
    AnnualAudit,
    DiscoveredAccount,
    OfficialAccount,
    TrainingRecord,
)
from portal import demo as platform_demo

pytestmark = pytest.mark.django_db


def test_seed_reaches_every_state_and_runs_twice():
    ctx = platform_demo.DemoContext(password="demo-pass-123!", log=lambda line: None)
    platform_demo.seed(ctx)
    demo.seed(ctx)
    counts = (
        OfficialAccount.objects.count(),
        AccountRequest.objects.count(),
        AnnualAudit.objects.count(),
    )
    demo.seed(ctx)
    assert counts == (
        OfficialAccount.objects.count(),
        AccountRequest.objects.count(),
        AnnualAudit.objects.count(),
    )
    statuses = set(OfficialAccount.objects.values_list("status", flat=True))
    assert {"active", "flagged", "deactivated"} <= statuses
    assert OfficialAccount.objects.filter(noncompliant_since__isnull=False).exists()
    assert OfficialAccount.objects.filter(
        status="active", inactivity_reminded_at__isnull=False
    ).exists()
    assert AnnualAudit.objects.filter(completed_at__isnull=True).exists()
    assert set(AccountRequest.objects.values_list("status", flat=True)) == {
        "pending",
        "approved",
        "rejected",
        "active",
    }
    assert all(a.followers > 0 for a in OfficialAccount.objects.filter(status="active"))
    assert DiscoveredAccount.objects.count() == 4
    assert set(DiscoveredAccount.objects.values_list("decision", flat=True)) == {
        "",
        "unregistered",
        "impersonation",
        "personal",
    }
    assert set(AdviceRequest.objects.values_list("state", flat=True)) == {"open", "answered"}
    assert TrainingRecord.objects.count() == 1
