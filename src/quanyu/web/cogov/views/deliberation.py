"""Residents' deliberation pages (一征三议两公开), phone first: the list of a person's communities,
a deliberation's page (readable without log-in; residents post and support opinions, vote and
raise the supervisory council's objections; community staff take the steps)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanyu.areas.models import Area, AreaKind
from quanyu.cogov import selectors, services
from quanyu.cogov.access import is_keeper
from quanyu.cogov.models import Deliberation, Objection, Opinion, Result, Vote
from quanyu.cogov.services.deliberation import RESIDENTS
from quanyu.cogov.states import (
    REQUIRED_PARTICIPANTS,
    DeliberationMethod,
    DeliberationStatus,
    ParticipantKind,
    step_label,
)
from quanyu.core.permissions import grants_for, has_role
from quanyu.web.cogov.views.common import PER_PAGE, int_or_none, run_step

D = DeliberationStatus
STEPS_SHOWN: list[str] = [
    D.COLLECTING,
    D.PROPOSED,
    D.DELIBERATED,
    D.VOTING,
    D.DECIDED,
    D.PUBLISHED,
    D.RESULT_PUBLISHED,
]


def _when(value: str, field: str, label: str) -> dt.datetime:
    parsed = parse_datetime(value.strip()) if value else None
    if parsed is None:
        raise ValidationError({field: _("%(label)s：请填写日期和时间") % {"label": label}})
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _keeper_communities(request: HttpRequest) -> list[Area]:
    paths = [g.area.path for g in grants_for(request.user) if is_keeper(request.user, g.area.path)]
    if getattr(request.user, "is_superuser", False):
        paths = [""]
    if not paths:
        return []
    found: dict[int, Area] = {}
    for path in paths:
        communities = Area.objects.filter(kind=AreaKind.COMMUNITY, path__startswith=path)
        for area in communities.order_by("path")[:200]:
            found[area.pk] = area
    return list(found.values())


@login_required
def deliberation_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    qs = selectors.deliberation_list_for(actor=request.user)
    if status in D.values:
        qs = qs.filter(status=status)
    context = {
        "page": Paginator(qs, PER_PAGE).get_page(request.GET.get("page")),
        "statuses": D.choices,
        "status": status,
        "communities": _keeper_communities(request),
        "methods": DeliberationMethod.choices,
    }
    return render(request, "web/cogov/deliberations.html", context)


@login_required
@require_POST
def deliberation_new(request: HttpRequest) -> HttpResponse:
    p = request.POST
    communities = {a.pk: a for a in _keeper_communities(request)}
    created: dict[str, Deliberation] = {}

    def step() -> None:
        community = communities.get(int_or_none(p.get("community")) or 0)
        if community is None:
            raise ValidationError({"community": _("请选择社区")})
        created["d"] = services.deliberation_open(
            actor=request.user,
            community=community,
            title=p.get("title", ""),
            description=p.get("description", ""),
            opinions_close=_when(p.get("opinions_close", ""), "opinions_close", _("意见征集截止")),
            method=p.get("method", DeliberationMethod.YIZHENG),
        )

    def again(error: str, status: int) -> HttpResponse:
        context = {
            "page": Paginator(selectors.deliberation_list_for(actor=request.user), PER_PAGE).get_page(1),
            "statuses": D.choices,
            "status": "",
            "communities": list(communities.values()),
            "methods": DeliberationMethod.choices,
            "error": error,
        }
        return render(request, "web/cogov/deliberations.html", context, status=status)

    response = run_step(request, step, done=_("已发起协商"), success_url=".", again=again)
    if "d" in created:
        response["Location"] = reverse("web:cogov_deliberation", args=[created["d"].pk])
    return response


def _find(request: HttpRequest, deliberation_id: int) -> Deliberation:
    if request.user.is_authenticated:
        found = selectors.deliberation_list_for(actor=request.user).filter(pk=deliberation_id).first()
        if found is not None:
            return found
    return selectors.deliberation_public_get(deliberation_id=deliberation_id)


def _page(request: HttpRequest, d: Deliberation, error: str = "", status: int = 200) -> HttpResponse:
    user = request.user
    signed_in = user.is_authenticated
    keeper = signed_in and is_keeper(user, d.community.path)
    resident = signed_in and has_role(user, RESIDENTS, at_path=d.community.path)
    now = timezone.now()
    voted = signed_in and Vote.objects.filter(deliberation=d, voter_id=user.pk).exists()
    supported = set()
    if signed_in:
        mine = Opinion.objects.filter(deliberation=d, supports__user_id=user.pk or 0)
        supported = set(mine.values_list("pk", flat=True))
    reached = STEPS_SHOWN.index(d.status) if d.status in STEPS_SHOWN else -1
    results = selectors.deliberation_results(deliberation=d)
    required = REQUIRED_PARTICIPANTS[d.method]
    kinds = {row.get("kind") for row in d.participants}
    context: dict[str, Any] = {
        "d": d,
        "opinions": list(d.opinions.all()),
        "objections": list(d.objections.all()),
        "history": [
            (e, _kind_label(e.kind, d.method)) for e in selectors.deliberation_timeline(deliberation=d)
        ],
        "steps": [(step_label(d.method, s), i <= reached, i == reached) for i, s in enumerate(STEPS_SHOWN)],
        "status_label": step_label(d.method, d.status),
        "participant_kinds": [(k, label, k in required) for k, label in ParticipantKind.choices],
        "participants_shown": [
            (label, [r["name"] for r in d.participants if r.get("kind") == k])
            for k, label in ParticipantKind.choices
            if k in kinds
        ],
        "results": results,
        "overall": services.accountability.overall(results),
        "today": timezone.localdate(),
        "can_add_results": keeper and d.status in services.accountability.DECIDED,
        "keeper": keeper,
        "resident": resident or keeper,
        "can_vote": resident and not voted and d.status == D.VOTING and d.vote_close and now <= d.vote_close,
        "voted": voted,
        "collecting": d.status == D.COLLECTING and now <= d.opinions_close,
        "supported": supported,
        "open_objections": [o for o in d.objections.all() if o.answered_at is None],
        "choices": Vote.Choice.choices,
        "signed_in": signed_in,
        "error": error,
    }
    return render(request, "web/cogov/deliberation.html", context, status=status)


def _kind_label(kind: str, method: str) -> str:
    labels = {
        "opened": _("发起征集"),
        "opinion": _("居民提出意见"),
        "supported": _("居民支持意见"),
        "voted": _("居民表决"),
        "objection": _("监事会提出异议"),
        "objection_answered": _("答复异议"),
    }
    if kind in labels:
        return labels[kind]
    return step_label(method, kind) if kind in D.values else kind


def deliberation_detail(request: HttpRequest, deliberation_id: int) -> HttpResponse:
    """Public for reading (no log-in): anyone may follow a deliberation's history."""
    return _page(request, _find(request, deliberation_id))


