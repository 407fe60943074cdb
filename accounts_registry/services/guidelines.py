"""Posting guidelines on every official account (001 §6.1.8).

The portal writes the guidelines for each account: the standards of 001 §6.1 and the statement
that the administrators may review and remove anything posted, with the account's name and its
contact address, in a short form (a profile bio) and a full form (a pinned post or about page).
An administrator confirms they are displayed; the annual audit asks again, and a "no" there
clears the confirmation. Open accounts without a confirmation show as "guidelines missing".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts_registry.errors import AccountError
from accounts_registry.models import OfficialAccount
from accounts_registry.permissions import can_administer_account
from portal.audit import audit_record
from portal.models import User

from .admins import account_lock

SHORT_LIMIT = 150  # the shortest profile bio (Instagram); the contact is added if it fits


@dataclass(frozen=True)
class PostingGuidelines:
    short: str
    full: str


def contact_address(account: OfficialAccount) -> str:
    """The account's generic mailbox, else the comms team's."""
    return account.contact_email or getattr(settings, "ACCOUNTS_COMMS_EMAIL", "") or ""


def guidelines_for(account: OfficialAccount) -> PostingGuidelines:
    """The guidelines text of ``account``, in its short and full forms."""
    contact = contact_address(account)
    write = f" Questions or complaints: {contact}." if contact else ""
    short = (
        f"Official: {account.name}. Keep comments on topic and respectful; we may remove any post."
    )
    full = "\n\n".join(
        [
            f"Welcome to {account.name}, an official account of {settings.INSTITUTION_NAME}. "
            "We welcome your views and comments, including critical ones: accurate posts that "
            "are negative about the University are normally left online.",
            "Please keep to these standards when you comment or post here:\n"
            "- keep comments relevant to the topic being discussed;\n"
            "- be constructive, without expletives, obscenity or vulgarity;\n"
            "- no off-topic, abusive, threatening or hateful posts, no profanity and no "
            "personal attacks: these are deleted and may be reported;\n"
            "- no spam, sales or advertising, and nothing that infringes copyright.",
            "The administrators of this account reserve the right to review all comments and "
            "posted materials and to remove such materials for any reason. Accounts that post "
            "abusive or unlawful content may be blocked.",
            "Complaints are best dealt with privately: please send a direct message"
            + (f" or write to {contact}." if contact else "."),
        ]
    )
    return PostingGuidelines(
        short=short + write if len(short + write) <= SHORT_LIMIT else short, full=full
    )


def guidelines_record(
    account: OfficialAccount, *, actor: User, displayed: bool, source: str
) -> None:
    """Record whether the guidelines are displayed (caller holds the account's lock)."""
    old = account.guidelines_confirmed_at
    if displayed:
        account.guidelines_confirmed_at, account.guidelines_confirmed_by = timezone.now(), actor
    else:
        account.guidelines_confirmed_at, account.guidelines_confirmed_by = None, None
    account.save(update_fields=["guidelines_confirmed_at", "guidelines_confirmed_by"])
    audit_record(
        actor=actor,
        action=f"accounts_registry.guidelines.{'confirmed' if displayed else 'missing'}",
        target=account,
        old={"confirmed_at": old},
        new={"confirmed_at": account.guidelines_confirmed_at, "source": source},
    )


@transaction.atomic
def guidelines_confirm(*, actor: User, account_id: int) -> OfficialAccount:
    """An administrator confirms the guidelines are displayed on the account."""
    account = account_lock(account_id)
    if not can_administer_account(actor, account):
        raise AccountError("Only the account's administrators can confirm its guidelines.")
    if not account.is_open:
        raise AccountError("This account is closed.")
    guidelines_record(account, actor=actor, displayed=True, source="confirmation")
    return account
