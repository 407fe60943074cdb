"""Reports from the public: an account pretending to be an official one (001 §5.5, 004 §6.1).

Anyone may report from the public "is this account official?" page, without signing in. The
report opens an incident for comms (a breach of the policy) and tells every comms staff member
at once. The incident's reporter is the inactive "Public report form" user, which stands for
whoever used the page; the person's own address, if they gave one, is in the description.
Repeated reports of the same account while its incident is open add to that incident's audit
trail instead of opening another.
"""

from __future__ import annotations

from django.db import transaction

from accounts_registry.api import OfficialAccount
from moderation.errors import ModerationError
from moderation.models import Incident
from moderation.selectors import comms_staff_emails
from portal.audit import audit_record
from portal.mail import email_queue
from portal.models import User

PUBLIC_REPORTER_EMAIL = "public-report-form@reports.invalid"
PUBLIC_REPORTER_NAME = "Public report form"
MAX_DETAILS = 2000


def public_reporter() -> User:
    """The inactive user that stands for the public report form (created on first use)."""
    user, created = User.objects.get_or_create(
        email=PUBLIC_REPORTER_EMAIL,
        defaults={"first_name": PUBLIC_REPORTER_NAME, "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def impersonation_report(
    *, platform: str, handle: str, details: str, contact_email: str = "", link: str = ""
) -> Incident:
    """Open (or add to) the incident about an account that may be impersonating us."""
    platforms = dict(OfficialAccount.Platform.choices)
    if platform not in platforms:
        raise ModerationError("Choose the platform of the account.", field="platform")
    handle = handle.strip().lstrip("@").strip().lower()
    if not handle or len(handle) > 100:
        raise ModerationError("Give the account's handle or the link to it.", field="account")
    details = details.strip()
    if not details:
        raise ModerationError("Tell us why you think it is pretending to be us.", field="details")
    if len(details) > MAX_DETAILS:
        raise ModerationError(f"Keep it under {MAX_DETAILS} characters.", field="details")
    title = f"Possible impersonation: {platforms[platform]} @{handle}"[:200]
    report = {"platform": platform, "handle": handle, "contact_given": bool(contact_email)}
    with transaction.atomic():
        existing = (
            Incident.objects.select_for_update()
            .filter(title=title)
            .exclude(state=Incident.State.CLOSED)
            .first()
        )
        if existing is not None:
            audit_record(
                actor=None,
                action="moderation.incident.reported_again",
                target=existing,
                new=report,
            )
            return existing
        lines = [f"Reported on the public lookup page: {platforms[platform]} @{handle}."]
        if link:
            lines.append(f"Link given: {link}")
        lines += ["", details, ""]
        lines.append(
            f"Reporter's email: {contact_email}" if contact_email else "The reporter left no email."
        )
        incident = Incident.objects.create(
            kind=Incident.Kind.POLICY_BREACH,
            title=title,
            description="\n".join(lines),
            reported_by=public_reporter(),
        )
        audit_record(
            actor=None,
            action="moderation.incident.reported",
            target=incident,
            new={"kind": incident.kind, "state": incident.state, "source": "public", **report},
        )
        email_queue(
            to=comms_staff_emails(),
            subject="Incident reported: possible impersonation of an official account",
            template="moderation/email/incident_reported",
            context={"incident": incident, "reporter": "A member of the public"},
            category="moderation.incident.reported",
        )
    return incident
