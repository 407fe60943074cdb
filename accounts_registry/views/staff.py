"""Role pages of the registry: staff (requests, queue, directory) and comms (oversight, closure).

Without the role the answer is 403; an account comms act on is fetched through the selectors.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render

from accounts_registry import selectors
from accounts_registry.forms import (
    AccountRequestForm,
    AdviceForm,
    CloseForm,
    DirectoryFilterForm,
    DiscoveredImportForm,
    KeepForm,
    RegisterExistingForm,
    TriageForm,
)
from accounts_registry.permissions import STAFF_PAGE_ROLES, is_comms
from accounts_registry.services.accounts import (
    account_close,
    account_keep,
    account_register_existing,
)
from accounts_registry.services.advice import ADVICE_FIELDS, advice_request_create
from accounts_registry.services.discovered import (
    discovered_csv_parse,
    discovered_import,
    discovered_triage,
)
from accounts_registry.services.requests import REQUEST_FIELDS, REQUEST_PLAN_FIELDS, request_submit
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
    form = AccountRequestForm(request.POST or None, initial=prefill)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ok, made = call_service(
                request,
                lambda: request_submit(
                    actor=current_user(request),
                    unit_id=data["unit"].pk,
                    administrator_ids=[user.pk for user in data["administrators"]],
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
    return render(
        request,
        "accounts_registry/comms.html",
        {
            "flagged": selectors.flagged_accounts(),
            "noncompliant": selectors.noncompliant_accounts(),
            "overdue": selectors.overdue_audits(),
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


# --- Discovered accounts (comms) --------------------------------------------------------------

DISCOVERED_VIEWS = {
    "triage": "Waiting for triage",
    "matched": "In the registry",
    "decided": "Decided",
}


@comms_required
def discovered_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The triage queue (or the matched / decided accounts) and the CSV import form."""
    view = request.GET.get("view", "triage")
    if view not in DISCOVERED_VIEWS:
        view = "triage"
    found = selectors.discovered_accounts(user=current_user(request), view=view)  # type: ignore[arg-type]
    form = DiscoveredImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["export"]
        try:
            text = upload.read(5_000_000).decode("utf-8-sig")
        except UnicodeDecodeError:
            form.add_error("export", "The file is not UTF-8 text; export it as CSV (UTF-8).")
        else:
            ok, result = call_service(
                request,
                lambda: discovered_import(
                    actor=current_user(request), rows=discovered_csv_parse(text), source="csv"
                ),
                form=form,
            )
            if ok and result is not None:
                messages.success(
                    request,
                    f"Imported: {result.created} new, {result.updated} seen again; "
                    f"{result.to_triage} waiting for triage.",
                )
                return redirect("accounts_registry:discovered")
    page = Paginator(found, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts_registry/discovered_list.html",
        {"form": form, "page": page, "view": view, "views": DISCOVERED_VIEWS},
    )


@comms_required
def discovered_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    found = selectors.access_discovered_or_404(user, pk)
    form = TriageForm(request.POST or None)
    if request.method == "POST" and found.awaits_triage and form.is_valid():
        data = form.cleaned_data
        ok, _ = call_service(
            request,
            lambda: discovered_triage(
                actor=user,
                discovered_id=found.pk,
                decision=data["decision"],
                reason=data["reason"],
                unit_id=data["unit"].pk if data["unit"] else None,
                contact_email=data["contact_email"],
                run_by_staff=data["run_by_staff"],
            ),
            form=form,
            success=f"Decision recorded for @{found.handle}.",
        )
        if ok:
            return redirect("accounts_registry:discovered_detail", found.pk)
    return render(
        request, "accounts_registry/discovered_detail.html", {"found": found, "form": form}
    )


# --- Advice before posting --------------------------------------------------------------------


@staff_required
def advice_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    advice = selectors.advice_visible_to(user=current_user(request))
    page = Paginator(advice, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts_registry/advice_list.html", {"page": page})


@staff_required
def advice_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = current_user(request)
    accounts = selectors.open_accounts_administered_by(user=user)
    form = AdviceForm(request.POST or None, accounts=accounts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, made = call_service(
            request,
            lambda: advice_request_create(
                actor=user,
                account_id=data["account"].pk if data["account"] else None,
                **{name: data[name] for name in ADVICE_FIELDS},
            ),
            form=form,
            success="Your request has gone to the communications team.",
        )
        if ok and made is not None:
            return redirect("accounts_registry:advice_detail", made.pk)
    return render(request, "accounts_registry/advice_form.html", {"form": form})
