"""The demo seed: the demo alumni verified against their records, one graduate pending."""

from __future__ import annotations

import pytest

from alumni import demo
from alumni.models import AlumniRecord, Verification
from portal import demo as platform_demo
from portal.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_seed_verifies_the_demo_alumni_and_leaves_one_pending_idempotently() -> None:
    ctx = platform_demo.DemoContext(password="demo-pass-123", log=lambda _m: None)
    platform_demo.seed(ctx)
    demo.seed(ctx)
    for key in ("alumnus", "committee", "committee2", "mentor"):
        verification = Verification.objects.get(user=ctx.users[key])
        assert verification.status == Verification.Status.VERIFIED, key
        assert verification.method == Verification.Method.RECORD_MATCH, key
        assert verification.record is not None, key
    pending = Verification.objects.get(user=ctx.users["pending_graduate"])
    assert pending.status == Verification.Status.PENDING
    counts = (
        AlumniRecord.objects.count(),
        Verification.objects.count(),
        AuditEvent.objects.count(),
    )
    demo.seed(ctx)
    again = (AlumniRecord.objects.count(), Verification.objects.count())
    assert again == counts[:2]
    # Only the import's own audit event is new: nobody was verified or asked twice.
    assert AuditEvent.objects.count() == counts[2] + 1
