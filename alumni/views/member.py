"""The graduate's own page: their verification status, and their details to be matched again."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from alumni.forms import GraduateDetailsForm
from alumni.matching import Details
from alumni.models import Verification
from alumni.permissions import can_request_verification
from alumni.selectors import verification_of
from alumni.services.verification import DETAIL_FIELDS, verification_resubmit
from portal.ratelimit import client_address, hit, too_many_requests
from portal.viewkit import AuthenticatedHttpRequest, call_service, current_user

RATE_ACTION = "alumni_verification"


@login_required
def verification(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Status and next steps; a pending or refused graduate may give their details again.

    Whatever the details, a submission that does not verify at once answers with the same
    page (pending, with the same words), so it reveals nothing about the records.
    """
    user = current_user(request)
    if not can_request_verification(user):
        return render(request, "alumni/member/not_graduate.html", status=403)
    current = verification_of(user)
    status = current.status if current else Verification.Status.PENDING
    form = GraduateDetailsForm(
        initial={
            "given_names": (current.given_names if current else "") or user.first_name,
            "family_name": (current.family_name if current else "") or user.last_name,
            **({k: getattr(current, k) for k in DETAIL_FIELDS[2:]} if current else {}),
        }
    )
    if request.method == "POST" and status != Verification.Status.VERIFIED:
        limit = settings.PORTAL_RATE_LIMITS[RATE_ACTION]
        allowed, retry_after = hit(action=RATE_ACTION, key=client_address(request), limit=limit)
        if not allowed:
            return too_many_requests(request, retry_after=retry_after, as_json=False)
        allowed, retry_after = hit(action=RATE_ACTION, key=f"user:{user.pk}", limit=limit)
        if not allowed:
            return too_many_requests(request, retry_after=retry_after, as_json=False)
        form = GraduateDetailsForm(request.POST)
        if form.is_valid():
            details = Details(
                **{k: form.cleaned_data[k] or "" for k in DETAIL_FIELDS[:3]},
                graduation_year=form.cleaned_data["graduation_year"],
                programme=form.cleaned_data["programme"],
                birth_year=form.cleaned_data["birth_year"],
            )
            ok, _ = call_service(
                request, lambda: verification_resubmit(actor=user, details=details), form=form
            )
            if ok:
                return redirect("alumni:verification")
    return render(
        request,
        "alumni/member/verification.html",
        {"verification": current, "status": status, "form": form, "Status": Verification.Status},
    )
