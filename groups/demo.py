"""Demo data for alumni groups: groups, committees, members with and without consent, plans in
every state and requests in every state, all reached through the services (idempotent)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from groups.models import (
    AlumniGroup,
    AnnualPlan,
    CommitteeMembership,
    Communication,
    Delivery,
    GroupRequest,
    Membership,
    OutsidePresence,
)
from groups.selectors import plan_year
from groups.services.communications import (
    communication_create,
    communication_send_batch,
    deliveries_sync,
)
from groups.services.groups import committee_appoint, consent_give, group_create, membership_join
from groups.services.plans import plan_accept, plan_request_changes, plan_save, plan_submit
from groups.services.presences import presence_confirm_disclaimer, presence_register
from groups.services.requests import (
    RequestDetails,
    compute_due_at,
    request_ask_changes,
    request_decline,
    request_mark_sent,
    request_resubmit,
    request_schedule,
    request_start,
    request_submit,
)
from portal.demo import DemoContext, ensure_user
from portal.models import OutboundEmail, User
from portal.roles import Role
from portal.workdays import default_calendar

GROUPS = [
    ("Alumni Group of Kenya", AlumniGroup.Kind.COUNTRY, "Nairobi", "Kenya"),
    ("Finance Professionals Network", AlumniGroup.Kind.INTEREST, "", ""),
    ("New York Alumni", AlumniGroup.Kind.REGIONAL, "New York", "United States"),
    ("Women in Policy Alumni", AlumniGroup.Kind.INTEREST, "", ""),
    ("MSc Economics Alumni", AlumniGroup.Kind.PROGRAMME, "", ""),
]

DESCRIPTIONS = {
    "Alumni Group of Kenya": "Networking evenings, mentoring and an annual dinner for alumni "
    "living in Kenya or with links to it.",
    "Finance Professionals Network": "Talks and career events for alumni working in banking, "
    "asset management and fintech.",
    "New York Alumni": "Social and professional events across New York City and the tri-state "
    "area.",
    "Women in Policy Alumni": "A network for alumni working in public policy, think tanks and "
    "international organisations.",
    "MSc Economics Alumni": "Reunions and research talks for graduates of the MSc Economics.",
}

# Members' names, one pair per member.
# fmt: off
FIRST = ["Wanjiru", "Otieno", "Akinyi", "Kamau", "Grace", "Daniel", "Maria", "Hiroshi", "Fatima",
         "Lucas", "Emma", "Ravi", "Chloe", "Mateo", "Aisha", "Noah", "Ingrid", "Kofi", "Leila",
         "Samuel"]
LAST = ["Mwangi", "Odhiambo", "Wambui", "Njoroge", "Adams", "Kim", "Garcia", "Tanaka", "Khan",
        "Silva", "Brown", "Patel", "Dubois", "Fernandez", "Bello", "Cohen", "Larsen", "Mensah",
        "Haddad", "Okoro"]
# fmt: on


def _details(
    title: str,
    *,
    kind: str = GroupRequest.Kind.EVENT_EMAIL,
    days: int = 21,
    audience: str = GroupRequest.Audience.MEMBERS,
    content: str = "",
) -> RequestDetails:
    start = (timezone.localtime() + timedelta(days=days)).replace(
        hour=18, minute=30, second=0, microsecond=0
    )
    event = kind == GroupRequest.Kind.EVENT_EMAIL
    return RequestDetails(
        kind=kind,
        title=title,
        content=content
        or f"Join fellow alumni for {title.lower()}. Everyone is welcome; please register in advance.",
        audience=audience,
        preferred_date=(start - timedelta(days=10)).date(),
        event_start=start if event else None,
        event_end=start + timedelta(hours=2) if event else None,
        event_venue="Serena Hotel, Nairobi" if event else "",
        event_url="https://example.org/events/register" if event else "",
    )


def seed(ctx: DemoContext) -> None:
    staff = ctx.users["engagement"]
    groups: dict[str, AlumniGroup] = {}
    for name, kind, place, country in GROUPS:
        group = AlumniGroup.objects.filter(name=name).first()
        if group is None:
            group = group_create(
                actor=staff,
                name=name,
                kind=kind,
                place=place,
                country=country,
                description=DESCRIPTIONS[name],
            )
        groups[name] = group
    kenya = groups["Alumni Group of Kenya"]
    finance = groups["Finance Professionals Network"]
    committee_appoint(
        actor=staff,
        group_id=kenya.pk,
        user_id=ctx.users["committee"].pk,
        role=CommitteeMembership.Role.CHAIR,
    )
    committee_appoint(
        actor=staff,
        group_id=kenya.pk,
        user_id=ctx.users["committee2"].pk,
        role=CommitteeMembership.Role.SECRETARY,
    )
    # A second committee: a different person, so the committee-of-another-group view exists.
    nyc_chair = ensure_user(
        ctx,
        email="ny.chair@example.com",
        first_name="Hannah",
        last_name="Goldberg",
        roles=(Role.ALUMNUS,),
    )
    committee_appoint(
        actor=staff,
        group_id=groups["New York Alumni"].pk,
        user_id=nyc_chair.pk,
        role=CommitteeMembership.Role.CHAIR,
    )
    committee_appoint(
        actor=staff,
        group_id=finance.pk,
        user_id=ctx.users["committee"].pk,
        role=CommitteeMembership.Role.COMMUNICATIONS,
    )

    alumni: list[User] = []
    for i in range(20):
        alumni.append(
            ensure_user(
                ctx,
                email=f"demo.alumnus{i + 1:02d}@example.com",
                first_name=FIRST[i],
                last_name=LAST[i],
                roles=(Role.ALUMNUS,),
            )
        )
    for i, person in enumerate(alumni):
        for name, group in groups.items():
            if (i + len(name)) % 3 == 0 or group == kenya:
                membership = membership_join(actor=person, group_id=group.pk)
                # Two in three agree to the group's emails; the rest do not.
                if i % 3 != 2 and not membership.email_consent:
                    consent_give(actor=person, membership_id=membership.pk)
    membership_join(actor=ctx.users["alumnus"], group_id=kenya.pk, consent=True)

    _seed_plans(ctx, groups)
    _seed_requests(ctx, kenya, finance)
    _seed_presences(ctx, kenya)
    ctx.log(
        f"groups: {AlumniGroup.objects.count()} groups, {Membership.objects.count()} memberships, "
        f"{AnnualPlan.objects.count()} plans, {GroupRequest.objects.count()} requests"
    )


def _seed_plans(ctx: DemoContext, groups: dict[str, AlumniGroup]) -> None:
    staff = ctx.users["engagement"]
    year = plan_year()
    states = {
        "Alumni Group of Kenya": AnnualPlan.Status.ACCEPTED,
        "Finance Professionals Network": AnnualPlan.Status.SUBMITTED,
        "New York Alumni": AnnualPlan.Status.CHANGES_REQUESTED,
        "Women in Policy Alumni": AnnualPlan.Status.DRAFT,
    }
    chairs = {
        "Alumni Group of Kenya": ctx.users["committee"],
        "Finance Professionals Network": ctx.users["committee"],
        "New York Alumni": User.objects.get(email="ny.chair@example.com"),
    }
    for name, target in states.items():
        group = groups[name]
        if AnnualPlan.objects.filter(group=group, year=year).exists():
            continue
        author = chairs.get(name)
        if author is None:
            author = ctx.users["committee2"]
            committee_appoint(
                actor=staff,
                group_id=group.pk,
                user_id=author.pk,
                role=CommitteeMembership.Role.MEMBER,
            )
        plan = plan_save(
            actor=author,
            group_id=group.pk,
            year=year,
            objectives="Grow active membership by a fifth; hold four events; recruit two new "
            "committee members.",
            activities={
                "2": "New year reception",
                "5": "Careers panel",
                "9": "Welcome event for new graduates",
                "11": "Annual dinner",
            },
            communication_plan="One email per event, sent by the Alumni Engagement team; "
            "event listings on the alumni website.",
        )
        if target == AnnualPlan.Status.DRAFT:
            continue
        plan_submit(actor=author, plan_id=plan.pk)
        if target == AnnualPlan.Status.ACCEPTED:
            plan_accept(actor=staff, plan_id=plan.pk, comments="Thank you, a clear plan.")
        elif target == AnnualPlan.Status.CHANGES_REQUESTED:
            plan_request_changes(
                actor=staff,
                plan_id=plan.pk,
                comments="Please add the months of your planned events.",
            )


def _seed_requests(ctx: DemoContext, kenya: AlumniGroup, finance: AlumniGroup) -> None:
    staff = ctx.users["engagement"]
    chair = ctx.users["committee"]
    now = timezone.now()

    def submit(title: str, group: AlumniGroup = kenya, **kwargs: object) -> GroupRequest | None:
        if GroupRequest.objects.filter(group=group, title=title).exists():
            return None
        received = kwargs.pop("received_at", None)
        return request_submit(
            actor=chair,
            group_id=group.pk,
            details=_details(title, **kwargs),  # type: ignore[arg-type]
            received_at=received,  # type: ignore[arg-type]
        )

    submit("Nairobi networking evening")
    submit(
        "Charity fun run for our members",
        content="Support our charity! All proceeds go to the Nairobi Children's Trust. "
        "Donate to the fund via the link.",
    )
    submit("Careers breakfast", received_at=now - timedelta(days=7))  # overdue by now
    submit("Alumni quiz night", received_at=_received_for_due_today(now))
    if req := submit("Annual dinner 2026", days=40):
        request_start(actor=staff, request_id=req.pk)
    if req := submit("Book club launch", days=30):
        request_ask_changes(
            actor=staff,
            request_id=req.pk,
            message="Please add the venue and a booking link.",
        )
    if req := submit("Mentoring circle", days=35):
        request_ask_changes(actor=staff, request_id=req.pk, message="Please shorten the text.")
        request_resubmit(
            actor=chair,
            request_id=req.pk,
            details=_details("Mentoring circle", days=35, content="Join our mentoring circle."),
            note="Shortened as asked.",
        )
    if req := submit("Summer picnic", days=60):
        request_schedule(actor=staff, request_id=req.pk, scheduled_for=now + timedelta(days=5))
        # Composed ahead: the email waits, scheduled, and goes out by itself at that time.
        communication_create(
            actor=staff,
            request_id=req.pk,
            subject="Alumni Group of Kenya: summer picnic",
            body="Dear alumni,\n\nJoin us for the summer picnic in Karura Forest.",
        )
    if req := submit("Networking lunch", days=45):
        # Scheduled and composed, then sent back for changes: the email was cancelled with it.
        request_schedule(actor=staff, request_id=req.pk, scheduled_for=now + timedelta(days=3))
        communication_create(
            actor=staff,
            request_id=req.pk,
            subject="Alumni Group of Kenya: networking lunch",
            body="Dear alumni,\n\nJoin us for lunch.",
        )
        request_ask_changes(
            actor=staff, request_id=req.pk, message="Please add the venue before we send this."
        )
    if req := submit("Guest lecture on fintech", group=finance, days=14):
        request_start(actor=staff, request_id=req.pk)
        communication = communication_create(
            actor=staff,
            request_id=req.pk,
            subject="Finance Professionals Network: guest lecture on fintech",
            body="Dear alumni,\n\nYou are warmly invited to a guest lecture on fintech.",
        )
        for batch in range(communication.batch_count):
            communication_send_batch(communication_id=communication.pk, batch=batch)
        _bounce_two(communication)
    if req := submit(
        "Website listing: alumni football",
        kind=GroupRequest.Kind.WEBSITE,
        audience=GroupRequest.Audience.PUBLIC,
    ):
        request_start(actor=staff, request_id=req.pk)
        request_mark_sent(actor=staff, request_id=req.pk)
    if req := submit("Crypto investment seminar", content="Buy now! Limited time offer."):
        request_decline(
            actor=staff,
            request_id=req.pk,
            reason="Unsolicited advertising is not permitted on the School's channels.",
        )


def _received_for_due_today(now: datetime) -> datetime | None:
    """A receipt time whose 3-working-day clock runs out later today (None on a day off)."""
    for hours in range(1, 24 * 7):
        received = now - timedelta(hours=hours)
        due = compute_due_at(received, ())
        if due and due > now and default_calendar().working_days_until(now, due) == 0:
            return received
    return None


def _bounce_two(communication: Communication) -> None:
    """Two recipients' mailboxes refuse the email, as a real server's 550 answer is recorded.

    The outbox keeps the server's answer on its row; the communication's delivery status reads
    it, so staff see the failures with their reason and can queue them again.
    """
    emails = Delivery.objects.filter(communication=communication, email__isnull=False)
    failed = emails.order_by("pk").values_list("email_id", flat=True)[:2]
    OutboundEmail.objects.filter(pk__in=list(failed)).update(
        status=OutboundEmail.Status.FAILED,
        attempts=OutboundEmail.MAX_ATTEMPTS,
        last_error="SMTPRecipientsRefused: 550 5.1.1 Mailbox unavailable",
    )
    deliveries_sync(communication_ids=[communication.pk])


def _seed_presences(ctx: DemoContext, kenya: AlumniGroup) -> None:
    chair = ctx.users["committee"]
    if kenya.presences.exists():
        return
    site = presence_register(
        actor=chair,
        group_id=kenya.pk,
        kind=OutsidePresence.Kind.WEBSITE,
        platform=OutsidePresence.Platform.WEBSITE,
        name="Kenya alumni website",
        url="https://kenya-alumni.example.org/",
    )
    presence_confirm_disclaimer(actor=chair, presence_id=site.pk)
    presence_register(
        actor=chair,
        group_id=kenya.pk,
        kind=OutsidePresence.Kind.SOCIAL,
        platform=OutsidePresence.Platform.LINKEDIN,
        name="Alumni Group of Kenya on LinkedIn",
        url="https://www.linkedin.com/groups/0000000/",
    )
    presence_register(
        actor=chair,
        group_id=kenya.pk,
        kind=OutsidePresence.Kind.MESSAGING,
        platform=OutsidePresence.Platform.WHATSAPP,
        name="Kenya alumni WhatsApp",
    )
