"""Hooks into sign-in events: a confirmed address lets the sign-up details be matched."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.dispatch import receiver


@receiver(email_confirmed, dispatch_uid="alumni.match_on_email_confirmed")
def match_on_email_confirmed(sender: Any, email_address: EmailAddress, **kwargs: Any) -> None:
    from alumni.services.verification import verification_address_confirmed

    user = email_address.user
    if email_address.email.casefold() == user.email.casefold():
        verification_address_confirmed(user_id=user.pk)
