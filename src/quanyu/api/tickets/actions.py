"""The tickets API's steps: ``POST /api/tickets/{id}/<step>/``, one service call each. ``TicketSteps``
is the base of ``views.TicketViewSet``; a step that is not allowed in the ticket's state (or lost a
race) answers 409 (``api.errors`` maps the kit's TransitionError for every endpoint)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from quanyu.accounts.models import User
from quanyu.api.tickets.intake import category_from_value, not_found
from quanyu.api.tickets.serializers import (
    TicketAppealDecideSerializer,
    TicketAppealSerializer,
    TicketAssignSerializer,
    TicketCategoriseSerializer,
    TicketDetailSerializer,
    TicketMaterialsSerializer,
    TicketMergeSerializer,
    TicketNoteSerializer,
    TicketNoticeSerializer,
    TicketOptionalReasonSerializer,
    TicketRateSerializer,
    TicketRatingLinkSerializer,
    TicketReasonSerializer,
    TicketReassignSerializer,
    TicketResolveSerializer,
    TicketRespondSerializer,
    TicketReturnSerializer,
    TicketSuperviseSerializer,
    TicketTransferSerializer,
    TicketWhistleInputSerializer,
)
from quanyu.orgs.models import Unit, UnitKind
from quanyu.tickets import selectors, services
from quanyu.tickets.access import handler_unit_ids
from quanyu.tickets.conf import rating_url
from quanyu.tickets.models import EmergencyTarget, Rating, Ticket, Whistle
from quanyu.tickets.states import WHISTLE_OPEN


def parsed(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    """``data`` read by ``serializer_class`` (400 naming the fields when it is not valid)."""
    reading = serializer_class(data=data)
    reading.is_valid(raise_exception=True)
    return dict(reading.validated_data)


def _user(pk: int, field: str) -> User:
    found = User.objects.filter(pk=pk, is_active=True).first()
    if found is None:
        raise not_found(field)
    return found


def _departments(ids: list[int], field: str) -> list[Unit]:
    by_id = {u.pk: u for u in Unit.objects.filter(pk__in=ids, kind=UnitKind.DEPARTMENT)}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise exceptions.ValidationError(
            {field: [_("不是职能部门：%(ids)s") % {"ids": "、".join(map(str, missing))}]}
        )
    return [by_id[i] for i in ids]


def _whistle_for(actor: Any, ticket: Ticket, whistle_id: int | None) -> Whistle:
    """The whistle a department step is about: the one named, or the caller's department's open
    whistle on this ticket."""
    whistles = list(ticket.whistles.all())  # prefetched by ticket_get_for
    if whistle_id is not None:
        found = next((w for w in whistles if w.pk == whistle_id), None)
        if found is None:
            raise exceptions.ValidationError({"whistle": [_("该工单没有这个呼叫")]})
        return found
    mine = handler_unit_ids(actor, at_path=ticket.area_path)
    open_mine = [w for w in whistles if w.status in WHISTLE_OPEN and w.department_id in mine]
    if len(open_mine) == 1:
        return open_mine[0]
    if not open_mine:
        open_all = [w for w in whistles if w.status in WHISTLE_OPEN]
        if len(open_all) == 1:
            # The service decides whether the caller may act on it (403 otherwise).
            return open_all[0]
        raise exceptions.ValidationError({"whistle": [_("请指定呼叫（whistle）")]})
    raise exceptions.ValidationError({"whistle": [_("您所在部门有多个呼叫，请指定呼叫（whistle）")]})


ACTION_RESPONSES = {
    200: TicketDetailSerializer,
    400: OpenApiResponse(description="bad input, named by field"),
    403: OpenApiResponse(description="the ticket is visible but this step is not yours"),
    404: OpenApiResponse(description="no such ticket in your scope"),
    409: OpenApiResponse(description="not allowed in the ticket's state, or someone else was first"),
}


def _action_schema(request: type[serializers.Serializer] | None, summary: str, **extra: Any) -> Any:
    return extend_schema(request=request, responses=extra.pop("responses", ACTION_RESPONSES), summary=summary)


class TicketSteps(viewsets.ViewSet):
    """One POST per step on a ticket (the base of ``views.TicketViewSet``)."""

    # -- helpers -------------------------------------------------------------------------------

    def _ticket(self, pk: Any) -> Ticket:
        try:
            return selectors.ticket_get_for(actor=self.request.user, ticket_id=pk)
        except Http404:
            raise exceptions.NotFound(_("工单不存在或不在您的管辖范围内")) from None

    def _answer(self, ticket: Ticket, code: int = status.HTTP_200_OK) -> Response:
        fresh = self._ticket(ticket.pk)
        return Response(TicketDetailSerializer(fresh).data, status=code)

    # -- steps ---------------------------------------------------------------------------------

    @_action_schema(TicketNoteSerializer, "受理 accept")
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = parsed(TicketNoteSerializer, request.data)
        return self._answer(services.ticket_accept(actor=request.user, ticket=ticket, **data))

    @_action_schema(TicketAssignSerializer, "分派 assign")
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = parsed(TicketAssignSerializer, request.data)
        assignee = _user(data["assignee"], "assignee")
        done = services.ticket_assign(actor=request.user, ticket=ticket, assignee=assignee, note=data["note"])
        return self._answer(done)

    @_action_schema(TicketCategoriseSerializer, "确认分类 categorise")
    @action(detail=True, methods=["post"])
    def categorise(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = parsed(TicketCategoriseSerializer, request.data)
        category = category_from_value(data["category"])
        assert category is not None  # the field is required and never blank
        return self._answer(services.ticket_categorise(actor=request.user, ticket=ticket, category=category))

    @_action_schema(TicketReasonSerializer, "上报 escalate")
    @action(detail=True, methods=["post"])
    def escalate(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = parsed(TicketReasonSerializer, request.data)
        return self._answer(services.ticket_escalate(actor=request.user, ticket=ticket, **data))

    @_action_schema(TicketReassignSerializer, "街道交办 reassign")
    @action(detail=True, methods=["post"])
    def reassign(self, request: Request, pk: str) -> Response:
        from quanyu.areas.models import Area

        ticket = self._ticket(pk)
        data = parsed(TicketReassignSerializer, request.data)
        area = Area.objects.filter(pk=data["area"]).first()
        if area is None:
            raise not_found("area")
        done = services.ticket_reassign(actor=request.user, ticket=ticket, area=area, reason=data["reason"])
        return self._answer(done)

    @_action_schema(TicketWhistleInputSerializer, "吹哨呼叫部门 whistle")
    @action(detail=True, methods=["post"])
    def whistle(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = parsed(TicketWhistleInputSerializer, request.data)
        departments = _departments(data["departments"], "departments")
        lead = None
        if data["lead"] is not None:
            lead = next((d for d in departments if d.pk == data["lead"]), None)
            if lead is None:
                raise exceptions.ValidationError({"lead": [_("主办部门须在所选部门之中")]})
        services.ticket_whistle(
            actor=request.user, ticket=ticket, departments=departments, lead=lead, note=data["note"]
        )
        return self._answer(ticket)

    @_action_schema(TicketReturnSerializer, "撤回呼叫 withdraw (street)")
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = parsed(TicketReturnSerializer, request.data)
        whistle = _whistle_for(request.user, ticket, data["whistle"])
        services.whistle_cancel(actor=request.user, whistle=whistle, reason=data["reason"])
        return self._answer(ticket)

    @_action_schema(TicketRespondSerializer, "部门响应 respond")
    @action(detail=True, methods=["post"])
    def respond(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = parsed(TicketRespondSerializer, request.data)
        whistle = _whistle_for(request.user, ticket, data["whistle"])
        services.whistle_respond(actor=request.user, whistle=whistle, note=data["note"])
        return self._answer(ticket)

    @extend_schema(
        request={
            "application/json": TicketResolveSerializer,
            "multipart/form-data": TicketResolveSerializer,
        },
        responses=ACTION_RESPONSES,
        summary="办结 resolve (a department: its whistle; a tier: the ticket itself)",
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = parsed(TicketResolveSerializer, request.data)
        photos = request.FILES.getlist("photos") if hasattr(request, "FILES") else []
        mine = handler_unit_ids(request.user, at_path=ticket.area_path)
        by_department = data["whistle"] is not None or any(
            w.status in WHISTLE_OPEN and w.department_id in mine for w in ticket.whistles.all()
        )
        if by_department:
            whistle = _whistle_for(request.user, ticket, data["whistle"])
            services.whistle_resolve(
                actor=request.user,
                whistle=whistle,
                explanation=data["explanation"],
                photos=photos,
                override_reason=data["override_reason"],
            )
        else:
            services.ticket_resolve(
                actor=request.user, ticket=ticket, explanation=data["explanation"], photos=photos
            )
        return self._answer(ticket)

    @_action_schema(TicketReturnSerializer, "部门退回 return")
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = parsed(TicketReturnSerializer, request.data)
        whistle = _whistle_for(request.user, ticket, data["whistle"])
        services.whistle_return(actor=request.user, whistle=whistle, reason=data["reason"])
        return self._answer(ticket)

    @_action_schema(TicketMergeSerializer, "合并到原诉求 merge")
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = parsed(TicketMergeSerializer, request.data)
        try:
            into = selectors.ticket_get_for(actor=request.user, ticket_id=data["into"])
        except Http404:
            raise not_found("into") from None
        done = services.ticket_merge(actor=request.user, ticket=ticket, into=into, reason=data["reason"])
        return self._answer(done)

    @_action_schema(TicketOptionalReasonSerializer, "撤销 cancel")
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = parsed(TicketOptionalReasonSerializer, request.data)
        return self._answer(services.ticket_cancel(actor=request.user, ticket=ticket, **data))

    @_action_schema(TicketSuperviseSerializer, "督办 supervise")
    @action(detail=True, methods=["post"])
    def supervise(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = parsed(TicketSuperviseSerializer, request.data)
        whistle = _whistle_for(request.user, ticket, data["whistle"]) if data["whistle"] else None
        services.ticket_supervise(actor=request.user, ticket=ticket, reason=data["reason"], whistle=whistle)
        return self._answer(ticket)

    @_action_schema(TicketRateSerializer, "诉求人评价 rate (logged in as the requester)")
    @action(detail=True, methods=["post"])
    def rate(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = parsed(TicketRateSerializer, request.data)
        services.ticket_rate(actor=request.user, ticket=ticket, **data)
        return self._answer(ticket)

    @_action_schema(TicketRateSerializer, "电话回访 callback")
    @action(detail=True, methods=["post"])
    def callback(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = parsed(TicketRateSerializer, request.data)
        services.ticket_callback(actor=request.user, ticket=ticket, **data)
        return self._answer(ticket)

    def _rating(self, ticket: Ticket, rating_id: int) -> Rating:
        found = selectors.ticket_ratings(ticket=ticket).filter(pk=rating_id).first()
        if found is None:
            raise exceptions.ValidationError({"rating": [_("该工单没有这条评价")]})
        return found

    @_action_schema(TicketAppealSerializer, "部门申诉 appeal")
    @action(detail=True, methods=["post"])
    def appeal(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = parsed(TicketAppealSerializer, request.data)
        rating = self._rating(ticket, data["rating"])
        services.rating_appeal(actor=request.user, rating=rating, reason=data["reason"])
        return self._answer(ticket)

    @_action_schema(TicketAppealDecideSerializer, "申诉裁定 appeal-decide")
    @action(detail=True, methods=["post"], url_path="appeal-decide", url_name="appeal-decide")
    def appeal_decide(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = parsed(TicketAppealDecideSerializer, request.data)
        rating = self._rating(ticket, data["rating"])
        services.rating_appeal_decide(
            actor=request.user, rating=rating, upheld=data["upheld"], note=data["note"]
        )
        return self._answer(ticket)

    @_action_schema(TicketTransferSerializer, "应急转出 transfer-emergency")
    @action(detail=True, methods=["post"], url_path="transfer-emergency", url_name="transfer-emergency")
    def transfer_emergency(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = parsed(TicketTransferSerializer, request.data)
        if data["target"] not in EmergencyTarget.values:
            raise exceptions.ValidationError({"target": [_("转出去向须为 110、119、120 或其他热线")]})
        return self._answer(services.ticket_transfer_emergency(actor=request.user, ticket=ticket, **data))

    @_action_schema(TicketReasonSerializer, "重新办理 reopen")
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = parsed(TicketReasonSerializer, request.data)
        return self._answer(services.ticket_reopen(actor=request.user, ticket=ticket, **data))

    @_action_schema(TicketNoticeSerializer, "一次性告知 notice (one-window: materials missing)")
    @action(detail=True, methods=["post"])
    def notice(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = parsed(TicketNoticeSerializer, request.data)
        return self._answer(services.window_notice_record(actor=request.user, ticket=ticket, **data))

    @_action_schema(TicketMaterialsSerializer, "补正材料 materials (one-window: materials brought)")
    @action(detail=True, methods=["post"])
    def materials(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = parsed(TicketMaterialsSerializer, request.data)
        return self._answer(services.window_materials_receive(actor=request.user, ticket=ticket, **data))

    @_action_schema(TicketNoteSerializer, "关闭 close")
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = parsed(TicketNoteSerializer, request.data)
        return self._answer(services.ticket_close(actor=request.user, ticket=ticket, **data))

    @extend_schema(
        request=None,
        responses={200: TicketRatingLinkSerializer, 403: ACTION_RESPONSES[403], 404: ACTION_RESPONSES[404]},
        summary="重新生成评价链接 rating-link",
    )
    @action(detail=True, methods=["post"], url_path="rating-link", url_name="rating-link")
    def rating_link(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        token = services.ticket_rating_link_issue(actor=request.user, ticket=ticket)
        return Response({"token": token, "url": rating_url(token)})
