"""Scheme-admin pages: programmes, applications, matching runs, concerns, survey results."""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from mentoring import selectors
from mentoring.forms import ConcernFollowUpForm, ConstraintForm, ProgrammeForm
from mentoring.models import ApplicationStatus, Concern, Partnership
from mentoring.permissions import can_manage_mentoring
from mentoring.services import concerns as concern_services
from mentoring.services import matching as matching_services
from mentoring.services import programmes as programme_services
from portal.audit import audit_personal_data_view
from portal.permissions import role_required
from portal.roles import Role
from portal.viewkit import (
    AuthenticatedHttpRequest,
    call_service,
    current_user,
    page_of,
    query_without_page,
)

admin_only = role_required(Role.SCHEME_ADMIN)
PAGE_SIZE = 25  # rows of each list on a programme's page


def concerns_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Concern pages exist only for scheme admins: 404 to everyone else, signed in or not."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_manage_mentoring(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@admin_only
def programmes(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = current_user(request)
    rows = selectors.programmes_with_counts(selectors.programmes_visible_to(user=user))
    new_concerns = selectors.concerns_visible_to(user=user).filter(status="new").count()
    return render(
        request,
        "mentoring/manage/programmes.html",
        {"programmes": rows, "new_concerns": new_concerns},
    )


@admin_only
def programme_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = current_user(request)
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, programme = call_service(
            request,
            lambda: programme_services.programme_create(actor=user, data=form.cleaned_data),
            form=form,
            success="Programme created.",
        )
        if done and programme is not None:
            return redirect("mentoring:admin_programme", pk=programme.pk)
    return render(
        request,
        "mentoring/form_page.html",
        {
            "form": form,
            "title": "New mentoring programme",
            "submit_label": "Create programme",
            "back_url": reverse("mentoring:admin_programmes"),
        },
    )


@admin_only
def programme_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    programme = selectors.access_programme_or_404(user, pk)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        done, _saved = call_service(
            request,
            lambda: programme_services.programme_update(
                actor=user, programme_id=programme.pk, data=form.cleaned_data
            ),
            form=form,
            success="Programme saved.",
        )
        if done:
            return redirect("mentoring:admin_programme", pk=programme.pk)
    return render(
        request,
        "mentoring/form_page.html",
        {
            "form": form,
            "title": f"Edit {programme.name}",
            "submit_label": "Save",
            "back_url": reverse("mentoring:admin_programme", args=[programme.pk]),
        },
    )


@admin_only
def programme_manage(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A programme's runs, partnerships and applications: each list paged and filtered by
    status, the counts by status from one aggregate."""
    programme = selectors.access_programme_or_404(current_user(request), pk)
    counts = selectors.status_counts_for_admin(programme=programme)
    lists = {
        "pairs": selectors.partnerships_for_admin(programme=programme),
        "mentors": selectors.mentors_for_admin(programme=programme),
        "mentees": selectors.mentees_for_admin(programme=programme),
    }
    labels = {"pairs": Partnership.Status.choices, "mentors": ApplicationStatus.choices}
    labels["mentees"] = ApplicationStatus.choices
    sections: dict[str, dict[str, Any]] = {}
    for name, rows in lists.items():
        status = request.GET.get(f"{name}_status", "")
        status = status if status in counts[name] else ""
        number = request.GET.get(f"{name}_page")
        rows = rows.filter(status=status) if status else rows
        sections[name] = {
            "page": page_of(rows, count=counts[name][status], number=number, size=PAGE_SIZE),
            "status": status,
            "total": counts[name][""],
            "choices": [(value, label, counts[name][value]) for value, label in labels[name]],
            "query": query_without_page(request, f"{name}_page"),
            "param": f"{name}_page",
        }
    partnerships: list[Partnership] = list(sections["pairs"]["page"])
    reminders = selectors.meeting_reminders_by_partnership(partnerships)
    today = timezone.localdate()
    expected = sum(1 for due in programme.meeting_due_dates() if due <= today)
    sections["pairs"]["rows"] = [
        (p, reminders.get(p.pk, []), p.is_live(today) and p.meeting_count < expected)  # type: ignore[attr-defined]
        for p in partnerships
    ]
    return render(
        request,
        "mentoring/manage/programme.html",
        {
            "programme": programme,
            **sections,
            "expected_meetings": expected,
            "runs": selectors.match_runs_of(programme=programme)[:10],
            "ended": programme.has_ended(today),
            "active_left": counts["pairs"][Partnership.Status.ACTIVE] > 0,
            "filters": [
                ("pairs", "Partnerships", sections["pairs"]),
                ("mentors", "Mentor applications", sections["mentors"]),
                ("mentees", "Mentee applications", sections["mentees"]),
            ],
        },
    )


@require_POST
@admin_only
def match_run_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    programme = selectors.access_programme_or_404(user, pk)
    done, run = call_service(
        request,
        lambda: matching_services.match_run_create(actor=user, programme_id=programme.pk),
        success="Matching proposal ready for review.",
    )
    if not done or run is None:
        return redirect("mentoring:admin_programme", pk=programme.pk)
    left_out = matching_services.unverified_mentors(programme)
    if left_out:
        messages.warning(
            request,
            "Left out of matching, as their graduate status is not verified: "
            + ", ".join(a.name for a in left_out)
            + ".",
        )
    return redirect("mentoring:match_run", pk=run.pk)


@admin_only
def match_run_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = selectors.access_match_run_or_404(current_user(request), pk)
    programme = run.programme
    return render(
        request,
        "mentoring/manage/match_run.html",
        {
            "run": run,
            "programme": programme,
            "pairs": selectors.proposed_pairs_of(run=run),
            "unmatched": selectors.unmatched_mentees_of(run=run),
            "constraints": selectors.match_constraints_of(programme=programme),
            "form": ConstraintForm(programme=programme),
            "ended": programme.has_ended(timezone.localdate()),
        },
    )


@require_POST
@admin_only
def match_constraint_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    run = selectors.access_match_run_or_404(user, pk)
    form = ConstraintForm(request.POST, programme=run.programme)
    if form.is_valid():
        call_service(
            request,
            lambda: matching_services.match_constraint_set(
                actor=user,
                programme_id=run.programme_id,
                mentee_application_id=form.cleaned_data["mentee_application"].pk,
                mentor_application_id=form.cleaned_data["mentor_application"].pk,
                kind=form.cleaned_data["kind"],
            ),
            success="Override saved. Run matching again to apply it.",
        )
    else:
        messages.error(request, "Choose a mentee, a mentor and pin or forbid.")
    return redirect("mentoring:match_run", pk=run.pk)


@require_POST
@admin_only
def match_constraint_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    constraint = selectors.access_match_constraint_or_404(user, pk)
    programme = constraint.programme
    call_service(
        request,
        lambda: matching_services.match_constraint_remove(
            actor=user, match_constraint_id=constraint.pk
        ),
        success="Override removed.",
    )
    latest = selectors.match_runs_of(programme=programme).first()
    if latest:
        return redirect("mentoring:match_run", pk=latest.pk)
    return redirect("mentoring:admin_programme", pk=programme.pk)


@require_POST
@admin_only
def match_run_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    run = selectors.access_match_run_or_404(user, pk)
    done, made = call_service(
        request,
        lambda: matching_services.match_run_confirm(actor=user, match_run_id=run.pk),
    )
    if not done or made is None:
        return redirect("mentoring:match_run", pk=run.pk)
    messages.success(
        request,
        f"{len(made)} partnership{pluralize(len(made))} confirmed; "
        + (
            "both partners were emailed."
            if len(made) == 1
            else "both partners of each were emailed."
        ),
    )
    return redirect("mentoring:admin_programme", pk=run.programme_id)


def _cell(value: str) -> str:
    """Neutralise spreadsheet formulas in user-entered text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


@admin_only
def partnerships_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Scheme-admin export of the programme's pairs and their progress."""
    user = current_user(request)
    programme = selectors.access_programme_or_404(user, pk)
    rows = selectors.partnerships_for_admin(programme=programme)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="partnerships-{programme.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "partnership",
            "mentor",
            "mentor email",
            "mentee",
            "mentee email",
            "status",
            "meetings logged",
            "email frequency",
        ]
    )
    for p in rows:
        writer.writerow(
            [
                p.pk,
                _cell(p.mentor_application.name),
                _cell(p.mentor_application.email),
                _cell(p.mentee_application.name),
                _cell(p.mentee_application.university_email),
                p.get_status_display(),
                p.meeting_count,  # type: ignore[attr-defined]
                _cell(p.email_frequency),
            ]
        )
    audit_personal_data_view(
        actor=user,
        subject=programme,
        fields=["partnership export: names, emails, progress"],
    )
    return response


