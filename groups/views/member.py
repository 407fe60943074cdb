"""Members' pages: their own groups, joining, leaving and consent; and the committee pages of
one group (committee members are members): its plans, requests and outside presences.

Every committee page fetches the group through ``access_committee_or_404``, so anyone who is not
on this group's committee (including staff and other committees) gets 404. Committee members
see counts of members, never who they are.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from groups.disclaimers import disclaimer_for
from groups.forms import (
    MessageForm,
    PageChangeForm,
    PlanForm,
    PresenceForm,
    RequestForm,
    ResubmitForm,
)
from groups.models import AnnualPlan, GroupRequest
from groups.selectors import (
    access_committee_or_404,
    access_membership_or_404,
    access_presence_or_404,
    access_request_or_404,
    consenting_member_count,
    delivery_counts,
    due_mark,
    groups_public,
    latest_communication,
    memberships_with_history,
    page_changes_visible_to,
    page_links_public,
    plan_of_year,
    plan_year,
    plans_of_group,
    presences_of_group,
    requests_of_group,
)
from groups.services.groups import (
    consent_give,
    consent_withdraw,
    membership_join,
    membership_leave,
)
from groups.services.pages import page_change_propose
from groups.services.plans import plan_save, plan_submit
from groups.services.presences import presence_confirm_disclaimer, presence_register
from groups.services.requests import request_message_post, request_resubmit, request_submit
from portal.permissions import get_visible_or_404
from portal.viewkit import (
    AuthenticatedHttpRequest,
    call_service,
    current_user,
    query_without_page,
)

COMMITTEE_PAGE = 25  # requests per page of a committee's home

# --- Members ----------------------------------------------------------------------------------


@login_required
def my_groups(request: AuthenticatedHttpRequest) -> HttpResponse:
    memberships = memberships_with_history(user=current_user(request))
    return render(request, "groups/member/my_groups.html", {"memberships": memberships})


@login_required
@require_POST
def join(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group = get_visible_or_404(groups_public(), slug=slug)
    call_service(
        request,
        lambda: membership_join(
            actor=current_user(request),
            group_id=group.pk,
            consent=request.POST.get("consent") == "1",
        ),
        success=f"You have joined {group.name}.",
    )
    return redirect("groups:group", slug=group.slug)


@login_required
@require_POST
def leave(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    membership = access_membership_or_404(current_user(request), pk)
    call_service(
        request,
        lambda: membership_leave(actor=current_user(request), membership_id=membership.pk),
        success=f"You have left {membership.group.name}.",
    )
    return redirect("groups:my_groups")


@login_required
@require_POST
def consent(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    membership = access_membership_or_404(current_user(request), pk)
    actor = current_user(request)
    if request.POST.get("consent") == "give":
        call_service(
            request,
            lambda: consent_give(actor=actor, membership_id=membership.pk),
            success=f"You will receive emails from {membership.group.name}.",
        )
    else:
        call_service(
            request,
            lambda: consent_withdraw(actor=actor, membership_id=membership.pk),
            success=f"You will no longer receive emails from {membership.group.name}.",
        )
    if request.POST.get("next") == "group":
        return redirect("groups:group", slug=membership.group.slug)
    if request.POST.get("next") == "emails":
        return redirect("groups:email_choices")
    return redirect("groups:my_groups")


@login_required
def email_choices(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every group the alumnus belongs to, whether they receive its emails, and the history."""
    memberships = list(memberships_with_history(user=current_user(request)))
    history = sorted(
        (event for m in memberships for event in m.consent_events.all()),
        key=lambda event: event.at,
        reverse=True,
    )
    context = {"memberships": memberships, "history": history}
    return render(request, "groups/member/email_choices.html", context)


# --- The committee of one group ---------------------------------------------------------------


