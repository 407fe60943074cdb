"""Role pages of the registry (403 without the role): ``registry`` (requests, queue, directory,
comms oversight and closure) and ``governance`` (accounts found by monitoring, advice before
posting, administrators' training and the comms settings)."""

from .governance import (
    advice_create,
    advice_list,
    discovered_detail,
    discovered_list,
    governance_settings_view,
    monitoring_token_revoke_view,
    monitoring_tokens,
    policy_acknowledge_view,
    training,
)
from .registry import (
    close_account,
    comms_overview,
    directory,
    keep_account,
    my_requests,
    queue,
    register_existing,
    request_create,
    request_stand_in,
)

__all__ = [
    "advice_create",
    "advice_list",
    "close_account",
    "comms_overview",
    "directory",
    "discovered_detail",
    "discovered_list",
    "governance_settings_view",
    "keep_account",
    "monitoring_token_revoke_view",
    "monitoring_tokens",
    "my_requests",
    "policy_acknowledge_view",
    "queue",
    "register_existing",
    "request_create",
    "request_stand_in",
    "training",
]
