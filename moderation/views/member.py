"""Incident pages for any member of staff: report an incident (also about an item they may
see) and follow the ones they reported; comms staff filter incidents, name their owner and
severity and move them on from the same pages. Recording the reply to an escalation (of an item,
by its moderators; of an incident, by comms) lives here too."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from moderation import selectors
from moderation.forms import (
    EscalationReplyForm,
    IncidentAssignForm,
    IncidentFilterForm,
    IncidentForm,
    IncidentTransitionForm,
    StepForm,
)
from moderation.models import Escalation, Incident, IncidentStep, Item
from moderation.permissions import can_manage_incidents, can_report_incident
from moderation.selectors import (
    access_incident_or_404,
    access_item_or_404,
    items_visible_to,
    suggested_incident_kind,
)
from moderation.services.escalations import escalation_record_reply
from moderation.services.incidents import (
    TRANSITIONS,
    incident_assign,
    incident_report,
    incident_tick_step,
    incident_transition,
)
from portal.models import User
from portal.viewkit import AuthenticatedHttpRequest, call_service, current_user


def _reporter(request: AuthenticatedHttpRequest, message: str) -> User:
    user = current_user(request)
    if not can_report_incident(user):
        raise PermissionDenied(message)
    return user


@login_required
def incident_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Incidents (comms: all of them, filtered by kind, state, owner and account)."""
    user = _reporter(request, "Incidents are for members of staff.")
    manager = can_manage_incidents(user)
    form = IncidentFilterForm(request.GET or None, owners=selectors.incident_owner_choices())
    filters = selectors.IncidentFilters()
    if manager and form.is_valid():
        data = form.cleaned_data
        filters = selectors.IncidentFilters(
            kind=data["kind"],
            state=data["state"],
            owner=form.owners.get(data["owner"]),
            unowned=data["owner"] == "none",
            channel_text=data["channel_q"].strip(),
        )
    incidents = selectors.incidents_filtered(user=user, filters=filters)
    return render(
        request,
        "moderation/incident_list.html",
        {"incidents": incidents[:200], "manager": manager, "form": form},
    )


