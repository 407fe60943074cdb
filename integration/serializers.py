"""The API's shapes: what each endpoint gives, and nothing more than its scope allows."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts_registry.api import OfficialAccount
from groups.api import AlumniGroup, CommitteeMembership, GroupRequest, MembershipChange


class GroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = AlumniGroup
        fields = ("id", "slug", "name", "kind", "place", "country", "status")


class EventSerializer(serializers.ModelSerializer):
    group = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    start = serializers.DateTimeField(source="event_start")
    end = serializers.DateTimeField(source="event_end", allow_null=True)
    time_zone = serializers.CharField(source="event_timezone")
    venue = serializers.CharField(source="event_venue")
    url = serializers.CharField(source="event_url")

    class Meta:
        model = GroupRequest
        fields = ("id", "group", "title", "start", "end", "time_zone", "venue", "url")


class CommitteeSeatSerializer(serializers.ModelSerializer):
    """A committee seat: the member's name and role only (no address, no portal id)."""

    group = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    name = serializers.SerializerMethodField()

    class Meta:
        model = CommitteeMembership
        fields = ("group", "name", "role", "started_at")

    def get_name(self, seat: CommitteeMembership) -> str:
        return seat.user.get_full_name() or "Committee member"


class AccountSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)

    class Meta:
        model = OfficialAccount
        fields = ("id", "platform", "handle", "name", "url", "status", "unit")


class LookupQuerySerializer(serializers.Serializer):
    platform = serializers.ChoiceField(choices=OfficialAccount.Platform.choices)
    handle = serializers.CharField(max_length=100)


class LookupSerializer(serializers.Serializer):
    official = serializers.BooleanField()
    account = AccountSerializer(allow_null=True)


class ChangeQuerySerializer(serializers.Serializer):
    cursor = serializers.IntegerField(min_value=0, max_value=2**62, default=0)
    limit = serializers.IntegerField(min_value=1, max_value=500, default=100)


class PersonSerializer(serializers.Serializer):
    """The person of a change: the portal id always; email and name only with ``people:read``."""

    id = serializers.IntegerField()
    email = serializers.EmailField(allow_null=True)
    first_name = serializers.CharField(allow_null=True)
    last_name = serializers.CharField(allow_null=True)


class ChangeSerializer(serializers.ModelSerializer):
    group = serializers.SlugRelatedField(
        source="membership.group", slug_field="slug", read_only=True
    )
    membership = serializers.IntegerField(source="membership_id")
    person = serializers.SerializerMethodField()

    class Meta:
        model = MembershipChange
        fields = ("id", "kind", "source", "at", "group", "membership", "person")

    @extend_schema_field(PersonSerializer)
    def get_person(self, change: MembershipChange) -> dict[str, Any]:
        user = change.membership.user
        with_people = bool(self.context.get("with_people"))
        return PersonSerializer(  # type: ignore[no-any-return]
            {
                "id": user.pk,
                "email": user.email if with_people else None,
                "first_name": user.first_name if with_people else None,
                "last_name": user.last_name if with_people else None,
            }
        ).data


class ChangeFeedSerializer(serializers.Serializer):
    results = ChangeSerializer(many=True)
    next_cursor = serializers.IntegerField(
        help_text="Pass as ?cursor= to get the changes after these; the same when none are new."
    )
    has_more = serializers.BooleanField()