@admin_only
def survey_results(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Aggregates per stage and side; comments without names (never shown to partners)."""
    programme = selectors.access_programme_or_404(current_user(request), pk)
    return render(
        request,
        "mentoring/manage/survey_results.html",
        {
            "programme": programme,
            "rows": selectors.survey_summary(programme=programme),
            "comments": selectors.survey_comments(programme=programme),
        },
    )


@require_POST
@admin_only
def programme_wrap_up(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    programme = selectors.access_programme_or_404(user, pk)
    done, sent = call_service(
        request,
        lambda: programme_services.programme_wrap_up(actor=user, programme_id=programme.pk),
    )
    if done:
        messages.success(
            request,
            f"Partnerships ended; {sent} invitation{pluralize(sent)} to future programmes sent"
            + (" (everyone had already been invited)." if sent == 0 else "."),
        )
    return redirect("mentoring:admin_programme", pk=programme.pk)


@concerns_only
def concerns(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    qs = selectors.concerns_visible_to(user=current_user(request))
    if status:
        qs = qs.filter(status=status)
    return render(
        request,
        "mentoring/manage/concerns.html",
        {"concerns": qs, "status": status, "statuses": Concern.Status.choices},
    )


@concerns_only
def concern_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    concern = selectors.access_concern_or_404(user, pk)
    form = ConcernFollowUpForm(request.POST or None, initial={"status": concern.status})
    if request.method == "POST" and form.is_valid():
        done, _followed = call_service(
            request,
            lambda: concern_services.concern_follow_up(
                actor=user,
                concern_id=concern.pk,
                note=form.cleaned_data["note"],
                status=form.cleaned_data["status"],
            ),
            form=form,
            success="Follow-up recorded.",
        )
        if done:
            return redirect("mentoring:concern", pk=concern.pk)
    audit_personal_data_view(actor=user, subject=concern, fields=["text", "reporter"])
    return render(
        request,
        "mentoring/manage/concern.html",
        {"concern": concern, "notes": selectors.concern_notes_of(concern=concern), "form": form},
    )
