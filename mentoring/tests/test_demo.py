"""The demo seed builds a usable, idempotent mentoring world."""

from __future__ import annotations

import pytest
from django.utils import timezone

from alumni import demo as alumni_demo
from mentoring import demo
from mentoring.models import MatchRun, MenteeApplication, MentorApplication, Partnership, Programme
from mentoring.sharing import mentor_card_for_mentee
from portal import demo as platform_demo

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_pairs_the_demo_users() -> None:
    ctx = platform_demo.DemoContext(password="demo-pass-123", log=lambda _m: None)
    platform_demo.seed(ctx)
    alumni_demo.seed(ctx)  # seed_demo's order: the demo mentor is a verified graduate
    demo.seed(ctx)
    counts = [
        m.objects.count()
        for m in (Programme, MentorApplication, MenteeApplication, Partnership, MatchRun)
    ]
    demo.seed(ctx)
    assert counts == [
        m.objects.count()
        for m in (Programme, MentorApplication, MenteeApplication, Partnership, MatchRun)
    ]
    assert counts[1] == 16 and counts[2] == 26
    partnership = Partnership.objects.get(mentee_application__user=ctx.users["mentee"])
    assert partnership.mentor_application.user == ctx.users["mentor"]
    assert partnership.meetings.count() == 1
    assert mentor_card_for_mentee(partnership)["name"] == "Jonas Weber"
    assert MatchRun.objects.filter(status=MatchRun.Status.PROPOSED).exists()
    assert Programme.objects.get(name=demo.NEXT).accepting_applications(timezone.localdate())