def _objection(d: Deliberation, value: Any) -> Objection:
    found = Objection.objects.filter(deliberation=d, pk=int_or_none(value) or 0).first()
    if found is None:
        raise ValidationError({"objection": _("请选择异议")})
    return found


def _result(d: Deliberation, value: Any, field: str = "result") -> Result:
    found = Result.objects.filter(deliberation=d, pk=int_or_none(value) or 0).first()
    if found is None:
        raise ValidationError({field: _("请选择落实事项")})
    return found


def _participants(post: Any) -> list[dict[str, str]]:
    """One field per kind, names separated by 、, commas or spaces."""
    rows = []
    for kind in ParticipantKind.values:
        for name in re.split(r"[、,，;；\s]+", post.get(f"participants_{kind}", "")):
            if name:
                rows.append({"kind": kind, "name": name})
    return rows


def _add_result(actor: Any, d: Deliberation, p: Any) -> Result:
    parent = _result(d, p.get("parent"), "parent") if p.get("parent") else None
    return services.accountability.result_add(
        actor=actor,
        deliberation=d,
        title=p.get("title", ""),
        owner=p.get("owner", ""),
        due=p.get("due", ""),
        weight=(int_or_none(p.get("weight")) or 0) if p.get("weight") else 1,
        parent=parent,
    )


