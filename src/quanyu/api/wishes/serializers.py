"""Input serializers check shape only (the services check the rest); outputs are plain dicts built
from the selectors (the wall's from ``selectors.wall_row`` alone)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from quanyu.wishes import selectors
from quanyu.wishes.models import ClaimantKind, Wish, WishClaim, WishKind
from quanyu.wishes.states import WishStatus


class WallWishSerializer(serializers.Serializer):
    """A wish as the public sees it: never who wished, their contact or where they live."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=WishKind.choices)
    kind_label = serializers.CharField()
    text = serializers.CharField()
    community = serializers.CharField()
    street = serializers.CharField()
    estimated_value = serializers.CharField(allow_null=True)
    wanted_by = serializers.DateField(allow_null=True)
    shares = serializers.IntegerField()
    shares_left = serializers.IntegerField()
    status = serializers.ChoiceField(choices=WishStatus.choices)
    status_label = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    thanks = serializers.CharField()

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return selectors.wall_row(instance)


class WisherSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    place = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())


class ClaimSerializer(serializers.ModelSerializer):
    claimant = serializers.CharField(source="claimant_label", read_only=True)
    team_name = serializers.CharField(source="team.name", read_only=True, default="")

    class Meta:
        model = WishClaim
        fields = [
            "id",
            "wish",
            "claimant_kind",
            "claimant",
            "member",
            "unit",
            "team",
            "team_name",
            "shares",
            "status",
            "claimed_at",
            "progress_at",
            "fulfilled_at",
            "note",
            "report",
        ]
        read_only_fields = fields


class WishSerializer(serializers.ModelSerializer):
    """A wish as its community's staff (and the wisher) see it."""

    community_name = serializers.CharField(source="community.name", read_only=True)
    wisher = serializers.SerializerMethodField()
    claims = serializers.SerializerMethodField()

    class Meta:
        model = Wish
        fields = [
            "id",
            "kind",
            "text",
            "public_text",
            "estimated_value",
            "wanted_by",
            "shares",
            "claimed_shares",
            "community",
            "community_name",
            "on_behalf",
            "status",
            "reject_reason",
            "published_at",
            "confirmed_at",
            "confirmed_by_phone",
            "thanks",
            "cancel_reason",
            "created_at",
            "wisher",
            "claims",
        ]
        read_only_fields = fields

    @extend_schema_field(WisherSerializer(allow_null=True))
    def get_wisher(self, wish: Wish) -> dict[str, Any] | None:
        who = selectors.wisher_identity(actor=self.context["request"].user, wish=wish)
        return None if who is None else WisherSerializer(who).data

    @extend_schema_field(ClaimSerializer(many=True))
    def get_claims(self, wish: Wish) -> list[dict[str, Any]]:
        if not self.context.get("detail"):
            return []
        return list(ClaimSerializer(selectors.claims_of(wish=wish), many=True).data)


class WishCreateSerializer(serializers.Serializer):
    """A resident's wish (``community``) or staff's on behalf of a resident of the register
    (``resident``); photos as multipart files named ``photos``."""

    community = serializers.IntegerField(required=False)
    resident = serializers.IntegerField(required=False)
    kind = serializers.ChoiceField(choices=WishKind.choices)
    text = serializers.CharField(max_length=1000)
    estimated_value = serializers.DecimalField(
        max_digits=9, decimal_places=2, required=False, allow_null=True
    )
    wanted_by = serializers.DateField(required=False, allow_null=True)
    shares = serializers.IntegerField(required=False, min_value=1, max_value=50)
    contact_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    address_detail = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    photos = serializers.ListField(child=serializers.ImageField(), required=False, max_length=3)


class ApproveSerializer(serializers.Serializer):
    public_text = serializers.CharField(max_length=500)
    shares = serializers.IntegerField(required=False, min_value=1, max_value=50)


class WishReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ConfirmSerializer(serializers.Serializer):
    by_phone = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ResolveSerializer(serializers.Serializer):
    upheld = serializers.BooleanField()
    note = serializers.CharField(max_length=300)


class ThankSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=300)


class ClaimInSerializer(serializers.Serializer):
    claimant_kind = serializers.ChoiceField(choices=ClaimantKind.choices, default=ClaimantKind.MEMBER)
    unit = serializers.IntegerField(required=False)
    team = serializers.IntegerField(required=False)
    shares = serializers.IntegerField(required=False, min_value=1, max_value=50, default=1)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class FulfilSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500)
    photos = serializers.ListField(child=serializers.ImageField(), required=False, max_length=3)


class ReassignSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)
    member = serializers.IntegerField(required=False)
    unit = serializers.IntegerField(required=False)
    team = serializers.IntegerField(required=False)


class RecordSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    realised = serializers.IntegerField()
    reports = serializers.ListField(child=serializers.DictField())
    claims = ClaimSerializer(many=True)


class RankRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    key = serializers.IntegerField()
    name = serializers.CharField()
    realised = serializers.IntegerField()
