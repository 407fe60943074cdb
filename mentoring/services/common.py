"""What the mentoring services share: today's date, the admin check, addresses, date arithmetic."""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings
from django.utils import timezone

from mentoring.errors import MentoringError
from mentoring.models import Programme
from mentoring.permissions import can_manage_mentoring
from portal.models import User
from portal.roles import Role


def today() -> datetime.date:
    return timezone.localdate()


def require_admin(actor: User) -> None:
    """Scheme admins, or IT superusers working in the Django admin."""
    if not (can_manage_mentoring(actor) or (actor.is_active and actor.is_superuser)):
        raise MentoringError("Only scheme administrators may do this.")


def scheme_admin_addresses(programme: Programme | None) -> list[str]:
    """The programme's concerns contact and every active scheme admin."""
    admins = User.objects.filter(groups__name=Role.SCHEME_ADMIN.value, is_active=True)
    addresses = [programme.concerns_email] if programme else []
    fallback = getattr(settings, "MENTORING_CONTACT_EMAIL", "")
    if not addresses and fallback:
        addresses.append(fallback)
    return list(dict.fromkeys(addresses + list(admins.values_list("email", flat=True))))


def months_later(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, clamped to the month's end (31 Jan + 1 -> 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def institution_email_ok(address: str) -> bool:
    domain = settings.INSTITUTION_EMAIL_DOMAIN.lower()
    host = address.rsplit("@", 1)[-1].lower()
    return host == domain or host.endswith("." + domain)
