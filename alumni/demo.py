"""Demo data for verified alumni: CRM records, the demo alumni verified against them, and one
graduate waiting in the verification queue.

Runs after the platform's demo: the platform's alumni (the alumnus, the committee members and
the mentor) are verified here through ``verification_start`` with the details their record
holds, so they are matched at once as a real sign-up would be. Idempotent: records are
imported by record id and a verified person is left alone.
"""

from __future__ import annotations

from alumni.matching import Details
from alumni.models import Verification
from alumni.services.records import records_import
from alumni.services.verification import verification_start
from portal.demo import DemoContext, ensure_user
from portal.roles import Role

HEADER = "record_id,given_names,family_name,former_names,date_of_birth,birth_year,programmes,graduation_years,emails"
# key in ctx.users (or None), record row
RECORDS: list[tuple[str | None, str]] = [
    ("alumnus", "CRM-10001,Amara,Okafor,,1990-03-14,,MSc Development Studies,2015,"),
    ("committee", "CRM-10002,Chen,Li,,,1988,MSc Finance;BSc Economics,2010;2012,"),
    ("committee2", "CRM-10003,Priya,Natarajan,Raman,,1991,MSc Accounting and Finance,2016,"),
    ("mentor", "CRM-10004,Jonas,Weber,,,1985,MSc European Politics,2011,"),
    (None, "CRM-10005,Zoë,Ó Briain-Keane,,,1993,MSc Social Policy,2018,zoe.ob@example.org"),
    (None, "CRM-10006,Kwame,Mensah,,,1979,MBA,2005,kwame.mensah@example.net"),
    (None, "CRM-10007,Isabel,García López,García,,1995,MSc Economics,2020,"),
]
PENDING = ("pending.graduate@example.com", "Noor", "Aziz")


def seed(ctx: DemoContext) -> None:
    staff = ctx.users["engagement"]
    text = "\n".join([HEADER, *(row for _key, row in RECORDS)]) + "\n"
    records_import(actor=staff, text=text, source="demo")
    for key, row in RECORDS:
        if key is None:
            continue
        user = ctx.users[key]
        cells = row.split(",")
        birth = int(cells[4][:4]) if cells[4] else int(cells[5])
        verification_start(
            user_id=user.pk,
            details=Details(
                given_names=user.first_name,
                family_name=user.last_name,
                graduation_year=int(cells[7].split(";")[0]),
                programme=cells[6].split(";")[0],
                birth_year=birth,
            ),
        )
    email, first, last = PENDING
    pending = ensure_user(
        ctx, email=email, first_name=first, last_name=last, roles=(Role.ALUMNUS,), verify=False
    )
    if not Verification.objects.filter(user=pending).exists():  # seeding twice changes nothing
        verification_start(
            user_id=pending.pk,
            details=Details(
                given_names=first,
                family_name=last,
                graduation_year=2019,
                programme="MSc Data Science",
                birth_year=1994,
            ),
        )
    ctx.users["pending_graduate"] = pending
    verified = Verification.objects.filter(status=Verification.Status.VERIFIED).count()
    ctx.log(f"alumni: {len(RECORDS)} records, {verified} verified, 1 pending graduate")
