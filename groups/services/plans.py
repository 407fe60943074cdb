"""Annual plans: a committee drafts and submits its plan for the year; the team reviews it."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from groups.errors import GroupsError
from groups.models import AnnualPlan
from groups.services.notifications import notify_committee
from groups.services.rules import lock_group, require_committee, require_staff
from portal.audit import audit_record
from portal.models import User

# The plan fields the committee edits on its form (the months' activities come separately).
PLAN_FIELDS = ("objectives", "communication_plan")


def plan_save(
    *,
    actor: User,
    group_id: int,
    year: int,
    objectives: str,
    activities: Mapping[str, str],
    communication_plan: str,
) -> AnnualPlan:
    """Create or edit the group's plan for ``year`` while it is a draft or needs changes."""
    clean_activities = {str(m): v.strip() for m, v in activities.items() if v and v.strip()}
    with transaction.atomic():
        group = lock_group(group_id)
        require_committee(actor, group)
        plan, created = AnnualPlan.objects.select_for_update().get_or_create(
            group=group, year=year, defaults={"created_by": actor}
        )
        if not plan.is_editable:
            raise GroupsError("This plan has been submitted and can no longer be edited.")
        old = {
            "objectives": plan.objectives,
            "activities": plan.activities,
            "communication_plan": plan.communication_plan,
        }
        plan.objectives = objectives
        plan.activities = clean_activities
        plan.communication_plan = communication_plan
        plan.save(update_fields=["objectives", "activities", "communication_plan"])
        new = {
            "objectives": objectives,
            "activities": clean_activities,
            "communication_plan": communication_plan,
        }
        audit_record(
            actor=actor,
            action="groups.plan.created" if created else "groups.plan.edited",
            target=plan,
            old={} if created else old,
            new=new,
        )
    return plan


def plan_submit(*, actor: User, plan_id: int) -> AnnualPlan:
    with transaction.atomic():
        plan = AnnualPlan.objects.select_for_update().select_related("group").get(pk=plan_id)
        require_committee(actor, plan.group)
        if not plan.is_editable:
            raise GroupsError("Only a draft plan or one with changes requested can be submitted.")
        if not plan.objectives.strip() or not plan.activities:
            raise GroupsError("Add objectives and at least one month's activities first.")
        old_status = plan.status
        plan.status = AnnualPlan.Status.SUBMITTED
        plan.submitted_at = timezone.now()
        plan.save(update_fields=["status", "submitted_at"])
        audit_record(
            actor=actor,
            action="groups.plan.submitted",
            target=plan,
            old={"status": old_status},
            new={"status": plan.status},
        )
    return plan


def _plan_review(*, actor: User, plan_id: int, status: str, comments: str) -> AnnualPlan:
    require_staff(actor)
    with transaction.atomic():
        plan = AnnualPlan.objects.select_for_update().select_related("group").get(pk=plan_id)
        if plan.status != AnnualPlan.Status.SUBMITTED:
            raise GroupsError("Only a submitted plan can be reviewed.")
        plan.status = status
        plan.reviewer_comments = comments
        plan.reviewed_at = timezone.now()
        plan.reviewed_by = actor
        plan.save(update_fields=["status", "reviewer_comments", "reviewed_at", "reviewed_by"])
        audit_record(
            actor=actor,
            action=f"groups.plan.{'accepted' if status == AnnualPlan.Status.ACCEPTED else 'changes_requested'}",
            target=plan,
            old={"status": AnnualPlan.Status.SUBMITTED},
            new={"status": status, "reviewer_comments": comments},
        )
        notify_committee(
            group=plan.group,
            subject=f"Your {plan.year} annual plan: {plan.get_status_display().lower()}",
            template="groups/email/plan_reviewed",
            context={"plan": plan},
            category="groups.plan.reviewed",
        )
    return plan


def plan_accept(*, actor: User, plan_id: int, comments: str = "") -> AnnualPlan:
    return _plan_review(
        actor=actor, plan_id=plan_id, status=AnnualPlan.Status.ACCEPTED, comments=comments
    )


def plan_request_changes(*, actor: User, plan_id: int, comments: str) -> AnnualPlan:
    if not comments.strip():
        raise GroupsError("Say what needs to change.", field="comments")
    return _plan_review(
        actor=actor, plan_id=plan_id, status=AnnualPlan.Status.CHANGES_REQUESTED, comments=comments
    )
