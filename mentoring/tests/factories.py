"""Factories for mentoring tests; partnerships are made through the matching services."""

from __future__ import annotations

import datetime
from typing import Any, cast

import factory
from django.utils import timezone

from mentoring.models import MenteeApplication, MentorApplication, Partnership, Programme
from mentoring.services import matching
from portal.models import User
from portal.roles import Role
from portal.tests.factories import OrgUnitFactory, make_user


def today() -> datetime.date:
    return timezone.localdate()


class ProgrammeFactory(factory.django.DjangoModelFactory[Programme]):
    """A published programme that started 30 days ago and runs 120 more; applications open."""

    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Mentoring programme {n}")
    host_unit = factory.SubFactory(OrgUnitFactory)
    starts_on = factory.LazyFunction(lambda: today() - datetime.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: today() + datetime.timedelta(days=120))
    applications_open = factory.LazyFunction(lambda: today() - datetime.timedelta(days=60))
    applications_close = factory.LazyFunction(lambda: today() + datetime.timedelta(days=10))
    official_meetings = 3
    concerns_email = "ei.alumni@example.ac.uk"
    status = Programme.Status.PUBLISHED


class MentorApplicationFactory(factory.django.DjangoModelFactory[MentorApplication]):
    class Meta:
        model = MentorApplication

    programme = factory.SubFactory(ProgrammeFactory)
    user = factory.LazyFunction(lambda: make_user(Role.ALUMNUS))
    name = factory.LazyAttribute(lambda o: o.user.display_name)
    email = factory.LazyAttribute(lambda o: o.user.email)
    courses = "MSc European Politics"
    graduation_year = 2015
    country = "Belgium"
    job_role = "Policy Officer"
    sectors = factory.LazyFunction(lambda: ["policy", "eu_affairs"])
    capacity = 1
    commit_guidelines = True
    commit_meetings = True
    commit_communication = True
    commit_unavailability = True
    commit_feedback = True
    commit_policies = True


class MenteeApplicationFactory(factory.django.DjangoModelFactory[MenteeApplication]):
    class Meta:
        model = MenteeApplication

    programme = factory.SubFactory(ProgrammeFactory)
    user = factory.LazyFunction(lambda: make_user(Role.STUDENT))
    name = factory.LazyAttribute(lambda o: o.user.display_name)
    university_email = factory.LazyAttribute(lambda o: o.user.email)
    msc_programme = "MSc European Politics"
    sectors = factory.LazyFunction(lambda: ["policy"])
    support_areas = factory.LazyFunction(lambda: ["sector_insight"])


def make_programme(**kwargs: Any) -> Programme:
    return cast(Programme, ProgrammeFactory(**kwargs))


def make_mentor(**kwargs: Any) -> MentorApplication:
    return cast(MentorApplication, MentorApplicationFactory(**kwargs))


def make_mentee(**kwargs: Any) -> MenteeApplication:
    return cast(MenteeApplication, MenteeApplicationFactory(**kwargs))


def match(programme: Programme, admin: User | None = None, **_: Any) -> list[Partnership]:
    """Run matching and confirm it, as a scheme admin would."""
    admin = admin or make_user(Role.SCHEME_ADMIN)
    run = matching.match_run_create(actor=admin, programme_id=programme.pk)
    return matching.match_run_confirm(actor=admin, match_run_id=run.pk)


def pair(programme: Programme | None = None, **kwargs: Any) -> Partnership:
    """One confirmed partnership between a fresh mentor and a fresh mentee."""
    chosen = programme or make_programme()
    make_mentor(programme=chosen, **kwargs.get("mentor", {}))
    make_mentee(programme=chosen, **kwargs.get("mentee", {}))
    (partnership,) = match(chosen)
    return partnership
