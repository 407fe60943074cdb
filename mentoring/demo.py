"""Demo data for mentoring: a running programme with partnerships and an open one for next year.

The running programme keeps its policy dates (1 December 2025 to 30 April 2026) while they
include the seeding day; otherwise its dates follow the seeding day (started two months ago,
ending in three), so the demo mentor and mentee always see each other's cards. Applications are
the starting data and are created directly (the services would refuse a closed window); every
state after that (matching, confirmation, meetings) is reached through the services.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from mentoring.models import (
    Concern,
    MatchConstraint,
    MatchRun,
    MenteeApplication,
    MentorApplication,
    Partnership,
    Programme,
)
from mentoring.services import concerns, matching, partnerships
from portal.demo import DemoContext, ensure_user
from portal.roles import Role

CURRENT = "European Institute Alumni Mentoring 2025-26"
NEXT = "European Institute Alumni Mentoring 2026-27"
CONTACT = "ei.alumni@example.ac.uk"
COMMITMENTS = {code: True for code, _ in MentorApplication.COMMITMENTS}
COURSES = [
    "MSc European Politics",
    "MSc Political Economy of Europe",
    "MSc European Social Policy",
    "MSc Conflict Studies",
]
# first, last, country, job role, sectors, capacity
MENTORS = [
    ("Claire", "Dubois", "France", "Policy Adviser", ["policy", "eu_affairs"], 2),
    ("Lukas", "Schmidt", "Germany", "Senior Consultant", ["consulting", "private_sector"], 3),
    ("Maria", "Garcia", "Spain", "Research Fellow", ["academia", "think_tanks"], 1),
    ("Tomasz", "Nowak", "Poland", "Diplomat", ["policy", "ngo"], 1),
    ("Eva", "Lindqvist", "Sweden", "Energy Analyst", ["energy", "private_sector"], 2),
    ("James", "O'Brien", "Ireland", "Journalist", ["media"], 1),
    ("Sophie", "Martin", "Belgium", "Public Affairs Manager", ["public_affairs", "eu_affairs"], 2),
    ("Marco", "Bianchi", "Italy", "Investment Associate", ["finance"], 1),
    ("Anna", "Kovacs", "Hungary", "Programme Officer", ["ngo", "health"], 2),
    ("Pieter", "de Vries", "Netherlands", "Product Manager", ["tech", "private_sector"], 1),
    ("Helena", "Costa", "Portugal", "Lawyer", ["law", "eu_affairs"], 1),
    ("Niamh", "Walsh", "United Kingdom", "Economist", ["finance", "policy"], 2),
    ("Jakub", "Horak", "Czechia", "PhD candidate", ["academia"], 1),
    ("Ingrid", "Berg", "Norway", "Sustainability Lead", ["energy", "consulting"], 2),
    ("Yannis", "Papadopoulos", "Greece", "Think tank analyst", ["think_tanks", "policy"], 1),
]
MENTEES = [
    ("Lea", "Fischer", ["policy", "eu_affairs"], ["sector_insight", "networking"]),
    ("Omar", "Haddad", ["finance"], ["cv_applications", "interviews"]),
    ("Chloe", "Bernard", ["ngo"], ["sector_insight"]),
    ("Mateo", "Lopez", ["consulting"], ["interviews"]),
    ("Hannah", "Novak", ["academia"], ["further_study"]),
    ("Felix", "Wagner", ["energy"], ["career_change", "networking"]),
    ("Zoe", "Papas", ["media"], ["cv_applications"]),
    ("Ines", "Moreau", ["eu_affairs"], ["working_abroad"]),
    ("Luca", "Romano", ["law"], ["sector_insight"]),
    ("Emma", "Jansen", ["tech"], ["networking"]),
    ("Noah", "Keller", ["think_tanks"], ["further_study", "sector_insight"]),
    ("Mia", "Horvat", ["health", "ngo"], ["sector_insight"]),
    ("Adam", "Kowalczyk", ["public_affairs"], ["interviews"]),
    ("Sara", "Eriksson", ["energy", "policy"], ["working_abroad"]),
    ("Daniel", "Ionescu", ["finance", "private_sector"], ["cv_applications"]),
    ("Clara", "Weiss", ["policy"], ["networking"]),
    ("Hugo", "Lefevre", ["consulting", "tech"], ["career_change"]),
    ("Elena", "Popescu", ["eu_affairs", "law"], ["sector_insight", "interviews"]),
    ("Finn", "Murphy", ["media", "public_affairs"], ["networking"]),
    ("Nora", "Berger", ["academia", "think_tanks"], ["further_study"]),
    ("Ravi", "Patel", ["finance"], ["interviews"]),
    ("Julia", "Nowicka", ["ngo", "policy"], ["working_abroad"]),
    ("Leo", "Marchetti", ["private_sector"], ["cv_applications"]),
    ("Alice", "Dupont", ["energy"], ["sector_insight"]),
    ("Max", "Hofmann", ["tech", "consulting"], ["interviews", "networking"]),
]
FIRST_WAVE = 6  # mentees matched and confirmed; the rest wait in a proposed run


def _dates(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    start, end = datetime.date(2025, 12, 1), datetime.date(2026, 4, 30)
    if start + datetime.timedelta(days=14) <= today <= end:
        return start, end
    return today - datetime.timedelta(days=60), today + datetime.timedelta(days=90)


def _programmes(ctx: DemoContext) -> tuple[Programme, Programme]:
    today = timezone.localdate()
    start, end = _dates(today)
    current, _ = Programme.objects.get_or_create(
        name=CURRENT,
        defaults={
            "host_unit": ctx.units["european-institute"],
            "description": "Career mentoring for European Institute students by EI alumni.",
            "starts_on": start,
            "ends_on": end,
            "applications_open": start - datetime.timedelta(days=75),
            "applications_close": start - datetime.timedelta(days=14),
            "concerns_email": CONTACT,
            "status": Programme.Status.PUBLISHED,
        },
    )
    opens = today - datetime.timedelta(days=14)
    following, _ = Programme.objects.get_or_create(
        name=NEXT,
        defaults={
            "host_unit": ctx.units["european-institute"],
            "description": "Applications are open for next year's programme.",
            "starts_on": max(
                end + datetime.timedelta(days=30), today + datetime.timedelta(days=60)
            ),
            "ends_on": max(end, today) + datetime.timedelta(days=210),
            "applications_open": opens,
            "applications_close": today + datetime.timedelta(days=45),
            "concerns_email": CONTACT,
            "status": Programme.Status.PUBLISHED,
        },
    )
    return current, following


def _mentor(programme: Programme, user, country, role, sectors, capacity, n) -> MentorApplication:  # type: ignore[no-untyped-def]
    application, _ = MentorApplication.objects.get_or_create(
        programme=programme,
        user=user,
        defaults={
            "name": user.display_name,
            "email": user.email,
            "courses": COURSES[n % len(COURSES)],
            "graduation_year": 2008 + n % 14,
            "country": country,
            "job_role": role,
            "sectors": sectors,
            "bio": f"{role} based in {country}; happy to talk about careers in my field.",
            "share_bio": n % 3 != 1,
            "linkedin": f"https://www.linkedin.com/in/demo-mentor-{n}",
            "share_linkedin": n % 2 == 0,
            "capacity": capacity,
            **COMMITMENTS,
        },
    )
    return application


def _mentee(programme: Programme, user, sectors, support, n) -> MenteeApplication:  # type: ignore[no-untyped-def]
    application, _ = MenteeApplication.objects.get_or_create(
        programme=programme,
        user=user,
        defaults={
            "name": user.display_name,
            "university_email": user.email,
            "msc_programme": COURSES[n % len(COURSES)],
            "sectors": sectors,
            "support_areas": support,
            "bio": "MSc student exploring careers after graduation.",
            "share_bio": n % 2 == 0,
            "linkedin": f"https://www.linkedin.com/in/demo-mentee-{n}",
            "share_linkedin": n % 3 == 0,
            "preferred_countries": ["", "France, Belgium", "Germany"][n % 3],
            "meeting_mode": ["either", "video", "in_person"][n % 3],
            "country": "United Kingdom",
        },
    )
    return application


def seed(ctx: DemoContext) -> None:
    admin = ctx.users["scheme_admin"]
    current, following = _programmes(ctx)
    mentors = [
        _mentor(
            current,
            ctx.users["mentor"],
            "Belgium",
            "EU Policy Officer",
            ["eu_affairs", "policy"],
            2,
            0,
        )
    ]
    for n, (first, last, country, role, sectors, capacity) in enumerate(MENTORS, start=1):
        slug = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
        user = ensure_user(
            ctx,
            email=f"{slug}@alumni.example.com",
            first_name=first,
            last_name=last,
            roles=(Role.ALUMNUS,),
        )
        mentors.append(_mentor(current, user, country, role, sectors, capacity, n))
    mentees = [
        _mentee(current, ctx.users["mentee"], ["eu_affairs", "policy"], ["sector_insight"], 0)
    ]
    for n, (first, last, sectors, support) in enumerate(MENTEES, start=1):
        slug = f"{first}.{last}".lower()
        user = ensure_user(
            ctx,
            email=f"{slug}@example.ac.uk",
            first_name=first,
            last_name=last,
            roles=(Role.STUDENT,),
        )
        mentees.append(_mentee(current, user, sectors, support, n))

    demo_pair = Partnership.objects.filter(mentee_application=mentees[0]).first()
    if demo_pair is None:
        # First wave: the demo mentor and mentee (pinned) and a few others, confirmed.
        MatchConstraint.objects.get_or_create(
            mentee_application=mentees[0],
            mentor_application=mentors[0],
            defaults={"programme": current, "kind": MatchConstraint.Kind.PIN, "created_by": admin},
        )
        first_wave = [m.pk for m in mentees[:FIRST_WAVE]]
        run = matching.match_run_create(actor=admin, programme_id=current.pk, only=first_wave)
        matching.match_run_confirm(actor=admin, match_run_id=run.pk)
        demo_pair = Partnership.objects.get(mentee_application=mentees[0])
    if not demo_pair.meetings.exists():
        held = min(current.starts_on + datetime.timedelta(days=10), timezone.localdate())
        partnerships.meeting_log(
            actor=ctx.users["mentee"], partnership_id=demo_pair.pk, held_on=held, mode="video"
        )
        partnerships.email_frequency_set(
            actor=ctx.users["mentor"], partnership_id=demo_pair.pk, frequency="Every two weeks"
        )
    # Second wave: a proposal waiting for the scheme admin's review.
    if not current.match_runs.filter(status=MatchRun.Status.PROPOSED).exists():
        matching.match_run_create(actor=admin, programme_id=current.pk)
    reporter = mentees[3].user
    if not Concern.objects.filter(reporter=reporter).exists():
        concerns.concern_report(
            actor=reporter,
            programme_id=current.pk,
            text="Demo: I have not been able to reach my mentor for three weeks; could you help?",
        )
    ctx.log(
        f"mentoring: {Programme.objects.count()} programmes, {len(mentors)} mentors, "
        f"{len(mentees)} mentees, {current.partnerships.count()} partnerships, "
        f"next programme '{following.name}' open for applications"
    )
