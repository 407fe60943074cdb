"""Advice before posting: the clock, the answer by email and on the page, the console."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts_registry.errors import RegistryError
from accounts_registry.jobs import advice_overdue_sweep
from accounts_registry.models import AdviceRequest
from accounts_registry.services.advice import advice_answer, advice_request_create
from accounts_registry.tests.factories import active_account
from portal.models import AuditEvent, OutboundEmail
from portal.workdays import LONDON

pytestmark = pytest.mark.django_db

# Monday 2 March 2026, 10:00 in London.
MONDAY_10 = datetime(2026, 3, 2, 10, tzinfo=LONDON)
FRIDAY_15 = datetime(2026, 3, 6, 15, tzinfo=LONDON)


def _ask(cast, **overrides):
    data = {
        "actor": cast.admin1,
        "content": "Draft: statement on the campus closure.",
        "why_sensitive": "Staff and students are affected.",
        "urgency": "normal",
    }
    data.update(overrides)
    return advice_request_create(**data)


def test_normal_request_runs_on_the_working_day_clock(cast) -> None:
    with time_machine.travel(FRIDAY_15, tick=False):
        advice = _ask(cast)
    # Friday 15:00 + one working day (8 working hours) = Monday 15:00.
    assert advice.due_at == datetime(2026, 3, 9, 15, tzinfo=LONDON)


def test_crisis_request_is_due_within_hours(cast) -> None:
    with time_machine.travel(FRIDAY_15, tick=False):
        advice = _ask(cast, urgency="crisis")
    assert advice.due_at == datetime(2026, 3, 6, 19, tzinfo=LONDON)
    email = OutboundEmail.objects.get(
        category="accounts_registry.advice.requested", to=cast.comms.email
    )
    assert email.subject.startswith("CRISIS:")


def test_line_manager_is_copied_on_the_question_and_the_answer(cast) -> None:
    advice = _ask(cast, line_manager_email="Head.Of.School@example.ac.uk")
    assert OutboundEmail.objects.filter(
        category="accounts_registry.advice.copied", to="head.of.school@example.ac.uk"
    ).exists()
    advice_answer(
        actor=cast.comms, advice_id=advice.pk, advice="changes", answer="Remove the names."
    )
    answered = set(
        OutboundEmail.objects.filter(category="accounts_registry.advice.answered").values_list(
            "to", flat=True
        )
    )
    assert answered == {cast.admin1.email, "head.of.school@example.ac.uk"}
    body = OutboundEmail.objects.filter(category="accounts_registry.advice.answered").first()
    assert body is not None
    assert "Post with changes" in body.body_text and "Remove the names." in body.body_text


def test_answer_is_once_by_comms_and_audited(cast) -> None:
    advice = _ask(cast)
    with pytest.raises(RegistryError):
        advice_answer(actor=cast.admin2, advice_id=advice.pk, advice="as_is", answer="ok")
    with pytest.raises(RegistryError, match="Write"):
        advice_answer(actor=cast.comms, advice_id=advice.pk, advice="as_is", answer=" ")
    advice_answer(actor=cast.comms, advice_id=advice.pk, advice="do_not_post", answer="Wait.")
    with pytest.raises(RegistryError, match="already"):
        advice_answer(actor=cast.comms, advice_id=advice.pk, advice="as_is", answer="ok")
    advice.refresh_from_db()
    assert (advice.state, advice.advice, advice.answered_by) == (
        "answered",
        "do_not_post",
        cast.comms,
    )
    actions = set(AuditEvent.objects.for_object(advice).values_list("action", flat=True))
    assert actions == {"accounts_registry.advice.requested", "accounts_registry.advice.answered"}


def test_refusals_change_nothing(cast) -> None:
    account = active_account(cast)
    with pytest.raises(RegistryError, match="administer"):
        _ask(cast, actor=cast.requester, account_id=account.pk)
    with pytest.raises(RegistryError, match="sensitive"):
        _ask(cast, why_sensitive="")
    with pytest.raises(RegistryError, match="text or give the link"):
        _ask(cast, content="")
    with pytest.raises(RegistryError, match="urgent"):
        _ask(cast, urgency="tomorrow")
    assert not AdviceRequest.objects.exists()
    assert _ask(cast, account_id=account.pk).account == account


def test_console_lists_open_requests_crisis_first_by_due_time(client, cast) -> None:
    with time_machine.travel(MONDAY_10, tick=False):
        normal = _ask(cast)
        crisis = _ask(cast, urgency="crisis", actor=cast.admin2)
        answered = _ask(cast)
        advice_answer(actor=cast.comms, advice_id=answered.pk, advice="as_is", answer="Fine")
    client.force_login(cast.comms)
    page = client.get(reverse("accounts_registry:comms")).content.decode()
    assert page.index(f"#{crisis.pk} by") < page.index(f"#{normal.pk} by")
    assert f"#{answered.pk} by" not in page


def test_the_asker_reads_the_answer_on_the_page(client, cast) -> None:
    advice = _ask(cast)
    client.force_login(cast.comms)
    url = reverse("accounts_registry:advice_detail", args=[advice.pk])
    client.post(url, {"advice": "escalate", "answer": "Passed to the director."})
    client.force_login(cast.admin1)
    page = client.get(url).content.decode()
    assert "Advice: Escalated" in page and "Passed to the director." in page


def test_overdue_sweep_tells_comms_once(cast) -> None:
    with time_machine.travel(MONDAY_10, tick=False):
        _ask(cast, urgency="crisis")
        _ask(cast)
    with time_machine.travel(datetime(2026, 3, 2, 15, tzinfo=LONDON), tick=False):
        assert advice_overdue_sweep() == 1
        assert advice_overdue_sweep() == 0
    with time_machine.travel(datetime(2026, 3, 4, 9, tzinfo=LONDON), tick=False):
        assert advice_overdue_sweep() == 1
        assert advice_overdue_sweep() == 0
    overdue = OutboundEmail.objects.filter(category="accounts_registry.advice.overdue")
    assert overdue.filter(to=cast.comms.email).count() == 2
