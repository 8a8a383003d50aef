"""我的党员服务: a party member's own page — 双报到 to the residence community and its
confirmation, posts to claim and duty to log, the points ledger with its yearly statement, the
branch's 三会一课 with the member's attendance, and the yearly service record. Everything is read
for the member tied to the signed-in account (no other member is reachable here) and every change
goes through the people services, which check the actor is that member."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.core.params import parse_int, parse_year
from quanyu.people import selectors, services
from quanyu.people.models import PartyMember
from quanyu.people.states import ReportStatus


def _messages_of(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def _post(request: HttpRequest, member: PartyMember) -> None:
    """One action of the page's forms; a refused one becomes an error message naming the field."""
    action = request.POST.get("action", "")
    if action == "report":
        if member.community is None:
            raise ValidationError({"community": [_("您的档案没有居住社区，请联系社区工作人员")]})
        services.report_submit_member(
            actor=request.user, member=member, community=member.community, note=request.POST.get("note", "")
        )
        messages.success(request, _("已向%(c)s报到，等待社区确认") % {"c": member.community.name})
    elif action == "claim":
        post = selectors.own_posts(member=member).filter(pk=parse_int(request.POST.get("post")) or 0).first()
        if post is None:
            raise Http404
        services.post_claim(actor=request.user, post=post, member=member)
        messages.success(request, _("已认领岗位：%(p)s") % {"p": post.name})
    elif action == "duty":
        claim = (
            selectors.own_claims(member=member).filter(pk=parse_int(request.POST.get("claim")) or 0).first()
        )
        if claim is None:
            raise Http404
        try:
            on_date = dt.date.fromisoformat(request.POST.get("on_date", ""))
        except ValueError:
            raise ValidationError({"on_date": [_("请填写正确的履职日期")]}) from None
        try:
            hours = Decimal(request.POST.get("hours", ""))
        except InvalidOperation:
            raise ValidationError({"hours": [_("请填写履职时长（小时）")]}) from None
        services.duty_log_add(
            actor=request.user, claim=claim, on_date=on_date, hours=hours, note=request.POST.get("note", "")
        )
        messages.success(request, _("已记录履职"))
    else:
        raise ValidationError({"action": [_("未知的操作")]})


@login_required
def my_party(request: HttpRequest) -> HttpResponse:
    member = selectors.own_member_for(actor=request.user)
    if member is None:
        # Reachable from the menu by a superuser too: say why there is nothing, not a 404.
        return render(request, "web/people/mine.html", {"member": None})
    if request.method == "POST":
        try:
            _post(request, member)
        except ValidationError as exc:
            messages.error(request, _messages_of(exc))
            response = redirect("web:people_me")
            response.status_code = 303
            return response
        return redirect("web:people_me")
    today = timezone.localdate()
    year = parse_year(request.GET.get("year")) or today.year
    reports = list(selectors.own_reports(member=member))
    context: dict[str, Any] = {
        "member": member,
        "year": year,
        "years": list(range(today.year, today.year - 5, -1)),
        "today": today,
        "reports": reports,
        "may_report": member.community is not None
        and not any(
            r.year == today.year and r.status in (ReportStatus.SUBMITTED, ReportStatus.CONFIRMED)
            for r in reports
        ),
        "posts": list(selectors.own_posts(member=member)),
        "claims": list(selectors.own_claims(member=member)),
        "ledger": list(selectors.ledger_for(actor=request.user, member=member, year=year)[:100]),
        "statement": selectors.yearly_statement(member=member, year=year),
        "balance": selectors.balance(member=member, year=year),
        "meetings": selectors.own_meetings(member=member, year=year),
        "record": selectors.member_year_report(member=member, year=year),
    }
    context["claimed_posts"] = {c.post_id for c in context["claims"] if c.status == "active"}
    context["attended"] = sum(1 for m in context["meetings"] if m.status == "present")
    return render(request, "web/people/mine.html", context)
