"""Sweep bench scenario of the alumni app: reminders about overdue graduate verifications."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bench.sweeps.common import NEW, OPEN, reminded


def alumni_verifications(now: datetime) -> Callable[[], Any]:
    """``OPEN`` pending verifications of confirmed addresses, all overdue; all but ``NEW`` were
    reminded about in their current period by earlier runs."""
    from allauth.account.models import EmailAddress

    from alumni.jobs import REMINDER_KIND, verification_reminder_sweep
    from alumni.models import Verification
    from portal.models import User
    from portal.roles import Role
    from portal.tests.factories import make_user

    make_user(Role.ENGAGEMENT_STAFF)
    requested = now - timedelta(days=10)
    users = User.objects.bulk_create(
        [User(email=f"bench.graduate{n}@example.com") for n in range(OPEN)],
        batch_size=5000,
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
        batch_size=5000,
    )
    made = Verification.objects.bulk_create(
        [
            Verification(
                user=u,
                given_names="Ada",
                family_name=f"Graduate {n}",
                graduation_year=2001,
                programme="MSc Nothing On File",
                birth_year=1970,
                requested_at=requested,
                due_at=requested + timedelta(days=5),
            )
            for n, u in enumerate(users)
        ],
        batch_size=5000,
    )
    reminded(REMINDER_KIND, Verification, [(v.pk, requested.isoformat()) for v in made[NEW:]])
    return lambda: verification_reminder_sweep()
