"""Comms and staff pages of the registry's governance: accounts found by monitoring (comms),
advice before posting and administrators' training (staff). 403 without the role."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts_registry import selectors
from accounts_registry.forms import (
    AdviceForm,
    DiscoveredImportForm,
    SettingsForm,
    TrainingForm,
    TriageForm,
)
from accounts_registry.permissions import is_comms
from accounts_registry.services.advice import ADVICE_FIELDS, advice_request_create
from accounts_registry.services.discovered import (
    discovered_csv_parse,
    discovered_import,
    discovered_triage,
)
from accounts_registry.services.monitoring_tokens import (
    monitoring_token_create,
    monitoring_token_revoke,
)
from accounts_registry.services.training import (
    SETTINGS_FIELDS,
    TRAINING_FIELDS,
    governance_settings,
    governance_settings_update,
    policy_acknowledge,
    training_record,
)
from portal.viewkit import AuthenticatedHttpRequest, call_service, current_user

from .registry import DIRECTORY_PAGE_SIZE, comms_required, staff_required

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


@comms_required
def monitoring_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Comms create a token per monitoring client (shown once) and see the others."""
    user = current_user(request)
    plain = ""
    if request.method == "POST":
        name = request.POST.get("name", "")
        done, created = call_service(
            request, lambda: monitoring_token_create(actor=user, name=name)
        )
        if done and created is not None:
            plain = created[1]
    endpoint = request.build_absolute_uri(reverse("accounts_registry:api_discovered"))
    return render(
        request,
        "accounts_registry/monitoring_tokens.html",
        {"tokens": selectors.monitoring_tokens(user=user), "plain": plain, "endpoint": endpoint},
    )


@comms_required
@require_POST
def monitoring_token_revoke_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    call_service(
        request,
        lambda: monitoring_token_revoke(actor=user, token_id=pk),
        success="Token revoked.",
    )
    return redirect("accounts_registry:monitoring_tokens")


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


# --- Administrators' training and policy acknowledgements ---------------------------------------


@staff_required
def training(request: AuthenticatedHttpRequest) -> HttpResponse:
    """My training records and policy acknowledgements; comms also see the settings."""
    user = current_user(request)
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, _ = call_service(
            request,
            lambda: training_record(
                actor=user, **{name: form.cleaned_data[name] for name in TRAINING_FIELDS}
            ),
            form=form,
            success="Training recorded.",
        )
        if ok:
            return redirect("accounts_registry:training")
    return render(
        request,
        "accounts_registry/training.html",
        {
            "form": form,
            "status": selectors.training_status(user=user),
            "settings": governance_settings(),
            "is_comms": is_comms(user),
        },
    )


@staff_required
def policy_acknowledge_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        user = current_user(request)
        call_service(
            request,
            lambda: policy_acknowledge(actor=user, policy=request.POST.get("policy", "")),
            success="Thank you: your acknowledgement is recorded.",
        )
    return redirect("accounts_registry:training")


@comms_required
def governance_settings_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Comms decide whether training is required before activation or adding an admin."""
    form = SettingsForm(request.POST or None, instance=governance_settings())
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in SETTINGS_FIELDS}
        ok, _ = call_service(
            request,
            lambda: governance_settings_update(actor=current_user(request), **data),
            form=form,
            success="Settings saved.",
        )
        if ok:
            return redirect("accounts_registry:training")
    return render(request, "accounts_registry/governance_settings.html", {"form": form})
