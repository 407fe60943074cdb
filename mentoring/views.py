"""Pages for mentors and mentees: programmes, applications, partnerships, concerns, surveys.

A partner's details are only ever taken from ``mentoring.sharing`` (through ``_partner``),
and every display of them is audited. Scheme-admin pages are in ``manage_views``.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms as dj_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from mentoring import selectors
from mentoring.errors import MentoringError
from mentoring.forms import (
    ConcernForm,
    EmailFrequencyForm,
    MeetingForm,
    MenteeApplicationForm,
    MentorApplicationForm,
    SurveyForm,
    UnavailabilityForm,
    WithdrawForm,
)
from mentoring.models import (
    MenteeApplication,
    MentorApplication,
    Partnership,
    Programme,
    SurveyResponse,
)
from mentoring.permissions import (
    can_apply_as_mentee,
    can_apply_as_mentor,
    can_record_unavailability_for_partnership,
    can_withdraw_partnership,
    side_in,
)
from mentoring.services import applications as application_services
from mentoring.services import concerns as concern_services
from mentoring.services import partnerships as partnership_services
from mentoring.services import surveys as survey_services
from mentoring.sharing import (
    MENTEE_FIELD_LABELS,
    MENTOR_FIELD_LABELS,
    mentee_card_for_mentor,
    mentor_card_for_mentee,
)
from portal.audit import audit_personal_data_view
from portal.models import User
from portal.permissions import get_visible_or_404, role_required
from portal.roles import Role


def _me(request: HttpRequest) -> User:
    """The signed-in user: every view here sits behind a sign-in or role check."""
    return cast(User, request.user)


def _partner(
    request: HttpRequest, partnership: Partnership, *, fields: tuple[str, ...] | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """The other partner's card for the viewer (empty once ended), audited when shown.

    ``fields`` narrows what the page will show (e.g. only the name in a list); the audit row
    records exactly what was shown.
    """
    if side_in(request.user, partnership) == SurveyResponse.Side.MENTEE:
        card, labels = mentor_card_for_mentee(partnership), MENTOR_FIELD_LABELS
        subject: Any = partnership.mentor_application
    else:
        card, labels = mentee_card_for_mentor(partnership), MENTEE_FIELD_LABELS
        subject = partnership.mentee_application
    if fields is not None:
        card = {key: value for key, value in card.items() if key in fields}
    if card:
        audit_personal_data_view(actor=_me(request), subject=subject, fields=list(card))
    return card, labels


def _form_page(request: HttpRequest, form: dj_forms.BaseForm, **context: Any) -> HttpResponse:
    return render(request, "mentoring/form_page.html", {"form": form, **context})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    today = timezone.localdate()
    return render(
        request,
        "mentoring/home.html",
        {
            "open_programmes": selectors.programmes_open_for_applications(today=today),
            "mentor_applications": selectors.mentor_applications_visible_to(user=user).filter(
                user=user
            ),
            "mentee_applications": selectors.mentee_applications_visible_to(user=user).filter(
                user=user
            ),
            "partnerships": [
                (p, _partner(request, p, fields=("name",))[0].get("name", ""))
                for p in selectors.partnerships_of(user=user)
            ],
            "today": today,
        },
    )


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_visible_or_404(selectors.programmes_visible_to(user=request.user), pk=pk)
    return render(
        request,
        "mentoring/programme.html",
        {
            "programme": programme,
            "open": programme.accepting_applications(timezone.localdate()),
            "can_mentor": can_apply_as_mentor(request.user),
            "can_mentee": can_apply_as_mentee(request.user),
        },
    )


def _apply(request: HttpRequest, pk: int, side: str) -> HttpResponse:
    programme = get_visible_or_404(selectors.programmes_visible_to(user=request.user), pk=pk)
    user = _me(request)
    form_class: type[dj_forms.ModelForm] = (
        MentorApplicationForm if side == "mentor" else MenteeApplicationForm
    )
    if not programme.accepting_applications(timezone.localdate()):
        messages.error(request, "This programme is not accepting applications at the moment.")
        return redirect("mentoring:programme", pk=programme.pk)
    initial: dict[str, Any] = {"name": user.get_full_name()}
    initial["email" if side == "mentor" else "university_email"] = user.email
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        submit = (
            application_services.mentor_application_submit
            if side == "mentor"
            else application_services.mentee_application_submit
        )
        try:
            application: MentorApplication | MenteeApplication = submit(
                actor=user, programme_id=programme.pk, data=form.cleaned_data
            )
        except MentoringError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Thank you: your application has been submitted.")
            return redirect(f"mentoring:{side}_application", pk=application.pk)
    return _form_page(
        request,
        form,
        title=f"Apply as a {side}: {programme.name}",
        intro_template=f"mentoring/intro_{side}.html",
        programme=programme,
        submit_label="Submit application",
        back_url=reverse("mentoring:programme", args=[programme.pk]),
    )


@role_required(Role.ALUMNUS)
def apply_mentor(request: HttpRequest, pk: int) -> HttpResponse:
    return _apply(request, pk, "mentor")


@role_required(Role.STUDENT)
def apply_mentee(request: HttpRequest, pk: int) -> HttpResponse:
    return _apply(request, pk, "mentee")


def _application(request: HttpRequest, pk: int, side: str) -> HttpResponse:
    application: MentorApplication | MenteeApplication
    if side == "mentor":
        application = get_visible_or_404(
            selectors.mentor_applications_visible_to(user=request.user), pk=pk
        )
    else:
        application = get_visible_or_404(
            selectors.mentee_applications_visible_to(user=request.user), pk=pk
        )
    own = application.user_id == request.user.pk
    if not own:  # a scheme admin reading someone's application
        audit_personal_data_view(actor=_me(request), subject=application, fields=["application"])
    if request.method == "POST":
        if not own:
            raise Http404
        try:
            if isinstance(application, MentorApplication):
                application_services.mentor_application_withdraw(
                    actor=_me(request), mentor_application_id=application.pk
                )
            else:
                application_services.mentee_application_withdraw(
                    actor=_me(request), mentee_application_id=application.pk
                )
        except MentoringError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Your application has been withdrawn.")
        return redirect(f"mentoring:{side}_application", pk=application.pk)
    return render(
        request,
        f"mentoring/{side}_application.html",
        {"application": application, "own": own, "matched": application.partnerships.exists()},
    )


@login_required
def mentor_application(request: HttpRequest, pk: int) -> HttpResponse:
    return _application(request, pk, "mentor")


@login_required
def mentee_application(request: HttpRequest, pk: int) -> HttpResponse:
    return _application(request, pk, "mentee")


def _own_partnership(request: HttpRequest, pk: int) -> Partnership:
    return get_visible_or_404(selectors.partnerships_of(user=request.user), pk=pk)


@login_required
def partnership_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _own_partnership(request, pk)
    card, labels = _partner(request, partnership)
    today = timezone.localdate()
    programme = partnership.programme
    meetings = list(partnership.meetings.all())
    answered = set(
        partnership.survey_responses.filter(respondent=_me(request)).values_list("stage", flat=True)
    )
    surveys = [
        stage
        for stage in SurveyResponse.Stage
        if stage.value not in answered
        and survey_services.survey_stage_open(programme, stage, today)
    ]
    live = partnership.is_live(today)
    return render(
        request,
        "mentoring/partnership.html",
        {
            "partnership": partnership,
            "programme": programme,
            "side": side_in(request.user, partnership),
            "card": card,
            "labels": labels,
            "live": live,
            "meetings": meetings,
            "can_log": live and len(meetings) < programme.official_meetings,
            "due_dates": programme.meeting_due_dates(),
            "unavailabilities": partnership.unavailabilities.all(),
            "can_unavailable": live
            and can_record_unavailability_for_partnership(request.user, partnership),
            "can_withdraw": live and can_withdraw_partnership(request.user, partnership),
            "surveys": surveys if partnership.status != Partnership.Status.WITHDRAWN else [],
        },
    )


@login_required
def partner_vcard(request: HttpRequest, pk: int) -> HttpResponse:
    """The partner's card as a vCard export: the same projection, nothing more."""
    partnership = _own_partnership(request, pk)
    card, _labels = _partner(request, partnership)
    if not card:
        raise Http404("This partnership has ended.")

    def esc(value: Any) -> str:
        text = ", ".join(value) if isinstance(value, list) else str(value)
        for a, b in (("\\", "\\\\"), (",", "\\,"), (";", "\\;"), ("\n", "\\n"), ("\r", "")):
            text = text.replace(a, b)
        return text

    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{esc(card['name'])}", f"EMAIL:{esc(card['email'])}"]
    if "job_role" in card:
        lines.append(f"TITLE:{esc(card['job_role'])}")
    if "country" in card:
        lines.append(f"ADR:;;;;;;{esc(card['country'])}")
    if "linkedin" in card:
        lines.append(f"URL:{esc(card['linkedin'])}")
    extra = [
        f"{key}: {esc(card[key])}"
        for key in (
            "courses",
            "graduation_year",
            "msc_programme",
            "sectors",
            "support_areas",
            "bio",
        )
        if key in card
    ]
    if extra:
        lines.append("NOTE:" + "\\n".join(extra))
    lines.append("END:VCARD")
    response = HttpResponse("\r\n".join(lines) + "\r\n", content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="partner-{partnership.pk}.vcf"'
    return response


def _partnership_action(
    request: HttpRequest,
    pk: int,
    form: dj_forms.BaseForm,
    act: Any,
    *,
    title: str,
    success: str,
    allowed: Any = None,
    **context: Any,
) -> HttpResponse:
    partnership = _own_partnership(request, pk)
    if allowed is not None and not allowed(request.user, partnership):
        raise Http404
    if not partnership.is_live(timezone.localdate()):
        messages.error(request, "This partnership has ended.")
        return redirect("mentoring:partnership", pk=partnership.pk)
    if request.method == "POST" and form.is_valid():
        try:
            act(partnership, form.cleaned_data)
        except MentoringError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, success)
            return redirect("mentoring:partnership", pk=partnership.pk)
    back = reverse("mentoring:partnership", args=[partnership.pk])
    return _form_page(request, form, title=title, back_url=back, **context)


