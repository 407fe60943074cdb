"""Words, not codes: the one mapping from audit action codes and reminder kinds to sentences.

Every history line, timeline and reminder list shows a sentence naming its object and actor
by name ("Ann Lee asked for changes to “Nairobi dinner”"), never ``groups.request.changes_requested``.
``portal/tests/test_wording.py`` scans the services for every code they write and fails on one
that has no wording here. An unknown code (data written by an older release) still reads as a
sentence built from its words.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Protocol

# action code -> phrase in the past tense; "{target}" is the object's name, quoted.
ACTIONS: dict[str, str] = {
    # Groups
    "groups.group.created": "created the group {target}",
    "groups.group.updated": "updated the group {target}",
    "groups.committee.appointed": "appointed a committee member: {target}",
    "groups.committee.ended": "ended a committee seat: {target}",
    "groups.committee.role_changed": "changed a committee role: {target}",
    "groups.membership.joined": "joined the group ({target})",
    "groups.membership.left": "left the group ({target})",
    "groups.consent.given": "agreed to the group's emails ({target})",
    "groups.consent.withdrawn": "stopped the group's emails ({target})",
    "groups.plan.created": "started the annual plan {target}",
    "groups.plan.edited": "edited the annual plan {target}",
    "groups.plan.submitted": "submitted the annual plan {target}",
    "groups.plan.accepted": "accepted the annual plan {target}",
    "groups.plan.changes_requested": "asked for changes to the annual plan {target}",
    "groups.request.submitted": "submitted the request {target}",
    "groups.request.resubmitted": "resubmitted the request {target}",
    "groups.request.started": "started work on the request {target}",
    "groups.request.changes_requested": "asked for changes to the request {target}",
    "groups.request.scheduled": "scheduled the request {target}",
    "groups.request.declined": "declined the request {target}",
    "groups.request.sent": "marked the request {target} as sent",
    "groups.request.message_posted": "wrote a message on the request {target}",
    "groups.communication.queued": "started sending the email {target}",
    "groups.communication.released": "released the scheduled email {target}",
    "groups.communication.resumed": "resumed sending the email {target}",
    "groups.communication.completed": "finished sending the email {target}",
    "groups.communication.cancelled": "cancelled the email {target}",
    "groups.communication.rescheduled": "rescheduled the email {target}",
    "groups.communication.retried": "queued the failed deliveries of {target} again",
    "groups.communication.test_sent": "sent a test copy of the email {target}",
    "groups.page.proposed": "proposed changes to the public page of {target}",
    "groups.page.replaced": "replaced an earlier proposal for {target}",
    "groups.page.accepted": "accepted the public page changes of {target}",
    "groups.page.returned": "returned the public page changes of {target}",
    "groups.presence.registered": "registered the outside presence {target}",
    "groups.presence.disclaimer_confirmed": "confirmed the disclaimer on {target}",
    "groups.presence.flagged": "flagged the outside presence {target}",
    "groups.presence.unflagged": "cleared the flag on {target}",
    # Official accounts
    "accounts_registry.request.submitted": "requested the account {target}",
    "accounts_registry.request.acknowledged": "acknowledged the policy for {target}",
    "accounts_registry.request.approved_unit": "approved {target} for the unit",
    "accounts_registry.request.rejected_unit": "rejected {target} for the unit",
    "accounts_registry.request.approved_marcomms": "approved {target} as marcomms director",
    "accounts_registry.request.rejected_marcomms": "rejected {target} as marcomms director",
    "accounts_registry.request.no_approver": "reported to comms that {target} has a slot "
    "no eligible approver can decide",
    "accounts_registry.request.stand_in_named": "named a stand-in approver for {target}",
    "accounts_registry.request.approved": "completed both approvals of {target}",
    "accounts_registry.request.rejected": "closed {target} as rejected",
    "accounts_registry.request.withdrawn": "withdrew the request {target}",
    "accounts_registry.request.active": "activated the requested account {target}",
    "accounts_registry.account.activated": "activated the account {target}",
    "accounts_registry.account.registered": "registered the existing account {target}",
    "accounts_registry.account.activity_recorded": "recorded activity on {target}",
    "accounts_registry.account.inactivity_reminded": "reminded the admins of {target} about inactivity",
    "accounts_registry.account.flagged": "flagged {target} for deactivation",
    "accounts_registry.account.kept": "kept {target} open",
    "accounts_registry.account.deactivated": "deactivated {target}",
    "accounts_registry.account.deleted": "recorded {target} as deleted",
    "accounts_registry.account.compliant": "marked {target} compliant again (two admins)",
    "accounts_registry.account.noncompliant": "marked {target} non-compliant (fewer than two admins)",
    "accounts_registry.account.handover": "recorded a handover on {target}",
    "accounts_registry.admin.granted": "added an administrator to {target}",
    "accounts_registry.admin.revoked": "removed an administrator from {target}",
    "accounts_registry.audit.opened": "opened the annual audit {target}",
    "accounts_registry.audit.completed": "completed the annual audit {target}",
    "accounts_registry.audit.escalated": "escalated the overdue audit {target} to comms",
    "accounts_registry.advice.requested": "asked comms for advice ({target})",
    "accounts_registry.advice.answered": "answered the advice request {target}",
    "accounts_registry.advice.overdue": "told comms the advice request {target} is overdue",
    "accounts_registry.discovered.imported": "imported accounts found by monitoring ({target})",
    "accounts_registry.discovered.linked": "linked the discovered account {target} to the registry",
    "accounts_registry.discovered.unregistered": "triaged {target} as official but unregistered",
    "accounts_registry.discovered.personal": "triaged {target} as a personal or fan account",
    "accounts_registry.discovered.impersonation": "triaged {target} as an impersonation",
    "accounts_registry.discovered.unrelated": "triaged {target} as not related",
    "accounts_registry.guidelines.confirmed": "confirmed the posting guidelines are shown on {target}",
    "accounts_registry.guidelines.missing": "recorded the posting guidelines as missing on {target}",
    "accounts_registry.monitoring_token.created": "created the monitoring token {target}",
    "accounts_registry.monitoring_token.revoked": "revoked the monitoring token {target}",
    "accounts_registry.monitoring_token.used": "imported through the monitoring token {target}",
    "accounts_registry.policy.acknowledged": "acknowledged the policy ({target})",
    "accounts_registry.settings.updated": "changed the governance settings ({target})",
    "accounts_registry.training.recorded": "recorded training ({target})",
    # Alumni records and verification
    "alumni.records.imported": "imported alumni records ({target})",
    "alumni.verification.requested": "asked to be verified as a graduate ({target})",
    "alumni.verification.verified": "verified the graduate {target}",
    "alumni.verification.rejected": "did not verify the graduate {target}",
    # Mentoring
    "mentoring.programme.created": "created the programme {target}",
    "mentoring.programme.updated": "updated the programme {target}",
    "mentoring.programme.invitations_sent": "sent the future-programme invitations of {target}",
    "mentoring.mentor_application.submitted": "applied as a mentor ({target})",
    "mentoring.mentee_application.submitted": "applied as a mentee ({target})",
    "mentoring.mentor_application.withdrawn": "withdrew a mentor application ({target})",
    "mentoring.mentee_application.withdrawn": "withdrew a mentee application ({target})",
    "mentoring.match_run.created": "ran the matching {target}",
    "mentoring.match_run.confirmed": "confirmed the matching {target}",
    "mentoring.match_constraint.pin": "pinned a pair ({target})",
    "mentoring.match_constraint.forbid": "forbade a pair ({target})",
    "mentoring.match_constraint.removed": "removed an override ({target})",
    "mentoring.partnership.created": "started the partnership {target}",
    "mentoring.partnership.email_frequency_set": "recorded the email frequency of {target}",
    "mentoring.partnership.ended": "ended the partnership {target}",
    "mentoring.partnership.withdrawn": "withdrew from the partnership {target}",
    "mentoring.meeting.logged": "logged a meeting ({target})",
    "mentoring.unavailability.recorded": "recorded unavailability ({target})",
    "mentoring.concern.reported": "reported a concern ({target})",
    "mentoring.concern.followed_up": "followed up a concern ({target})",
    "mentoring.survey.submitted": "answered a survey ({target})",
    # Moderation
    "moderation.item.created": "entered the item {target}",
    "moderation.items.imported": "imported items ({target})",
    "moderation.item.claimed": "claimed the item {target}",
    "moderation.item.released": "released the item {target}",
    "moderation.item.decided": "decided on the item {target}",
    "moderation.item.reopened": "reopened the item {target}",
    "moderation.item.categorised": "set the category and response target of the item {target}",
    "moderation.item.target_alert.admins": (
        "alerted the channel's admins: {target} is past its response target"
    ),
    "moderation.item.target_alert.comms": (
        "alerted comms: {target} is still undecided a full target after it fell due"
    ),
    "moderation.category.saved": "added the category {target}",
    "moderation.category.updated": "updated the category {target}",
    "moderation.token.created": "created the import token {target}",
    "moderation.token.revoked": "revoked the import token {target}",
    "moderation.incident.reported": "reported the incident {target}",
    "moderation.incident.reported_again": "added another report to the incident {target}",
    "moderation.incident.triaged": "triaged the incident {target}",
    "moderation.incident.escalated": "escalated the incident {target}",
    "moderation.incident.closed": "closed the incident {target}",
    "moderation.incident.step_done": "ticked a checklist step of {target}",
    "moderation.incident.assigned": "set the owner and severity of {target}",
    "moderation.incident.escalation_replied": "recorded the receiving team's reply on {target}",
    "moderation.item.escalation_replied": "recorded the receiving team's reply on {target}",
    "moderation.escalation.opened": "escalated {target} to the receiving team",
    "moderation.escalation.reminded.reply_due": "chased the reply on {target}",
    "moderation.escalation.reminded.comms": "alerted comms: still no reply on {target}",
    "moderation.removal_request.sent": "sent the removal request {target}",
    "moderation.removal_request.confirmed": "recorded the removal of {target}",
    "moderation.removal_request.escalated": "escalated the overdue removal request {target}",
    "moderation.removal_request.withdrawn": "withdrew the removal request {target}",
    # Platform
    "portal.role.granted": "granted a role to {target}",
    "portal.role.revoked": "revoked a role of {target}",
    "portal.approver.appointed": "appointed a unit approver: {target}",
    "portal.approver.ended": "ended a unit approver's appointment: {target}",
    "portal.delegation.created": "named a director's delegate: {target}",
    "portal.delegation.ended": "ended a director's delegation: {target}",
    "portal.personal_data.viewed": "viewed personal data of {target}",
    "portal.personal_data.exported": "exported the personal data of {target}",
    "portal.person.erased": "erased the personal data of {target}",
    # The CRM integration API
    "integration.client.created": "created the API client {target}",
    "integration.client.revoked": "revoked the API client {target}",
    "integration.api.read": "read personal data through the API ({target})",
    "portal.admin.user.created": "added the person {target} in the admin",
    "portal.admin.user.changed": "changed the person {target} in the admin",
    "portal.admin.user.password_set": "set a new password for {target} in the admin",
    "portal.admin.orgunit.created": "added the unit {target} in the admin",
    "portal.admin.orgunit.changed": "changed the unit {target} in the admin",
    "portal.admin.orgunit.deleted": "deleted the unit {target} in the admin",
}

# reminder kind -> what was sent, as a noun phrase.
REMINDERS: dict[str, str] = {
    "groups.sla.due_soon": "Reminder that the request is due soon",
    "groups.sla.overdue": "Overdue request escalated to the engagement manager",
    "groups.plan.reminder": "Reminder to submit this year's annual plan",
    "accounts_registry.inactivity": "Inactivity reminder to the account's admins",
    "accounts_registry.flagged": "Inactive account flagged to comms for deactivation",
    "accounts_registry.noncompliant": "Account with fewer than two admins reported to comms",
    "accounts_registry.audit.opened": "Annual audit opened",
    "accounts_registry.audit.reminder": "Annual audit reminder",
    "accounts_registry.audit.overdue": "Overdue audit escalated to comms",
    "accounts_registry.advice.overdue": "Overdue advice request reported to comms",
    "accounts_registry.training.expiring": "Administrator training expiring",
    "accounts_registry.request.no_approver": "Account request with no eligible approver "
    "reported to comms",
    "accounts_registry.request.decision_reminder": "Reminder to the approvers of a request "
    "waiting for their decision",
    "alumni.verification.overdue": "Graduate verification waiting over 3 working days",
    "mentoring.meeting_behind": "Reminder that the pair is behind on meetings",
    "mentoring.survey_invitation": "Feedback survey invitation",
    "mentoring.future_invitation": "Invitation to future programmes",
    "moderation.removal_request": "Removal request reminder",
    "moderation.escalation": "Escalation reply chased",
    "moderation.response_target": "Item past its response target (admins, then comms)",
}


class _Event(Protocol):
    action: str
    actor_label: str
    target_label: str
    at: Any

    @property
    def actor(self) -> Any: ...


class _Reminder(Protocol):
    kind: str
    period: str


def _from_code(code: str) -> str:
    """A readable phrase for a code with no entry: 'groups.request.foo_bar' -> 'request foo bar'."""
    words = code.split(".")[1:] or [code]
    return re.sub(r"[_.]+", " ", " ".join(words)).strip()


def actor_name(event: _Event) -> str:
    """The actor by name: the person's display name, or what was recorded, or the portal itself."""
    actor = event.actor
    if actor is not None:
        return str(getattr(actor, "display_name", "") or actor)
    return event.actor_label or "The portal"


