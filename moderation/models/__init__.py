"""Moderation data: items on official channels, policy categories and decisions (``items``);
incidents, escalations and removal requests (``incidents``).

Invariants the database itself keeps:

* one item per (channel, external id), so importing the same external post twice is one item;
* at most one *active* decision per item (reopening a decision deactivates it, keeping history);
* each security-breach checklist step is ticked at most once per incident.
"""

from .incidents import Escalation, Incident, IncidentStep, RemovalRequest
from .items import Category, ChannelToken, Decision, Item, Suggestion

__all__ = [
    "Category",
    "ChannelToken",
    "Decision",
    "Escalation",
    "Incident",
    "IncidentStep",
    "Item",
    "RemovalRequest",
    "Suggestion",
]