@login_required
def committee_home(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group = access_committee_or_404(current_user(request), slug, with_counts=True)
    page = Paginator(
        requests_of_group(group=group).select_related("group"), COMMITTEE_PAGE
    ).get_page(request.GET.get("page"))
    now = timezone.now()
    year = plan_year()
    return render(
        request,
        "groups/committee/home.html",
        {
            "group": group,
            "requests": [(r, due_mark(r, now)) for r in page.object_list],
            "page": page,
            "query": query_without_page(request),
            "plans": plans_of_group(group=group)[:5],
            "year": year,
            "next_year": year + 1,
            "this_year_plan": plan_of_year(group=group, year=year),
            "presences": presences_of_group(group=group),
        },
    )


@login_required
def request_new(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group = access_committee_or_404(current_user(request), slug)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, req = call_service(
            request,
            lambda: request_submit(
                actor=current_user(request), group_id=group.pk, details=form.details()
            ),
            form=form,
            success="Your request has been sent to the Alumni Engagement team.",
        )
        if done and req is not None:
            return redirect("groups:request_detail", slug=group.slug, pk=req.pk)
    return render(
        request,
        "groups/committee/request_form.html",
        {"group": group, "form": form, "consenting": consenting_member_count(group)},
    )


@login_required
def request_detail(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    group = access_committee_or_404(current_user(request), slug)
    req = access_request_or_404(current_user(request), pk, group=group)
    communication = latest_communication(req)
    return render(
        request,
        "groups/committee/request_detail.html",
        {
            "group": group,
            "req": req,
            "mark": due_mark(req),
            "message_form": MessageForm(),
            "communication": communication,
            "counts": delivery_counts(communication) if communication else None,
        },
    )


@login_required
def request_resubmit_view(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    group = access_committee_or_404(current_user(request), slug)
    req = access_request_or_404(current_user(request), pk, group=group)
    if req.status != GroupRequest.Status.CHANGES_REQUESTED:
        messages.info(request, "This request is not waiting for changes.")
        return redirect("groups:request_detail", slug=group.slug, pk=req.pk)
    form = ResubmitForm(request.POST or None, instance=req)
    if request.method == "POST" and form.is_valid():
        done, _ = call_service(
            request,
            lambda: request_resubmit(
                actor=current_user(request),
                request_id=req.pk,
                details=form.details(),
                note=form.cleaned_data.get("note", ""),
            ),
            form=form,
            success="Your changes have been sent; the clock has restarted.",
        )
        if done:
            return redirect("groups:request_detail", slug=group.slug, pk=req.pk)
    last = [m for m in req.messages.all() if m.from_staff]
    return render(
        request,
        "groups/committee/request_resubmit.html",
        {"group": group, "req": req, "form": form, "last_message": last[-1] if last else None},
    )


@login_required
@require_POST
def request_message(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    group = access_committee_or_404(current_user(request), slug)
    req = access_request_or_404(current_user(request), pk, group=group)
    form = MessageForm(request.POST)
    if form.is_valid():
        call_service(
            request,
            lambda: request_message_post(
                actor=current_user(request), request_id=req.pk, body=form.cleaned_data["body"]
            ),
            success="Message sent.",
        )
    else:
        messages.error(request, "Write a message of up to 4,000 characters.")
    return redirect("groups:request_detail", slug=group.slug, pk=req.pk)


def _save_plan(request: AuthenticatedHttpRequest, group_id: int, year: int, form: PlanForm) -> str:
    """Save the draft and, when asked, submit it: one message for what was done."""
    saved = plan_save(
        actor=current_user(request),
        group_id=group_id,
        year=year,
        objectives=form.cleaned_data["objectives"],
        activities=form.activities(),
        communication_plan=form.cleaned_data["communication_plan"],
    )
    if "submit" in request.POST:
        plan_submit(actor=current_user(request), plan_id=saved.pk)
        return f"Your {year} plan has been submitted for review."
    return "Draft saved."


@login_required
def plan_edit(request: AuthenticatedHttpRequest, slug: str, year: int) -> HttpResponse:
    group = access_committee_or_404(current_user(request), slug)
    if year < 2000 or year > plan_year() + 1:
        raise Http404("No plan for that year.")
    plan = plan_of_year(group=group, year=year)
    form = PlanForm(request.POST or None, instance=plan or AnnualPlan(group=group, year=year))
    editable = plan is None or plan.is_editable
    if request.method == "POST" and editable and form.is_valid():
        done, note = call_service(
            request, lambda: _save_plan(request, group.pk, year, form), form=form
        )
        if done:
            messages.success(request, note or "")
            return redirect("groups:plan_edit", slug=group.slug, year=year)
    return render(
        request,
        "groups/committee/plan.html",
        {"group": group, "plan": plan, "form": form, "year": year, "editable": editable},
    )


@login_required
def presences(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group = access_committee_or_404(current_user(request), slug)
    form = PresenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, _ = call_service(
            request,
            lambda: presence_register(
                actor=current_user(request),
                group_id=group.pk,
                kind=form.cleaned_data["kind"],
                platform=form.cleaned_data["platform"],
                name=form.cleaned_data["name"],
                url=form.cleaned_data.get("url") or "",
            ),
            form=form,
            success="Recorded.",
        )
        if done:
            return redirect("groups:presences", slug=group.slug)
    items = [
        (p, disclaimer_for(p)) for p in presences_of_group(group=group).select_related("group")
    ]
    return render(
        request, "groups/committee/presences.html", {"group": group, "items": items, "form": form}
    )


@login_required
@require_POST
def presence_confirm(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    group = access_committee_or_404(current_user(request), slug)
    presence = access_presence_or_404(current_user(request), pk, group=group)
    call_service(
        request,
        lambda: presence_confirm_disclaimer(actor=current_user(request), presence_id=presence.pk),
        success="Thank you: the disclaimer is recorded as displayed.",
    )
    return redirect("groups:presences", slug=group.slug)


@login_required
def page_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The committee proposes its public page; the team accepts or returns each proposal."""
    group = access_committee_or_404(current_user(request), slug)
    current = {"description": group.description, "place": group.place, "country": group.country}
    initial = {**current, "links": "\n".join(page_links_public(group))}
    form = PageChangeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done, _ = call_service(
            request,
            lambda: page_change_propose(
                actor=current_user(request), group_id=group.pk, **form.cleaned_data
            ),
            form=form,
            success="Sent to the Alumni Engagement team; the public page changes once accepted.",
        )
        if done:
            return redirect("groups:page_edit", slug=group.slug)
    changes = page_changes_visible_to(user=current_user(request)).filter(group=group)[:20]
    return render(
        request,
        "groups/committee/page.html",
        {"group": group, "form": form, "changes": changes},
    )
