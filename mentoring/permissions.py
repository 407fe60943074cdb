"""Who may do what in mentoring: pure predicates over roles and ownership, no side effects."""

from __future__ import annotations

from alumni.api import is_verified_alumnus
from mentoring.models import Partnership, SurveyResponse
from portal.permissions import AnyUser, has_role
from portal.roles import Role


def can_manage_mentoring(user: AnyUser) -> bool:
    """Scheme admins run programmes, matching, concerns and surveys."""
    return has_role(user, Role.SCHEME_ADMIN)


def can_apply_as_mentor(user: AnyUser) -> bool:
    """Mentors are verified graduates (002: the institution's own alumni)."""
    return has_role(user, Role.ALUMNUS) and is_verified_alumnus(user)


def can_apply_as_mentee(user: AnyUser) -> bool:
    return has_role(user, Role.STUDENT)


def side_in(user: AnyUser, partnership: Partnership) -> str | None:
    """ "mentor" or "mentee" if ``user`` is one of the partners, else None."""
    if not user.is_authenticated:
        return None
    if partnership.mentor_application.user_id == user.pk:
        return SurveyResponse.Side.MENTOR
    if partnership.mentee_application.user_id == user.pk:
        return SurveyResponse.Side.MENTEE
    return None


def can_record_unavailability_for_partnership(user: AnyUser, partnership: Partnership) -> bool:
    """Only the mentor advises of an absence (002 §1d)."""
    return side_in(user, partnership) == SurveyResponse.Side.MENTOR


def can_withdraw_partnership(user: AnyUser, partnership: Partnership) -> bool:
    """The student may leave the programme (002 §1b)."""
    return side_in(user, partnership) == SurveyResponse.Side.MENTEE