def _opinion(d: Deliberation, value: Any) -> Opinion:
    found = Opinion.objects.filter(deliberation=d, pk=int_or_none(value) or 0).first()
    if found is None:
        raise ValidationError({"opinion": _("请选择意见")})
    return found


@login_required
@require_POST
def deliberation_step(request: HttpRequest, deliberation_id: int, step: str) -> HttpResponse:
    d = selectors.deliberation_get_for(actor=request.user, deliberation_id=deliberation_id)
    p = request.POST
    actor = request.user
    steps = {
        "opinion": lambda: services.opinion_post(actor=actor, deliberation=d, text=p.get("text", "")),
        "support": lambda: services.opinion_support(actor=actor, opinion=_opinion(d, p.get("opinion"))),
        "propose": lambda: services.deliberation_propose(
            actor=actor, deliberation=d, proposal=p.get("proposal", "")
        ),
        "committees": lambda: services.deliberation_committees(
            actor=actor, deliberation=d, note=p.get("note", ""), participants=_participants(p)
        ),
        "result_add": lambda: _add_result(actor, d, p),
        "result_progress": lambda: services.accountability.result_progress(
            actor=actor,
            result=_result(d, p.get("result")),
            progress=p.get("progress"),
            note=p.get("note", ""),
        ),
        "result_cancel": lambda: services.accountability.result_cancel(
            actor=actor, result=_result(d, p.get("result")), reason=p.get("reason", "")
        ),
        "open_vote": lambda: services.deliberation_open_vote(
            actor=actor,
            deliberation=d,
            entitled=int_or_none(p.get("entitled")) or 0,
            vote_close=_when(p.get("vote_close", ""), "vote_close", _("表决截止")),
        ),
        "vote": lambda: services.vote_cast(actor=actor, deliberation=d, choice=p.get("choice", "")),
        "close_vote": lambda: services.deliberation_close_vote(
            actor=actor, deliberation=d, decision=p.get("decision", "")
        ),
        "object": lambda: services.objection_raise(actor=actor, deliberation=d, text=p.get("text", "")),
        "answer": lambda: services.objection_answer(
            actor=actor, objection=_objection(d, p.get("objection")), answer=p.get("answer", "")
        ),
        "publish": lambda: services.deliberation_publish(actor=actor, deliberation=d),
        "publish_result": lambda: services.deliberation_publish_result(
            actor=actor, deliberation=d, result=p.get("result", "")
        ),
        "withdraw": lambda: services.deliberation_withdraw(
            actor=actor, deliberation=d, reason=p.get("reason", "")
        ),
    }
    if step not in steps:
        return _page(request, d, _("未知操作"), 400)
    return run_step(
        request,
        steps[step],
        done=_("已保存"),
        success_url=reverse("web:cogov_deliberation", args=[d.pk]),
        again=lambda error, status: _page(request, d, error, status),
    )


def community_deliberations(request: HttpRequest, community_id: int) -> HttpResponse:
    """Public, no log-in, phone first: a community's deliberations (but withdrawn ones) with their
    step, opinions and progress of the decision; no one's name."""
    community = selectors.public_community_get(community_id=community_id)
    page = Paginator(selectors.deliberation_public_list(community=community), PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = [(d, step_label(d.method, d.status)) for d in page.object_list]
    context = {"community": community, "page": page, "rows": rows}
    return render(request, "web/cogov/community_deliberations.html", context)
