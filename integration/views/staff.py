"""The API clients page for portal administrators: create a client (token shown once), revoke."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from integration.forms import ApiClientForm
from integration.permissions import can_manage_api_clients
from integration.selectors import access_client_or_404, clients_visible_to
from integration.services.clients import api_client_create, api_client_revoke
from portal.viewkit import AuthenticatedHttpRequest, call_service, current_user


@login_required
@require_http_methods(["GET", "POST"])
def clients(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = current_user(request)
    if not can_manage_api_clients(user):
        raise PermissionDenied("API clients are managed by portal administrators.")
    form = ApiClientForm(request.POST or None)
    plain = ""
    if request.method == "POST" and form.is_valid():
        ok, created = call_service(
            request,
            lambda: api_client_create(
                actor=user, name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"]
            ),
            form=form,
        )
        if ok and created is not None:
            plain = created[1]
            form = ApiClientForm()
    return render(
        request,
        "integration/clients.html",
        {
            "form": form,
            "plain": plain,
            "clients": clients_visible_to(user=user),
            "api_base": request.build_absolute_uri(reverse("integration:groups")).rsplit("/", 2)[0],
        },
    )


@login_required
@require_POST
def client_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    client = access_client_or_404(user, pk)
    call_service(
        request,
        lambda: api_client_revoke(actor=user, client_id=client.pk),
        success=f"The token of {client.name} is revoked.",
    )
    return redirect("integration:clients")
