"""Residents' deliberation (一征三议两公开): list and read (residents of the community and office
readers; the public page reads without log-in), post and support opinions, vote, object; the
keepers' steps."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from quanyu.api.cogov.common import CogovEventSerializer, CogovReasonSerializer, pick, pick_area
from quanyu.cogov import selectors, services
from quanyu.cogov.models import Deliberation, Objection, Opinion, Vote
from quanyu.cogov.states import DeliberationMethod, ParticipantKind


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class CogovOpinionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Opinion
        fields = ["id", "text", "supporters", "created_at"]
        read_only_fields = fields


class CogovObjectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objection
        fields = ["id", "text", "raised_by_name", "answer", "answered_at", "created_at"]
        read_only_fields = fields


class CogovDeliberationSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)

    class Meta:
        model = Deliberation
        fields = [
            "id",
            "community",
            "community_name",
            "title",
            "description",
            "method",
            "status",
            "opinions_close",
            "proposal",
            "committees_note",
            "entitled",
            "vote_close",
            "votes_for",
            "votes_against",
            "votes_abstain",
            "decision",
            "published_at",
            "notice_until",
            "result",
        ]
        read_only_fields = fields


class CogovDeliberationCreateSerializer(serializers.Serializer):
    community = serializers.IntegerField()
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    opinions_close = serializers.DateTimeField()
    method = serializers.ChoiceField(choices=DeliberationMethod.choices, default=DeliberationMethod.YIZHENG)


class CogovParticipantSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ParticipantKind.choices)
    name = serializers.CharField(max_length=50)


class CogovCommitteesSerializer(serializers.Serializer):
    """The meeting step: its note and who sat in it (the kinds the method requires; 一委三会 always
    needs the list, 一征三议两公开 takes the step without one from callers that predate it)."""

    text = serializers.CharField(max_length=5000)
    participants = CogovParticipantSerializer(many=True, required=False, allow_null=True, default=None)


class CogovTextSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)


class CogovSupportSerializer(serializers.Serializer):
    opinion = serializers.IntegerField()


class CogovOpenVoteSerializer(serializers.Serializer):
    entitled = serializers.IntegerField(min_value=1, max_value=100000)
    vote_close = serializers.DateTimeField()


class CogovVoteSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(choices=Vote.Choice.choices)


class CogovAnswerSerializer(serializers.Serializer):
    objection = serializers.IntegerField()
    answer = serializers.CharField(max_length=5000)


class DeliberationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CogovDeliberationSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Deliberation]:
        return selectors.deliberation_list_for(actor=self.request.user)

    def get_object(self) -> Deliberation:
        return selectors.deliberation_get_for(actor=self.request.user, deliberation_id=self.kwargs["pk"])

    def _out(self, d: Deliberation, status: int = 200) -> Response:
        return Response(CogovDeliberationSerializer(d).data, status=status)

    @extend_schema(request=CogovDeliberationCreateSerializer, responses=CogovDeliberationSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        v = _valid(CogovDeliberationCreateSerializer, request)
        d = services.deliberation_open(
            actor=request.user,
            community=pick_area(request.user, v["community"], "community"),
            title=v["title"],
            description=v["description"],
            opinions_close=v["opinions_close"],
            method=v["method"],
        )
        return self._out(d, 201)

    @extend_schema(request=CogovTextSerializer, responses={201: CogovOpinionSerializer})
    @action(detail=True, methods=["post"])
    def opinions(self, request: Request, pk: str) -> Response:
        v = _valid(CogovTextSerializer, request)
        opinion = services.opinion_post(actor=request.user, deliberation=self.get_object(), text=v["text"])
        return Response(CogovOpinionSerializer(opinion).data, status=201)

    @extend_schema(request=CogovSupportSerializer, responses=CogovOpinionSerializer)
    @action(detail=True, methods=["post"])
    def support(self, request: Request, pk: str) -> Response:
        v = _valid(CogovSupportSerializer, request)
        d = self.get_object()
        opinion = pick(Opinion.objects.filter(deliberation=d), v["opinion"], "opinion")
        return Response(
            CogovOpinionSerializer(services.opinion_support(actor=request.user, opinion=opinion)).data
        )

    @extend_schema(request=CogovTextSerializer, responses=CogovDeliberationSerializer)
    @action(detail=True, methods=["post"])
    def propose(self, request: Request, pk: str) -> Response:
        v = _valid(CogovTextSerializer, request)
        return self._out(
            services.deliberation_propose(
                actor=request.user, deliberation=self.get_object(), proposal=v["text"]
            )
        )

    @extend_schema(request=CogovCommitteesSerializer, responses=CogovDeliberationSerializer)
    @action(detail=True, methods=["post"])
    def committees(self, request: Request, pk: str) -> Response:
        v = _valid(CogovCommitteesSerializer, request)
        rows = None if v["participants"] is None else [dict(row) for row in v["participants"]]
        return self._out(
            services.deliberation_committees(
                actor=request.user, deliberation=self.get_object(), note=v["text"], participants=rows
            )
        )

    @extend_schema(request=CogovOpenVoteSerializer, responses=CogovDeliberationSerializer)
    @action(detail=True, methods=["post"], url_path="open-vote")
    def open_vote(self, request: Request, pk: str) -> Response:
        v = _valid(CogovOpenVoteSerializer, request)
        d = services.deliberation_open_vote(actor=request.user, deliberation=self.get_object(), **v)
        return self._out(d)

    @extend_schema(request=CogovVoteSerializer, responses=CogovDeliberationSerializer)
    @action(detail=True, methods=["post"])
    def vote(self, request: Request, pk: str) -> Response:
        v = _valid(CogovVoteSerializer, request)
        d = self.get_object()
        services.vote_cast(actor=request.user, deliberation=d, choice=v["choice"])
        return self._out(d, 201)

    @extend_schema(request=CogovTextSerializer, responses=CogovDeliberationSerializer)
    @action(detail=True, methods=["post"], url_path="close-vote")
    def close_vote(self, request: Request, pk: str) -> Response:
        v = _valid(CogovTextSerializer, request)
        d = services.deliberation_close_vote(
            actor=request.user, deliberation=self.get_object(), decision=v["text"]
        )
        return self._out(d)

    @extend_schema(request=CogovTextSerializer, responses={201: CogovObjectionSerializer})
    @action(detail=True, methods=["post"])
    def objections(self, request: Request, pk: str) -> Response:
        v = _valid(CogovTextSerializer, request)
        objection = services.objection_raise(
            actor=request.user, deliberation=self.get_object(), text=v["text"]
        )
        return Response(CogovObjectionSerializer(objection).data, status=201)

    @extend_schema(request=CogovAnswerSerializer, responses=CogovObjectionSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str) -> Response:
        v = _valid(CogovAnswerSerializer, request)
        d = self.get_object()
        objection = pick(Objection.objects.filter(deliberation=d), v["objection"], "objection")
        row = services.objection_answer(actor=request.user, objection=objection, answer=v["answer"])
        return Response(CogovObjectionSerializer(row).data)

    @extend_schema(request=None, responses=CogovDeliberationSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        return self._out(services.deliberation_publish(actor=request.user, deliberation=self.get_object()))

    @extend_schema(request=CogovTextSerializer, responses=CogovDeliberationSerializer)
    @action(detail=True, methods=["post"], url_path="publish-result")
    def publish_result(self, request: Request, pk: str) -> Response:
        v = _valid(CogovTextSerializer, request)
        d = services.deliberation_publish_result(
            actor=request.user, deliberation=self.get_object(), result=v["text"]
        )
        return self._out(d)

    @extend_schema(request=CogovReasonSerializer, responses=CogovDeliberationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        v = _valid(CogovReasonSerializer, request)
        return self._out(
            services.deliberation_withdraw(
                actor=request.user, deliberation=self.get_object(), reason=v["reason"]
            )
        )

    @extend_schema(responses=CogovEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request: Request, pk: str) -> Response:
        rows = selectors.deliberation_timeline(deliberation=self.get_object())
        return Response(CogovEventSerializer(rows, many=True).data)
