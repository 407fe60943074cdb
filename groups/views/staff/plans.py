"""Staff pages of annual plans and the SLA report."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render

from groups.forms import (
    PlanReviewForm,
)
from groups.models import AnnualPlan
from groups.permissions import staff_only
from groups.reports import sla_page, sla_report, sla_report_csv
from groups.selectors import (
    access_plan_or_404,
    history_of,
    plan_year,
    plans_overview,
)
from groups.services.plans import plan_accept, plan_request_changes
from portal.viewkit import AuthenticatedHttpRequest, call_service, current_user


@staff_only
def plans(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        year = int(request.GET.get("year", plan_year()))
    except ValueError:
        year = plan_year()
    rows = plans_overview(year=year)
    done = (AnnualPlan.Status.SUBMITTED, AnnualPlan.Status.ACCEPTED)
    submitted = sum(1 for _, plan in rows if plan and plan.status in done)
    return render(
        request,
        "groups/staff/plans.html",
        {"rows": rows, "year": year, "submitted": submitted, "missing": len(rows) - submitted},
    )


@staff_only
def plan_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = access_plan_or_404(current_user(request), pk)
    form = PlanReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        comments = form.cleaned_data["comments"]
        accept = "accept" in request.POST
        review = plan_accept if accept else plan_request_changes
        done, _ = call_service(
            request,
            lambda: review(actor=current_user(request), plan_id=plan.pk, comments=comments),
            form=form,
            success="Plan accepted." if accept else "Changes requested.",
        )
        if done:
            return redirect("groups:plan_review", pk=plan.pk)
    return render(
        request,
        "groups/staff/plan_review.html",
        {"plan": plan, "form": form, "history": history_of(plan, limit=30)},
    )


@staff_only
def sla(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "groups/staff/sla.html", sla_page(sla_report()))


@staff_only
def sla_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    response = HttpResponse(sla_report_csv(sla_report()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="groups-sla-report.csv"'
    return response
