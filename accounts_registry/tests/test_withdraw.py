"""The requester withdraws a pending request: who may, when, the trail and who is told."""

import pytest
from django.urls import reverse

from accounts_registry.errors import RegistryError
from accounts_registry.models import AccountRequest, ApprovalDecision
from accounts_registry.services.requests import (
    request_acknowledge,
    request_decide,
    request_withdraw,
)
from accounts_registry.tests.factories import acknowledged, approved, submitted
from portal.models import AuditEvent, OutboundEmail

pytestmark = pytest.mark.django_db
WITHDRAWN = "accounts_registry.request.withdrawn"


def told(category="accounts_registry.request.withdrawn"):
    return set(OutboundEmail.objects.filter(category=category).values_list("to", flat=True))


def test_requester_withdraws_a_pending_request(cast):
    request = submitted(cast)
    request_withdraw(actor=cast.requester, request_id=request.pk, reason="  Merged with another. ")
    request.refresh_from_db()
    assert request.status == AccountRequest.Status.WITHDRAWN
    assert request.decided_at is not None
    assert request.stage() == "Withdrawn by the requester"
    event = AuditEvent.objects.for_object(request).get(action=WITHDRAWN)
    assert event.actor == cast.requester


def test_audit_event_records_the_change_and_reason(cast):
    request = submitted(cast)
    request_withdraw(actor=cast.requester, request_id=request.pk, reason="Merged with another.")
    event = AuditEvent.objects.for_object(request).get(action=WITHDRAWN)
    assert event.old == {"status": "pending"}
    assert event.new == {"status": "withdrawn", "reason": "Merged with another."}


def test_admins_and_approvers_who_decided_are_told(cast):
    request = acknowledged(cast)
    request_decide(
        actor=cast.director,
        request_id=request.pk,
        slot=ApprovalDecision.Slot.MARCOMMS,
        decision="approve",
    )
    request_withdraw(actor=cast.requester, request_id=request.pk, reason="No longer needed.")
    assert told() == {cast.admin1.email, cast.admin2.email, cast.director.email}
    mail = OutboundEmail.objects.filter(category="accounts_registry.request.withdrawn").first()
    assert mail is not None
    assert "No longer needed." in mail.body_text
    assert f"/social/requests/{request.pk}/" in mail.body_text


def test_approvers_who_have_not_decided_are_not_told(cast):
    request = acknowledged(cast)
    request_withdraw(actor=cast.requester, request_id=request.pk)
    assert told() == {cast.admin1.email, cast.admin2.email}


def test_requester_named_as_admin_is_not_told_of_their_own_withdrawal(cast):
    request = submitted(cast, administrator_ids=[cast.requester.pk, cast.admin1.pk])
    request_withdraw(actor=cast.requester, request_id=request.pk)
    assert told() == {cast.admin1.email}


@pytest.mark.parametrize("who", ["admin1", "approver", "director", "comms"])
def test_only_the_requester_can_withdraw(cast, who):
    request = submitted(cast)
    with pytest.raises(RegistryError, match="Only the requester"):
        request_withdraw(actor=getattr(cast, who), request_id=request.pk)
    request.refresh_from_db()
    assert request.status == AccountRequest.Status.PENDING
    assert not AuditEvent.objects.for_object(request).filter(action=WITHDRAWN).exists()
    assert not told()


def test_decided_request_cannot_be_withdrawn(cast):
    request = approved(cast)
    with pytest.raises(RegistryError, match="already been decided"):
        request_withdraw(actor=cast.requester, request_id=request.pk)
    request.refresh_from_db()
    assert request.status == AccountRequest.Status.APPROVED


def test_withdrawing_twice_is_refused(cast):
    request = submitted(cast)
    request_withdraw(actor=cast.requester, request_id=request.pk)
    with pytest.raises(RegistryError, match="already been withdrawn"):
        request_withdraw(actor=cast.requester, request_id=request.pk)
    assert AuditEvent.objects.for_object(request).filter(action=WITHDRAWN).count() == 1


def test_a_later_decision_or_acknowledgement_is_refused(cast):
    request = submitted(cast)
    request_acknowledge(actor=cast.admin1, request_id=request.pk)
    request_withdraw(actor=cast.requester, request_id=request.pk)
    with pytest.raises(RegistryError, match="already been withdrawn"):
        request_acknowledge(actor=cast.admin2, request_id=request.pk)
    with pytest.raises(RegistryError, match="already been withdrawn"):
        request_decide(
            actor=cast.approver,
            request_id=request.pk,
            slot=ApprovalDecision.Slot.UNIT,
            decision="approve",
        )
    assert not request.decisions.exists()


def test_withdrawn_handle_is_free_for_a_new_request(cast):
    request = submitted(cast)
    request_withdraw(actor=cast.requester, request_id=request.pk)
    again = submitted(cast, proposed_handle=request.proposed_handle)
    assert again.status == AccountRequest.Status.PENDING


# --- Pages ------------------------------------------------------------------------------------


def test_withdraw_button_only_for_the_requester_while_pending(client, cast):
    request = submitted(cast)
    url = reverse("accounts_registry:request_detail", args=[request.pk])
    action = reverse("accounts_registry:request_withdraw", args=[request.pk])
    client.force_login(cast.admin1)
    assert action not in client.get(url).content.decode()
    client.force_login(cast.requester)
    assert action in client.get(url).content.decode()
    request_withdraw(actor=cast.requester, request_id=request.pk)
    page = client.get(url).content.decode()
    assert action not in page
    assert "was withdrawn by the requester" in page


def test_requester_withdraws_through_the_page(client, cast):
    request = submitted(cast)
    client.force_login(cast.requester)
    response = client.post(
        reverse("accounts_registry:request_withdraw", args=[request.pk]),
        {"reason": "Duplicate."},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse(
        "accounts_registry:request_detail", args=[request.pk]
    )
    assert "You withdrew the request." in response.content.decode()
    request.refresh_from_db()
    assert request.status == AccountRequest.Status.WITHDRAWN
    listing = client.get(reverse("accounts_registry:my_requests")).content.decode()
    assert "Withdrawn by the requester" in listing


def test_someone_who_sees_the_request_is_refused_with_a_message(client, cast):
    request = submitted(cast)
    client.force_login(cast.admin1)
    response = client.post(
        reverse("accounts_registry:request_withdraw", args=[request.pk]), follow=True
    )
    assert "Only the requester can withdraw this request." in response.content.decode()
    request.refresh_from_db()
    assert request.status == AccountRequest.Status.PENDING


def test_someone_who_cannot_see_the_request_gets_404(client, cast):
    request = submitted(cast)
    client.force_login(cast.other_approver)
    response = client.post(reverse("accounts_registry:request_withdraw", args=[request.pk]))
    assert response.status_code == 404


def test_withdraw_is_post_only(client, cast):
    request = submitted(cast)
    client.force_login(cast.requester)
    response = client.get(reverse("accounts_registry:request_withdraw", args=[request.pk]))
    assert response.status_code == 405
    request.refresh_from_db()
    assert request.status == AccountRequest.Status.PENDING
