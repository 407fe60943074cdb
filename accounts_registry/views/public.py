"""The public page of the registry: "is this account official?"."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts_registry import selectors
from accounts_registry.forms import LookupForm
from portal.ratelimit import rate_limited


@rate_limited("account_lookup")
def lookup(request: HttpRequest) -> HttpResponse:
    """Public "is this account official?" check by platform and handle."""
    form = LookupForm(request.GET or None)
    searched = False
    account = impersonation = None
    if form.is_valid():
        searched = True
        account = selectors.account_lookup(
            platform=form.cleaned_data["platform"], handle=form.cleaned_data["handle"]
        )
        if account is None:
            impersonation = selectors.impersonation_lookup(
                platform=form.cleaned_data["platform"], handle=form.cleaned_data["handle"]
            )
    return render(
        request,
        "accounts_registry/lookup.html",
        {
            "form": form,
            "searched": searched,
            "account": account,
            "impersonation": impersonation,
        },
    )
