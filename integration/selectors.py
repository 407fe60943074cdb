"""Reads of API clients, scoped to the user (a stranger's client is a 404)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from integration.models import ApiClient
from integration.permissions import can_manage_api_clients
from portal.permissions import AnyUser


def clients_visible_to(*, user: AnyUser) -> QuerySet[ApiClient]:
    if not can_manage_api_clients(user):
        return ApiClient.objects.none()
    return ApiClient.objects.select_related("created_by", "revoked_by")


def access_client_or_404(user: AnyUser, client_id: int) -> ApiClient:
    return get_object_or_404(clients_visible_to(user=user), pk=client_id)


def client_by_token(plain: str) -> ApiClient | None:
    """The client whose token is ``plain`` (revoked or not), or None."""
    if not plain:
        return None
    return ApiClient.objects.filter(token_hash=ApiClient.hash(plain)).first()
