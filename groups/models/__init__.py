"""Alumni groups: committees, members and consent, annual plans, requests, sending, presences.

Models hold data and cheap predicates only; every write and every status change goes through
``groups.services`` (one module per aggregate). Every model is re-exported here, so
``from groups.models import X`` and the migrations keep working.
"""

from groups.models.communications import Communication, Delivery
from groups.models.groups import (
    COMMITTEE_PERM,
    AlumniGroup,
    AlumniGroupGroupObjectPermission,
    AlumniGroupUserObjectPermission,
    CommitteeMembership,
    ConsentEvent,
    Membership,
    MembershipChange,
)
from groups.models.pages import PageChange
from groups.models.plans import MONTHS, AnnualPlan
from groups.models.presences import OutsidePresence
from groups.models.requests import GroupRequest, RequestMessage, RequestPause

__all__ = [
    "COMMITTEE_PERM",
    "MONTHS",
    "AlumniGroup",
    "AlumniGroupGroupObjectPermission",
    "AlumniGroupUserObjectPermission",
    "AnnualPlan",
    "CommitteeMembership",
    "Communication",
    "ConsentEvent",
    "Delivery",
    "GroupRequest",
    "Membership",
    "MembershipChange",
    "OutsidePresence",
    "PageChange",
    "RequestMessage",
    "RequestPause",
]
