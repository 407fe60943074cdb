"""Platform pages: home, the per-role dashboard, health, error pages."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.log import AdminEmailHandler, RequireDebugFalse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.models import OrgUnit, User
from portal.navigation import dashboard_panels
from portal.permissions import roles_of
from portal.selectors import REMINDER_APP_LABELS, reminder_apps_for, reminders_visible_to

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("portal:dashboard")
    return render(request, "portal/home.html")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/dashboard.html",
        {"panels": dashboard_panels(request), "roles": sorted(roles_of(request.user))},
    )


@login_required
def reminders(request: HttpRequest) -> HttpResponse:
    """Every reminder the scheduled jobs sent, for the teams whose work they concern."""
    user = request.user
    assert isinstance(user, User)
    apps = reminder_apps_for(user)
    if not apps:
        raise PermissionDenied("Reminders are listed for staff teams.")
    app = request.GET.get("app", "")
    if app not in apps:
        app = ""
    page = Paginator(reminders_visible_to(user=user, app=app), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/reminders.html",
        {
            "page": page,
            "apps": [(name, REMINDER_APP_LABELS[name]) for name in apps],
            "app": app,
        },
    )


def _broker_status() -> str:
    """One connection attempt with a one-second timeout, no retries.

    A silent broker (it accepts the connection and never answers) is reported unreachable after
    that one short timeout, instead of holding the probe through the publishing retries.
    """
    from portal.celery import app

    quick = {"socket_timeout": 1, "socket_connect_timeout": 1, "max_retries": 0}
    try:
        with app.connection_for_write(transport_options=quick, connect_timeout=1) as conn:
            conn.ensure_connection(max_retries=0, timeout=1)
    except Exception:
        logger.warning("health check: broker unreachable", exc_info=True)
        return "unreachable"
    return "ok"


@login_required
@require_GET
def bench_baseline(request: HttpRequest) -> HttpResponse:
    """The floor of a signed-in page, for the page benchmark (mounted by PORTAL_BENCH_BASELINE).

    The whole middleware stack runs (session, user, roles, two-factor), then exactly one query
    and a tiny template without the menu: every other page's throughput is compared with this.
    """
    units = list(OrgUnit.objects.order_by("name").values_list("name", flat=True)[:5])
    # Without the request: the context processors (the menu) would add queries of their own.
    return HttpResponse(loader.render_to_string("portal/bench_baseline.html", {"units": units}))


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker status; 503 when the database is down (the broker only degrades)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:
        logger.exception("health check: database unreachable")
        database = "unreachable"
    broker = _broker_status()
    status = 200 if database == "ok" else 503
    body = {"status": "ok" if status == 200 and broker == "ok" else "degraded"}
    body.update(database=database, broker=broker)
    return JsonResponse(body, status=status)


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def admins_are_mailed_errors() -> bool:
    """True if an error of a request is emailed to someone: ``ADMINS`` is set and a mail
    handler that is not switched off by ``DEBUG`` is on the logger's path (Django's own
    ``mail_admins`` on the "django" logger counts; see ``LOGGING`` in settings)."""
    if not settings.ADMINS:
        return False
    logger: logging.Logger | None = logging.getLogger("django.request")
    while logger is not None:
        for handler in logger.handlers:
            debug_only_off = any(isinstance(f, RequireDebugFalse) for f in handler.filters)
            if isinstance(handler, AdminEmailHandler) and not (debug_only_off and settings.DEBUG):
                return True
        logger = logger.parent if logger.propagate else None
    return False


def error_500(request: HttpRequest) -> HttpResponse:
    # Rendered without the request's context processors: they may be what failed.
    body = loader.render_to_string("500.html", {"team_told": admins_are_mailed_errors()})
    return HttpResponseServerError(body)
