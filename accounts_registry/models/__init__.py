"""Official social media accounts of the university, who administers them, and the governance
around them: accounts found by monitoring and advice before posting.

``registry`` holds the accounts, requests and the access log; ``discovered`` the accounts a
monitoring tool found; ``advice`` the requests for advice before posting.
"""

from accounts_registry.models.advice import AdviceRequest
from accounts_registry.models.discovered import DiscoveredAccount
from accounts_registry.models.registry import (
    AccountRequest,
    ActivityRecord,
    AdminAssignment,
    AnnualAudit,
    ApprovalDecision,
    Handover,
    InsertOnlyQuerySet,
    OfficialAccount,
    OfficialAccountGroupObjectPermission,
    OfficialAccountUserObjectPermission,
    RequestedAdministrator,
    normalise_handle,
)

__all__ = [
    "AccountRequest",
    "ActivityRecord",
    "AdminAssignment",
    "AdviceRequest",
    "AnnualAudit",
    "ApprovalDecision",
    "DiscoveredAccount",
    "Handover",
    "InsertOnlyQuerySet",
    "OfficialAccount",
    "OfficialAccountGroupObjectPermission",
    "OfficialAccountUserObjectPermission",
    "RequestedAdministrator",
    "normalise_handle",
]
