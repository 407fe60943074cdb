"""The public lookup's extras (issue 15 item 7): pasted links, closed accounts, impostor reports."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts_registry.rules import parse_profile_url
from accounts_registry.services.accounts import account_close
from accounts_registry.tests.factories import active_account
from moderation.models import Incident
from portal.models import AuditEvent, OutboundEmail

pytestmark = pytest.mark.django_db

LOOKUP = reverse("accounts_registry:lookup")
REPORT = reverse("accounts_registry:report_impersonation")

# pasted text -> (platform, handle), or None when it is not a profile link
LINKS = [
    ("https://www.instagram.com/uni_news/?hl=en", ("instagram", "uni_news")),
    ("instagram.com/Uni_News", ("instagram", "uni_news")),
    ("https://x.com/UniNews", ("x", "uninews")),
    ("https://twitter.com/uni_news/status/1790000000000000000", ("x", "uni_news")),
    ("https://mobile.twitter.com/uni_news", ("x", "uni_news")),
    ("https://www.facebook.com/UniAlumni/", ("facebook", "unialumni")),
    ("https://m.facebook.com/profile.php?id=100064000000000", ("facebook", "100064000000000")),
    ("https://www.linkedin.com/company/uni-careers/", ("linkedin", "uni-careers")),
    ("https://www.linkedin.com/school/uni/posts/?feedView=all", ("linkedin", "uni")),
    ("https://www.linkedin.com/showcase/uni-research", ("linkedin", "uni-research")),
    ("https://www.tiktok.com/@uni.news?lang=en", ("tiktok", "uni.news")),
    ("https://www.youtube.com/@UniTV", ("youtube", "unitv")),
    ("https://youtube.com/c/UniTV/videos", ("youtube", "unitv")),
    ("https://www.youtube.com/channel/UC4eYXhJI4-7wSWc8UNRwD4A", ("youtube", "uc4eyxhji4-7wswc8unrwd4a")),
    ("https://bsky.app/profile/uni.bsky.social", ("bluesky", "uni.bsky.social")),
    ("https://www.threads.net/@uni_news", ("threads", "uni_news")),
    ("uni_news", None),
    ("@uni_news", None),
    ("https://example.com/uni_news", None),
    ("https://www.instagram.com/p/C1a2b3c4/", None),
    ("https://www.facebook.com/", None),
    ("https://www.youtube.com/watch?v=abc", None),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), LINKS)
def test_pasted_profile_links_are_understood(text, expected):
    assert parse_profile_url(text) == expected


def test_a_pasted_link_finds_the_official_account(client, cast):
    account = active_account(cast)
    url = f"https://www.instagram.com/{account.handle}/?hl=en"
    response = client.get(LOOKUP, {"platform": "", "handle": url})
    body = response.content.decode()
    assert "Yes, this is an official account." in body
    assert "read from the link you pasted" in body
    # The link wins over a platform chosen by mistake.
    response = client.get(LOOKUP, {"platform": "facebook", "handle": url})
    assert "Yes, this is an official account." in response.content.decode()


def test_a_bare_handle_needs_a_platform_and_an_unknown_link_is_explained(client, cast):
    response = client.get(LOOKUP, {"platform": "", "handle": "uni_news"})
    assert "Choose the platform, or paste the link" in response.content.decode()
    response = client.get(LOOKUP, {"platform": "", "handle": "https://example.com/uni_news"})
    assert "not a profile on a platform we know" in response.content.decode()
    assert "Result" not in response.content.decode()


def test_a_closed_account_was_official_until_its_closing_date(client, cast):
    account = active_account(cast)
    with time_machine.travel(
        datetime(2026, 3, 3, 12, tzinfo=timezone.get_default_timezone()), tick=False
    ):
        account_close(actor=cast.comms, account_id=account.pk, status="deactivated", reason="x")
    response = client.get(LOOKUP, {"platform": account.platform, "handle": account.handle})
    body = response.content.decode()
    assert "was official until 3 March 2026" in body
    assert "Yes, this is an official account." not in body
    assert "Report it if it is still posting as us" in body


def test_no_match_offers_a_report_prefilled(client, cast):
    response = client.get(LOOKUP, {"platform": "tiktok", "handle": "@Fake_Uni"})
    body = response.content.decode()
    assert "No official account matches." in body
    assert f"{REPORT}?platform=tiktok&amp;account=fake_uni" in body
    response = client.get(REPORT, {"platform": "tiktok", "account": "fake_uni"})
    assert 'value="fake_uni"' in response.content.decode()


def _report(client, **overrides):
    data = {
        "platform": "",
        "account": "https://www.instagram.com/uni_news_official/",
        "details": "It uses our logo and asks students for their bank details.",
        "contact_email": "worried@example.com",
        "website": "",
        **overrides,
    }
    return client.post(REPORT, data)


def test_anyone_can_report_an_impostor_and_comms_are_told(client, cast):
    response = _report(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts_registry:report_thanks")
    incident = Incident.objects.get()
    assert incident.title == "Possible impersonation: Instagram @uni_news_official"
    assert incident.kind == Incident.Kind.POLICY_BREACH
    assert incident.state == Incident.State.REPORTED
    assert "bank details" in incident.description
    assert "worried@example.com" in incident.description
    assert "https://www.instagram.com/uni_news_official/" in incident.description
    assert str(incident.reported_by) == "Public report form"
    assert not incident.reported_by.is_active
    assert not incident.reported_by.has_usable_password()
    emails = OutboundEmail.objects.filter(category="moderation.incident.reported")
    assert {e.to for e in emails} == {cast.comms.email}
    assert "A member of the public has reported" in emails[0].body_text
    event = AuditEvent.objects.get(action="moderation.incident.reported")
    assert event.actor is None and event.new["source"] == "public"
    thanks = client.get(response["Location"])
    assert "communications team has been told" in thanks.content.decode()


def test_a_second_report_of_the_same_account_adds_to_the_open_incident(client, cast):
    _report(client)
    _report(client, account="@UNI_NEWS_OFFICIAL", platform="instagram", contact_email="")
    assert Incident.objects.count() == 1
    assert AuditEvent.objects.filter(action="moderation.incident.reported_again").count() == 1
    assert OutboundEmail.objects.filter(category="moderation.incident.reported").count() == 1


def test_bad_input_is_explained_and_opens_nothing(client, cast):
    response = _report(client, details="", account="uni_news", platform="")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Please correct the following" in body
    assert "This field is required." in body
    assert "Choose the platform, or paste the link" in body
    response = _report(client, contact_email="not-an-address")
    assert "Enter a valid email address." in response.content.decode()
    response = _report(client, details="x" * 2001)
    assert response.status_code == 200
    assert not Incident.objects.exists()


def test_an_official_account_cannot_be_reported_as_an_impostor(client, cast):
    account = active_account(cast)
    response = _report(client, account=account.handle, platform=account.platform)
    assert "one of our official accounts" in response.content.decode()
    assert not Incident.objects.exists()


def test_the_honeypot_thanks_a_bot_and_opens_nothing(client, cast):
    response = _report(client, website="https://spam.example")
    assert response.status_code == 302
    assert not Incident.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_reports_are_rate_limited_per_address(client, cast, settings):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "impersonation_report": "2/h"}
    for n in range(2):
        assert _report(client, account=f"@fake{n}", platform="x").status_code == 302
    response = _report(client, account="@fake3", platform="x")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert Incident.objects.count() == 2
    # Reading the form is not counted.
    assert client.get(REPORT).status_code == 200


def test_the_report_page_shows_a_hidden_honeypot_and_labelled_fields(client, cast):
    body = client.get(REPORT).content.decode()
    assert 'class="d-none"' in body and 'aria-hidden="true"' in body
    for label in ("Why do you think it is pretending to be us?", "Your email (optional)"):
        assert label in body
