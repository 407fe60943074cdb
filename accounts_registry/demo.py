"""Demo data for the registry: accounts in every state and requests at every step.

Every state is reached through the services (requests through submission, acknowledgement and
decisions; accounts that predate the portal through ``account_register_existing``; inactivity
and audits through the scheduled sweeps run for a past day). Keyed on platform and handle, so
running it twice changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from portal.demo import DemoContext, ensure_user
from portal.models import OrgUnit, User
from portal.people import approver_appoint
from portal.roles import Role

from .jobs import annual_audits_sweep, inactivity_sweep
from .models import (
    AccountRequest,
    AdviceRequest,
    ApprovalDecision,
    DiscoveredAccount,
    OfficialAccount,
    TrainingRecord,
    normalise_handle,
)
from .services.accounts import account_close, account_register_existing
from .services.admins import account_handover
from .services.advice import advice_answer, advice_request_create
from .services.discovered import discovered_import, discovered_rows_parse, discovered_triage
from .services.guidelines import guidelines_confirm
from .services.requests import request_acknowledge, request_activate, request_decide, request_submit
from .services.training import policy_acknowledge, training_record

PLAN = {
    "purpose": "Share the school's research, events and student achievements.",
    "audience": "Prospective and current students, alumni and research partners.",
    "objectives": "Two posts a week; grow event sign-ups from social media by 20% in a year.",
    "evaluation_plan": "Quarterly review of reach, engagement and event sign-ups with comms.",
    "signoff_process": "Posts drafted by one administrator and checked by the other before going out.",
}


def _request(
    ctx: DemoContext,
    *,
    unit: OrgUnit,
    platform: str,
    name: str,
    handle: str,
    email: str,
    admins: list[User],
    acknowledge: bool = True,
) -> AccountRequest:
    existing = AccountRequest.objects.filter(platform=platform, proposed_handle=handle).first()
    if existing is not None:
        return existing
    request = request_submit(
        actor=ctx.users["requester"],
        unit_id=unit.pk,
        platform=platform,
        proposed_name=name,
        proposed_handle=handle,
        contact_email=email,
        administrator_ids=[user.pk for user in admins],
        **PLAN,
    )
    if acknowledge:
        for user in admins:
            request_acknowledge(actor=user, request_id=request.pk)
    return request


def _decide(
    request: AccountRequest, user: User, slot: str, decision: str, reason: str = ""
) -> None:
    if not request.decisions.filter(slot=slot).exists():
        request_decide(
            actor=user, request_id=request.pk, slot=slot, decision=decision, reason=reason
        )


def _at(days_ago: int) -> datetime:
    return timezone.now() - timedelta(days=days_ago)


def _same_day_years_ago(today: date, years: int) -> datetime:
    day = today.replace(year=today.year - years, day=min(today.day, 28))
    return timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=10)))


def _existing(
    ctx: DemoContext,
    handle: str,
    platform: str,
    *,
    unit: OrgUnit,
    administrators: list[User],
    **kwargs: Any,
) -> OfficialAccount:
    found = OfficialAccount.objects.filter(
        platform=platform, handle=normalise_handle(handle)
    ).first()
    if found is not None:
        return found
    return account_register_existing(
        actor=ctx.users["comms"],
        unit_id=unit.pk,
        platform=platform,
        handle=handle,
        administrator_ids=[user.pk for user in administrators],
        **kwargs,
    )


def seed(ctx: DemoContext) -> None:
    socsci, computing = ctx.units["social-sciences"], ctx.units["computing"]
    economics = ctx.units["economics"]
    director, approver = ctx.users["director"], ctx.users["approver"]
    admin1, admin2 = ctx.users["account_admin"], ctx.users["account_admin2"]
    head_computing = ensure_user(
        ctx,
        email="head.computing@example.ac.uk",
        first_name="Samuel",
        last_name="Adeyemi",
        roles=(Role.STAFF,),
    )
    approver_appoint(
        actor=ctx.users["portal_admin"], user_id=head_computing.pk, unit_id=computing.pk
    )
    unit_slot, marcomms_slot = ApprovalDecision.Slot.UNIT, ApprovalDecision.Slot.MARCOMMS
    pair = [admin1, admin2]

    # 1. Active and compliant, through the whole request flow.
    live = _request(
        ctx,
        unit=socsci,
        platform="instagram",
        name="University Social Sciences",
        handle="unisocialsciences",
        email="socsci-social@example.ac.uk",
        admins=pair,
    )
    _decide(live, approver, unit_slot, "approve")
    _decide(live, director, marcomms_slot, "approve")
    live.refresh_from_db()
    if live.status == AccountRequest.Status.APPROVED:
        request_activate(
            actor=ctx.users["requester"],
            request_id=live.pk,
            handle="unisocialsciences",
            url="https://www.instagram.com/unisocialsciences/",
            followers=4800,
        )

    # 2. Non-compliant: one administrator left without a replacement.
    events = _existing(
        ctx,
        "unisocsciEvents",
        "x",
        unit=socsci,
        name="University Social Sciences Events",
        url="https://x.com/unisocscievents",
        contact_email="socsci-events@example.ac.uk",
        administrators=pair,
        followers=1350,
        created_at=_at(500),
        last_activity_at=_at(6),
    )
    if events.assignments.filter(user=admin2, revoked_at__isnull=True).exists():
        account_handover(
            actor=admin1,
            account_id=events.pk,
            leaving_id=admin2.pk,
            replacement_id=None,
            passwords_changed_confirmed=True,
            note="Oliver moved to the Economics department; replacement being recruited.",
        )

    # 3. Flagged: reminded 35 days ago, grace period over. 4. Inactive, reminder just sent.
    _existing(
        ctx,
        "unieuroinstitute",
        "facebook",
        unit=ctx.units["european-institute"],
        name="University European Institute",
        url="https://www.facebook.com/unieuroinstitute",
        contact_email="euroinstitute-social@example.ac.uk",
        administrators=pair,
        followers=610,
        created_at=_at(700),
        last_activity_at=_at(170),
    )
    inactivity_sweep(now=_at(35))
    _existing(
        ctx,
        "unicomputingresearch",
        "linkedin",
        unit=computing,
        name="University Computing Research",
        url="https://www.linkedin.com/company/unicomputingresearch",
        contact_email="computing-research@example.ac.uk",
        administrators=pair,
        followers=2300,
        created_at=_at(400),
        last_activity_at=_at(100),
    )
    inactivity_sweep()

    # 5. Closed (deactivated), kept in the history.
    old = _existing(
        ctx,
        "unieconomicsblog",
        "threads",
        unit=economics,
        name="University Economics Blog",
        administrators=pair,
        followers=90,
        created_at=_at(900),
        last_activity_at=_at(400),
    )
    if old.is_open:
        account_close(
            actor=ctx.users["comms"],
            account_id=old.pk,
            status=OfficialAccount.Status.DEACTIVATED,
            reason="Replaced by the school's main account; no posts for over a year.",
        )

    # 6. An account whose annual audit opens today.
    _existing(
        ctx,
        "unicomputing",
        "youtube",
        unit=computing,
        name="University School of Computing",
        url="https://www.youtube.com/@unicomputing",
        contact_email="computing-social@example.ac.uk",
        administrators=pair,
        followers=12500,
        created_at=_same_day_years_ago(timezone.localdate(), 2),
        last_activity_at=_at(3),
    )
    annual_audits_sweep()

    # Requests: waiting for acknowledgement, at each slot, rejected, approved to activate.
    _request(
        ctx,
        unit=socsci,
        platform="tiktok",
        name="University Social Sciences Students",
        handle="unisocscistudents",
        email="socsci-students@example.ac.uk",
        admins=pair,
        acknowledge=False,
    )
    waiting_unit = _request(
        ctx,
        unit=socsci,
        platform="bluesky",
        name="University Social Sciences Research",
        handle="unisocsciresearch",
        email="socsci-research@example.ac.uk",
        admins=pair,
    )
    _decide(waiting_unit, director, marcomms_slot, "approve")
    _request(
        ctx,
        unit=socsci,
        platform="linkedin",
        name="University Social Sciences Careers",
        handle="unisocscicareers",
        email="socsci-careers@example.ac.uk",
        admins=pair,
    )
    waiting_director = _request(
        ctx,
        unit=socsci,
        platform="youtube",
        name="University Social Sciences Lectures",
        handle="unisocscilectures",
        email="socsci-lectures@example.ac.uk",
        admins=pair,
    )
    _decide(waiting_director, approver, unit_slot, "approve")
    rejected = _request(
        ctx,
        unit=computing,
        platform="instagram",
        name="University Computing Gaming Society",
        handle="unicompgaming",
        email="computing-gaming@example.ac.uk",
        admins=pair,
    )
    _decide(
        rejected,
        head_computing,
        unit_slot,
        "reject",
        "Student societies register through the Students' Union, not as official accounts (001 §4.1.5).",
    )
    ready = _request(
        ctx,
        unit=socsci,
        platform="facebook",
        name="University Social Sciences Alumni",
        handle="unisocscialumni",
        email="socsci-alumni@example.ac.uk",
        admins=pair,
    )
    _decide(ready, approver, unit_slot, "approve")
    _decide(ready, director, marcomms_slot, "approve")
    _governance(ctx, socsci)
    ctx.log(
        f"accounts_registry: {OfficialAccount.objects.count()} accounts, "
        f"{AccountRequest.objects.count()} requests, "
        f"{DiscoveredAccount.objects.count()} found by monitoring"
    )


MONITORING_EXPORT = [
    {"platform": "instagram", "handle": "unisocialsciences", "followers": "4800"},
    {"platform": "instagram", "handle": "unihistorysociety", "display_name": "History Society"},
    {"platform": "x", "handle": "the_university_official", "display_name": "The University"},
    {"platform": "tiktok", "handle": "campuslife_fan", "display_name": "Campus life (fan)"},
]


def _governance(ctx: DemoContext, socsci: OrgUnit) -> None:
    """Accounts found by monitoring in each triage state, advice open and answered, training."""
    comms, admin1 = ctx.users["comms"], ctx.users["account_admin"]
    discovered_import(actor=comms, rows=discovered_rows_parse(MONITORING_EXPORT), source="csv")
    decisions = {
        "unihistorysociety": ("unregistered", "Run by the history department."),
        "the_university_official": ("impersonation", "Uses the crest; claims to be official."),
        "campuslife_fan": ("personal", "A student's fan page."),
    }
    for found in DiscoveredAccount.objects.filter(handle__in=decisions, decision=""):
        decision, reason = decisions[found.handle]
        discovered_triage(
            actor=comms,
            discovered_id=found.pk,
            decision=decision,
            reason=reason,
            unit_id=socsci.pk,
            contact_email="history-office@example.ac.uk"
            if decision == "unregistered"
            else "impersonation-reports@x.example",
        )
    if not AdviceRequest.objects.exists():
        advice_request_create(
            actor=admin1,
            content="Draft: statement on the campus closure after the flood.",
            why_sensitive="A crisis: students and staff are affected.",
            urgency=AdviceRequest.Urgency.CRISIS,
        )
        answered = advice_request_create(
            actor=admin1,
            content="Reply to a complaint about fees under our latest post.",
            why_sensitive="Directed at the University; may escalate.",
            urgency=AdviceRequest.Urgency.NORMAL,
        )
        advice_answer(
            actor=comms,
            advice_id=answered.pk,
            advice=AdviceRequest.Advice.POST_WITH_CHANGES,
            answer="Reply privately by direct message (001 §6.1.9) and leave the comment up.",
        )
    if not TrainingRecord.objects.filter(user=admin1).exists():
        training_record(
            actor=admin1,
            course="Social media essentials for account administrators",
            completed_on=timezone.localdate() - timedelta(days=30),
            evidence="LMS certificate SM-2026-014",
        )
        policy_acknowledge(actor=admin1, policy="001")
    live = OfficialAccount.objects.get(platform="instagram", handle="unisocialsciences")
    if live.guidelines_confirmed_at is None:
        guidelines_confirm(actor=admin1, account_id=live.pk)
