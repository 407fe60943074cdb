"""Demo data: items in every state on official channels, incidents, removal requests."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts_registry.api import OfficialAccount, accounts_administered_by, open_accounts
from portal.demo import DemoContext

from .defaults import ensure_default_categories
from .models import Category, Decision, Incident, IncidentStep, RemovalRequest
from .services.decisions import decision_reopen, item_decide
from .services.incidents import incident_report, incident_tick_step, incident_transition
from .services.items import ItemData, item_claim, item_create
from .services.removals import removal_request_confirm, removal_request_create

# external id, text, author, kind, what happens: new / claimed / keep / remove / escalate / reopened
ITEMS = [
    ("demo-1", "Congratulations to all our graduates this week!", "proud_parent", "comment", "new"),
    (
        "demo-2",
        "Get 50% off everything at my shop, use code GRAD50 bit.ly/xyz123",
        "dealz4u",
        "comment",
        "new",
    ),
    (
        "demo-3",
        "Email me at jane.doe@gmail.com or ring 07700 900123 if you saw my bag",
        "lost_bag",
        "comment",
        "claimed",
    ),
    (
        "demo-4",
        "The new timetable is a shambles and nobody consulted students.",
        "student_rep",
        "comment",
        "keep",
    ),
    (
        "demo-5",
        "This is bullshit, you lot are a bunch of wankers",
        "angry_alum",
        "comment",
        "remove",
    ),
    ("demo-6", "I know where you live, watch your back", "anon_7781", "comment", "escalate"),
    (
        "demo-7",
        "Please donate to my crowdfunder gofundme.com/f/my-trip",
        "traveller",
        "comment",
        "reopened",
    ),
    ("demo-8", "Registration for the alumni reunion is now open.", "", "post", "new"),
]


def _channels(ctx: DemoContext) -> list[OfficialAccount]:
    """The demo account admin's active channels (the registry's demo, run first, makes them),
    else any active account; on an empty registry two channels that only comms moderate (who
    administers an account is the registry's to record)."""
    active = OfficialAccount.Status.ACTIVE
    admin = ctx.users["account_admin"]
    mine = list(accounts_administered_by(user=admin).filter(status=active).order_by("pk")[:2])
    if mine:
        return mine
    existing = list(open_accounts().filter(status=active).order_by("pk")[:2])
    if existing:
        return existing
    made = []
    for platform, handle, name, unit, followers in (
        (
            OfficialAccount.Platform.X,
            "socsci_demo",
            "School of Social Sciences",
            "social-sciences",
            12_500,
        ),
        (
            OfficialAccount.Platform.INSTAGRAM,
            "computing_demo",
            "Computing and Digital Media",
            "computing",
            850,
        ),
    ):
        channel, _ = OfficialAccount.objects.get_or_create(
            platform=platform,
            handle=handle,
            defaults={"name": name, "unit": ctx.units[unit], "followers": followers},
        )
        made.append(channel)
    return made


def seed(ctx: DemoContext) -> None:
    comms = ctx.users["comms"]
    channels = _channels(ctx)
    ensure_default_categories()
    categories = {c.code: c for c in Category.objects.all()}
    created = 0
    for n, (external_id, text, author, kind, fate) in enumerate(ITEMS):
        channel = channels[n % len(channels)]
        item, is_new = item_create(
            actor=comms,
            channel_id=channel.pk,
            data=ItemData(text=text, author_handle=author, external_id=external_id, kind=kind),
        )
        if not is_new:
            continue
        created += 1
        if fate == "claimed":
            item_claim(actor=comms, item_id=item.pk)
        elif fate == "keep":
            item_decide(
                actor=comms,
                item_id=item.pk,
                outcome=Decision.Outcome.KEEP,
                reason="Accurate but negative: stays online (001 §6.1.1).",
            )
        elif fate == "remove":
            item_decide(
                actor=comms,
                item_id=item.pk,
                outcome=Decision.Outcome.REMOVE,
                category_id=categories["profanity"].pk,
                reason="Expletives and insults (001 §6.1.3).",
            )
        elif fate == "escalate":
            item_decide(
                actor=comms,
                item_id=item.pk,
                outcome=Decision.Outcome.ESCALATE_POLICE,
                category_id=categories["threat"].pk,
                reason="Threat to a member of staff.",
            )
        elif fate == "reopened":
            item_decide(
                actor=comms, item_id=item.pk, outcome=Decision.Outcome.KEEP, reason="Harmless."
            )
            decision_reopen(
                actor=comms,
                item_id=item.pk,
                reason="Funding requests are not permitted (000 Online Conduct).",
            )
    reporter = ctx.users["account_admin"]
    for kind, title, description in (
        (
            Incident.Kind.POLICY_BREACH,
            "Unapproved account using the University logo",
            "A new Instagram account posts as the School without approval.",
        ),
        (
            Incident.Kind.SECURITY_BREACH,
            "Suspicious login on the School's X account",
            "Posts we did not write appeared overnight.",
        ),
        (
            Incident.Kind.STAFF_HARASSMENT,
            "Abusive replies to a researcher",
            "A colleague is receiving abusive replies about her research.",
        ),
    ):
        if Incident.objects.filter(title=title).exists():
            continue
        incident = incident_report(
            actor=reporter,
            kind=kind,
            title=title,
            description=description,
            channel_id=channels[0].pk,
        )
        if kind == Incident.Kind.SECURITY_BREACH:
            incident_tick_step(
                actor=comms, incident_id=incident.pk, step=IncidentStep.Step.LOG_OUT_ALL
            )
        elif kind == Incident.Kind.STAFF_HARASSMENT:
            incident_transition(
                actor=comms,
                incident_id=incident.pk,
                to_state=Incident.State.TRIAGED,
                note="Support offered; monitoring replies.",
            )
        else:
            incident_transition(
                actor=comms,
                incident_id=incident.pk,
                to_state=Incident.State.ESCALATED,
                note="Director of Marketing and Communications",
            )
    now = timezone.now()
    if not RemovalRequest.objects.filter(owner_email="former.committee@example.com").exists():
        overdue = removal_request_create(
            actor=comms,
            owner_name="Sam Porter",
            owner_email="former.committee@example.com",
            content_description="A post naming a student on the group's page",
            reason="Personal data without consent (001 §4.7.4.8, 004 §6.5).",
            deadline=now + timedelta(hours=1),
            content_url="https://example.com/posts/123",
        )
        # Demo time travel: the deadline passed yesterday (not yet escalated).
        RemovalRequest.objects.filter(pk=overdue.pk).update(deadline=now - timedelta(days=1))
    if not RemovalRequest.objects.filter(owner_email="alum.blogger@example.com").exists():
        done = removal_request_create(
            actor=comms,
            owner_name="Lee Chambers",
            owner_email="alum.blogger@example.com",
            content_description="A blog post using the University logo",
            reason="Branding on a personal account (001 §4.7.3).",
            deadline=now + timedelta(days=7),
        )
        removal_request_confirm(request_id=done.pk, note="Taken down, sorry.")
    ctx.log(
        f"moderation: {len(channels)} channels, {created} new items, incidents and removal requests"
    )
