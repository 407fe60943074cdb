"""Staff pages of groups: details, committees, members, outside presences, page changes."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from groups.forms import (
    CommitteeAppointForm,
    FlagForm,
    GroupForm,
    PageChangeDecisionForm,
)
from groups.models import AlumniGroup, PageChange
from groups.permissions import staff_only
from groups.selectors import (
    access_group_or_404,
    access_presence_or_404,
    access_seat_or_404,
    groups_visible_to,
    groups_with_counts,
    members_of_group,
    page_changes_visible_to,
    presences_for_review,
    seats_of_group,
    user_by_email,
)
from groups.services.groups import (
    GROUP_FIELDS,
    committee_appoint,
    committee_end,
    group_create,
    group_update,
)
from groups.services.pages import PAGE_DECISIONS
from groups.services.presences import presence_flag, presence_unflag
from portal.audit import audit_personal_data_view
from portal.viewkit import AuthenticatedHttpRequest, call_service, current_user


@staff_only
def group_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done, group = call_service(
            request,
            lambda: group_create(
                actor=current_user(request),
                **{f: data[f] for f in GROUP_FIELDS if f != "status"},
            ),
            form=form,
        )
        if done and group is not None:
            messages.success(request, f"{group.name} created.")
            return redirect("groups:staff_group", slug=group.slug)
    groups = groups_with_counts(groups_visible_to(user=current_user(request))).order_by("name")
    return render(request, "groups/staff/groups.html", {"groups": groups, "form": form})


@staff_only
def group_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group: AlumniGroup = access_group_or_404(current_user(request), slug, with_counts=True)
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        # The name is fixed once the group exists (it is shown disabled).
        changes = {f: form.cleaned_data[f] for f in GROUP_FIELDS if f != "name"}
        done, _ = call_service(
            request,
            lambda: group_update(actor=current_user(request), group_id=group.pk, changes=changes),
            form=form,
            success="Group updated.",
        )
        if done:
            return redirect("groups:staff_group", slug=group.slug)
    form.fields["name"].disabled = True
    seats = seats_of_group(user=current_user(request), group=group)
    context = {"group": group, "form": form, "seats": seats, "appoint_form": CommitteeAppointForm()}
    return render(request, "groups/staff/group.html", context)


@staff_only
@require_POST
def committee_appoint_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group = access_group_or_404(current_user(request), slug)
    form = CommitteeAppointForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a valid email address and a role.")
        return redirect("groups:staff_group", slug=group.slug)
    user = user_by_email(form.cleaned_data["email"])
    if user is None:
        messages.error(request, "No registered alumnus has that email address.")
        return redirect("groups:staff_group", slug=group.slug)
    call_service(
        request,
        lambda: committee_appoint(
            actor=current_user(request),
            group_id=group.pk,
            user_id=user.pk,
            role=form.cleaned_data["role"],
        ),
        success=f"{user.display_name} is on the committee.",
    )
    return redirect("groups:staff_group", slug=group.slug)


@staff_only
@require_POST
def committee_end_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    seat = access_seat_or_404(current_user(request), pk)
    call_service(
        request,
        lambda: committee_end(actor=current_user(request), seat_id=seat.pk),
        success="Committee seat ended.",
    )
    return redirect("groups:staff_group", slug=seat.group.slug)


@staff_only
def members(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Member names and addresses: staff only, and every person shown is audited."""
    viewer = current_user(request)
    group = access_group_or_404(viewer, slug)
    page = Paginator(members_of_group(user=viewer, group=group), 50).get_page(
        request.GET.get("page")
    )
    for membership in page.object_list:
        audit_personal_data_view(
            actor=viewer, subject=membership.user, fields=["name", "email", "email_consent"]
        )
    return render(request, "groups/staff/members.html", {"group": group, "page": page})


@staff_only
def presence_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    items = presences_for_review(user=current_user(request))
    return render(request, "groups/staff/presences.html", {"items": items, "flag_form": FlagForm()})


@staff_only
@require_POST
def presence_flag_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    presence = access_presence_or_404(current_user(request), pk)
    actor = current_user(request)
    if request.POST.get("unflag"):
        call_service(
            request,
            lambda: presence_unflag(actor=actor, presence_id=presence.pk),
            success="Flag removed.",
        )
    else:
        form = FlagForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        call_service(
            request,
            lambda: presence_flag(actor=actor, presence_id=presence.pk, reason=reason),
            success="Presence flagged.",
        )
    return redirect("groups:staff_presences")


@staff_only
def page_changes(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    """Committees' proposed public pages, oldest first; a POST accepts or returns one."""
    form, actor = PageChangeDecisionForm(request.POST or None), current_user(request)
    changes = page_changes_visible_to(user=actor)
    if pk is not None and form.is_valid():
        decide, success = PAGE_DECISIONS[form.cleaned_data.pop("decision")]
        args = {"page_change_id": get_object_or_404(changes, pk=pk).pk, **form.cleaned_data}
        call_service(request, lambda: decide(actor=actor, **args), success=success)
        return redirect("groups:staff_page_changes")
    waiting = changes.filter(status=PageChange.Status.PROPOSED).reverse()
    return render(request, "groups/staff/page_changes.html", {"changes": waiting})
