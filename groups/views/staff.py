"""Alumni Engagement staff pages: the request queue, review, sending, plans, SLA, groups.

Every object is fetched through an ``access_<entity>_or_404`` selector and every list through a
selector scoped to the user, behind ``staff_only``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from groups.forms import (
    AskChangesForm,
    CommitteeAppointForm,
    CommunicationForm,
    DeclineForm,
    FlagForm,
    GroupForm,
    MessageForm,
    PageChangeDecisionForm,
    PlanReviewForm,
    ScheduleForm,
)
from groups.models import AlumniGroup, AnnualPlan, Communication, GroupRequest, PageChange
from groups.reports import sla_page, sla_report, sla_report_csv
from groups.selectors import (
    access_group_or_404,
    access_plan_or_404,
    access_presence_or_404,
    access_request_or_404,
    access_seat_or_404,
    consenting_member_count,
    delivery_counts,
    delivery_failures,
    due_mark,
    group_choices,
    groups_visible_to,
    groups_with_counts,
    history_of,
    latest_communication,
    members_of_group,
    page_changes_visible_to,
    plan_year,
    plans_overview,
    presences_for_review,
    request_queue,
    seats_of_group,
    user_by_email,
)
from groups.services.communications import (
    communication_create,
    request_email_cancel,
    request_email_reschedule,
    request_email_retry,
)
from groups.services.compose import communication_preview, communication_test_send
from groups.services.groups import (
    GROUP_FIELDS,
    committee_appoint,
    committee_end,
    group_create,
    group_update,
)
from groups.services.pages import PAGE_DECISIONS
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
from portal.permissions import role_required
from portal.roles import Role
from portal.viewkit import AuthenticatedHttpRequest, call_service, current_user, query_without_page

staff_only = role_required(Role.ENGAGEMENT_STAFF, Role.ENGAGEMENT_MANAGER)


@staff_only
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    params = {
        "status": request.GET.get("status", ""),
        "group_slug": request.GET.get("group", "")[:80],
        "kind": request.GET.get("kind", ""),
        "search": request.GET.get("q", "").strip()[:100],
        "due": request.GET.get("due", ""),
    }
    now = timezone.now()
    qs = request_queue(user=current_user(request), now=now, **params)
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
            "groups": group_choices(),
            "query": query_without_page(request),
        },
    )


@staff_only
def request_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    req = access_request_or_404(current_user(request), pk)
    communication = latest_communication(req)
    failures = list(delivery_failures(communication)) if communication else []
    for delivery in failures:  # their addresses are shown: personal data
        audit_personal_data_view(
            actor=current_user(request), subject=delivery.recipient, fields=["email"]
        )
    return render(
        request,
        "groups/staff/request_detail.html",
        {
            "req": req,
            "mark": due_mark(req),
            "history": history_of(req, limit=50),
            "ask_form": AskChangesForm(),
            "decline_form": DeclineForm(),
            "schedule_form": ScheduleForm(),
            "message_form": MessageForm(),
            "communication": communication,
            "counts": delivery_counts(communication) if communication else None,
            "failures": failures,
            "consenting": consenting_member_count(req.group),
        },
    )


REQUEST_ACTION_FORMS = {
    "changes": AskChangesForm,
    "decline": DeclineForm,
    "schedule": ScheduleForm,
    "message": MessageForm,
    "reschedule_email": ScheduleForm,
}
# action -> (the service, the form field it takes besides the request, the message on success)
REQUEST_ACTIONS: dict[str, tuple[Callable[..., object], str, str]] = {
    "start": (request_start, "", "You are now working on this request."),
    "changes": (
        request_ask_changes,
        "message",
        "Changes requested; the clock is paused until the group resubmits.",
    ),
    "decline": (request_decline, "reason", "Request declined."),
    "schedule": (request_schedule, "scheduled_for", "Request scheduled."),
    "sent": (request_mark_sent, "", "Marked as sent."),
    "message": (request_message_post, "body", "Message sent to the committee."),
    "cancel_email": (request_email_cancel, "", "Email cancelled; none of it will go out."),
    "reschedule_email": (request_email_reschedule, "scheduled_for", "Email rescheduled."),
    "retry_email": (request_email_retry, "", "The failed deliveries are queued again."),
}


@staff_only
@require_POST
def request_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    req = access_request_or_404(current_user(request), pk)
    actor = current_user(request)
    if action not in REQUEST_ACTIONS:
        raise Http404("No such action.")
    form = REQUEST_ACTION_FORMS[action](request.POST) if action in REQUEST_ACTION_FORMS else None
    if form is not None and not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, errors)
        return redirect("groups:staff_request", pk=req.pk)
    service, field, success = REQUEST_ACTIONS[action]
    arguments = {field: form.cleaned_data[field]} if form is not None and field else {}
    call_service(
        request, lambda: service(actor=actor, request_id=req.pk, **arguments), success=success
    )
    return redirect("groups:staff_request", pk=req.pk)


def _sending_note(communication: Communication) -> str:
    if communication.dispatched_at is None:
        when = timezone.localtime(communication.release_at)
        return (
            f"Email ready for {communication.recipient_count} consenting members; "
            f"it goes out automatically at the scheduled time, {when:%d %B %Y %H:%M}."
        )
    return (
        f"Sending to {communication.recipient_count} consenting members in "
        f"{communication.batch_count} batch(es)."
    )


@staff_only
def compose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Write the email; "Preview" shows it as members get it, "Send a test to me" mails it."""
    req, actor = access_request_or_404(current_user(request), pk), current_user(request)
    if (latest := latest_communication(req)) and latest.status != Communication.Status.CANCELLED:
        messages.info(request, "This request's email has already been sent.")
        return redirect("groups:staff_request", pk=req.pk)
    form = CommunicationForm(request.POST or None, initial=CommunicationForm.initial_for(req))
    preview, action = None, request.POST.get("action", "send")
    if request.method == "POST" and form.is_valid():
        text = {"request_id": req.pk, **form.cleaned_data}
        if action == "send":
            done, communication = call_service(
                request, lambda: communication_create(actor=actor, **text), form=form
            )
            if done and communication is not None:
                messages.success(request, _sending_note(communication))
                return redirect("groups:staff_request", pk=req.pk)
        elif action == "test":
            note = f"A test copy was sent to {actor.email}; no member was emailed."
            call_service(
                request, lambda: communication_test_send(actor=actor, **text), success=note
            )
        _, preview = call_service(request, lambda: communication_preview(actor=actor, **text))
    consenting = consenting_member_count(req.group)
    context = {"req": req, "form": form, "preview": preview, "consenting": consenting}
    return render(request, "groups/staff/compose.html", context)


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


