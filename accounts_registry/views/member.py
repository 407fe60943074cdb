"""Object pages of the registry for signed-in people: a request or an account is fetched through
the selectors' ``access_*_or_404``, so whoever is not entitled to it gets 404.

Each page validates a form, calls one service through ``portal.viewkit.call_service`` and shows
a refusal on the form or as a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts_registry import selectors
from accounts_registry.forms import (
    AcknowledgeForm,
    ActivationForm,
    ActivityForm,
    AddAdminForm,
    AdviceAnswerForm,
    AuditForm,
    DecisionForm,
    HandoverForm,
    StandInForm,
    WithdrawForm,
)
from accounts_registry.models import AccountRequest
from accounts_registry.permissions import (
    can_administer_account,
    can_manage_account_admins,
    decidable_slots,
    decision_barrier,
    eligible_slots,
    is_comms,
)
from accounts_registry.selectors.approvers import request_deciders
from accounts_registry.services.accounts import account_activity_record
from accounts_registry.services.admins import account_admin_add, account_handover
from accounts_registry.services.advice import advice_answer
from accounts_registry.services.audits import AUDIT_ANSWER_FIELDS, audit_submit
from accounts_registry.services.guidelines import guidelines_confirm, guidelines_for
from accounts_registry.services.requests import (
    request_acknowledge,
    request_activate,
    request_decide,
    request_withdraw,
)
from portal.viewkit import AuthenticatedHttpRequest, call_service, current_user

SLOT_LABELS = {"unit": "Head of unit", "marcomms": "Director of Marketing and Communications"}


# --- Requests ---------------------------------------------------------------------------------


@login_required
def request_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    account_request = selectors.access_request_or_404(user, pk)
    detail = selectors.request_detail_data(account_request)
    slots = decidable_slots(
        user, account_request, admin_ids=detail.admin_ids, decisions=detail.decisions
    )
    office = slots or eligible_slots(user, account_request)
    barrier = ""
    if office:
        barrier = decision_barrier(
            user, account_request, admin_ids=detail.admin_ids, decisions=detail.decisions
        )
    stand_in_form = unfilled = None
    if is_comms(user) and account_request.status == AccountRequest.Status.PENDING:
        deciders = request_deciders(account_request.pk)
        unfilled = [SLOT_LABELS[slot] for slot in deciders.unfilled]
        stand_in_form = StandInForm(
            open_slots=list(deciders.open_slots),
            initial={"slot": deciders.unfilled[0] if deciders.unfilled else None},
        )
    return render(
        request,
        "accounts_registry/request_detail.html",
        {
            "req": account_request,
            "administrators": detail.administrators,
            "decisions": detail.decisions,
            "stand_ins": detail.stand_ins,
            "standing_in": {named.slot for named in detail.stand_ins if named.user_id == user.pk},
            "slots": slots if detail.all_acknowledged else [],
            "slot_labels": SLOT_LABELS,
            "barrier": barrier,
            "unfilled": unfilled,
            "stand_in_form": stand_in_form,
            "all_acknowledged": detail.all_acknowledged,
            "is_named": user.pk in detail.admin_ids,
            "is_requester": user.pk == account_request.requester_id,
        },
    )


@login_required
@require_POST
def request_decide_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    account_request = selectors.access_request_or_404(user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a slot and a decision.")
        return redirect("accounts_registry:request_detail", pk)
    verb = "approved" if form.cleaned_data["decision"] == "approve" else "rejected"
    call_service(
        request,
        lambda: request_decide(
            actor=user,
            request_id=account_request.pk,
            slot=form.cleaned_data["slot"],
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
        ),
        success=f"You {verb} the request.",
    )
    return redirect("accounts_registry:request_detail", pk)


@login_required
@require_POST
def request_withdraw_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The requester withdraws a pending request (confirmed on the detail page)."""
    user = current_user(request)
    account_request = selectors.access_request_or_404(user, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Keep the reason under 1,000 characters.")
        return redirect("accounts_registry:request_detail", pk)
    call_service(
        request,
        lambda: request_withdraw(
            actor=user, request_id=account_request.pk, reason=form.cleaned_data["reason"]
        ),
        success="You withdrew the request. The administrators and approvers have been told.",
    )
    return redirect("accounts_registry:request_detail", pk)


@login_required
def acknowledge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    named = selectors.access_acknowledgement_or_404(user, pk)
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        call_service(
            request,
            lambda: request_acknowledge(actor=user, request_id=pk),
            success="Thank you: your acknowledgement is recorded.",
        )
        return redirect("accounts_registry:request_detail", pk)
    return render(
        request,
        "accounts_registry/acknowledge.html",
        {"form": form, "named": named, "req": named.request},
    )


@login_required
def activate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    account_request = selectors.access_request_or_404(user, pk, action="activate")
    if account_request.status != AccountRequest.Status.APPROVED:
        messages.info(request, "Only an approved request can be activated.")
        return redirect("accounts_registry:request_detail", pk)
    form = ActivationForm(request.POST or None, initial={"handle": account_request.proposed_handle})
    if request.method == "POST" and form.is_valid():
        try:
            ok, account = call_service(
                request,
                lambda: request_activate(
                    actor=user,
                    request_id=pk,
                    handle=form.cleaned_data["handle"],
                    url=form.cleaned_data["url"],
                    followers=form.cleaned_data["followers"],
                ),
                form=form,
            )
        except ValidationError as exc:  # the naming rules' reasons, beside the handle
            form.add_error(None, exc)
        else:
            if ok and account is not None:
                messages.success(request, f"{account} is now an active official account.")
                return redirect("accounts_registry:account_detail", account.pk)
    return render(
        request, "accounts_registry/activate.html", {"form": form, "req": account_request}
    )


# --- Accounts ---------------------------------------------------------------------------------


@login_required
def account_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    account = selectors.access_account_or_404(user, pk)
    detail = selectors.account_detail_data(account)
    return render(
        request,
        "accounts_registry/account_detail.html",
        {
            "account": account,
            "current": detail.current,
            "assignments": detail.assignments,
            "handovers": detail.handovers,
            "activity": detail.activity,
            "audits": detail.audits,
            "history": detail.history,
            "is_admin": can_administer_account(user, account),
            "can_manage": can_manage_account_admins(user, account),
            "is_comms": is_comms(user),
            "origin": detail.origin,
        },
    )


@login_required
def record_activity(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    account = selectors.access_account_or_404(user, pk, action="administer")
    form = ActivityForm(request.POST or None, initial={"kind": "check_in"})
    if request.method == "POST" and form.is_valid():
        ok, _ = call_service(
            request,
            lambda: account_activity_record(
                actor=user,
                account_id=account.pk,
                kind=form.cleaned_data["kind"],
                last_post_on=form.cleaned_data["last_post_on"],
                note=form.cleaned_data["note"],
            ),
            form=form,
            success="Activity recorded.",
        )
        if ok:
            return redirect("accounts_registry:account_detail", account.pk)
    return render(
        request, "accounts_registry/activity_form.html", {"form": form, "account": account}
    )


@login_required
def handover(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    account = selectors.access_account_or_404(user, pk, action="manage")
    form = HandoverForm(request.POST or None, current_admins=selectors.current_admin_users(account))
    if request.method == "POST" and form.is_valid():
        replacement = form.cleaned_data["replacement"]
        ok, _ = call_service(
            request,
            lambda: account_handover(
                actor=user,
                account_id=account.pk,
                leaving_id=form.cleaned_data["leaving"].pk,
                replacement_id=replacement.pk if replacement else None,
                passwords_changed_confirmed=form.cleaned_data["passwords_changed_confirmed"],
                note=form.cleaned_data["note"],
            ),
            form=form,
            success="Handover recorded and the access log updated.",
        )
        if ok:
            return redirect("accounts_registry:account_detail", account.pk)
    return render(request, "accounts_registry/handover.html", {"form": form, "account": account})


@login_required
def add_admin(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    account = selectors.access_account_or_404(user, pk, action="manage")
    form = AddAdminForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, _ = call_service(
            request,
            lambda: account_admin_add(
                actor=user,
                account_id=account.pk,
                user_id=form.cleaned_data["user"].pk,
                reason=form.cleaned_data["reason"],
            ),
            form=form,
            success="Administrator added.",
        )
        if ok:
            return redirect("accounts_registry:account_detail", account.pk)
    return render(request, "accounts_registry/add_admin.html", {"form": form, "account": account})


@login_required
def audit(request: AuthenticatedHttpRequest, pk: int, year: int) -> HttpResponse:
    user = current_user(request)
    annual = selectors.access_audit_or_404(user, pk, year)
    account = annual.account
    form = AuditForm(request.POST or None)
    if request.method == "POST" and not annual.is_complete and form.is_valid():
        ok, _ = call_service(
            request,
            lambda: audit_submit(
                actor=user,
                audit_id=annual.pk,
                **{name: form.cleaned_data[name] for name in AUDIT_ANSWER_FIELDS},
            ),
            form=form,
            success=f"The {year} audit is complete.",
        )
        if ok:
            return redirect("accounts_registry:account_detail", account.pk)
    return render(
        request,
        "accounts_registry/audit_form.html",
        {
            "form": form,
            "account": account,
            "audit": annual,
            "admins": selectors.admins_training(account),
        },
    )


# --- Advice before posting --------------------------------------------------------------------


@login_required
def advice_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The asker, the account's admins and comms see it; comms answer it here."""
    user = current_user(request)
    advice = selectors.access_advice_or_404(user, pk)
    can_answer = is_comms(user) and advice.is_open
    form = AdviceAnswerForm(request.POST or None)
    if request.method == "POST":
        if not can_answer:
            messages.error(request, "Only comms staff answer, and only an open request.")
            return redirect("accounts_registry:advice_detail", advice.pk)
        if form.is_valid():
            ok, _ = call_service(
                request,
                lambda: advice_answer(
                    actor=user,
                    advice_id=advice.pk,
                    advice=form.cleaned_data["advice"],
                    answer=form.cleaned_data["answer"],
                ),
                form=form,
                success="Your advice has been sent to the asker.",
            )
            if ok:
                return redirect("accounts_registry:advice_detail", advice.pk)
    return render(
        request,
        "accounts_registry/advice_detail.html",
        {"advice": advice, "form": form if can_answer else None},
    )


@login_required
def guidelines(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The account's posting guidelines (001 §6.1.8); its administrators confirm them here."""
    user = current_user(request)
    account = selectors.access_account_or_404(user, pk, action="manage")
    if request.method == "POST":
        call_service(
            request,
            lambda: guidelines_confirm(actor=user, account_id=account.pk),
            success="Thank you: the guidelines are recorded as displayed.",
        )
        return redirect("accounts_registry:guidelines", account.pk)
    return render(
        request,
        "accounts_registry/guidelines.html",
        {
            "account": account,
            "text": guidelines_for(account),
            "is_admin": can_administer_account(user, account),
        },
    )
