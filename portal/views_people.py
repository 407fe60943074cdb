"""People and roles pages: who holds what, and the forms that change it through portal.people."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from portal import people as services
from portal.forms import ApproverForm, DelegationForm, PeopleFilterForm, RoleForm
from portal.models import User
from portal.people_selectors import (
    access_person_or_404,
    describe_role_event,
    holdings_of,
    people_visible_to,
    role_history_of,
)
from portal.permissions import can_change_role, can_manage_people
from portal.roles import Role
from portal.viewkit import call_service, current_user


@login_required
@require_GET
def people(request: HttpRequest) -> HttpResponse:
    """Everyone holding a staff role, approvership or delegation; search finds anyone."""
    actor = current_user(request)
    if not can_manage_people(actor):
        raise PermissionDenied("People and roles are managed by portal administrators.")
    form = PeopleFilterForm(request.GET or None)
    query, holding = "", ""
    if form.is_valid():
        query, holding = form.cleaned_data["q"], form.cleaned_data["role"]
    page = Paginator(people_visible_to(user=actor, query=query, holding=holding), 50).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    rows = [(person, holdings_of(person, today=today)) for person in page.object_list]
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "portal/people.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "searching": bool(query),
            "querystring": querystring.urlencode(),
        },
    )


def _grantable_roles(actor: User, person: User, holdings: list[Any]) -> list[Role]:
    held = {h.role for h in holdings if h.kind == "role"}
    return [role for role in Role if role not in held and can_change_role(actor, role)]


def _person_page(
    request: HttpRequest, person: User, status: int = 200, **bound: forms.Form
) -> HttpResponse:
    actor = current_user(request)
    holdings = holdings_of(person)
    own = actor.pk == person.pk
    grantable = [] if own else _grantable_roles(actor, person, holdings)
    history = [(event, describe_role_event(event)) for event in role_history_of(person=person)]
    return render(
        request,
        "portal/people_person.html",
        {
            "person": person,
            "holdings": holdings,
            "own": own,
            "revocable": {
                h.role for h in holdings if h.role is not None and can_change_role(actor, h.role)
            },
            "role_form": bound.get("role_form") or RoleForm(roles=grantable),
            "grantable": grantable,
            "approver_form": bound.get("approver_form") or ApproverForm(),
            "delegation_form": bound.get("delegation_form") or DelegationForm(),
            "history": history,
        },
        status=status,
    )


@login_required
@require_GET
def person(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_page(request, access_person_or_404(user=request.user, person_id=pk))


def _apply(
    request: HttpRequest,
    person: User,
    form: forms.Form,
    form_name: str,
    call: Callable[[dict[str, Any]], bool],
    done: Callable[[dict[str, Any]], str],
    unchanged: str,
) -> HttpResponse:
    """Validate, call one service, and report: the one pattern of every form on the page."""
    if form.is_valid():
        ok, changed = call_service(request, lambda: call(form.cleaned_data), form=form)
        if ok:
            if changed:
                messages.success(request, done(form.cleaned_data))
            else:
                messages.info(request, unchanged)
            return redirect("portal:person", pk=person.pk)
    return _person_page(request, person, status=400, **{form_name: form})


@login_required
@require_POST
def role_grant(request: HttpRequest, pk: int) -> HttpResponse:
    person = access_person_or_404(user=request.user, person_id=pk)
    return _apply(
        request,
        person,
        RoleForm(request.POST),
        "role_form",
        lambda data: services.role_grant(
            actor=current_user(request), user_id=pk, role=data["role"]
        ),
        lambda data: f"{person} now holds the role {data['role']}.",
        f"{person} already held that role.",
    )


@login_required
@require_POST
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    person = access_person_or_404(user=request.user, person_id=pk)
    return _apply(
        request,
        person,
        RoleForm(request.POST),
        "role_form",
        lambda data: services.role_revoke(
            actor=current_user(request), user_id=pk, role=data["role"]
        ),
        lambda data: f"{person} no longer holds the role {data['role']}.",
        f"{person} did not hold that role.",
    )


@login_required
@require_POST
def approver_appoint(request: HttpRequest, pk: int) -> HttpResponse:
    person = access_person_or_404(user=request.user, person_id=pk)
    return _apply(
        request,
        person,
        ApproverForm(request.POST),
        "approver_form",
        lambda data: services.approver_appoint(
            actor=current_user(request), user_id=pk, unit_id=data["unit"].pk
        ),
        lambda data: f"{person} now approves account requests for {data['unit']}.",
        f"{person} already approved for that unit.",
    )


@login_required
@require_POST
def approver_end(request: HttpRequest, pk: int) -> HttpResponse:
    person = access_person_or_404(user=request.user, person_id=pk)
    return _apply(
        request,
        person,
        ApproverForm(request.POST),
        "approver_form",
        lambda data: services.approver_end(
            actor=current_user(request), user_id=pk, unit_id=data["unit"].pk
        ),
        lambda data: f"{person} no longer approves for {data['unit']}.",
        f"{person} was not an approver for that unit.",
    )


@login_required
@require_POST
def delegation_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = access_person_or_404(user=request.user, person_id=pk)
    before = set(person.delegations_held.values_list("pk", flat=True))

    def call(data: dict[str, Any]) -> bool:
        made = services.delegation_create(
            actor=current_user(request),
            director_id=data["director"].pk,
            delegate_id=pk,
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
        )
        return made.pk not in before

    return _apply(
        request,
        person,
        DelegationForm(request.POST),
        "delegation_form",
        call,
        lambda data: (
            f"{person} will act as marcomms director for {data['director']} "
            f"from {data['starts_on']:%-d %b %Y} to {data['ends_on']:%-d %b %Y}."
        ),
        "That delegation already existed.",
    )


class _DelegationEndForm(forms.Form):
    delegation = forms.IntegerField(widget=forms.HiddenInput)


@login_required
@require_POST
def delegation_end(request: HttpRequest, pk: int) -> HttpResponse:
    person = access_person_or_404(user=request.user, person_id=pk)
    form = _DelegationEndForm(request.POST)
    if (
        not form.is_valid()
        or not person.delegations_held.filter(pk=form.cleaned_data["delegation"]).exists()
    ):
        messages.error(request, "No such delegation.")
        return redirect("portal:person", pk=pk)
    ok, changed = call_service(
        request,
        lambda: services.delegation_end(
            actor=current_user(request), delegation_id=form.cleaned_data["delegation"]
        ),
    )
    if ok and changed:
        messages.success(request, f"{person}'s delegation has ended.")
    elif ok:
        messages.info(request, "That delegation was already over.")
    return redirect("portal:person", pk=pk)
