"""Incident pages for any member of staff: report an incident (also about an item they may
see) and follow the ones they reported; comms staff move incidents on from the same page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from moderation.forms import IncidentForm, IncidentTransitionForm, StepForm
from moderation.models import Incident, IncidentStep, Item
from moderation.permissions import can_manage_incidents, can_report_incident
from moderation.selectors import (
    access_incident_or_404,
    access_item_or_404,
    audit_history,
    incidents_visible_to,
    items_visible_to,
    suggested_incident_kind,
)
from moderation.services.incidents import (
    TRANSITIONS,
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
    user = _reporter(request, "Incidents are for members of staff.")
    incidents = incidents_visible_to(user=user)
    state = request.GET.get("state", "")
    if state in Incident.State.values:
        incidents = incidents.filter(state=state)
    return render(
        request,
        "moderation/incident_list.html",
        {
            "incidents": incidents[:200],
            "manager": can_manage_incidents(user),
            "states": Incident.State.choices,
            "state": state,
        },
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
    return render(
        request,
        "moderation/incident_detail.html",
        {
            "incident": incident,
            "item_visible": item_visible,
            "checklist": checklist if incident.kind == Incident.Kind.SECURITY_BREACH else [],
            "manager": can_manage_incidents(user),
            "transition_form": form if allowed else None,
            "step_form": StepForm(),
            "history": audit_history(incident),
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
