"""The admin's sign-in is the portal's sign-in: one page, with its limits and two-factor."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def admin_login(request: HttpRequest) -> HttpResponse:
    """Replace Django's admin login form, which would make a session from a password alone."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ""
    target = target or "/admin/"
    if not request.user.is_authenticated:
        return redirect_to_login(target)
    if not (request.user.is_active and request.user.is_staff):
        raise PermissionDenied("The administration site is for Django staff accounts.")
    return redirect(target)