@login_required
def meeting_log(request: HttpRequest, pk: int) -> HttpResponse:
    return _partnership_action(
        request,
        pk,
        MeetingForm(request.POST or None),
        lambda p, d: partnership_services.meeting_log(
            actor=_me(request), partnership_id=p.pk, held_on=d["held_on"], mode=d["mode"]
        ),
        title="Log an official meeting",
        success="The meeting has been logged.",
        submit_label="Log meeting",
    )


@login_required
def email_frequency(request: HttpRequest, pk: int) -> HttpResponse:
    return _partnership_action(
        request,
        pk,
        EmailFrequencyForm(
            request.POST or None,
            initial={"email_frequency": _own_partnership(request, pk).email_frequency},
        ),
        lambda p, d: partnership_services.email_frequency_set(
            actor=_me(request), partnership_id=p.pk, frequency=d["email_frequency"]
        ),
        title="Email frequency agreed at your first meeting",
        success="The agreed email frequency has been recorded.",
        submit_label="Save",
    )


@login_required
def unavailability_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _partnership_action(
        request,
        pk,
        UnavailabilityForm(request.POST or None),
        lambda p, d: partnership_services.unavailability_record(
            actor=_me(request), partnership_id=p.pk, starts_on=d["starts_on"], ends_on=d["ends_on"]
        ),
        title="Tell your mentee you will be unavailable",
        success="Recorded; your mentee has been told by email.",
        allowed=can_record_unavailability_for_partnership,
        intro="Please record any period of more than a month when you cannot be contacted "
        "(commitment d). We email your mentee the dates.",
        submit_label="Record and tell my mentee",
    )


