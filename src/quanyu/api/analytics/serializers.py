"""Shapes of the early-warning API: the query parameters (validated, field-named 400s) and the
answers (documentation; the views answer the selectors' dicts)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from quanyu.analytics.hotspots import FORMULAS
from quanyu.analytics.models import Alert


class HotspotQuerySerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=366, default=60, help_text=_("统计最近多少天"))
    top = serializers.IntegerField(min_value=1, max_value=50, default=10)
    formula = serializers.ChoiceField(
        choices=list(FORMULAS), required=False, help_text=_("默认：所在区县的设置")
    )


class HeatInputsSerializer(serializers.Serializer):
    formula = serializers.CharField()
    requesters = serializers.IntegerField()
    messages = serializers.IntegerField()
    likes = serializers.IntegerField()
    dislikes = serializers.IntegerField()
    active_days = serializers.IntegerField()
    span_days = serializers.IntegerField()
    age_days = serializers.FloatField()


class HotspotSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    heat = serializers.FloatField()
    place = serializers.CharField(help_text="b<building id> or c<community id>")
    problem = serializers.CharField(help_text="catalogue item id")
    place_name = serializers.CharField()
    problem_name = serializers.CharField()
    area_id = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    ticket_ids = serializers.ListField(child=serializers.IntegerField())
    lon = serializers.FloatField(allow_null=True)
    lat = serializers.FloatField(allow_null=True)
    inputs = HeatInputsSerializer()


class SpikeSerializer(serializers.Serializer):
    community_id = serializers.IntegerField()
    community = serializers.CharField()
    item_id = serializers.IntegerField()
    item = serializers.CharField()
    day = serializers.DateField()
    observed = serializers.IntegerField()
    expected = serializers.FloatField()
    score = serializers.FloatField()


class RepeatSerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=["requester", "phone_hash"])
    who = serializers.CharField(help_text="an account id, or the first characters of a phone hash")
    ticket_ids = serializers.ListField(child=serializers.IntegerField())
    count = serializers.IntegerField()
    first = serializers.DateTimeField()
    last = serializers.DateTimeField()


class DeadlineRowSerializer(serializers.Serializer):
    key = serializers.IntegerField()
    name = serializers.CharField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    due_soon = serializers.IntegerField()
    supervised = serializers.IntegerField()


class DeadlinesSerializer(serializers.Serializer):
    totals = serializers.DictField(child=serializers.IntegerField())
    by_street = DeadlineRowSerializer(many=True)


class BoardSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    formula = serializers.CharField()
    deadlines = DeadlinesSerializer()
    hotspots = HotspotSerializer(many=True)
    spikes = SpikeSerializer(many=True)
    repeats = RepeatSerializer(many=True)


class AlertSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name")

    class Meta:
        model = Alert
        fields = ["id", "kind", "key", "area", "area_name", "title", "detail", "ticket_ids", "raised_at",
                  "notified"]  # fmt: skip
