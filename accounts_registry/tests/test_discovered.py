"""Accounts found by monitoring: import, re-import, reconciliation, triage and the public check."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts_registry.errors import RegistryError
from accounts_registry.models import DiscoveredAccount, OfficialAccount
from accounts_registry.services.accounts import account_close
from accounts_registry.services.discovered import (
    ImportRowsError,
    discovered_csv_parse,
    discovered_import,
    discovered_triage,
)
from accounts_registry.tests.factories import active_account, submitted
from moderation.models import RemovalRequest
from portal.models import AuditEvent, OutboundEmail

pytestmark = pytest.mark.django_db

EXPORT = """Platform,Handle,URL,Display_Name,Followers,First_Seen
instagram,@UniHistorySoc,https://instagram.com/unihistorysoc,History Society,"1,200",2026-01-05
X,@LMU_Official_Real,https://x.com/lmu_official_real,The University (official),5400,2026-02-01
tiktok,fanofcampus,,Campus fan,80,
"""


def _import(cast, text=EXPORT):
    return discovered_import(actor=cast.comms, rows=discovered_csv_parse(text), source="csv")


def test_import_creates_one_row_per_account_and_queues_the_unmatched(cast) -> None:
    result = _import(cast)
    assert (result.created, result.updated, result.to_triage) == (3, 0, 3)
    found = DiscoveredAccount.objects.get(platform="x")
    assert found.handle == "lmu_official_real"
    assert found.followers == 5400
    assert found.awaits_triage
    assert AuditEvent.objects.filter(action="accounts_registry.discovered.imported").count() == 1


def test_reimport_is_idempotent_and_keeps_decisions(cast) -> None:
    _import(cast)
    fan = DiscoveredAccount.objects.get(handle="fanofcampus")
    discovered_triage(
        actor=cast.comms, discovered_id=fan.pk, decision="personal", reason="A fan page."
    )
    again = _import(cast, EXPORT.replace(",80,", ",95,"))
    assert (again.created, again.updated, again.to_triage) == (0, 3, 2)
    assert DiscoveredAccount.objects.count() == 3
    fan.refresh_from_db()
    assert (fan.decision, fan.reason, fan.followers) == ("personal", "A fan page.", 95)


def test_reconciles_against_official_closed_and_pending(cast) -> None:
    live = active_account(cast)
    closed = active_account(cast)
    account_close(actor=cast.comms, account_id=closed.pk, status="deleted", reason="Old")
    pending = submitted(cast)
    text = "platform,handle\n" + "\n".join(
        f"instagram,{handle}" for handle in (live.handle, closed.handle, pending.proposed_handle)
    )
    result = _import(cast, text)
    assert result.to_triage == 0
    by_handle = {found.handle: found for found in DiscoveredAccount.objects.all()}
    assert by_handle[live.handle].match == DiscoveredAccount.Match.OFFICIAL
    assert by_handle[live.handle].account == live
    assert by_handle[closed.handle].match == DiscoveredAccount.Match.CLOSED
    assert by_handle[pending.proposed_handle].match == DiscoveredAccount.Match.PENDING
    assert by_handle[pending.proposed_handle].request == pending


def test_bad_rows_are_all_reported_and_nothing_is_saved(cast) -> None:
    text = "platform,handle,followers,first_seen\nmyspace,x,1,\ninstagram,,lots,01/02/2026\n"
    with pytest.raises(ImportRowsError) as info:
        _import(cast, text)
    assert len(info.value.errors) == 4
    assert not DiscoveredAccount.objects.exists()
    with pytest.raises(ImportRowsError):
        discovered_csv_parse("name,url\na,b\n")


def test_only_comms_import_and_triage(cast) -> None:
    rows = discovered_csv_parse(EXPORT)
    with pytest.raises(RegistryError):
        discovered_import(actor=cast.admin1, rows=rows, source="csv")
    _import(cast)
    found = DiscoveredAccount.objects.first()
    assert found is not None
    with pytest.raises(RegistryError):
        discovered_triage(
            actor=cast.director, discovered_id=found.pk, decision="unrelated", reason="x"
        )


def test_unregistered_invites_the_unit_and_registration_links_the_entry(cast) -> None:
    _import(cast)
    found = DiscoveredAccount.objects.get(handle="unihistorysoc")
    with pytest.raises(RegistryError, match="unit"):
        discovered_triage(
            actor=cast.comms, discovered_id=found.pk, decision="unregistered", reason="Ours"
        )
    discovered_triage(
        actor=cast.comms,
        discovered_id=found.pk,
        decision="unregistered",
        reason="Run by the history department.",
        unit_id=cast.unit.pk,
        contact_email="History-Social@example.ac.uk",
    )
    email = OutboundEmail.objects.get(category="accounts_registry.discovered.invitation")
    assert email.to == "history-social@example.ac.uk"
    assert reverse("accounts_registry:request_create") + "?platform=instagram" in email.body_text
    assert "proposed_handle=unihistorysoc" in email.body_text
    # The unit registers it: the entry follows the request, then the account.
    request = submitted(cast, proposed_handle="UniHistorySoc", platform="instagram")
    found.refresh_from_db()
    assert (found.match, found.request) == (DiscoveredAccount.Match.PENDING, request)
    assert found.decision == "unregistered"


def test_impersonation_opens_a_removal_request_and_changes_the_public_answer(client, cast) -> None:
    _import(cast)
    found = DiscoveredAccount.objects.get(platform="x")
    lookup = reverse("accounts_registry:lookup") + "?platform=x&handle=@LMU_Official_Real"
    assert "Not an official account." not in client.get(lookup).content.decode()
    with pytest.raises(RegistryError, match="address"):
        discovered_triage(
            actor=cast.comms, discovered_id=found.pk, decision="impersonation", reason="Fake"
        )
    discovered_triage(
        actor=cast.comms,
        discovered_id=found.pk,
        decision="impersonation",
        reason="Uses our crest and claims to be official.",
        contact_email="impersonation-reports@x.example",
    )
    found.refresh_from_db()
    assert found.removal_request_id is not None
    removal = RemovalRequest.objects.get(pk=found.removal_request_id)
    assert removal.state == RemovalRequest.State.SENT
    assert removal.owner_email == "impersonation-reports@x.example"
    assert "001 §4.9" in removal.reason
    assert OutboundEmail.objects.filter(to="impersonation-reports@x.example").exists()
    body = client.get(lookup).content.decode()
    assert "Not an official account." in body
    assert "Yes, this is an official account." not in body
    event = AuditEvent.objects.for_object(found).get()
    assert event.action == "accounts_registry.discovered.impersonation"
    # Decided once: a second decision is refused and nothing changes.
    with pytest.raises(RegistryError, match="already"):
        discovered_triage(
            actor=cast.comms, discovered_id=found.pk, decision="unrelated", reason="No"
        )
    assert RemovalRequest.objects.count() == 1


def test_personal_account_of_staff_records_the_disclaimer(cast) -> None:
    _import(cast)
    fan = DiscoveredAccount.objects.get(handle="fanofcampus")
    discovered_triage(
        actor=cast.comms,
        discovered_id=fan.pk,
        decision="personal",
        reason="A lecturer's own account.",
        run_by_staff=True,
    )
    fan.refresh_from_db()
    assert fan.run_by_staff


def test_matched_accounts_cannot_be_triaged(cast) -> None:
    live = active_account(cast)
    _import(cast, f"platform,handle\ninstagram,{live.handle}\n")
    found = DiscoveredAccount.objects.get()
    with pytest.raises(RegistryError, match="matches the registry"):
        discovered_triage(
            actor=cast.comms, discovered_id=found.pk, decision="unrelated", reason="x"
        )
    assert OfficialAccount.objects.filter(pk=live.pk, status="active").exists()


def test_comms_import_and_triage_through_the_pages(client, cast) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(cast.comms)
    url = reverse("accounts_registry:discovered")
    upload = SimpleUploadedFile("export.csv", EXPORT.encode(), "text/csv")
    response = client.post(url, {"export": upload}, follow=True)
    assert "3 new, 0 seen again; 3 waiting for triage" in response.content.decode()
    bad = SimpleUploadedFile("export.csv", b"\xff\xfe\x00bad", "text/csv")
    response = client.post(url, {"export": bad})
    assert response.status_code == 200
    assert "not UTF-8" in response.content.decode()
    found = DiscoveredAccount.objects.get(handle="fanofcampus")
    detail = reverse("accounts_registry:discovered_detail", args=[found.pk])
    response = client.post(detail, {"decision": "personal", "reason": ""})
    assert response.status_code == 200
    found.refresh_from_db()
    assert not found.decision
    client.post(detail, {"decision": "unrelated", "reason": "A campus in another country."})
    found.refresh_from_db()
    assert str(found.decision) == "unrelated"  # changed by the POST (mypy narrowed it to "")
