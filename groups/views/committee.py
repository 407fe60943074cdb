"""Committee pages: the group's plans, requests and outside presences.

Every page fetches the group through ``groups_on_committee(user=...)``, so anyone who is not on
this group's committee (including staff and other committees) gets 404. Committee members see
counts of members, never who they are.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from groups.disclaimers import disclaimer_for
from groups.errors import GroupsError
from groups.forms import MessageForm, PlanForm, PresenceForm, RequestForm, ResubmitForm
from groups.models import AlumniGroup, AnnualPlan, GroupRequest, RequestMessage
from groups.selectors import (
    consenting_member_count,
    delivery_counts,
    due_mark,
    groups_on_committee,
    groups_with_counts,
    plan_year,
    requests_of_group,
)
from groups.services.plans import plan_save, plan_submit
from groups.services.presences import presence_confirm_disclaimer, presence_register
from groups.services.requests import request_message_post, request_resubmit, request_submit
from portal.permissions import get_visible_or_404
from portal.viewkit import current_user, report_error


def _group(request: HttpRequest, slug: str) -> AlumniGroup:
    return get_visible_or_404(groups_on_committee(user=request.user), slug=slug)


def _request(group: AlumniGroup, pk: int) -> GroupRequest:
    return get_visible_or_404(
        requests_of_group(group=group).prefetch_related(
            Prefetch("messages", queryset=RequestMessage.objects.select_related("author"))
        ),
        pk=pk,
    )


@login_required
def committee_home(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_visible_or_404(
        groups_with_counts(groups_on_committee(user=request.user)), slug=slug
    )
    reqs = list(requests_of_group(group=group).select_related("group")[:100])
    now = timezone.now()
    year = plan_year()
    return render(
        request,
        "groups/committee/home.html",
        {
            "group": group,
            "requests": [(r, due_mark(r, now)) for r in reqs],
            "plans": group.plans.all()[:5],
            "year": year,
            "this_year_plan": group.plans.filter(year=year).first(),
            "presences": group.presences.all(),
        },
    )


@login_required
def request_new(request: HttpRequest, slug: str) -> HttpResponse:
    group = _group(request, slug)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            req = request_submit(
                actor=current_user(request), group_id=group.pk, details=form.details()
            )
        except GroupsError as exc:
            report_error(request, exc, form)
        else:
            messages.success(
                request,
                "Your request has been sent to the Alumni Engagement team.",
            )
            return redirect("groups:request_detail", slug=group.slug, pk=req.pk)
    return render(
        request,
        "groups/committee/request_form.html",
        {"group": group, "form": form, "consenting": consenting_member_count(group)},
    )


@login_required
def request_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    group = _group(request, slug)
    req = _request(group, pk)
    communication = getattr(req, "communication", None)
    return render(
        request,
        "groups/committee/request_detail.html",
        {
            "group": group,
            "req": req,
            "mark": due_mark(req),
            "message_form": MessageForm(),
            "counts": delivery_counts(communication) if communication else None,
        },
    )


@login_required
def request_resubmit_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    group = _group(request, slug)
    req = _request(group, pk)
    if req.status != GroupRequest.Status.CHANGES_REQUESTED:
        messages.info(request, "This request is not waiting for changes.")
        return redirect("groups:request_detail", slug=group.slug, pk=req.pk)
    form = ResubmitForm(request.POST or None, instance=req)
    if request.method == "POST" and form.is_valid():
        try:
            request_resubmit(
                actor=current_user(request),
                request_id=req.pk,
                details=form.details(),
                note=form.cleaned_data.get("note", ""),
            )
        except GroupsError as exc:
            report_error(request, exc, form)
        else:
            messages.success(request, "Your changes have been sent; the clock has restarted.")
            return redirect("groups:request_detail", slug=group.slug, pk=req.pk)
    last = [m for m in req.messages.all() if m.from_staff]
    return render(
        request,
        "groups/committee/request_resubmit.html",
        {"group": group, "req": req, "form": form, "last_message": last[-1] if last else None},
    )


@login_required
@require_POST
def request_message(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    group = _group(request, slug)
    req = _request(group, pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            request_message_post(
                actor=current_user(request), request_id=req.pk, body=form.cleaned_data["body"]
            )
        except GroupsError as exc:
            report_error(request, exc)
        else:
            messages.success(request, "Message sent.")
    else:
        messages.error(request, "Write a message of up to 4,000 characters.")
    return redirect("groups:request_detail", slug=group.slug, pk=req.pk)


@login_required
def plan_edit(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    group = _group(request, slug)
    if year < 2000 or year > plan_year() + 1:
        raise Http404("No plan for that year.")
    plan = AnnualPlan.objects.filter(group=group, year=year).first()
    form = PlanForm(request.POST or None, instance=plan or AnnualPlan(group=group, year=year))
    editable = plan is None or plan.is_editable
    if request.method == "POST" and editable and form.is_valid():
        try:
            saved = plan_save(
                actor=current_user(request),
                group_id=group.pk,
                year=year,
                objectives=form.cleaned_data["objectives"],
                activities=form.activities(),
                communication_plan=form.cleaned_data["communication_plan"],
            )
            if "submit" in request.POST:
                plan_submit(actor=current_user(request), plan_id=saved.pk)
                messages.success(request, f"Your {year} plan has been submitted for review.")
            else:
                messages.success(request, "Draft saved.")
        except GroupsError as exc:
            report_error(request, exc, form)
        else:
            return redirect("groups:plan_edit", slug=group.slug, year=year)
    return render(
        request,
        "groups/committee/plan.html",
        {"group": group, "plan": plan, "form": form, "year": year, "editable": editable},
    )


@login_required
def presences(request: HttpRequest, slug: str) -> HttpResponse:
    group = _group(request, slug)
    form = PresenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            presence_register(
                actor=current_user(request),
                group_id=group.pk,
                kind=form.cleaned_data["kind"],
                platform=form.cleaned_data["platform"],
                name=form.cleaned_data["name"],
                url=form.cleaned_data.get("url") or "",
            )
        except GroupsError as exc:
            report_error(request, exc, form)
        else:
            messages.success(request, "Recorded.")
            return redirect("groups:presences", slug=group.slug)
    items = [(p, disclaimer_for(p)) for p in group.presences.all()]
    return render(
        request, "groups/committee/presences.html", {"group": group, "items": items, "form": form}
    )


@login_required
@require_POST
def presence_confirm(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    group = _group(request, slug)
    presence = get_visible_or_404(group.presences.all(), pk=pk)
    try:
        presence_confirm_disclaimer(actor=current_user(request), presence_id=presence.pk)
    except GroupsError as exc:
        report_error(request, exc)
    else:
        messages.success(request, "Thank you: the disclaimer is recorded as displayed.")
    return redirect("groups:presences", slug=group.slug)
