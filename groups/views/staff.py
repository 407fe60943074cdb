"""Alumni Engagement staff pages: the request queue, review, sending, plans, SLA, groups."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from groups.errors import GroupsError
from groups.forms import (
    AskChangesForm,
    CommitteeAppointForm,
    CommunicationForm,
    DeclineForm,
    FlagForm,
    GroupForm,
    MessageForm,
    PlanReviewForm,
    ScheduleForm,
)
from groups.models import (
    AlumniGroup,
    AnnualPlan,
    CommitteeMembership,
    GroupRequest,
    Membership,
    OutsidePresence,
    RequestMessage,
)
from groups.reports import bar_chart, sla_report, sla_report_csv
from groups.selectors import (
    consenting_member_count,
    delivery_counts,
    due_mark,
    groups_with_counts,
    plan_year,
    plans_overview,
    request_queue,
)
from groups.services.communications import communication_create
from groups.services.groups import committee_appoint, committee_end, group_create, group_update
from groups.services.plans import plan_accept, plan_request_changes
from groups.services.presences import presence_flag, presence_unflag
from groups.services.requests import (
    request_ask_changes,
    request_decline,
    request_mark_sent,
    request_message_post,
    request_schedule,
    request_start,
)
from portal.audit import audit_personal_data_view
from portal.models import AuditEvent, User
from portal.permissions import get_visible_or_404, role_required
from portal.roles import Role
from portal.viewkit import current_user, report_error

staff_only = role_required(Role.ENGAGEMENT_STAFF, Role.ENGAGEMENT_MANAGER)


@staff_only
def queue(request: HttpRequest) -> HttpResponse:
    params = {
        "status": request.GET.get("status", ""),
        "group_slug": request.GET.get("group", "")[:80],
        "kind": request.GET.get("kind", ""),
        "search": request.GET.get("q", "").strip()[:100],
        "due": request.GET.get("due", ""),
    }
    now = timezone.now()
    qs = request_queue(user=request.user, now=now, **params)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [(r, due_mark(r, now)) for r in page.object_list]
    return render(
        request,
        "groups/staff/queue.html",
        {
            "page": page,
            "rows": rows,
            "params": params,
            "statuses": GroupRequest.Status.choices,
            "kinds": GroupRequest.Kind.choices,
            "groups": AlumniGroup.objects.order_by("name").values_list("slug", "name"),
            "query": _query_without_page(request),
        },
    )


HISTORY_LABELS = {
    "groups.request.submitted": "Submitted",
    "groups.request.started": "Work started",
    "groups.request.changes_requested": "Changes requested",
    "groups.request.resubmitted": "Resubmitted",
    "groups.request.scheduled": "Scheduled",
    "groups.request.declined": "Declined",
    "groups.request.sent": "Sent",
    "groups.request.message_posted": "Message",
    "groups.plan.created": "Plan started",
    "groups.plan.edited": "Plan edited",
    "groups.plan.submitted": "Plan submitted",
    "groups.plan.accepted": "Plan accepted",
    "groups.plan.changes_requested": "Changes requested",
}


def history_rows(events: Iterable[AuditEvent]) -> list[tuple[AuditEvent, str]]:
    """Audit events with a readable label (the action code where there is none)."""
    return [(e, HISTORY_LABELS.get(e.action, e.action)) for e in events]


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _staff_request(pk: int) -> GroupRequest:
    return get_visible_or_404(
        GroupRequest.objects.select_related("group", "assigned_to", "created_by").prefetch_related(
            Prefetch("messages", queryset=RequestMessage.objects.select_related("author")),
            "pauses",
        ),
        pk=pk,
    )


@staff_only
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    req = _staff_request(pk)
    communication = getattr(req, "communication", None)
    return render(
        request,
        "groups/staff/request_detail.html",
        {
            "req": req,
            "mark": due_mark(req),
            "history": history_rows(AuditEvent.objects.for_object(req)[:50]),
            "ask_form": AskChangesForm(),
            "decline_form": DeclineForm(),
            "schedule_form": ScheduleForm(),
            "message_form": MessageForm(),
            "communication": communication,
            "counts": delivery_counts(communication) if communication else None,
            "consenting": consenting_member_count(req.group),
        },
    )


@staff_only
@require_POST
def request_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    req = _staff_request(pk)
    actor = current_user(request)
    forms = {
        "changes": AskChangesForm,
        "decline": DeclineForm,
        "schedule": ScheduleForm,
        "message": MessageForm,
    }
    if action not in {"start", "sent", *forms}:
        raise Http404("No such action.")
    form = forms[action](request.POST) if action in forms else None
    if form is not None and not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, errors)
        return redirect("groups:staff_request", pk=req.pk)
    data = form.cleaned_data if form is not None else {}
    try:
        if action == "start":
            request_start(actor=actor, request_id=req.pk)
            note = "You are now working on this request."
        elif action == "changes":
            request_ask_changes(actor=actor, request_id=req.pk, message=data["message"])
            note = "Changes requested; the clock is paused until the group resubmits."
        elif action == "decline":
            request_decline(actor=actor, request_id=req.pk, reason=data["reason"])
            note = "Request declined."
        elif action == "schedule":
            request_schedule(actor=actor, request_id=req.pk, scheduled_for=data["scheduled_for"])
            note = "Request scheduled."
        elif action == "sent":
            request_mark_sent(actor=actor, request_id=req.pk)
            note = "Marked as sent."
        else:
            request_message_post(actor=actor, request_id=req.pk, body=data["body"])
            note = "Message sent to the committee."
    except GroupsError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, note)
    return redirect("groups:staff_request", pk=req.pk)


@staff_only
def compose(request: HttpRequest, pk: int) -> HttpResponse:
    req = _staff_request(pk)
    if hasattr(req, "communication"):
        messages.info(request, "This request's email has already been sent.")
        return redirect("groups:staff_request", pk=req.pk)
    initial = {"subject": f"{req.group.name}: {req.title}", "body": req.content}
    form = CommunicationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            communication = communication_create(
                actor=current_user(request),
                request_id=req.pk,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except GroupsError as exc:
            report_error(request, exc, form)
        else:
            if communication.dispatched_at is None:
                when = timezone.localtime(communication.release_at)
                messages.success(
                    request,
                    f"Email ready for {communication.recipient_count} consenting members; "
                    f"it goes out automatically at the scheduled time, {when:%d %B %Y %H:%M}.",
                )
            else:
                messages.success(
                    request,
                    f"Sending to {communication.recipient_count} consenting members in "
                    f"{communication.batch_count} batch(es).",
                )
            return redirect("groups:staff_request", pk=req.pk)
    return render(
        request,
        "groups/staff/compose.html",
        {"req": req, "form": form, "consenting": consenting_member_count(req.group)},
    )


@staff_only
def plans(request: HttpRequest) -> HttpResponse:
    try:
        year = int(request.GET.get("year", plan_year()))
    except ValueError:
        year = plan_year()
    rows = plans_overview(year=year)
    submitted = sum(
        1
        for _, plan in rows
        if plan and plan.status in (AnnualPlan.Status.SUBMITTED, AnnualPlan.Status.ACCEPTED)
    )
    return render(
        request,
        "groups/staff/plans.html",
        {"rows": rows, "year": year, "submitted": submitted, "missing": len(rows) - submitted},
    )


@staff_only
def plan_review(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_visible_or_404(AnnualPlan.objects.select_related("group"), pk=pk)
    form = PlanReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if "accept" in request.POST:
                plan_accept(
                    actor=current_user(request),
                    plan_id=plan.pk,
                    comments=form.cleaned_data["comments"],
                )
                messages.success(request, "Plan accepted.")
            else:
                plan_request_changes(
                    actor=current_user(request),
                    plan_id=plan.pk,
                    comments=form.cleaned_data["comments"],
                )
                messages.success(request, "Changes requested.")
        except GroupsError as exc:
            report_error(request, exc, form)
        else:
            return redirect("groups:plan_review", pk=plan.pk)
    return render(
        request,
        "groups/staff/plan_review.html",
        {
            "plan": plan,
            "form": form,
            "history": history_rows(AuditEvent.objects.for_object(plan)[:30]),
        },
    )


@staff_only
def sla(request: HttpRequest) -> HttpResponse:
    rows = sla_report()
    max_hours = max([r.median_hours or 0 for r in rows] + [24.0])
    return render(
        request,
        "groups/staff/sla.html",
        {
            "rows": rows,
            "share_chart": bar_chart(
                [(r.label, r.share_on_time) for r in rows], maximum=100, unit="%"
            ),
            "hours_chart": bar_chart(
                [(r.label, r.median_hours) for r in rows], maximum=max_hours, unit=" h"
            ),
        },
    )


@staff_only
def sla_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(sla_report_csv(sla_report()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="groups-sla-report.csv"'
    return response


@staff_only
def group_list(request: HttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = group_create(
                actor=current_user(request),
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                place=form.cleaned_data["place"],
                country=form.cleaned_data["country"],
                description=form.cleaned_data["description"],
            )
        except GroupsError as exc:
            report_error(request, exc, form)
        else:
            messages.success(request, f"{group.name} created.")
            return redirect("groups:staff_group", slug=group.slug)
    groups = groups_with_counts(AlumniGroup.objects.all()).order_by("name")
    return render(request, "groups/staff/groups.html", {"groups": groups, "form": form})


@staff_only
def group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_visible_or_404(groups_with_counts(AlumniGroup.objects.all()), slug=slug)
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        try:
            group_update(
                actor=current_user(request),
                group_id=group.pk,
                changes={
                    f: form.cleaned_data[f]
                    for f in ("kind", "place", "country", "description", "status")
                },
            )
        except GroupsError as exc:
            report_error(request, exc, form)
        else:
            messages.success(request, "Group updated.")
            return redirect("groups:staff_group", slug=group.slug)
    form.fields["name"].disabled = True
    return render(
        request,
        "groups/staff/group.html",
        {
            "group": group,
            "form": form,
            "seats": CommitteeMembership.objects.filter(group=group).select_related("user"),
            "appoint_form": CommitteeAppointForm(),
        },
    )


@staff_only
@require_POST
def committee_appoint_view(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_visible_or_404(AlumniGroup.objects.all(), slug=slug)
    form = CommitteeAppointForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a valid email address and a role.")
        return redirect("groups:staff_group", slug=group.slug)
    user = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
    if user is None:
        messages.error(request, "No registered alumnus has that email address.")
        return redirect("groups:staff_group", slug=group.slug)
    try:
        committee_appoint(
            actor=current_user(request),
            group_id=group.pk,
            user_id=user.pk,
            role=form.cleaned_data["role"],
        )
    except GroupsError as exc:
        report_error(request, exc)
    else:
        messages.success(request, f"{user.display_name} is on the committee.")
    return redirect("groups:staff_group", slug=group.slug)


@staff_only
@require_POST
def committee_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    seat = get_visible_or_404(CommitteeMembership.objects.select_related("group"), pk=pk)
    try:
        committee_end(actor=current_user(request), seat_id=seat.pk)
    except GroupsError as exc:
        report_error(request, exc)
    else:
        messages.success(request, "Committee seat ended.")
    return redirect("groups:staff_group", slug=seat.group.slug)


@staff_only
def members(request: HttpRequest, slug: str) -> HttpResponse:
    """Member names and addresses: staff only, and every person shown is audited."""
    group = get_visible_or_404(AlumniGroup.objects.all(), slug=slug)
    qs = Membership.objects.filter(group=group, left_at__isnull=True).select_related("user")
    page = Paginator(qs.order_by("user__last_name", "user__first_name", "pk"), 50).get_page(
        request.GET.get("page")
    )
    viewer = current_user(request)
    for membership in page.object_list:
        audit_personal_data_view(
            actor=viewer, subject=membership.user, fields=["name", "email", "email_consent"]
        )
    return render(request, "groups/staff/members.html", {"group": group, "page": page})


@staff_only
def presence_list(request: HttpRequest) -> HttpResponse:
    items = OutsidePresence.objects.select_related("group", "disclaimer_confirmed_by").order_by(
        "-flagged", "group__name", "name"
    )
    return render(request, "groups/staff/presences.html", {"items": items, "flag_form": FlagForm()})


@staff_only
@require_POST
def presence_flag_view(request: HttpRequest, pk: int) -> HttpResponse:
    presence = get_visible_or_404(OutsidePresence.objects.all(), pk=pk)
    try:
        if request.POST.get("unflag"):
            presence_unflag(actor=current_user(request), presence_id=presence.pk)
            messages.success(request, "Flag removed.")
        else:
            form = FlagForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            presence_flag(actor=current_user(request), presence_id=presence.pk, reason=reason)
            messages.success(request, "Presence flagged.")
    except GroupsError as exc:
        report_error(request, exc)
    return redirect("groups:staff_presences")
