"""What each partner may see of the other (002 §4-5): the only two projections there are.

Every page, email and export that shows a partner's details takes them from one of these two
functions and from nothing else, so the rule lives in one place:

* ``mentor_card_for_mentee``: 002 §4 a-h (name, email, course(s), graduation year, country,
  job role, bio only if shared, LinkedIn only if shared);
* ``mentee_card_for_mentor``: 002 §5 a-g (name, university email, MSc programme, sectors of
  interest, support areas sought, LinkedIn only if shared, bio only if shared).

Both return ``{}`` once the partnership is no longer live: withdrawn, ended, or past the
programme's end date (002 §2), whether or not the nightly job has closed it yet. Matching-only
preferences (preferred countries, meeting mode, the mentee's country), capacity, commitments,
sectors of the mentor and anything else never appear.

Pages take the card through ``partner_card_for``, which picks the projection from the viewer's
side in the partnership, shows nothing to anyone who is not a partner, and audits the display.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from mentoring.models import Partnership, SurveyResponse
from mentoring.permissions import side_in
from portal.audit import audit_personal_data_view
from portal.models import User

# Labels, in the order the policy lists the fields; templates and exports use these.
MENTOR_FIELD_LABELS: dict[str, str] = {
    "name": "Name",
    "email": "Email address",
    "courses": "Course(s) studied",
    "graduation_year": "Year of graduation",
    "country": "Country",
    "job_role": "Current job role",
    "bio": "Brief bio",
    "linkedin": "LinkedIn profile",
}
MENTEE_FIELD_LABELS: dict[str, str] = {
    "name": "Name",
    "email": "University email address",
    "msc_programme": "MSc programme",
    "sectors": "Employment sectors of interest",
    "support_areas": "Areas of support sought",
    "linkedin": "LinkedIn profile",
    "bio": "Brief bio",
}


def _today() -> datetime.date:
    return timezone.localdate()


def mentor_card_for_mentee(
    partnership: Partnership, *, today: datetime.date | None = None
) -> dict[str, Any]:
    """The mentor's details a matched mentee may see (002 §4 a-h), or {} when not live."""
    if not partnership.is_live(today or _today()):
        return {}
    a = partnership.mentor_application
    card: dict[str, Any] = {
        "name": a.name,
        "email": a.email,
        "courses": a.course_list,
        "graduation_year": a.graduation_year,
        "country": a.country,
        "job_role": a.job_role,
    }
    if a.share_bio and a.bio:
        card["bio"] = a.bio
    if a.share_linkedin and a.linkedin:
        card["linkedin"] = a.linkedin
    return card


def mentee_card_for_mentor(
    partnership: Partnership, *, today: datetime.date | None = None
) -> dict[str, Any]:
    """The student's details their mentor may see (002 §5 a-g), or {} when not live."""
    if not partnership.is_live(today or _today()):
        return {}
    a = partnership.mentee_application
    card: dict[str, Any] = {
        "name": a.name,
        "email": a.university_email,
        "msc_programme": a.msc_programme,
        "sectors": a.sector_labels,
        "support_areas": a.support_labels,
    }
    if a.share_linkedin and a.linkedin:
        card["linkedin"] = a.linkedin
    if a.share_bio and a.bio:
        card["bio"] = a.bio
    return card


def partner_card_for(
    viewer: User, partnership: Partnership, *, fields: tuple[str, ...] | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """The other partner's card for ``viewer`` (empty once ended), audited when shown.

    A viewer who is not one of the partners (a stranger, a scheme admin) gets an empty card,
    whatever the caller's queryset let through. ``fields`` narrows what the page will show
    (e.g. only the name in a list); the audit row records exactly what was shown.
    """
    side = side_in(viewer, partnership)
    subject: Any
    if side == SurveyResponse.Side.MENTEE:
        card, labels = mentor_card_for_mentee(partnership), MENTOR_FIELD_LABELS
        subject = partnership.mentor_application
    elif side == SurveyResponse.Side.MENTOR:
        card, labels = mentee_card_for_mentor(partnership), MENTEE_FIELD_LABELS
        subject = partnership.mentee_application
    else:
        return {}, MENTEE_FIELD_LABELS
    if fields is not None:
        card = {key: value for key, value in card.items() if key in fields}
    if card:
        audit_personal_data_view(actor=viewer, subject=subject, fields=list(card))
    return card, labels


def partner_name_for(viewer: User, partnership: Partnership) -> str:
    """Only the other partner's name for a list or a choice ("" once ended), audited if shown."""
    return str(partner_card_for(viewer, partnership, fields=("name",))[0].get("name", ""))


def _vcard_text(value: Any) -> str:
    text = ", ".join(value) if isinstance(value, list) else str(value)
    for a, b in (("\\", "\\\\"), (",", "\\,"), (";", "\\;"), ("\n", "\\n"), ("\r", "")):
        text = text.replace(a, b)
    return text


def card_as_vcard(card: dict[str, Any]) -> str:
    """A partner card (from one of the projections above) as vCard 3.0 text: nothing added."""
    esc = _vcard_text
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{esc(card['name'])}", f"EMAIL:{esc(card['email'])}"]
    if "job_role" in card:
        lines.append(f"TITLE:{esc(card['job_role'])}")
    if "country" in card:
        lines.append(f"ADR:;;;;;;{esc(card['country'])}")
    if "linkedin" in card:
        lines.append(f"URL:{esc(card['linkedin'])}")
    extra = [
        f"{key}: {esc(card[key])}"
        for key in (
            "courses",
            "graduation_year",
            "msc_programme",
            "sectors",
            "support_areas",
            "bio",
        )
        if key in card
    ]
    if extra:
        lines.append("NOTE:" + "\\n".join(extra))
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"
