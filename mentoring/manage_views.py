"""Scheme-admin pages: programmes, applications, matching runs, concerns, survey results."""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.db.models import Avg, Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from mentoring import selectors
from mentoring.errors import MentoringError
from mentoring.forms import ConcernFollowUpForm, ConstraintForm, ProgrammeForm
from mentoring.models import (
    Concern,
    MatchConstraint,
    MatchRun,
    MenteeApplication,
    Programme,
    SurveyResponse,
)
from mentoring.permissions import can_manage_mentoring
from mentoring.services import concerns as concern_services
from mentoring.services import matching as matching_services
from mentoring.services import programmes as programme_services
from portal.audit import audit_personal_data_view
from portal.models import User
from portal.permissions import get_visible_or_404, role_required
from portal.roles import Role


def _me(request: HttpRequest) -> User:
    """The signed-in user: every view here sits behind a sign-in or role check."""
    return cast(User, request.user)


admin_only = role_required(Role.SCHEME_ADMIN)


def concerns_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Concern pages exist only for scheme admins: 404 to everyone else, signed in or not."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_manage_mentoring(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _programme(request: HttpRequest, pk: int) -> Programme:
    return get_visible_or_404(selectors.programmes_visible_to(user=request.user), pk=pk)


@admin_only
def programmes(request: HttpRequest) -> HttpResponse:
    rows = selectors.programmes_with_counts(selectors.programmes_visible_to(user=request.user))
    new_concerns = selectors.concerns_visible_to(user=request.user).filter(status="new").count()
    return render(
        request,
        "mentoring/manage/programmes.html",
        {"programmes": rows, "new_concerns": new_concerns},
    )


