"""``count_many``: the counts ``QuerySet.count()`` gives, in one query."""

from __future__ import annotations

from typing import Any

import pytest

from portal.counting import count_many
from portal.models import OrgUnit, User
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_counts_match_count_in_one_query(django_assert_num_queries: Any) -> None:
    for n in range(3):
        OrgUnit.objects.create(name=f"Unit {n}", slug=f"unit-{n}")
    make_user(Role.ALUMNUS, first_name="O'Brien")
    make_user(Role.STUDENT)
    querysets = {
        "units": OrgUnit.objects.all(),
        "some_units": OrgUnit.objects.filter(name__in=["Unit 0", "Unit 2", "Nope"]),
        "quoted": User.objects.filter(first_name="O'Brien"),
        "joined": User.objects.filter(groups__name__in=[Role.ALUMNUS, Role.STUDENT]).distinct(),
        "nothing": User.objects.none(),
    }
    expected = {name: qs.count() for name, qs in querysets.items()}
    assert expected == {"units": 3, "some_units": 2, "quoted": 1, "joined": 2, "nothing": 0}
    with django_assert_num_queries(1):
        assert count_many(**querysets) == expected
    with django_assert_num_queries(0):
        assert count_many(nothing=User.objects.none()) == {"nothing": 0}
