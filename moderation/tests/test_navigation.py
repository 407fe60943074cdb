"""Navigation entries and the dashboard panel appear only for those who may use them."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.handlers.wsgi import WSGIRequest
from django.template.loader import render_to_string
from django.test import RequestFactory

from moderation import dashboard, nav
from portal.models import User


def _request(user: User | AnonymousUser) -> WSGIRequest:
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_nav(alumnus: User, comms_staff: User, channel_admin: User) -> None:
    assert nav.nav_items(_request(AnonymousUser())) == []
    assert nav.nav_items(_request(alumnus)) == []
    assert [i.label for i in nav.nav_items(_request(channel_admin))] == [
        "Moderation",
        "Report an incident",
    ]
    assert [i.label for i in nav.nav_items(_request(comms_staff))] == ["Moderation", "Incidents"]


def test_dashboard_panel(alumnus: User, comms_staff: User, channel_admin: User) -> None:
    assert dashboard.panels(_request(alumnus)) == []
    (panel,) = dashboard.panels(_request(comms_staff))
    html = render_to_string(panel.template, {"panel": panel.context})
    assert "open items to moderate" in html and "Statistics" in html
    (admin_panel,) = dashboard.panels(_request(channel_admin))
    assert "open_incidents" not in admin_panel.context