@admin_only
def programme_create(request: HttpRequest) -> HttpResponse:
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        programme = programme_services.programme_create(actor=_me(request), data=form.cleaned_data)
        messages.success(request, "Programme created.")
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
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        programme_services.programme_update(
            actor=_me(request), programme_id=programme.pk, data=data
        )
        messages.success(request, "Programme saved.")
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
def programme_manage(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    partnerships = list(selectors.partnerships_for_admin(programme=programme))
    reminders = selectors.meeting_reminders_by_partnership(partnerships)
    today = timezone.localdate()
    expected = sum(1 for due in programme.meeting_due_dates() if due <= today)
    rows = [
        (p, reminders.get(p.pk, []), p.is_live(today) and p.meeting_count < expected)  # type: ignore[attr-defined]
        for p in partnerships
    ]
    return render(
        request,
        "mentoring/manage/programme.html",
        {
            "programme": programme,
            "mentors": programme.mentor_applications.annotate(
                matched=Count("partnerships", filter=Q(partnerships__status="active"))
            ).order_by("name"),
            "mentees": programme.mentee_applications.order_by("name"),
            "partnerships": rows,
            "expected_meetings": expected,
            "runs": programme.match_runs.select_related("created_by")[:10],
            "ended": programme.has_ended(timezone.localdate()),
        },
    )


@require_POST
@admin_only
def match_run_create(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    try:
        run = matching_services.match_run_create(actor=_me(request), programme_id=programme.pk)
    except MentoringError as exc:
        messages.error(request, str(exc))
        return redirect("mentoring:admin_programme", pk=programme.pk)
    messages.success(request, "Matching proposal ready for review.")
    return redirect("mentoring:match_run", pk=run.pk)


def _run(request: HttpRequest, pk: int) -> MatchRun:
    return get_visible_or_404(
        MatchRun.objects.filter(
            programme__in=selectors.programmes_visible_to(user=request.user)
        ).select_related("programme"),
        pk=pk,
    )


@admin_only
def match_run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    programme = run.programme
    pairs = run.pairs.select_related("mentee_application", "mentor_application")
    unmatched = MenteeApplication.objects.filter(pk__in=run.unmatched).order_by("name")
    return render(
        request,
        "mentoring/manage/match_run.html",
        {
            "run": run,
            "programme": programme,
            "pairs": pairs,
            "unmatched": unmatched,
            "constraints": programme.match_constraints.select_related(
                "mentee_application", "mentor_application"
            ),
            "form": ConstraintForm(programme=programme),
        },
    )


@require_POST
@admin_only
def match_constraint_add(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    form = ConstraintForm(request.POST, programme=run.programme)
    if form.is_valid():
        try:
            matching_services.match_constraint_set(
                actor=_me(request),
                programme_id=run.programme_id,
                mentee_application_id=form.cleaned_data["mentee_application"].pk,
                mentor_application_id=form.cleaned_data["mentor_application"].pk,
                kind=form.cleaned_data["kind"],
            )
        except MentoringError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Override saved. Run matching again to apply it.")
    else:
        messages.error(request, "Choose a mentee, a mentor and pin or forbid.")
    return redirect("mentoring:match_run", pk=run.pk)


@require_POST
@admin_only
def match_constraint_delete(request: HttpRequest, pk: int) -> HttpResponse:
    constraint = get_visible_or_404(
        MatchConstraint.objects.filter(
            programme__in=selectors.programmes_visible_to(user=request.user)
        ).select_related("programme"),
        pk=pk,
    )
    programme = constraint.programme
    matching_services.match_constraint_remove(actor=_me(request), match_constraint_id=constraint.pk)
    messages.success(request, "Override removed.")
    latest = programme.match_runs.first()
    if latest:
        return redirect("mentoring:match_run", pk=latest.pk)
    return redirect("mentoring:admin_programme", pk=programme.pk)


@require_POST
@admin_only
def match_run_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    try:
        made = matching_services.match_run_confirm(actor=_me(request), match_run_id=run.pk)
    except MentoringError as exc:
        messages.error(request, str(exc))
        return redirect("mentoring:match_run", pk=run.pk)
    messages.success(request, f"{len(made)} partnerships confirmed; both partners were emailed.")
    return redirect("mentoring:admin_programme", pk=run.programme_id)


@admin_only
def partnerships_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Scheme-admin export of the programme's pairs and their progress."""
    programme = _programme(request, pk)
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
        actor=_me(request),
        subject=programme,
        fields=["partnership export: names, emails, progress"],
    )
    return response


def _cell(value: str) -> str:
    """Neutralise spreadsheet formulas in user-entered text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


@admin_only
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    """Aggregates per stage and side; comments without names (never shown to partners)."""
    programme = _programme(request, pk)
    responses = SurveyResponse.objects.filter(partnership__programme=programme)
    summary = responses.values("stage", "side").annotate(
        n=Count("id"),
        satisfaction=Avg("satisfaction"),
        usefulness=Avg("usefulness"),
        recommend=Count("id", filter=Q(would_recommend=True)),
    )
    rows: list[dict[str, Any]] = []
    for row in summary.order_by("stage", "side"):
        row["stage_label"] = SurveyResponse.Stage(row["stage"]).label
        row["side_label"] = SurveyResponse.Side(row["side"]).label
        row["recommend_share"] = round(100 * row["recommend"] / row["n"]) if row["n"] else 0
        rows.append(row)
    comments = (
        responses.exclude(comments="")
        .order_by("stage", "side", "?")
        .values_list("stage", "side", "comments")
    )
    return render(
        request,
        "mentoring/manage/survey_results.html",
        {
            "programme": programme,
            "rows": rows,
            "comments": [
                (SurveyResponse.Stage(s).label, SurveyResponse.Side(d).label, c)
                for s, d, c in comments
            ],
        },
    )


@require_POST
@admin_only
def programme_wrap_up(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    try:
        sent = programme_services.programme_wrap_up(actor=_me(request), programme_id=programme.pk)
    except MentoringError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Programme wrapped up; {sent} invitations sent.")
    return redirect("mentoring:admin_programme", pk=programme.pk)


@concerns_only
def concerns(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    qs = selectors.concerns_visible_to(user=request.user)
    if status:
        qs = qs.filter(status=status)
    return render(
        request,
        "mentoring/manage/concerns.html",
        {"concerns": qs, "status": status, "statuses": Concern.Status.choices},
    )


@concerns_only
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    concern = get_visible_or_404(selectors.concerns_visible_to(user=request.user), pk=pk)
    form = ConcernFollowUpForm(request.POST or None, initial={"status": concern.status})
    if request.method == "POST" and form.is_valid():
        try:
            concern_services.concern_follow_up(
                actor=_me(request),
                concern_id=concern.pk,
                note=form.cleaned_data["note"],
                status=form.cleaned_data["status"],
            )
        except MentoringError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Follow-up recorded.")
            return redirect("mentoring:concern", pk=concern.pk)
    audit_personal_data_view(actor=_me(request), subject=concern, fields=["text", "reporter"])
    return render(
        request,
        "mentoring/manage/concern.html",
        {"concern": concern, "notes": concern.notes.select_related("author"), "form": form},
    )
