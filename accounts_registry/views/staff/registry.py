"""Role pages of the registry: staff (requests, queue, directory) and comms (oversight, closure).

Without the role the answer is 403; an account comms act on is fetched through the selectors.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts_registry import selectors
from accounts_registry.forms import (
    AccountRequestForm,
    CloseForm,
    DirectoryFilterForm,
    KeepForm,
    RegisterExistingForm,
    StandInForm,
)
from accounts_registry.jobs import grace_days
from accounts_registry.models import ApprovalDecision
from accounts_registry.permissions import STAFF_PAGE_ROLES, is_comms
from accounts_registry.services.accounts import (
    account_close,
    account_keep,
    account_register_existing,
)
from accounts_registry.services.approvers import request_stand_in_name
from accounts_registry.services.requests import REQUEST_FIELDS, REQUEST_PLAN_FIELDS, request_submit
from moderation.api import governance_facts
from portal.permissions import role_required
from portal.roles import Role
from portal.viewkit import AuthenticatedHttpRequest, call_service, current_user

staff_required = role_required(*STAFF_PAGE_ROLES)
comms_required = role_required(Role.COMMS_STAFF)
DIRECTORY_PAGE_SIZE = 50


# --- Requests ---------------------------------------------------------------------------------


@staff_required
def request_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    # The invitation to register a discovered account links here with the fields pre-filled.
    prefill = {name: request.GET[name] for name in REQUEST_FIELDS if name in request.GET}
    form = AccountRequestForm(request.POST or None, initial=prefill, user=current_user(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ok, made = call_service(
                request,
                lambda: request_submit(
                    actor=current_user(request),
                    unit_id=data["unit"].pk,
                    administrator_ids=[person.pk for person in data["administrators"]],
                    **{name: data[name] for name in REQUEST_PLAN_FIELDS},
                ),
                form=form,
                success="Request submitted. Each administrator has been asked to acknowledge "
                "the policy.",
            )
        except ValidationError as exc:  # the rules' reasons, each beside its field
            form.add_error(None, exc)
        else:
            if ok and made is not None:
                return redirect("accounts_registry:request_detail", made.pk)
    return render(request, "accounts_registry/request_form.html", {"form": form})


@comms_required
@require_POST
def request_stand_in(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Comms name a stand-in approver for a slot that nobody eligible can decide."""
    user = current_user(request)
    account_request = selectors.access_request_or_404(user, pk)
    form = StandInForm(request.POST, open_slots=list(ApprovalDecision.Slot.values))
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[name].label}: {error}" if name in form.fields else str(error)
            for name, errors in form.errors.items()
            for error in errors
        )
        messages.error(request, f"The stand-in was not named: {problems}")
        return redirect("accounts_registry:request_detail", pk)
    person = selectors.staff_by_email(form.cleaned_data["email"])
    if person is None:
        messages.error(
            request,
            f"The stand-in was not named: no active member of staff has the address "
            f"{form.cleaned_data['email']}.",
        )
        return redirect("accounts_registry:request_detail", pk)
    call_service(
        request,
        lambda: request_stand_in_name(
            actor=user,
            request_id=account_request.pk,
            slot=form.cleaned_data["slot"],
            user_id=person.pk,
            reason=form.cleaned_data["reason"],
        ),
        success=f"{person.display_name} is now the stand-in approver and has been told.",
    )
    return redirect("accounts_registry:request_detail", pk)


@staff_required
def my_requests(request: AuthenticatedHttpRequest) -> HttpResponse:
    requests = selectors.requests_of(user=current_user(request))
    return render(request, "accounts_registry/my_requests.html", {"requests": requests})


@staff_required
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    waiting = selectors.requests_awaiting(user=current_user(request))
    return render(request, "accounts_registry/queue.html", {"requests": waiting})


# --- Directory --------------------------------------------------------------------------------


@staff_required
def directory(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = current_user(request)
    form = DirectoryFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "unit": data["unit"].slug if data["unit"] else "",
            "platform": data["platform"],
            "status": data["status"],
            "compliance": data["compliance"],
            "query": data["q"],
        }
    accounts = selectors.accounts_directory(user=user, **filters)
    page = Paginator(accounts, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts_registry/directory.html",
        {
            "form": form,
            "page": page,
            "querystring": query.urlencode(),
            "can_register": is_comms(user),
        },
    )


# --- Comms ------------------------------------------------------------------------------------


@comms_required
def comms_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The governance console: everything comms must act on, each count the length of the
    list shown under it (moderation's facts come through ``moderation.api``)."""
    pending = selectors.pending_request_rows()
    grace = timedelta(days=grace_days())
    in_grace = [
        (a, a.inactivity_reminded_at + grace)
        for a in selectors.accounts_in_grace()
        if a.inactivity_reminded_at is not None
    ]
    facts = governance_facts()
    lists: dict[str, list[Any]] = {
        "pending": pending,
        "no_approver": [row for row in pending if row.no_approver],
        "stuck": [row for row in pending if row.stuck],
        "noncompliant": list(selectors.noncompliant_accounts()),
        "audits": selectors.audits_needing_attention(),
        "in_grace": in_grace,
        "flagged": list(selectors.flagged_accounts()),
        "overdue_removals": facts.overdue_removals,
        "open_incidents": facts.open_incidents,
        "backlog": facts.backlog,
    }
    counts = {key: len(rows) for key, rows in lists.items()}
    context = {**lists, "counts": counts, "facts": facts}
    return render(
        request,
        "accounts_registry/comms.html",
        {
            **context,
            "advice": selectors.open_advice(),
            "guidelines_missing": selectors.guidelines_missing(),
            "to_triage": selectors.discovered_accounts(user=current_user(request)).count(),
            "reminders": selectors.recent_reminders(),
        },
    )


@comms_required
def register_existing(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Comms register an account that predates the portal (no approval flow)."""
    form = RegisterExistingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ok, account = call_service(
                request,
                lambda: account_register_existing(
                    actor=current_user(request),
                    unit_id=data["unit"].pk,
                    platform=data["platform"],
                    handle=data["handle"],
                    name=data["name"],
                    url=data["url"],
                    followers=data["followers"],
                    administrator_ids=[user.pk for user in data["administrators"]],
                    contact_email=data["contact_email"],
                    centrally_managed=data["centrally_managed"],
                ),
                form=form,
            )
        except ValidationError as exc:  # the rules' reasons, each beside its field
            form.add_error(None, exc)
        else:
            if ok and account is not None:
                messages.success(request, f"{account} is now in the registry.")
                return redirect("accounts_registry:account_detail", account.pk)
    return render(request, "accounts_registry/register_existing.html", {"form": form})


@comms_required
def close_account(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = selectors.access_account_or_404(current_user(request), pk)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, _ = call_service(
            request,
            lambda: account_close(
                actor=current_user(request),
                account_id=account.pk,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            ),
            form=form,
            success=f"{account} is closed; its history is kept.",
        )
        if ok:
            return redirect("accounts_registry:account_detail", account.pk)
    return render(request, "accounts_registry/close.html", {"form": form, "account": account})


@comms_required
def keep_account(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = selectors.access_account_or_404(current_user(request), pk)
    form = KeepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, _ = call_service(
            request,
            lambda: account_keep(
                actor=current_user(request),
                account_id=account.pk,
                reason=form.cleaned_data["reason"],
            ),
            form=form,
            success=f"{account} stays open.",
        )
        if ok:
            return redirect("accounts_registry:account_detail", account.pk)
    return render(request, "accounts_registry/keep.html", {"form": form, "account": account})
