"""What other apps may use of moderation; nothing else of it is imported across apps."""

from __future__ import annotations

from moderation.errors import ModerationError

__all__ = ["ModerationError", "report_impersonation"]


def report_impersonation(
    *, platform: str, handle: str, details: str, contact_email: str = "", link: str = ""
) -> int:
    """A member of the public reports an account pretending to be official: opens an incident
    for comms (or adds to the open one about that account) and returns its id. Raises
    ``ModerationError`` (with ``field``) on bad input."""
    # Imported here: moderation's services use the registry's api, which may import this one.
    from moderation.services.public_reports import impersonation_report

    incident = impersonation_report(
        platform=platform, handle=handle, details=details, contact_email=contact_email, link=link
    )
    return incident.pk
