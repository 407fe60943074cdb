"""The public pages of the registry: "is this account official?" and reporting an impostor."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts_registry import selectors
from accounts_registry.forms import ImpersonationReportForm, LookupForm
from accounts_registry.models import OfficialAccount
from portal.ratelimit import client_address, hit, rate_limited, too_many_requests
from portal.viewkit import call_service


@rate_limited("account_lookup")
def lookup(request: HttpRequest) -> HttpResponse:
    """Public "is this account official?" check by platform and handle, or a pasted link."""
    form = LookupForm(request.GET or None)
    context: dict[str, object] = {"form": form, "searched": False}
    if form.is_valid():
        platform, handle = form.cleaned_data["platform"], form.cleaned_data["handle"]
        account = selectors.account_lookup(platform=platform, handle=handle)
        # Triaged as an impersonation: told so first (its handle may once have been ours).
        impersonation = (
            None if account else selectors.impersonation_lookup(platform=platform, handle=handle)
        )
        context |= {
            "searched": True,
            "account": account,
            "impersonation": impersonation,
            "closed": None
            if account or impersonation
            else selectors.closed_account_lookup(platform=platform, handle=handle),
            "platform": platform,
            "platform_label": OfficialAccount.Platform(platform).label,
            "handle": handle.strip().lstrip("@").lower(),
            "from_link": form.cleaned_data.get("from_link", False),
        }
    return render(request, "accounts_registry/lookup.html", context)


@require_http_methods(["GET", "POST"])
def report_impersonation(request: HttpRequest) -> HttpResponse:
    """Anyone may report an account pretending to be official; it opens an incident for comms.

    Rate limited per address (``PORTAL_RATE_LIMITS["impersonation_report"]``, submissions
    only); no CAPTCHA, a honeypot field instead: a bot that fills it is thanked and ignored.
    """
    if request.method == "POST":
        allowed, retry_after = hit(
            action="impersonation_report",
            key=client_address(request),
            limit=settings.PORTAL_RATE_LIMITS["impersonation_report"],
        )
        if not allowed:
            return too_many_requests(request, retry_after=retry_after, as_json=False)
        form = ImpersonationReportForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if data.get("website"):  # the honeypot: a bot is thanked and ignored
                return redirect("accounts_registry:report_thanks")
            if selectors.account_lookup(platform=data["platform"], handle=data["account"]):
                form.add_error(
                    "account",
                    "This is one of our official accounts, so it is not an impersonation. If "
                    "you think it has been taken over, email the communications team.",
                )
            else:
                ok, _ = call_service(request, lambda: _report(request, form), form=form)
                if ok:
                    return redirect("accounts_registry:report_thanks")
    else:
        form = ImpersonationReportForm(
            initial={k: request.GET[k] for k in ("platform", "account") if k in request.GET}
        )
    return render(request, "accounts_registry/report_impersonation.html", {"form": form})


def _report(request: HttpRequest, form: ImpersonationReportForm) -> int:
    from moderation.api import report_impersonation as open_incident

    data = form.cleaned_data
    typed = str(request.POST.get("account", "")).strip()
    return open_incident(
        platform=data["platform"],
        handle=data["account"],
        details=data["details"],
        contact_email=data.get("contact_email") or "",
        link=typed if data.get("from_link") else "",
    )


def report_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts_registry/report_thanks.html")
