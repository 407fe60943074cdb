"""Moderators' and comms pages: the queue, items and their decisions (``items``), imports,
channels and tokens, statistics, categories and removal requests (``desk``)."""

from __future__ import annotations

from .desk import (
    category_edit,
    category_list,
    channel_list,
    channel_tokens_view,
    import_csv,
    removal_detail,
    removal_list,
    removal_new,
    removal_withdraw_view,
    statistics_csv,
    statistics_view,
    token_revoke_view,
)
from .items import (
    channel_search_view,
    item_categorise_view,
    item_claim_view,
    item_decide_view,
    item_detail,
    item_new,
    item_release_view,
    item_reopen_view,
    item_timeline_view,
    queue,
)

__all__ = [
    "category_edit",
    "category_list",
    "channel_list",
    "channel_search_view",
    "channel_tokens_view",
    "import_csv",
    "item_categorise_view",
    "item_claim_view",
    "item_decide_view",
    "item_detail",
    "item_new",
    "item_release_view",
    "item_reopen_view",
    "item_timeline_view",
    "queue",
    "removal_detail",
    "removal_list",
    "removal_new",
    "removal_withdraw_view",
    "statistics_csv",
    "statistics_view",
    "token_revoke_view",
]
