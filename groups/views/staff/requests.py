"""Staff pages of the request queue: review, actions, composing and sending the email."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from groups.forms import (
    AskChangesForm,
    CommunicationForm,
    DeclineForm,
    MessageForm,
    ScheduleForm,
)
from groups.models import Communication, GroupRequest
from groups.permissions import staff_only
from groups.selectors import (
    access_request_or_404,
    consenting_member_count,
    delivery_counts,
    delivery_failures,
    due_mark,
    group_choices,
    history_of,
    latest_communication,
    request_queue,
)
from groups.services.communications import (
    communication_create,
    request_email_cancel,
    request_email_reschedule,
    request_email_retry,
)
from groups.services.compose import communication_preview, communication_test_send
from groups.services.requests import (
    request_ask_changes,
    request_decline,
    request_mark_sent,
    request_message_post,
    request_schedule,
    request_start,
)
from portal.audit import audit_personal_data_view
from portal.viewkit import (
    AuthenticatedHttpRequest,
    call_service,
    current_user,
    query_without_page,
    select_options,
)


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
            "group_options": select_options(group_choices(), params["group_slug"]),
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
