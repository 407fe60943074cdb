"""Alumni Engagement staff pages: the request queue, review, sending, plans, SLA, groups.

Every object is fetched through an ``access_<entity>_or_404`` selector and every list through a
selector scoped to the user, behind ``groups.permissions.staff_only``.
"""

from groups.views.staff.groups import (
    committee_appoint_view,
    committee_end_view,
    group_detail,
    group_list,
    members,
    page_changes,
    presence_flag_view,
    presence_list,
)
from groups.views.staff.plans import plan_review, plans, sla, sla_csv
from groups.views.staff.requests import compose, queue, request_action, request_detail

__all__ = [
    "committee_appoint_view",
    "committee_end_view",
    "compose",
    "group_detail",
    "group_list",
    "members",
    "page_changes",
    "plan_review",
    "plans",
    "presence_flag_view",
    "presence_list",
    "queue",
    "request_action",
    "request_detail",
    "sla",
    "sla_csv",
]
