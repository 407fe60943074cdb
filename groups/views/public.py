"""Public pages: directory, group page, events, iCalendar feeds and one-click unsubscribe."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from icalendar import Calendar, Event

from alumni.api import verification_status
from groups.models import AlumniGroup, ConsentEvent, GroupRequest
from groups.permissions import can_join_group, is_committee_member
from groups.selectors import (
    groups_public,
    groups_with_counts,
    membership_for_unsubscribe,
    memberships_of,
    page_links_public,
    presences_public,
    public_events,
)
from groups.services.communications import membership_from_token
from groups.services.groups import CONSENT_WORDING, consent_withdraw
from portal.permissions import get_visible_or_404
from portal.ratelimit import rate_limited


def directory(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    search = request.GET.get("q", "").strip()[:100]
    qs = groups_with_counts(groups_public())
    if kind in AlumniGroup.Kind.values:
        qs = qs.filter(kind=kind)
    if search:
        qs = qs.filter(name__icontains=search) | qs.filter(place__icontains=search)
    page = Paginator(qs.order_by("name"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "groups/public/directory.html",
        {"page": page, "kinds": AlumniGroup.Kind.choices, "kind": kind, "q": search},
    )


def group_page(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_visible_or_404(groups_with_counts(groups_public()), slug=slug)
    membership = (
        memberships_of(user=request.user).filter(group=group).first()
        if request.user.is_authenticated
        else None
    )
    now = timezone.now()
    return render(
        request,
        "groups/public/group.html",
        {
            "group": group,
            "presences": presences_public(group),
            "links": page_links_public(group),
            "events": public_events(group=group).filter(event_start__gte=now)[:20],
            "membership": membership,
            "can_join": can_join_group(request.user, group),
            "graduate_status": verification_status(request.user),
            "is_committee": is_committee_member(request.user, group),
            "consent_wording": CONSENT_WORDING.format(group=group.name),
        },
    )


def events(request: HttpRequest) -> HttpResponse:
    upcoming = public_events().filter(event_start__gte=timezone.now())
    page = Paginator(upcoming, 50).get_page(request.GET.get("page"))
    return render(request, "groups/public/events.html", {"page": page})


def _calendar(name: str, items: list[GroupRequest], filename: str = "events.ics") -> HttpResponse:
    """An iCalendar of ``items``: each time carries its event's own TZID, with a VTIMEZONE."""
    cal = Calendar()
    cal.add("prodid", f"-//{settings.INSTITUTION_NAME}//Alumni group events//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    host = settings.PORTAL_BASE_URL.split("//")[-1].split("/")[0] or "portal"
    for item in items:
        event = Event()
        event.add("uid", f"groups-request-{item.pk}@{host}")
        event.add("summary", item.title)
        event.add("dtstamp", item.updated_at)
        assert item.event_start_local is not None  # public_events filters on it
        event.add("dtstart", item.event_start_local)
        if item.event_end_local:
            event.add("dtend", item.event_end_local)
        event.add("description", f"{item.group.name}\n\n{item.content}")
        if item.event_venue:
            event.add("location", item.event_venue)
        if item.event_url:
            event.add("url", item.event_url)
        cal.add_component(event)
    cal.add_missing_timezones()
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def events_ics(request: HttpRequest) -> HttpResponse:
    recent = timezone.now() - timedelta(days=90)
    items = list(public_events().filter(event_start__gte=recent)[:1000])
    return _calendar("Alumni group events", items)


def group_ics(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_visible_or_404(groups_public(), slug=slug)
    recent = timezone.now() - timedelta(days=90)
    items = list(public_events(group=group).filter(event_start__gte=recent)[:1000])
    return _calendar(f"{group.name} events", items)


def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """One public event as an iCalendar file, to add to a calendar."""
    item = get_visible_or_404(public_events(), pk=pk)
    return _calendar(item.title, [item], filename=f"event-{item.pk}.ics")


@csrf_exempt  # RFC 8058 one-click unsubscribe: mail clients POST without a session or token
@require_http_methods(["GET", "POST"])
@rate_limited("unsubscribe")
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    membership = membership_for_unsubscribe(membership_id=membership_from_token(token))
    if membership is None:
        raise Http404("This unsubscribe link is not valid.")
    if request.method == "POST":
        consent_withdraw(
            actor=None, membership_id=membership.pk, source=ConsentEvent.Source.UNSUBSCRIBE
        )
        return render(request, "groups/public/unsubscribed.html", {"group": membership.group})
    return render(
        request,
        "groups/public/unsubscribe.html",
        {"group": membership.group, "already": not membership.email_consent},
    )
