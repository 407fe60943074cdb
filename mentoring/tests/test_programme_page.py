"""The scheme admins' programme page at scale: every list paged and filtered by status."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.db.models.base import ModelState
from django.test import Client
from django.urls import reverse

from mentoring.models import (
    ApplicationStatus,
    MenteeApplication,
    MentorApplication,
    Partnership,
    Programme,
)
from mentoring.tests.factories import make_mentee, make_mentor, make_programme
from mentoring.views.staff import PAGE_SIZE
from portal.models import User

pytestmark = pytest.mark.django_db

# A warmed-up request: session and user (roles, two-factor state and the menu's "administers an
# account" come from the cache), the programme, the counts by status, a page of each list, the
# page's reminders, the runs.
PROGRAMME_PAGE_QUERIES = 9


def _fill(programme: Programme, rows: int) -> None:
    """``rows`` mentor and ``rows`` mentee applications, one in ten withdrawn, paired up."""
    mentor, mentee = make_mentor(programme=programme), make_mentee(programme=programme)
    users = User.objects.bulk_create(
        [User(email=f"person{n}@example.com") for n in range(2 * (rows - 1))]
    )

    def copies(original: Any, people: list[User], field: str) -> list[Any]:
        made = []
        for n, person in enumerate(people, start=1):
            row = copy.copy(original)
            row._state, row.pk = ModelState(), None
            row.user, row.name = person, f"Person {n:04d}"
            setattr(row, field, person.email)
            row.status = ApplicationStatus.WITHDRAWN if n % 10 == 0 else ApplicationStatus.SUBMITTED
            made.append(row)
        return list(type(original).objects.bulk_create(made))

    mentors = [mentor, *copies(mentor, users[: rows - 1], "email")]
    mentees = [mentee, *copies(mentee, users[rows - 1 :], "university_email")]
    Partnership.objects.bulk_create(
        Partnership(programme=programme, mentor_application=m, mentee_application=e)
        for m, e in zip(mentors, mentees, strict=True)
    )


@pytest.mark.parametrize("rows", [10, 1000])
def test_query_count_does_not_grow_with_the_programme(
    client: Client, scheme_admin: User, django_assert_num_queries: Any, rows: int
) -> None:
    programme = make_programme()
    _fill(programme, rows)
    url = reverse("mentoring:admin_programme", args=[programme.pk])
    client.force_login(scheme_admin)
    assert client.get(url).status_code == 200  # warm the caches (content types, roles)
    with django_assert_num_queries(PROGRAMME_PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.content) < 150 * 1024


def test_lists_are_paged_and_filtered_with_counts_by_status(
    client: Client, scheme_admin: User
) -> None:
    programme = make_programme()
    _fill(programme, 60)  # three pages of each list
    url = reverse("mentoring:admin_programme", args=[programme.pk])
    client.force_login(scheme_admin)
    page = client.get(url).text
    assert "Mentee applications (60)" in page and "Partnerships (60)" in page
    assert page.count(reverse("mentoring:mentee_application", args=[0])[:-2]) == PAGE_SIZE
    assert '<option value="withdrawn">Withdrawn (5)</option>' in page
    assert "Page 1 of 3" in page

    withdrawn = client.get(url, {"mentees_status": "withdrawn", "mentors_page": "2"}).text
    assert "Mentee applications (5 of 60)" in withdrawn
    names = MenteeApplication.objects.filter(programme=programme, status="withdrawn")
    assert all(f">{a.name}</a>" in withdrawn for a in names)
    assert ">Person 0001</a>" not in withdrawn.split('id="mentees-h"')[1]
    # The mentors' list is on its page 2, and its pager keeps the mentees' filter.
    assert "mentees_status=withdrawn&amp;mentors_page=3" in withdrawn
    assert "mentees_status=withdrawn&amp;mentors_page=1" in withdrawn

    last = client.get(url, {"mentors_page": "3"}).text.split('id="mentors-h"')[1]
    shown = MentorApplication.objects.filter(programme=programme).order_by("name")[2 * PAGE_SIZE :]
    assert all(f">{a.name}</a>" in last for a in shown)


def test_a_bad_filter_or_page_shows_the_whole_first_page(
    client: Client, scheme_admin: User
) -> None:
    programme = make_programme()
    _fill(programme, 30)
    client.force_login(scheme_admin)
    url = reverse("mentoring:admin_programme", args=[programme.pk])
    response = client.get(url, {"pairs_status": "nonsense", "pairs_page": "x'"})
    assert response.status_code == 200
    assert "Partnerships (30)" in response.text and "Page 1 of 2" in response.text
