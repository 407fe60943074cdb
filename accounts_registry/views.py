"""Pages of the registry. Thin: fetch through a user-scoped selector, call one service.

Role pages answer 403 without the role; an object the user is not entitled to is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from portal.models import AuditEvent, User
from portal.permissions import get_visible_or_404, role_required
from portal.ratelimit import rate_limited
from portal.roles import Role

from . import selectors
from .account_services import (
    AccountError,
    account_close,
    account_keep,
    account_register_existing,
    activity_record,
    admin_add,
    handover_record,
)
from .forms import (
    AccountRequestForm,
    AcknowledgeForm,
    ActivationForm,
    ActivityForm,
    AddAdminForm,
    AuditForm,
    CloseForm,
    DecisionForm,
    DirectoryFilterForm,
    HandoverForm,
    KeepForm,
    LookupForm,
    RegisterExistingForm,
    WithdrawForm,
)
from .models import AccountRequest, AnnualAudit, OfficialAccount
from .permissions import (
    STAFF_PAGE_ROLES,
    can_administer,
    can_manage_admins,
    decidable_slots,
    is_comms,
)
from .scheduling import audit_submit
from .services import (
    RegistryError,
    administrator_acknowledge,
    decision_record,
    request_activate,
    request_submit,
    request_withdraw,
)

staff_required = role_required(*STAFF_PAGE_ROLES)
comms_required = role_required(Role.COMMS_STAFF)
DIRECTORY_PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


# --- Public -----------------------------------------------------------------------------------


@rate_limited("account_lookup")
def lookup(request: HttpRequest) -> HttpResponse:
    """Public "is this account official?" check by platform and handle."""
    form = LookupForm(request.GET or None)
    searched = False
    account = None
    if form.is_valid():
        searched = True
        account = selectors.account_lookup(
            platform=form.cleaned_data["platform"], handle=form.cleaned_data["handle"]
        )
    return render(
        request,
        "accounts_registry/lookup.html",
        {"form": form, "searched": searched, "account": account},
    )


# --- Requests ---------------------------------------------------------------------------------


@staff_required
def request_create(request: HttpRequest) -> HttpResponse:
    form = AccountRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = request_submit(
                actor=_user(request),
                unit=data["unit"],
                platform=data["platform"],
                proposed_name=data["proposed_name"],
                proposed_handle=data["proposed_handle"],
                purpose=data["purpose"],
                audience=data["audience"],
                objectives=data["objectives"],
                evaluation_plan=data["evaluation_plan"],
                signoff_process=data["signoff_process"],
                contact_email=data["contact_email"],
                administrators=list(data["administrators"]),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except RegistryError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                "Request submitted. Each administrator has been asked to acknowledge the policy.",
            )
            return redirect("accounts_registry:request_detail", made.pk)
    return render(request, "accounts_registry/request_form.html", {"form": form})


@staff_required
def my_requests(request: HttpRequest) -> HttpResponse:
    requests = selectors.requests_of(user=_user(request))
    return render(request, "accounts_registry/my_requests.html", {"requests": requests})


@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    waiting = selectors.requests_awaiting(user=_user(request))
    return render(request, "accounts_registry/queue.html", {"requests": waiting})


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    account_request = get_visible_or_404(selectors.requests_visible_to(user=user), pk=pk)
    data = selectors.request_detail_data(account_request)
    admin_ids = [named.user_id for named in data["administrators"]]  # type: ignore[attr-defined]
    slots = decidable_slots(
        user,
        account_request,
        admin_ids=admin_ids,
        decisions=data["decisions"],  # type: ignore[arg-type]
    )
    all_acknowledged = all(named.acknowledged_at for named in data["administrators"])  # type: ignore[attr-defined]
    return render(
        request,
        "accounts_registry/request_detail.html",
        {
            "req": account_request,
            **data,
            "slots": slots if all_acknowledged else [],
            "slot_labels": {
                "unit": "Head of unit",
                "marcomms": "Director of Marketing and Communications",
            },
            "all_acknowledged": all_acknowledged,
            "is_named": user.pk in admin_ids,
            "is_requester": user.pk == account_request.requester_id,
        },
    )


@login_required
@require_POST
def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    account_request = get_visible_or_404(selectors.requests_visible_to(user=_user(request)), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a slot and a decision.")
        return redirect("accounts_registry:request_detail", pk)
    try:
        decision_record(
            actor=_user(request),
            request_id=account_request.pk,
            slot=form.cleaned_data["slot"],
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
        )
    except RegistryError as exc:
        messages.error(request, str(exc))
    else:
        verb = "approved" if form.cleaned_data["decision"] == "approve" else "rejected"
        messages.success(request, f"You {verb} the request.")
    return redirect("accounts_registry:request_detail", pk)


@login_required
@require_POST
def request_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The requester withdraws a pending request (confirmed on the detail page)."""
    account_request = get_visible_or_404(selectors.requests_visible_to(user=_user(request)), pk=pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Keep the reason under 1,000 characters.")
        return redirect("accounts_registry:request_detail", pk)
    try:
        request_withdraw(
            actor=_user(request),
            request_id=account_request.pk,
            reason=form.cleaned_data["reason"],
        )
    except RegistryError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, "You withdrew the request. The administrators and approvers have been told."
        )
    return redirect("accounts_registry:request_detail", pk)


