"""My data (everyone) and Data protection (data protection officers): export and erasure."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from portal.dataprotection.erasure import (
    erasure_blockers,
    is_erased,
    person_erase,
    refusing_blockers,
)
from portal.dataprotection.export import (
    DataProtectionError,
    export_json,
    personal_data_export,
    readable,
)
from portal.dataprotection.retention import retention_report
from portal.models import User
from portal.permissions import role_required
from portal.roles import Role
from portal.viewkit import call_service, current_user

DPO = Role.DATA_PROTECTION_OFFICER


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand that erasure cannot be undone.",
        error_messages={"required": "Tick the box to confirm the erasure."},
    )


class PersonSearchForm(forms.Form):
    q = forms.CharField(label="Email address or name", max_length=254, required=False)


def _person_or_404(pk: int) -> User:
    person = User.objects.filter(pk=pk).first()
    if person is None:
        raise Http404("No such person.")
    return person


def _export(request: HttpRequest, person: User, as_json: bool) -> HttpResponse:
    actor = current_user(request)
    try:
        data = personal_data_export(actor=actor, person_id=person.pk)
    except DataProtectionError as exc:
        raise Http404(exc.message) from exc
    if as_json:
        response = HttpResponse(export_json(data), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="personal-data-{person.pk}.json"'
        return response
    return render(
        request,
        "portal/dataprotection/export.html",
        {"person": person, "sections": readable(data), "generated_at": data["generated_at"]},
    )


def _page(request: HttpRequest, person: User, template: str, **extra: Any) -> HttpResponse:
    actor = current_user(request)
    blockers = erasure_blockers(person) if not is_erased(person) else []
    context = {
        "person": person,
        "erased": is_erased(person),
        "blockers": blockers,
        "refused": refusing_blockers(actor, person, blockers),
        "own": actor.pk == person.pk,
        "form": extra.pop("form", None) or EraseForm(),
        **extra,
    }
    return render(request, template, context, status=400 if context["form"].errors else 200)


# --- the person themselves -------------------------------------------------------------------


@login_required
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    return _page(request, current_user(request), "portal/dataprotection/my_data.html")


@login_required
@require_GET
def my_data_json(request: HttpRequest) -> HttpResponse:
    return _export(request, current_user(request), as_json=True)


@login_required
@require_GET
def my_data_html(request: HttpRequest) -> HttpResponse:
    return _export(request, current_user(request), as_json=False)


@login_required
@require_POST
def my_data_erase(request: HttpRequest) -> HttpResponse:
    actor = current_user(request)
    form = EraseForm(request.POST)
    if not form.is_valid():
        return _page(request, actor, "portal/dataprotection/my_data.html", form=form)
    ok, _ = call_service(request, lambda: person_erase(actor=actor, person_id=actor.pk))
    if not ok:
        return redirect("portal:my_data")
    logout(request)
    messages.success(request, "Your personal data have been erased and your account closed.")
    return redirect("portal:home")


# --- data protection officers ----------------------------------------------------------------


@role_required(DPO)
@require_GET
def dpo_home(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None)
    people: list[User] = []
    if form.is_valid() and (query := form.cleaned_data["q"].strip()):
        people = list(
            User.objects.filter(email__icontains=query)[:50]
            or User.objects.filter(last_name__icontains=query)[:50]
        )
    return render(
        request,
        "portal/dataprotection/dpo_home.html",
        {"form": form, "people": people, "searched": form.is_bound},
    )


@role_required(DPO)
@require_GET
def dpo_person(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _person_or_404(pk), "portal/dataprotection/dpo_person.html")


@role_required(DPO)
@require_GET
def dpo_person_json(request: HttpRequest, pk: int) -> HttpResponse:
    return _export(request, _person_or_404(pk), as_json=True)


@role_required(DPO)
@require_GET
def dpo_person_html(request: HttpRequest, pk: int) -> HttpResponse:
    return _export(request, _person_or_404(pk), as_json=False)


@role_required(DPO)
@require_POST
def dpo_person_erase(request: HttpRequest, pk: int) -> HttpResponse:
    actor = current_user(request)
    person = _person_or_404(pk)
    form = EraseForm(request.POST)
    if not form.is_valid():
        return _page(request, person, "portal/dataprotection/dpo_person.html", form=form)
    call_service(
        request,
        lambda: person_erase(actor=actor, person_id=person.pk),
        success="The person's data have been erased.",
    )
    return redirect("portal:dpo_person", pk=person.pk)


@role_required(DPO)
@require_GET
def dpo_retention(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/dataprotection/retention.html", {"rows": retention_report()})