def _report(
    request: AuthenticatedHttpRequest, form: IncidentForm, item: Item | None
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        channel = data.get("channel")
        done, incident = call_service(
            request,
            lambda: incident_report(
                actor=current_user(request),
                kind=data["kind"],
                title=data["title"],
                description=data["description"],
                channel_id=channel.pk if channel is not None else None,
                item_id=item.pk if item is not None else None,
            ),
            form=form,
            success="Incident reported; the comms team has been emailed.",
        )
        if done and incident is not None:
            return redirect("moderation:incident_detail", pk=incident.pk)
    return render(request, "moderation/incident_form.html", {"form": form, "item": item})


@login_required
def incident_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    _reporter(request, "Incidents are reported by members of staff.")
    form = IncidentForm(request.POST or None, initial={"kind": request.GET.get("kind")})
    return _report(request, form, None)


@login_required
def item_incident_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Report an incident about an item the user may see (any other item is a 404)."""
    user = _reporter(request, "Incidents are reported by members of staff.")
    item = access_item_or_404(user, pk)
    initial = {"kind": suggested_incident_kind(item=item)}
    form = IncidentForm(request.POST or None, item=item, initial=initial)
    return _report(request, form, item)


@login_required
def incident_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = _reporter(request, "Incidents are for members of staff.")
    incident = access_incident_or_404(user, pk)
    done = {step.step: step for step in incident.steps.select_related("done_by")}
    checklist = [(value, label, done.get(value)) for value, label in IncidentStep.Step.choices]
    allowed = TRANSITIONS.get(incident.state, ())
    form = IncidentTransitionForm()
    form.fields["to_state"].choices = [(s, Incident.State(s).label) for s in allowed]  # type: ignore[attr-defined]
    item_visible = (
        incident.item_id is not None
        and items_visible_to(user=user).filter(pk=incident.item_id).exists()
    )
    manager = can_manage_incidents(user)
    breach = incident.kind == Incident.Kind.SECURITY_BREACH
    assign_form = IncidentAssignForm(
        owners=selectors.incident_owner_choices(),
        initial={"owner": incident.owner_id, "severity": incident.severity},
    )
    return render(
        request,
        "moderation/incident_detail.html",
        {
            "incident": incident,
            "item_visible": item_visible,
            "checklist": checklist if breach else [],
            "admins": selectors.incident_account_admins(incident=incident) if breach else [],
            "manager": manager,
            "transition_form": form if allowed else None,
            "assign_form": assign_form if manager and incident.state != "closed" else None,
            "step_form": StepForm(),
            "escalations": selectors.incident_escalations(incident=incident),
            "reply_form": EscalationReplyForm(),
            "timeline": selectors.incident_timeline(incident=incident),
        },
    )


def _managed_incident(request: AuthenticatedHttpRequest, pk: int) -> tuple[User, Incident]:
    user = current_user(request)
    if not can_manage_incidents(user):
        raise PermissionDenied("Only comms staff manage incidents.")
    return user, access_incident_or_404(user, pk)


@login_required
@require_POST
def incident_transition_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user, incident = _managed_incident(request, pk)
    to_state = request.POST.get("to_state", "")
    done, _moved = call_service(
        request,
        lambda: incident_transition(
            actor=user,
            incident_id=incident.pk,
            to_state=to_state,
            note=request.POST.get("note", ""),
            team=request.POST.get("team") or Escalation.Team.OTHER,
        ),
    )
    if done:
        messages.success(request, f"Incident is now {Incident.State(to_state).label.lower()}.")
    return redirect("moderation:incident_detail", pk=incident.pk)


@login_required
@require_POST
def incident_step_view(request: AuthenticatedHttpRequest, pk: int, step: str) -> HttpResponse:
    user, incident = _managed_incident(request, pk)
    call_service(
        request,
        lambda: incident_tick_step(
            actor=user, incident_id=incident.pk, step=step, note=request.POST.get("note", "")
        ),
        success="Checklist step recorded.",
    )
    return redirect("moderation:incident_detail", pk=incident.pk)


@login_required
@require_POST
def incident_assign_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user, incident = _managed_incident(request, pk)
    form = IncidentAssignForm(request.POST, owners=selectors.incident_owner_choices())
    if not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, f"Nothing was changed: {errors}")
        return redirect("moderation:incident_detail", pk=incident.pk)
    owner = form.cleaned_data["owner"]
    call_service(
        request,
        lambda: incident_assign(
            actor=user,
            incident_id=incident.pk,
            owner_id=owner.pk if owner is not None else None,
            severity=form.cleaned_data["severity"],
        ),
        success="Owner and severity saved; the due time follows the severity.",
    )
    return redirect("moderation:incident_detail", pk=incident.pk)


@login_required
@require_POST
def escalation_reply_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record the receiving team's reply to an escalated item (its moderators) or incident
    (comms); any other escalation is a 404."""
    user = current_user(request)
    escalation = selectors.access_escalation_or_404(user, pk)
    back = (
        redirect("moderation:item_detail", pk=escalation.item_id)
        if escalation.item_id is not None
        else redirect("moderation:incident_detail", pk=escalation.incident_id)
    )
    form = EscalationReplyForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(
            f"{form.fields[name].label}: {e}" for name, errs in form.errors.items() for e in errs
        )
        messages.error(request, f"The reply was not recorded. {errors}")
        return back
    data = form.cleaned_data
    call_service(
        request,
        lambda: escalation_record_reply(
            actor=user,
            escalation_id=escalation.pk,
            reply_from=data["reply_from"],
            replied_at=data["replied_at"],
            reply_outcome=data["reply_outcome"],
        ),
        success=f"Reply from {data['reply_from']} recorded.",
    )
    return back