@login_required
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    named = get_visible_or_404(selectors.acknowledgement_for(user=_user(request), request_id=pk))
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            administrator_acknowledge(actor=_user(request), request_id=pk)
        except RegistryError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Thank you: your acknowledgement is recorded.")
        return redirect("accounts_registry:request_detail", pk)
    return render(
        request,
        "accounts_registry/acknowledge.html",
        {"form": form, "named": named, "req": named.request},
    )


@login_required
def activate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    account_request = get_visible_or_404(
        selectors.requests_visible_to(user=user).filter(requester=user), pk=pk
    )
    if account_request.status != AccountRequest.Status.APPROVED:
        messages.info(request, "Only an approved request can be activated.")
        return redirect("accounts_registry:request_detail", pk)
    form = ActivationForm(request.POST or None, initial={"handle": account_request.proposed_handle})
    if request.method == "POST" and form.is_valid():
        try:
            account = request_activate(
                actor=user,
                request_id=pk,
                handle=form.cleaned_data["handle"],
                url=form.cleaned_data["url"],
                followers=form.cleaned_data["followers"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except RegistryError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{account} is now an active official account.")
            return redirect("accounts_registry:account_detail", account.pk)
    return render(
        request, "accounts_registry/activate.html", {"form": form, "req": account_request}
    )


# --- Directory and accounts ------------------------------------------------------------------


@staff_required
def directory(request: HttpRequest) -> HttpResponse:
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
    accounts = selectors.accounts_directory(user=_user(request), **filters)
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
            "can_register": is_comms(_user(request)),
        },
    )


def _account_or_404(request: HttpRequest, pk: int) -> OfficialAccount:
    return get_visible_or_404(selectors.accounts_visible_to(user=_user(request)), pk=pk)


@login_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account_or_404(request, pk)
    user = _user(request)
    assignments = list(account.assignments.select_related("user", "granted_by", "revoked_by"))
    history = AuditEvent.objects.for_object(account).select_related("actor")[:30]
    return render(
        request,
        "accounts_registry/account_detail.html",
        {
            "account": account,
            "current": [a for a in assignments if a.is_current],
            "assignments": assignments,
            "handovers": account.handovers.select_related("leaving", "replacement", "by"),
            "activity": account.activity_records.select_related("recorded_by")[:10],
            "audits": account.audits.select_related("completed_by"),
            "history": history,
            "is_admin": can_administer(user, account),
            "can_manage": can_manage_admins(user, account),
            "is_comms": is_comms(user),
            "origin": AccountRequest.objects.filter(account=account).first(),
        },
    )


def _administered(request: HttpRequest, pk: int) -> OfficialAccount:
    return get_visible_or_404(selectors.accounts_administered_by(user=_user(request)), pk=pk)


def _account_form(
    request: HttpRequest,
    account: OfficialAccount,
    form: forms.Form,
    act: Callable[[dict[str, Any]], object],
    *,
    success: str,
    template: str,
    allowed: bool = True,
    **context: Any,
) -> HttpResponse:
    """Validate ``form``, hand its data to ``act`` (one service call) and report a refusal on it.

    The account pages share this: success goes back to the account with a message; a service
    refusal is shown on the form and changes nothing.
    """
    if request.method == "POST" and allowed and form.is_valid():
        try:
            act(form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        except AccountError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, success)
            return redirect("accounts_registry:account_detail", account.pk)
    return render(request, template, {"form": form, "account": account, **context})