@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _partnership_action(
        request,
        pk,
        WithdrawForm(request.POST or None),
        lambda p, d: partnership_services.partnership_withdraw(
            actor=_me(request), partnership_id=p.pk, reason=d["reason"]
        ),
        title="Withdraw from the programme",
        success="You have withdrawn; the scheme administrators and your mentor have been told.",
        allowed=can_withdraw_partnership,
        intro="If you feel unable to continue, you can withdraw. The partnership then ends and "
        "your mentor no longer sees your details.",
        submit_label="Withdraw",
    )


@login_required
def survey(request: HttpRequest, pk: int, stage: str) -> HttpResponse:
    partnership = _own_partnership(request, pk)
    if stage not in SurveyResponse.Stage.values:
        raise Http404
    if not survey_services.survey_stage_open(partnership.programme, stage, timezone.localdate()):
        messages.info(request, "This survey is not open at the moment.")
        return redirect("mentoring:partnership", pk=partnership.pk)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey_services.survey_submit(
                actor=_me(request),
                partnership_id=partnership.pk,
                stage=stage,
                data=form.cleaned_data,
            )
        except MentoringError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Thank you for your feedback.")
            return redirect("mentoring:partnership", pk=partnership.pk)
    return _form_page(
        request,
        form,
        title=f"{SurveyResponse.Stage(stage).label} feedback survey",
        intro="Your answers are read only by the scheme administrators, in aggregate. "
        "They are never shown to your partner.",
        back_url=reverse("mentoring:partnership", args=[partnership.pk]),
        submit_label="Send feedback",
    )


@login_required
def concern_new(request: HttpRequest) -> HttpResponse:
    """Report a concern. After submission the reporter sees only a confirmation (no record page)."""
    partnerships = list(selectors.partnerships_of(user=request.user))
    choices = []
    for p in partnerships:
        card, _labels = _partner(request, p, fields=("name",))
        partner = f" with {card['name']}" if card else ""
        choices.append((p.pk, f"{p.programme.name}: partnership{partner}"))
    form = ConcernForm(request.POST or None, partnership_choices=choices)
    if request.method == "POST" and form.is_valid():
        chosen = next((p for p in partnerships if p.pk == form.cleaned_data["partnership"]), None)
        programme = chosen.programme if chosen else _latest_programme_of(_me(request))
        try:
            concern_services.concern_report(
                actor=_me(request),
                text=form.cleaned_data["text"],
                partnership_id=chosen.pk if chosen else None,
                programme_id=programme.pk if programme else None,
            )
        except MentoringError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("mentoring:concern_submitted")
    return render(request, "mentoring/concern_form.html", {"form": form})


def _latest_programme_of(user: User) -> Programme | None:
    """The programme a concern not tied to a partnership is routed to: the latest applied to."""
    applications: list[MentorApplication | MenteeApplication] = [
        *user.mentor_applications.select_related("programme").order_by("-submitted_at")[:1],
        *user.mentee_applications.select_related("programme").order_by("-submitted_at")[:1],
    ]
    latest = max(applications, key=lambda a: a.submitted_at, default=None)
    return latest.programme if latest else None


@login_required
def concern_submitted(request: HttpRequest) -> HttpResponse:
    return render(request, "mentoring/concern_submitted.html")
