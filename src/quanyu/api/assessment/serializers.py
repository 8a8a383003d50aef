"""The department-scoring API's serializers: rules, ranking rows, bulletins, the drill-down."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from quanyu.assessment import selectors
from quanyu.assessment.models import Bulletin
from quanyu.assessment.scoring import Row, Rules
from quanyu.tickets.models import Whistle


class RulesSerializer(serializers.Serializer):
    weight_response = serializers.IntegerField()
    weight_completion = serializers.IntegerField()
    weight_satisfaction = serializers.IntegerField()
    basically_counts = serializers.BooleanField()
    no_rating_policy = serializers.CharField()
    text = serializers.SerializerMethodField()

    def get_text(self, rules: Rules) -> list[str]:
        return [line for line in rules.describe() if line]


class RowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True)
    department_id = serializers.IntegerField()
    department_name = serializers.CharField()
    received = serializers.IntegerField(source="counts.received")
    responded_in_time = serializers.IntegerField(source="counts.responded_in_time")
    resolved_in_time = serializers.IntegerField(source="counts.resolved_in_time")
    rated = serializers.IntegerField(source="counts.rated")
    satisfied = serializers.IntegerField()
    returned = serializers.IntegerField(source="counts.returned")
    response_rate = serializers.DecimalField(max_digits=7, decimal_places=4, allow_null=True)
    completion_rate = serializers.DecimalField(max_digits=7, decimal_places=4, allow_null=True)
    satisfaction_rate = serializers.DecimalField(max_digits=7, decimal_places=4, allow_null=True)
    score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class RankingSerializer(serializers.Serializer):
    period = serializers.CharField(source="period.key")
    period_label = serializers.CharField(source="period.label")
    period_kind = serializers.CharField(source="period.kind")
    start = serializers.DateField(source="period.start")
    end = serializers.DateField(source="period.end", help_text="exclusive")
    frozen = serializers.BooleanField()
    bulletin = serializers.IntegerField(source="bulletin.pk", allow_null=True, default=None)
    computed_at = serializers.DateTimeField()
    data_as_of = serializers.DateTimeField(
        allow_null=True,
        help_text="when the figures were last brought up to date: the bulletin's publication, or the "
        "rollup's last catch-up with the ticket history (null: not yet)",
    )
    weights = RulesSerializer(source="rules")
    results = RowSerializer(source="rows", many=True)


class BulletinSerializer(serializers.ModelSerializer):
    published_by = serializers.CharField(source="published_by.__str__", default="", read_only=True)

    class Meta:
        model = Bulletin
        fields = [
            "id",
            "period",
            "period_kind",
            "period_start",
            "period_end",
            "title",
            "note",
            "published_at",
            "published_by",
        ]


class BulletinDetailSerializer(BulletinSerializer):
    weights = serializers.SerializerMethodField()
    results = serializers.SerializerMethodField()

    class Meta(BulletinSerializer.Meta):
        fields = [*BulletinSerializer.Meta.fields, "weights", "results"]

    @extend_schema_field(RulesSerializer)
    def get_weights(self, bulletin: Bulletin) -> dict[str, Any]:
        return dict(RulesSerializer(Rules.from_dict(bulletin.settings)).data)

    @extend_schema_field(RowSerializer(many=True))
    def get_results(self, bulletin: Bulletin) -> list[Any]:
        rows: list[Row] = selectors.bulletin_rows(bulletin)
        return list(RowSerializer(rows, many=True).data)


class PublishSerializer(serializers.Serializer):
    period = serializers.CharField(max_length=10)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class DrilldownSerializer(serializers.ModelSerializer):
    ticket = serializers.IntegerField(source="ticket_id")
    ticket_text = serializers.CharField(source="ticket.text")
    ticket_status = serializers.CharField(source="ticket.status")
    category = serializers.CharField(source="ticket.category.name", default="")
    street = serializers.CharField(source="ticket.street.name", default="")
    rating_level = serializers.CharField(source="ticket.rating_level")
    response_in_time = serializers.SerializerMethodField()
    completion_in_time = serializers.SerializerMethodField()

    class Meta:
        model = Whistle
        fields = [
            "id",
            "ticket",
            "ticket_text",
            "ticket_status",
            "category",
            "street",
            "lead",
            "status",
            "whistled_at",
            "response_due",
            "responded_at",
            "completion_due",
            "resolved_at",
            "returned_at",
            "rating_level",
            "response_in_time",
            "completion_in_time",
        ]

    def get_response_in_time(self, w: Whistle) -> bool:
        return w.responded_at is not None and w.responded_at <= w.response_due

    def get_completion_in_time(self, w: Whistle) -> bool:
        return w.resolved_at is not None and w.resolved_at <= w.completion_due