@staff_only
def group_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done, group = call_service(
            request,
            lambda: group_create(
                actor=current_user(request),
                **{f: data[f] for f in GROUP_FIELDS if f != "status"},
            ),
            form=form,
        )
        if done and group is not None:
            messages.success(request, f"{group.name} created.")
            return redirect("groups:staff_group", slug=group.slug)
    groups = groups_with_counts(groups_visible_to(user=current_user(request))).order_by("name")
    return render(request, "groups/staff/groups.html", {"groups": groups, "form": form})


@staff_only
def group_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group: AlumniGroup = access_group_or_404(current_user(request), slug, with_counts=True)
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        # The name is fixed once the group exists (it is shown disabled).
        changes = {f: form.cleaned_data[f] for f in GROUP_FIELDS if f != "name"}
        done, _ = call_service(
            request,
            lambda: group_update(actor=current_user(request), group_id=group.pk, changes=changes),
            form=form,
            success="Group updated.",
        )
        if done:
            return redirect("groups:staff_group", slug=group.slug)
    form.fields["name"].disabled = True
    seats = seats_of_group(user=current_user(request), group=group)
    context = {"group": group, "form": form, "seats": seats, "appoint_form": CommitteeAppointForm()}
    return render(request, "groups/staff/group.html", context)


@staff_only
@require_POST
def committee_appoint_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group = access_group_or_404(current_user(request), slug)
    form = CommitteeAppointForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a valid email address and a role.")
        return redirect("groups:staff_group", slug=group.slug)
    user = user_by_email(form.cleaned_data["email"])
    if user is None:
        messages.error(request, "No registered alumnus has that email address.")
        return redirect("groups:staff_group", slug=group.slug)
    call_service(
        request,
        lambda: committee_appoint(
            actor=current_user(request),
            group_id=group.pk,
            user_id=user.pk,
            role=form.cleaned_data["role"],
        ),
        success=f"{user.display_name} is on the committee.",
    )
    return redirect("groups:staff_group", slug=group.slug)


@staff_only
@require_POST
def committee_end_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    seat = access_seat_or_404(current_user(request), pk)
    call_service(
        request,
        lambda: committee_end(actor=current_user(request), seat_id=seat.pk),
        success="Committee seat ended.",
    )
    return redirect("groups:staff_group", slug=seat.group.slug)


@staff_only
def members(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Member names and addresses: staff only, and every person shown is audited."""
    viewer = current_user(request)
    group = access_group_or_404(viewer, slug)
    page = Paginator(members_of_group(user=viewer, group=group), 50).get_page(
        request.GET.get("page")
    )
    for membership in page.object_list:
        audit_personal_data_view(
            actor=viewer, subject=membership.user, fields=["name", "email", "email_consent"]
        )
    return render(request, "groups/staff/members.html", {"group": group, "page": page})


@staff_only
def presence_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    items = presences_for_review(user=current_user(request))
    return render(request, "groups/staff/presences.html", {"items": items, "flag_form": FlagForm()})


@staff_only
@require_POST
def presence_flag_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    presence = access_presence_or_404(current_user(request), pk)
    actor = current_user(request)
    if request.POST.get("unflag"):
        call_service(
            request,
            lambda: presence_unflag(actor=actor, presence_id=presence.pk),
            success="Flag removed.",
        )
    else:
        form = FlagForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        call_service(
            request,
            lambda: presence_flag(actor=actor, presence_id=presence.pk, reason=reason),
            success="Presence flagged.",
        )
    return redirect("groups:staff_presences")


@staff_only
def page_changes(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    """Committees' proposed public pages, oldest first; a POST accepts or returns one."""
    form, actor = PageChangeDecisionForm(request.POST or None), current_user(request)
    changes = page_changes_visible_to(user=actor)
    if pk is not None and form.is_valid():
        decide, success = PAGE_DECISIONS[form.cleaned_data.pop("decision")]
        args = {"page_change_id": get_object_or_404(changes, pk=pk).pk, **form.cleaned_data}
        call_service(request, lambda: decide(actor=actor, **args), success=success)
        return redirect("groups:staff_page_changes")
    waiting = changes.filter(status=PageChange.Status.PROPOSED).reverse()
    return render(request, "groups/staff/page_changes.html", {"changes": waiting})
