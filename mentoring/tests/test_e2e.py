"""Browser walk: apply (both sides) -> scheme admin matches and confirms -> mentee sees the
mentor's card -> logs a meeting; axe-core on every page. On a phone: a concern and its status."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from mentoring.models import MentorApplication, Partnership
from mentoring.tests.factories import make_programme, pair
from portal.roles import Role
from portal.tests.factories import make_user


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_apply_match_confirm_and_log_a_meeting(
    page: Any, sign_in: Callable[..., None], axe_check: Callable[[Any], None]
) -> None:
    programme = make_programme(name="EI Mentoring test programme")
    alumnus = make_user(Role.ALUMNUS, first_name="Jonas", last_name="Weber")
    student = make_user(Role.STUDENT, first_name="Sofia", last_name="Rossi")
    admin = make_user(Role.SCHEME_ADMIN)

    # The alumnus applies as a mentor, ticking each commitment.
    sign_in(page, alumnus)
    page.goto(f"/mentoring/programmes/{programme.pk}/")
    axe_check(page)
    page.get_by_role("link", name="Apply as a mentor (alumni)").click()
    page.locator("#id_name").fill("Jonas Weber")
    page.locator("#id_courses").fill("MSc European Politics")
    page.locator("#id_graduation_year").fill("2014")
    page.locator("#id_country").fill("Belgium")
    page.locator("#id_job_role").fill("EU Policy Officer")
    page.get_by_label("EU institutions & affairs").check()
    page.locator("#id_bio").fill("Ten years in Brussels.")
    page.get_by_label("Share my bio with my mentee").check()
    for _code, label in MentorApplication.COMMITMENTS:
        page.get_by_label(label).check()
    axe_check(page)
    page.get_by_role("button", name="Submit application").click()
    page.get_by_text("your application has been submitted").wait_for()
    axe_check(page)

    # The student applies as a mentee.
    page.context.clear_cookies()
    sign_in(page, student)
    page.goto(f"/mentoring/programmes/{programme.pk}/apply/mentee/")
    page.locator("#id_name").fill("Sofia Rossi")
    page.locator("#id_msc_programme").fill("MSc European Politics")
    page.get_by_label("EU institutions & affairs").check()
    page.get_by_label("Insight into a sector").check()
    page.locator("#id_preferred_countries").fill("Belgium")
    axe_check(page)
    page.get_by_role("button", name="Submit application").click()
    page.get_by_text("your application has been submitted").wait_for()

    # The scheme admin runs matching, reads the explanation and confirms.
    page.context.clear_cookies()
    sign_in(page, admin)
    page.goto(f"/mentoring/manage/programmes/{programme.pk}/")
    axe_check(page)
    page.get_by_role("button", name="Run matching").click()
    page.get_by_text("Shared sectors: EU institutions & affairs").wait_for()
    axe_check(page)
    page.get_by_role("button", name="Confirm this pair and email both partners").click()
    page.get_by_text("1 partnership confirmed").wait_for()
    assert Partnership.objects.count() == 1

    # The mentee sees the mentor's card (bio shared) and logs the first meeting.
    page.context.clear_cookies()
    sign_in(page, student)
    page.goto("/mentoring/")
    axe_check(page)
    page.get_by_role(
        "link", name="EI Mentoring test programme: as mentee, with Jonas Weber"
    ).click()
    page.get_by_text("EU Policy Officer").wait_for()
    assert page.get_by_text("Ten years in Brussels.").is_visible()
    axe_check(page)
    page.get_by_role("link", name="Log a meeting").click()
    day = timezone.localdate() - datetime.timedelta(days=1)
    page.locator("#id_held_on").fill(day.isoformat())
    page.locator("#id_mode").select_option("video")
    axe_check(page)
    page.get_by_role("button", name="Log meeting").click()
    page.get_by_text("The meeting has been logged").wait_for()
    assert page.get_by_role("heading", name="Official meetings (1 of 3)").is_visible()
    axe_check(page)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_a_mentee_reports_a_concern_and_follows_its_status(
    browser: Any, live_server: Any, sign_in: Callable[..., None], axe_check: Callable[[Any], None]
) -> None:
    partnership = pair(make_programme(name="EI Mentoring phone programme"))
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    page = context.new_page()

    def check() -> None:
        axe_check(page)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    try:
        sign_in(page, partnership.mentee_application.user)
        page.goto(f"/mentoring/programmes/{partnership.programme_id}/")
        page.get_by_text("You have applied to this programme").wait_for()
        assert page.get_by_role("link", name="Apply as a mentee (students)").count() == 0
        check()
        page.goto("/mentoring/concerns/new/")
        page.locator("#id_text").fill("Private words about our meetings")
        page.get_by_role("button", name="Send to the scheme administrators").click()
        page.get_by_text("your concern has been sent").wait_for()
        check()
        page.get_by_role("link", name="your concerns page").click()
        page.get_by_role("heading", name="Concerns and questions you have reported").wait_for()
        assert page.get_by_role("cell", name="Received").is_visible()
        assert "Private words" not in page.content()
        check()
        page.locator("tbody th a").first.click()
        page.get_by_role("heading", name="What has happened").wait_for()
        assert "Private words" not in page.content()
        check()
    finally:
        context.close()