def action_phrase(code: str, target: str = "") -> str:
    """What happened, without the actor: 'asked for changes to the request “Dinner”'."""
    phrase = ACTIONS.get(code)
    quoted = f"“{target}”" if target else "this"
    if phrase is None:
        return f"{_from_code(code)} ({quoted})" if target else _from_code(code)
    return phrase.format(target=quoted)


def event_sentence(event: _Event) -> str:
    """'Ann Lee asked for changes to the request “Dinner”.' (the date is shown beside it)."""
    return f"{actor_name(event)} {action_phrase(event.action, event.target_label)}."


def reminder_sentence(reminder: _Reminder) -> str:
    """'Overdue request reminder (second reminder)', from the kind and its period."""
    what = REMINDERS.get(reminder.kind) or _from_code(reminder.kind).capitalize()
    period = period_words(reminder.period)
    return f"{what} ({period})" if period else what


def period_words(period: str) -> str:
    """'stage-0' -> 'as first submitted'; '2026' -> 'for 2026'; a date -> that date, in words."""
    if match := re.fullmatch(r"stage-(\d+)", period):
        number = int(match.group(1))
        return "as first submitted" if number == 0 else f"after resubmission {number}"
    if re.fullmatch(r"\d{4}", period):
        return f"for {period}"
    if match := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", period):
        year, month, day = (int(part) for part in match.groups())
        when = date(year, month, day)
        return f"for {when:%-d %B %Y}"
    if match := re.fullmatch(r"(\d{4})-(\d{2})", period):
        when = date(int(match.group(1)), int(match.group(2)), 1)
        return f"for {when:%B %Y}"
    return re.sub(r"[_-]+", " ", period)
