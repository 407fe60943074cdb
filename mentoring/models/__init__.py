"""Mentoring programmes (seed 002): applications, matching runs, partnerships and their life.

No model holds a protected characteristic (002 §7): no age or date of birth, gender, ethnicity,
nationality, religion, disability or the like. "Country" is always the current country of
residence. Status fields change only through ``mentoring.services``.
"""

from mentoring.models.applications import ApplicationStatus, MenteeApplication, MentorApplication
from mentoring.models.concerns import REPORTER_STATUS_LABELS, Concern, ConcernNote
from mentoring.models.matching import MatchConstraint, MatchRun, ProposedPair
from mentoring.models.partnerships import Meeting, Partnership, SurveyResponse, Unavailability
from mentoring.models.programmes import SECTOR_LABELS, SUPPORT_LABELS, Programme, split_list

__all__ = [
    "REPORTER_STATUS_LABELS",
    "SECTOR_LABELS",
    "SUPPORT_LABELS",
    "ApplicationStatus",
    "Concern",
    "ConcernNote",
    "MatchConstraint",
    "MatchRun",
    "Meeting",
    "MenteeApplication",
    "MentorApplication",
    "Partnership",
    "Programme",
    "ProposedPair",
    "SurveyResponse",
    "Unavailability",
    "split_list",
]