@login_required
def record_activity(request: HttpRequest, pk: int) -> HttpResponse:
    account = _administered(request, pk)
    return _account_form(
        request,
        account,
        ActivityForm(request.POST or None, initial={"kind": "check_in"}),
        lambda data: activity_record(
            actor=_user(request),
            account_id=account.pk,
            kind=data["kind"],
            last_post_on=data["last_post_on"],
            note=data["note"],
        ),
        success="Activity recorded.",
        template="accounts_registry/activity_form.html",
    )


def _managed(request: HttpRequest, pk: int) -> OfficialAccount:
    account = _account_or_404(request, pk)
    if not can_manage_admins(_user(request), account):
        raise Http404("No such object.")
    return account


def _current_admin_users(account: OfficialAccount) -> QuerySet[User]:
    return User.objects.filter(
        pk__in=account.assignments.filter(revoked_at__isnull=True).values("user_id")
    ).order_by("last_name", "first_name")


@login_required
def handover(request: HttpRequest, pk: int) -> HttpResponse:
    account = _managed(request, pk)
    return _account_form(
        request,
        account,
        HandoverForm(request.POST or None, current_admins=_current_admin_users(account)),
        lambda data: handover_record(
            actor=_user(request),
            account_id=account.pk,
            leaving=data["leaving"],
            replacement=data["replacement"],
            passwords_changed_confirmed=data["passwords_changed_confirmed"],
            note=data["note"],
        ),
        success="Handover recorded and the access log updated.",
        template="accounts_registry/handover.html",
    )


@login_required
def add_admin(request: HttpRequest, pk: int) -> HttpResponse:
    account = _managed(request, pk)
    return _account_form(
        request,
        account,
        AddAdminForm(request.POST or None),
        lambda data: admin_add(
            actor=_user(request), account_id=account.pk, user=data["user"], reason=data["reason"]
        ),
        success="Administrator added.",
        template="accounts_registry/add_admin.html",
    )


@login_required
def audit(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    account = _administered(request, pk)
    annual = get_visible_or_404(AnnualAudit.objects.filter(account=account), year=year)
    return _account_form(
        request,
        account,
        AuditForm(request.POST or None),
        lambda data: audit_submit(actor=_user(request), audit_id=annual.pk, **data),
        success=f"The {year} audit is complete.",
        template="accounts_registry/audit_form.html",
        allowed=not annual.is_complete,
        audit=annual,
    )


# --- Comms ------------------------------------------------------------------------------------


@comms_required
def comms_overview(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts_registry/comms.html",
        {
            "flagged": selectors.flagged_accounts(),
            "noncompliant": selectors.noncompliant_accounts(),
            "overdue": selectors.overdue_audits(),
            "reminders": selectors.recent_reminders(),
        },
    )


@comms_required
def register_existing(request: HttpRequest) -> HttpResponse:
    """Comms register an account that predates the portal (no approval flow)."""
    form = RegisterExistingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = account_register_existing(
                actor=_user(request),
                unit=data["unit"],
                platform=data["platform"],
                handle=data["handle"],
                name=data["name"],
                url=data["url"],
                followers=data["followers"],
                administrators=list(data["administrators"]),
                contact_email=data["contact_email"],
                centrally_managed=data["centrally_managed"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except AccountError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{account} is now in the registry.")
            return redirect("accounts_registry:account_detail", account.pk)
    return render(request, "accounts_registry/register_existing.html", {"form": form})


@comms_required
def close_account(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account_or_404(request, pk)
    return _account_form(
        request,
        account,
        CloseForm(request.POST or None),
        lambda data: account_close(
            actor=_user(request),
            account_id=account.pk,
            status=data["status"],
            reason=data["reason"],
        ),
        success=f"{account} is closed; its history is kept.",
        template="accounts_registry/close.html",
    )


@comms_required
def keep_account(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account_or_404(request, pk)
    return _account_form(
        request,
        account,
        KeepForm(request.POST or None),
        lambda data: account_keep(
            actor=_user(request), account_id=account.pk, reason=data["reason"]
        ),
        success=f"{account} stays open.",
        template="accounts_registry/keep.html",
    )
