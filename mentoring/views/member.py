"""Pages for mentors and mentees: programmes, applications, partnerships, concerns, surveys.

Every partnership is fetched with ``selectors.access_partnership_or_404`` (partners only) and a
partner's details only ever come from ``mentoring.sharing.partner_card_for``, which audits each
display. Scheme-admin pages are in ``views.staff``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as dj_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from alumni.api import verification_status
from mentoring import forms, selectors
from mentoring.models import MenteeApplication, MentorApplication, Partnership, SurveyResponse
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
from mentoring.sharing import card_as_vcard, partner_card_for, partner_name_for
from portal.audit import audit_personal_data_view
from portal.models import User
from portal.permissions import role_required
from portal.roles import Role
from portal.viewkit import AuthenticatedHttpRequest, call_service, current_user


def _form_page(
    request: AuthenticatedHttpRequest, form: dj_forms.BaseForm, **context: Any
) -> HttpResponse:
    return render(request, "mentoring/form_page.html", {"form": form, **context})


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = current_user(request)
    today = timezone.localdate()
    return render(
        request,
        "mentoring/home.html",
        {
            "open_programmes": selectors.programmes_open_for_applications(today=today),
            "applied": selectors.own_applications_by_programme(user=user),
            "partnerships": [
                (p, partner_name_for(user, p), p.is_live(today))
                for p in selectors.partnerships_of(user=user)
            ],
        },
    )


@login_required
def programme_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    programme = selectors.access_programme_or_404(user, pk)
    return render(
        request,
        "mentoring/programme.html",
        {
            "programme": programme,
            "open": programme.accepting_applications(timezone.localdate()),
            "can_mentor": can_apply_as_mentor(user),
            "graduate_status": verification_status(user),
            "can_mentee": can_apply_as_mentee(user),
            "applied": selectors.own_applications_by_programme(user=user, programme=programme),
        },
    )


def _apply(request: AuthenticatedHttpRequest, pk: int, side: str) -> HttpResponse:
    user = current_user(request)
    programme = selectors.access_programme_or_404(user, pk)
    form_class: type[forms.MentorApplicationForm | forms.MenteeApplicationForm] = (
        forms.MentorApplicationForm if side == "mentor" else forms.MenteeApplicationForm
    )
    mine = selectors.own_applications_by_programme(user=user, programme=programme)
    if side in mine.get(programme.pk, {}):  # show the application, never a second form
        messages.info(request, f"You have already applied as a {side} to this programme.")
        return redirect(f"mentoring:{side}_application", pk=mine[programme.pk][side].pk)
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
        done, application = call_service(
            request,
            lambda: submit(actor=user, programme_id=programme.pk, data=form.cleaned_data),
            form=form,
            success="Thank you: your application has been submitted.",
        )
        if done and application is not None:
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
def apply_mentor(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _apply(request, pk, "mentor")


@role_required(Role.STUDENT)
def apply_mentee(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _apply(request, pk, "mentee")


@login_required
def application_detail(request: AuthenticatedHttpRequest, pk: int, side: str) -> HttpResponse:
    """A mentor or mentee application (``side`` from the URL), to its owner, who may withdraw
    it, or to a scheme admin (audited)."""
    user = current_user(request)
    application: MentorApplication | MenteeApplication
    withdraw: Callable[..., object]
    if side == "mentor":
        application = selectors.access_mentor_application_or_404(user, pk)
        withdraw = application_services.mentor_application_withdraw
    else:
        application = selectors.access_mentee_application_or_404(user, pk)
        withdraw = application_services.mentee_application_withdraw
    own = application.user_id == user.pk
    if not own:  # a scheme admin reading someone's application
        audit_personal_data_view(actor=user, subject=application, fields=["application"])
    if request.method == "POST":
        if not own:
            raise Http404
        call_service(
            request,
            lambda: withdraw(actor=user, **{f"{side}_application_id": application.pk}),
            success="Your application has been withdrawn.",
        )
        return redirect(f"mentoring:{side}_application", pk=application.pk)
    return render(
        request,
        f"mentoring/{side}_application.html",
        {"application": application, "own": own, "matched": application.partnerships.exists()},
    )


@login_required
def partnership_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    partnership = selectors.access_partnership_or_404(user, pk)
    card, labels = partner_card_for(user, partnership)
    today = timezone.localdate()
    programme = partnership.programme
    meetings = list(partnership.meetings.all())
    live = partnership.is_live(today)
    return render(
        request,
        "mentoring/partnership.html",
        {
            "partnership": partnership,
            "programme": programme,
            "side": side_in(user, partnership),
            "card": card,
            "labels": labels,
            "live": live,
            "meetings": meetings,
            "can_log": live and len(meetings) < programme.official_meetings,
            "due_dates": programme.meeting_due_dates(),
            "unavailabilities": partnership.unavailabilities.all(),
            "can_unavailable": live
            and can_record_unavailability_for_partnership(user, partnership),
            "can_withdraw": live and can_withdraw_partnership(user, partnership),
            "surveys": selectors.surveys_open_to(user=user, partnership=partnership, today=today),
        },
    )


@login_required
def partner_vcard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The partner's card as a vCard export: the same projection, nothing more."""
    user = current_user(request)
    partnership = selectors.access_partnership_or_404(user, pk)
    card, _labels = partner_card_for(user, partnership)
    if not card:
        raise Http404("This partnership has ended.")
    response = HttpResponse(card_as_vcard(card), content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="partner-{partnership.pk}.vcf"'
    return response


def _partnership_action(
    request: AuthenticatedHttpRequest,
    partnership: Partnership,
    form: dj_forms.BaseForm,
    act: Callable[[dict[str, Any]], object],
    *,
    title: str,
    success: str,
    allowed: Callable[[User, Partnership], bool] | None = None,
    **context: Any,
) -> HttpResponse:
    """A partner's form page: refuse the wrong partner (404), then validate and call ``act``."""
    if allowed is not None and not allowed(current_user(request), partnership):
        raise Http404
    if not partnership.is_live(timezone.localdate()):
        messages.error(request, "This partnership has ended.")
        return redirect("mentoring:partnership", pk=partnership.pk)
    if request.method == "POST" and form.is_valid():
        done, _result = call_service(
            request, lambda: act(form.cleaned_data), form=form, success=success
        )
        if done:
            return redirect("mentoring:partnership", pk=partnership.pk)
    back = reverse("mentoring:partnership", args=[partnership.pk])
    return _form_page(request, form, title=title, back_url=back, **context)


@login_required
def meeting_log(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    partnership = selectors.access_partnership_or_404(user, pk)
    return _partnership_action(
        request,
        partnership,
        forms.MeetingForm(request.POST or None),
        lambda d: partnership_services.meeting_log(
            actor=user, partnership_id=partnership.pk, held_on=d["held_on"], mode=d["mode"]
        ),
        title="Log an official meeting",
        success="The meeting has been logged.",
        submit_label="Log meeting",
    )


@login_required
def email_frequency(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    partnership = selectors.access_partnership_or_404(user, pk)
    return _partnership_action(
        request,
        partnership,
        forms.EmailFrequencyForm(
            request.POST or None, initial={"email_frequency": partnership.email_frequency}
        ),
        lambda d: partnership_services.email_frequency_set(
            actor=user, partnership_id=partnership.pk, frequency=d["email_frequency"]
        ),
        title="Email frequency agreed at your first meeting",
        success="The agreed email frequency has been recorded.",
        submit_label="Save",
    )


@login_required
def unavailability_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    partnership = selectors.access_partnership_or_404(user, pk)
    return _partnership_action(
        request,
        partnership,
        forms.UnavailabilityForm(request.POST or None),
        lambda d: partnership_services.unavailability_record(
            actor=user,
            partnership_id=partnership.pk,
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
        ),
        title="Tell your mentee you will be unavailable",
        success="Recorded; your mentee has been told by email.",
        allowed=can_record_unavailability_for_partnership,
        intro="Please record any period of more than a month when you cannot be contacted "
        "(commitment d). We email your mentee the dates.",
        submit_label="Record and tell my mentee",
    )


@login_required
def withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    partnership = selectors.access_partnership_or_404(user, pk)
    return _partnership_action(
        request,
        partnership,
        forms.WithdrawForm(request.POST or None),
        lambda d: partnership_services.partnership_withdraw(
            actor=user, partnership_id=partnership.pk, reason=d["reason"]
        ),
        title="Withdraw from the programme",
        success="You have withdrawn; the scheme administrators and your mentor have been told.",
        allowed=can_withdraw_partnership,
        intro="If you feel unable to continue, you can withdraw. The partnership then ends and "
        "your mentor no longer sees your details.",
        submit_label="Withdraw",
    )


@login_required
def survey(request: AuthenticatedHttpRequest, pk: int, stage: str) -> HttpResponse:
    user = current_user(request)
    partnership = selectors.access_partnership_or_404(user, pk)
    if stage not in SurveyResponse.Stage.values:
        raise Http404
    refused = selectors.survey_refusal(
        user=user, partnership=partnership, stage=stage, today=timezone.localdate()
    )
    if refused:  # not open, withdrawn, or already answered: never offered twice
        messages.info(request, refused)
        return redirect("mentoring:partnership", pk=partnership.pk)
    form = forms.SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, _response = call_service(
            request,
            lambda: survey_services.survey_submit(
                actor=user, partnership_id=partnership.pk, stage=stage, data=form.cleaned_data
            ),
            form=form,
            success="Thank you for your feedback.",
        )
        if done:
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
def concern_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Report a concern; the reporter then sees a confirmation and, later, only its status."""
    user = current_user(request)
    partnerships = list(selectors.partnerships_of(user=user))
    names = {p.pk: partner_name_for(user, p) for p in partnerships}
    choices = [
        (p.pk, f"{p.programme.name}: partnership" + (f" with {n}" if (n := names[p.pk]) else ""))
        for p in partnerships
    ]
    form = forms.ConcernForm(request.POST or None, partnership_choices=choices)
    if request.method == "POST" and form.is_valid():
        chosen = next((p for p in partnerships if p.pk == form.cleaned_data["partnership"]), None)
        programme = chosen.programme if chosen else selectors.latest_programme_of(user)
        done, _concern = call_service(
            request,
            lambda: concern_services.concern_report(
                actor=user,
                text=form.cleaned_data["text"],
                partnership_id=chosen.pk if chosen else None,
                programme_id=programme.pk if programme else None,
            ),
            form=form,
        )
        if done:
            return redirect("mentoring:concern_submitted")
    return render(request, "mentoring/concern_form.html", {"form": form})


@login_required
def concern_submitted(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "mentoring/concern_submitted.html")


@login_required
def my_concerns(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The concerns I reported and their status; never their text or the admins' follow-up."""
    concerns = selectors.concerns_reported_by(user=current_user(request))
    return render(request, "mentoring/my_concerns.html", {"concerns": concerns})


@login_required
def my_concern(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One of my concerns: when it was received and each change of status (404 for others)."""
    concern = selectors.access_own_concern_or_404(current_user(request), pk)
    history = selectors.concern_status_history(concern=concern)
    return render(request, "mentoring/my_concern.html", {"concern": concern, "history": history})
