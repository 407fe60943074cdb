"""Alumni Engagement staff pages: the verification queue, decisions, and the alumni records."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from alumni.errors import RecordsImportError
from alumni.forms import (
    BulkDecisionForm,
    RecordsImportForm,
    RejectForm,
    VerifyWithEvidenceForm,
    VerifyWithRecordForm,
)
from alumni.models import Verification
from alumni.selectors import (
    access_record_or_404,
    access_verification_or_404,
    closest_records,
    queue,
    queue_counts,
    records_search,
)
from alumni.services.records import records_import
from alumni.services.verification import (
    verification_reject,
    verification_verify_with_evidence,
    verification_verify_with_record,
)
from portal.errors import DomainError
from portal.permissions import role_required
from portal.roles import Role
from portal.viewkit import AuthenticatedHttpRequest, call_service, current_user

staff_required = role_required(Role.ENGAGEMENT_STAFF, Role.ENGAGEMENT_MANAGER)


@staff_required
def queue_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = current_user(request)
    status = request.GET.get("status", "") or Verification.Status.PENDING
    rows = queue(user=user, status=status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    bulk = BulkDecisionForm(choices=[v.pk for v in page])
    return render(
        request,
        "alumni/staff/queue.html",
        {
            "page": page,
            "status": status,
            "statuses": Verification.Status.choices,
            "counts": queue_counts(user=user),
            "bulk": bulk,
        },
    )


@staff_required
@require_POST
def bulk_decide(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = current_user(request)
    pending = queue(user=user).values_list("pk", flat=True)
    form = BulkDecisionForm(request.POST, choices=list(pending))
    if not form.is_valid():
        messages.error(request, "Choose pending verifications, an action and a note.")
        return redirect("alumni:queue")
    done = 0
    for verification_id in form.cleaned_data["ids"]:
        try:
            if form.cleaned_data["action"] == BulkDecisionForm.VERIFY:
                verification_verify_with_evidence(
                    actor=user, verification_id=verification_id, evidence=form.cleaned_data["note"]
                )
            else:
                verification_reject(
                    actor=user, verification_id=verification_id, reason=form.cleaned_data["note"]
                )
        except DomainError as exc:
            messages.error(request, f"Verification {verification_id}: {exc}")
        else:
            done += 1
    if done:
        messages.success(request, f"Decided: {done}.")
    return redirect("alumni:queue")


@staff_required
def verification_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    verification = access_verification_or_404(user, pk)
    forms = {
        "evidence_form": VerifyWithEvidenceForm(),
        "reject_form": RejectForm(),
    }
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "record":
            record_form = VerifyWithRecordForm(request.POST)
            if record_form.is_valid():
                ok, _ = call_service(
                    request,
                    lambda: verification_verify_with_record(
                        actor=user,
                        verification_id=verification.pk,
                        record_id=record_form.cleaned_data["record"],
                    ),
                    success="Verified against the record; the graduate has been told.",
                )
                if ok:
                    return redirect("alumni:queue")
        elif action == "evidence":
            evidence_form = VerifyWithEvidenceForm(request.POST)
            forms["evidence_form"] = evidence_form
            if evidence_form.is_valid():
                ok, _ = call_service(
                    request,
                    lambda: verification_verify_with_evidence(
                        actor=user,
                        verification_id=verification.pk,
                        evidence=evidence_form.cleaned_data["evidence"],
                    ),
                    form=evidence_form,
                    success="Verified with evidence noted; the graduate has been told.",
                )
                if ok:
                    return redirect("alumni:queue")
        elif action == "reject":
            reject_form = RejectForm(request.POST)
            forms["reject_form"] = reject_form
            if reject_form.is_valid():
                ok, _ = call_service(
                    request,
                    lambda: verification_reject(
                        actor=user,
                        verification_id=verification.pk,
                        reason=reject_form.cleaned_data["reason"],
                    ),
                    form=reject_form,
                    success="Not verified; the graduate has been told why.",
                )
                if ok:
                    return redirect("alumni:queue")
        else:
            messages.error(request, "Choose what to do.")
    return render(
        request,
        "alumni/staff/verification.html",
        {
            "verification": verification,
            "candidates": closest_records(verification),
            "pending": verification.status == Verification.Status.PENDING,
            **forms,
        },
    )


@staff_required
def records(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    found = records_search(user=current_user(request), query=query)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(request, "alumni/staff/records.html", {"page": page, "q": query})


@staff_required
def record_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = access_record_or_404(current_user(request), pk)
    linked = record.verifications.select_related("user").first()
    return render(request, "alumni/staff/record.html", {"record": record, "linked": linked})


@staff_required
def records_import_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = RecordsImportForm()
    problems: list[tuple[int, str]] = []
    if request.method == "POST":
        form = RecordsImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = records_import(actor=current_user(request), text=form.cleaned_data["file"])
            except RecordsImportError as exc:
                problems = exc.problems
                form.add_error(None, exc.message)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    f"Imported: {result.created} new, {result.updated} updated, "
                    f"{result.unchanged} unchanged; {result.verified} pending graduate(s) "
                    "now verified.",
                )
                return redirect("alumni:records")
    return render(request, "alumni/staff/import.html", {"form": form, "problems": problems[:200]})
