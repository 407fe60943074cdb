"""The read-only API under ``/api/v1/``: public directory data, and scoped CRM feeds.

Data comes from the other apps through their ``api`` modules. Every endpoint answers GET only;
each scoped one says its scope in ``required_scope`` (see ``integration.auth``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts_registry.api import OfficialAccount, account_lookup, accounts_public
from groups.api import (
    AlumniGroup,
    CommitteeMembership,
    GroupRequest,
    committee_seats_public,
    events_public,
    groups_public,
    membership_changes_after,
)
from integration.models import ApiClient, Scope
from integration.serializers import (
    AccountSerializer,
    ChangeFeedSerializer,
    ChangeQuerySerializer,
    ChangeSerializer,
    CommitteeSeatSerializer,
    EventSerializer,
    GroupSerializer,
    LookupQuerySerializer,
    LookupSerializer,
)
from integration.services.clients import api_client_used

_UNAUTHORISED = OpenApiResponse(description="No token, or a wrong or revoked one.")
_FORBIDDEN = OpenApiResponse(description="The token lacks this endpoint's scope.")
_BAD_QUERY = OpenApiResponse(description="A query parameter is invalid.")


class Pages(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


class PublicList(ListAPIView):
    """A list anyone may read: no token is asked for (a sent token is not looked at)."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    pagination_class = Pages


class ScopedList(ListAPIView):
    pagination_class = Pages
    required_scope: str = ""


@extend_schema(summary="Public alumni groups", tags=["public"])
class GroupList(PublicList):
    serializer_class = GroupSerializer

    def get_queryset(self) -> QuerySet[AlumniGroup]:
        return groups_public().order_by("name", "pk")


@extend_schema(summary="Events of public groups", tags=["public"])
class EventList(PublicList):
    serializer_class = EventSerializer

    def get_queryset(self) -> QuerySet[GroupRequest]:
        return events_public()


@extend_schema(
    summary="Is this an official account?",
    tags=["public"],
    parameters=[LookupQuerySerializer],
    responses={200: LookupSerializer, 400: _BAD_QUERY},
)
class AccountLookup(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)

    def get(self, request: Request) -> Response:
        query = LookupQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        account = account_lookup(
            platform=query.validated_data["platform"], handle=query.validated_data["handle"]
        )
        body = {"official": account is not None, "account": account}
        return Response(LookupSerializer(body).data)


@extend_schema(
    summary="Directory of official accounts",
    tags=["accounts:read"],
    responses={200: AccountSerializer(many=True), 401: _UNAUTHORISED, 403: _FORBIDDEN},
)
class AccountList(ScopedList):
    serializer_class = AccountSerializer
    required_scope = Scope.ACCOUNTS

    def get_queryset(self) -> QuerySet[OfficialAccount]:
        return accounts_public()


@extend_schema(
    summary="Committee members of public groups (names and roles only)",
    tags=["committees:read"],
    responses={200: CommitteeSeatSerializer(many=True), 401: _UNAUTHORISED, 403: _FORBIDDEN},
)
class CommitteeList(ScopedList):
    serializer_class = CommitteeSeatSerializer
    required_scope = Scope.COMMITTEES

    def get_queryset(self) -> QuerySet[CommitteeMembership]:
        return committee_seats_public()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        _record_use(request, "committees", Scope.COMMITTEES, len(response.data["results"]))
        return response


@extend_schema(
    summary="Membership and consent changes after a cursor",
    description=(
        "Changes (joined, left, consent given, consent withdrawn) with an id above `cursor`, "
        "oldest first. Keep `next_cursor` and ask again with it: ids become visible in "
        "increasing order, so no change is ever skipped. People are portal ids; their email "
        "and name are given only to a token with `people:read`."
    ),
    tags=["changes:read"],
    parameters=[
        OpenApiParameter("cursor", int, description="The last id seen (0 for the start)."),
        OpenApiParameter("limit", int, description="At most this many changes (1-500)."),
    ],
    responses={200: ChangeFeedSerializer, 400: _BAD_QUERY, 401: _UNAUTHORISED, 403: _FORBIDDEN},
)
class ChangeFeed(APIView):
    required_scope = Scope.CHANGES

    def get(self, request: Request) -> Response:
        query = ChangeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        cursor, limit = query.validated_data["cursor"], query.validated_data["limit"]
        changes = membership_changes_after(after=cursor, limit=limit + 1)
        page, has_more = changes[:limit], len(changes) > limit
        client = request.auth
        with_people = isinstance(client, ApiClient) and client.has_scope(Scope.PEOPLE)
        body = {
            "results": ChangeSerializer(page, many=True, context={"with_people": with_people}).data,
            "next_cursor": page[-1].pk if page else cursor,
            "has_more": has_more,
        }
        _record_use(request, "changes", Scope.PEOPLE if with_people else Scope.CHANGES, len(page))
        return Response(body)


def _record_use(request: Request, endpoint: str, scope: str, count: int) -> None:
    client = request.auth
    if isinstance(client, ApiClient):
        api_client_used(client=client, endpoint=endpoint, scope=scope, count=count)
