"""Official social media accounts of the university, who administers them, and the governance
around them: accounts found by monitoring and advice before posting.

``registry`` holds the accounts, requests and the access log; ``discovered`` the accounts a
monitoring tool found; ``advice`` the requests for advice before posting; ``training`` the
administrators' training, policy acknowledgements and the comms setting that requires them;
``approvals`` the stand-in approvers comms name when a slot has nobody eligible to decide it.
"""

from accounts_registry.models.advice import AdviceRequest
from accounts_registry.models.approvals import StandInApprover
from accounts_registry.models.discovered import DiscoveredAccount, MonitoringToken
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
from accounts_registry.models.training import (
    GovernanceSettings,
    PolicyAcknowledgement,
    TrainingRecord,
)

__all__ = [
    "AccountRequest",
    "ActivityRecord",
    "AdminAssignment",
    "AdviceRequest",
    "AnnualAudit",
    "ApprovalDecision",
    "DiscoveredAccount",
    "GovernanceSettings",
    "Handover",
    "InsertOnlyQuerySet",
    "MonitoringToken",
    "OfficialAccount",
    "OfficialAccountGroupObjectPermission",
    "OfficialAccountUserObjectPermission",
    "PolicyAcknowledgement",
    "RequestedAdministrator",
    "StandInApprover",
    "TrainingRecord",
    "normalise_handle",
]
