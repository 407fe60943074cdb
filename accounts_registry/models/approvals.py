"""Stand-in approvers: the person comms name to decide one slot of one request (B3).

A slot can be left without anyone eligible: the unit has no active approver, or every holder of
the office is the requester, a named administrator or the person who filled the other slot.
Comms then name a stand-in for that slot on that request; the stand-in decides it like the
office holder would, under the same conflict rules.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone

from .registry import AccountRequest, ApprovalDecision


class StandInApprover(models.Model):
    """``user`` may decide ``slot`` of ``request``, as named by comms staff with a reason."""

    request = models.ForeignKey(AccountRequest, on_delete=models.PROTECT, related_name="stand_ins")
    slot = models.CharField(max_length=10, choices=ApprovalDecision.Slot.choices)
    user = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    named_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    named_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("named_at", "id")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["request", "slot", "user"], name="stand_in_once_per_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} standing in for the {self.get_slot_display()} on {self.request}"
