"""Volunteering pages. Residents and volunteers (phone first): activities, sign up, cancel, check
in by the QR code, my hours and my proofs, becoming a volunteer. Organisers: the roster with roll
call and the QR code, the hours and corrections queue, teams, volunteers (masked), the export.
The public proof check needs no account.

Views call selectors and services only; a refused step shows its message with the status
``http_status_for`` gives (400 / 403 / 409)."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanyu.areas.models import Area, AreaKind
from quanyu.core.audit import client_ip
from quanyu.core.downloads import attachment, xlsx_attachment
from quanyu.core.pii import mask_name
from quanyu.core.ratelimit import RateLimited
from quanyu.core.spreadsheets import SpreadsheetError
from quanyu.core.workflow import http_status_for
from quanyu.venues.selectors import bookable_rooms_for
from quanyu.volunteering import selectors, services
from quanyu.volunteering.models import ProjectKind, Signup
from quanyu.volunteering.pdf import certificate_pdf
from quanyu.volunteering.tokens import make_token
from quanyu.web.volunteering.rooms import offered_room, organiser_context

PER_PAGE = 50


def _refused(request: HttpRequest, exc: Exception, back: str) -> HttpResponse:
    text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    return render(
        request,
        "web/volunteering/refused.html",
        {"message": text, "back": back},
        status=http_status_for(exc) or 400,
    )


def _step(request: HttpRequest, run: Callable[[], Any], back: str, done: str) -> HttpResponse:
    try:
        run()
    except (ValidationError, PermissionDenied) as exc:
        return _refused(request, exc, back)
    messages.success(request, done)
    return redirect(back)


def _require_organiser(request: HttpRequest) -> None:
    if not selectors.is_any_organiser(request.user):
        raise PermissionDenied(_("此页面仅对志愿服务组织者开放"))


# --- residents and volunteers -------------------------------------------------------------------


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    activities = list(selectors.activity_list_for(actor=request.user, upcoming_from=timezone.now())[:100])
    mine = {
        s.activity_id: s
        for s in selectors.my_signups(actor=request.user).filter(activity__in=[a.pk for a in activities])
    }
    rows = [{"activity": a, "mine": mine.get(a.pk)} for a in activities]
    return render(request, "web/volunteering/activities.html", {"rows": rows})


@login_required
def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = selectors.activity_get_for(actor=request.user, activity_id=activity_id)
    mine = selectors.my_signups(actor=request.user).filter(activity=activity).first()
    context: dict[str, Any] = {"activity": activity, "mine": mine, "roster": None}
    try:
        organised = selectors.activity_organised_for(actor=request.user, activity_id=activity.pk)
    except Http404:  # not an organiser: the page shows no roster
        organised = None
    if organised is not None:
        link = (
            request.build_absolute_uri(reverse("web:volunteering_checkin")) + "?t=" + make_token(activity.pk)
        )
        context["roster"] = [
            {"signup": s, "name": mask_name(s.volunteer.name)}
            for s in selectors.roster_for(actor=request.user, activity=activity)
        ]
        context["qr_svg"] = segno.make(link, error="m").svg_inline(scale=4, dark="#1f2328", light="#ffffff")
        context["qr_link"] = link
        context.update(organiser_context(request))
    return render(request, "web/volunteering/activity.html", context)


@login_required
@require_POST
def activity_signup(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = selectors.activity_get_for(actor=request.user, activity_id=activity_id)
    back = reverse("web:volunteering_activity", args=[activity.pk])
    holder: dict[str, Signup] = {}

    def run() -> None:
        holder["s"] = services.signup_create(actor=request.user, activity=activity)

    response = _step(request, run, back, _("报名成功"))
    if "s" in holder and holder["s"].status == "waiting":
        messages.info(request, _("名额已满，您已进入候补，第 %(n)d 位报名") % {"n": holder["s"].position})
    return response


STEPS: dict[str, tuple[Callable[..., Any], str]] = {
    "cancel": (services.signup_cancel, "已取消报名"),
    "approve": (services.signup_approve, "已通过"),
    "decline": (services.signup_decline, "已不予通过"),
    "check_in": (services.rollcall_check_in, "已签到"),
    "check_out": (services.rollcall_check_out, "已签退"),
    "no_show": (services.signup_no_show, "已记为缺席"),
}


@login_required
@require_POST
def signup_step(request: HttpRequest, signup_id: int, step: str) -> HttpResponse:
    signup = selectors.signup_get_for(actor=request.user, signup_id=signup_id)
    back = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=False):
        back = reverse("web:volunteering_activity", args=[signup.activity_id])
    if step in ("hours_approve", "hours_decline"):
        return _step(
            request,
            lambda: services.hours_decide(
                actor=request.user,
                signup=signup,
                approve=step == "hours_approve",
                minutes=request.POST.get("minutes") or None,
                note=request.POST.get("note", ""),
            ),
            back,
            _("已认定时长") if step == "hours_approve" else _("已不予认定"),
        )
    if step == "correction":
        return _step(
            request,
            lambda: services.correction_request(
                actor=request.user,
                signup=signup,
                minutes=request.POST.get("minutes"),
                reason=request.POST.get("reason", ""),
            ),
            back,
            _("更正申请已提交"),
        )
    if step not in STEPS:
        return _refused(request, ValidationError({"step": [_("未知的操作")]}), back)
    fn, done = STEPS[step]
    return _step(request, lambda: fn(actor=request.user, signup=signup), back, _(done))


@login_required
def checkin(request: HttpRequest) -> HttpResponse:
    """The page the activity's QR code opens: check in or out with the token it carries."""
    token = request.POST.get("t") or request.GET.get("t", "")
    if request.method == "POST":
        step = services.check_out_by_qr if request.POST.get("direction") == "out" else services.check_in_by_qr
        try:
            signup = step(actor=request.user, token=token)
        except (ValidationError, PermissionDenied) as exc:
            return _refused(request, exc, reverse("web:volunteering_me"))
        messages.success(request, _("已签到") if signup.status == "checked_in" else _("已签退"))
        return redirect("web:volunteering_me")
    return render(request, "web/volunteering/checkin.html", {"token": token})


@login_required
def me(request: HttpRequest) -> HttpResponse:
    signups = list(selectors.my_signups(actor=request.user)[:200])
    context = {
        "signups": signups,
        "hours": {k: round(v / 60, 2) for k, v in selectors.my_hours(actor=request.user).items()},
        "teams": selectors.my_teams_with_hours(actor=request.user),
        "certificates": selectors.certificate_list_for(actor=request.user).filter(
            volunteer__user_id=request.user.pk or 0
        ),
        "is_volunteer": hasattr(request.user, "volunteer"),
    }
    return render(request, "web/volunteering/me.html", context)


@login_required
@require_POST
def certificate_request(request: HttpRequest) -> HttpResponse:
    back = reverse("web:volunteering_me")
    team = (
        selectors.my_teams_with_hours(actor=request.user)
        .filter(pk=_int(request.POST.get("team")) or 0)
        .first()
    )

    def run() -> None:
        if team is None:
            raise ValidationError({"team": [_("请选择志愿服务队")]})
        services.certificate_issue(
            actor=request.user, volunteer=services.own_volunteer(request.user), team=team
        )

    return _step(request, run, back, _("证明已出具"))


@login_required
def certificate_download(request: HttpRequest, certificate_id: int) -> HttpResponse:
    cert = selectors.certificate_get_for(actor=request.user, certificate_id=certificate_id)
    response = HttpResponse(certificate_pdf(cert), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{cert.number}.pdf"'
    return response


def _int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number < 2**31 else None


@login_required
def register(request: HttpRequest) -> HttpResponse:
    """Become a volunteer: one's own record, in one's community."""
    communities = Area.objects.filter(kind=AreaKind.COMMUNITY).order_by("path")
    if request.method == "POST":
        community = communities.filter(pk=_int(request.POST.get("community"))).first()
        try:
            if community is None:
                raise ValidationError({"community": [_("请选择社区")]})
            services.volunteer_register(
                actor=request.user,
                person=services.VolunteerInput(
                    name=request.POST.get("name", ""),
                    phone=request.POST.get("phone", ""),
                    skills=request.POST.get("skills", ""),
                ),
                community=community,
                user=request.user,
            )
        except ValidationError as exc:
            context = {"communities": communities, "errors": exc.messages, "data": request.POST}
            return render(request, "web/volunteering/register.html", context, status=400)
        messages.success(request, _("您已登记为志愿者"))
        return redirect("web:volunteering_activities")
    return render(request, "web/volunteering/register.html", {"communities": communities, "data": {}})


def verify(request: HttpRequest) -> HttpResponse:
    """Public: check a proof by its number."""
    number = request.GET.get("number", "").strip()[:40]
    found = None
    status = 200
    if number:
        try:
            found = selectors.certificate_public(number=number)
        except Http404:
            status = 404
    return render(request, "web/volunteering/verify.html", {"number": number, "found": found}, status=status)


# --- organisers -------------------------------------------------------------------------------


@login_required
def hours_queue(request: HttpRequest) -> HttpResponse:
    _require_organiser(request)
    pending = selectors.signup_list_for(actor=request.user, hours_status="pending")
    context = {
        "rankings": selectors.rankings_for(actor=request.user, year=timezone.localdate().year, limit=10),
        "page": Paginator(pending, PER_PAGE).get_page(request.GET.get("page")),
        "corrections": selectors.correction_list_for(actor=request.user).exclude(
            signup__volunteer__user_id=request.user.pk or 0
        )[:100],
    }
    return render(request, "web/volunteering/hours.html", context)


@login_required
@require_POST
def correction_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    found = selectors.correction_get_for(actor=request.user, request_id=request_id)
    return _step(
        request,
        lambda: services.correction_decide(
            actor=request.user, request=found, approve=request.POST.get("action") == "approve"
        ),
        reverse("web:volunteering_hours"),
        _("已审核更正申请"),
    )


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    _require_organiser(request)
    teams = selectors.team_list_for(actor=request.user, kind=request.GET.get("kind", ""))
    return render(
        request,
        "web/volunteering/teams.html",
        {"page": Paginator(teams, PER_PAGE).get_page(request.GET.get("page"))},
    )


@login_required
def volunteer_list(request: HttpRequest) -> HttpResponse:
    _require_organiser(request)
    qs = selectors.volunteer_list_for(actor=request.user, query=request.GET.get("q", "")[:30])
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    rows = [{"v": v, "name": mask_name(v.name)} for v in page.object_list]
    return render(
        request,
        "web/volunteering/volunteers.html",
        {"page": page, "rows": rows, "q": request.GET.get("q", "")},
    )


@login_required
def hours_export(request: HttpRequest) -> HttpResponse:
    """The approved records of the actor's scope, in the national system's fields (masked; the
    clear text only by POST with a reason)."""
    _require_organiser(request)
    unmasked = request.method == "POST"
    buffer = io.BytesIO()
    try:
        services.hours_export(
            actor=request.user,
            signups=selectors.signup_list_for(actor=request.user, hours_status="approved"),
            target=buffer,
            unmasked=unmasked,
            reason=request.POST.get("reason", "") if unmasked else "",
        )
    except (ValidationError, PermissionDenied) as exc:
        return _refused(request, exc, reverse("web:volunteering_hours"))
    return attachment(buffer.getvalue(), "volunteer-hours.xlsx")


IMPORTERS = {"teams": services.teams_import, "volunteers": services.volunteers_import}


@login_required
def roster_import(request: HttpRequest) -> HttpResponse:
    """Upload teams or volunteers (xlsx/CSV); all or nothing, errors by row and column."""
    _require_organiser(request)
    kind = request.POST.get("kind", "volunteers")
    context: dict[str, Any] = {"kind": kind}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        suffix = Path(getattr(upload, "name", "") or "").suffix.lower()
        if upload is None or suffix not in (".xlsx", ".csv") or kind not in IMPORTERS:
            context["error"], status = _("请选择 .xlsx 或 .csv 文件"), 400
        else:
            with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
                for chunk in upload.chunks():
                    tmp.write(chunk)
                tmp.flush()
                try:
                    context["result"] = IMPORTERS[kind](actor=request.user, source=tmp.name)
                except SpreadsheetError as exc:
                    context["error"], status = str(exc), 400
            if context.get("result") is not None and context["result"].errors:
                status = 400
    return render(request, "web/volunteering/import.html", context, status=status)


def phone_signup(request: HttpRequest, activity_id: int) -> HttpResponse:
    """Public: sign up without an account, with a phone number proved by an SMS code."""
    activity = selectors.activity_public(activity_id=activity_id)
    context: dict[str, Any] = {"activity": activity, "data": request.POST, "sent": False}
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "send":
                services.phone_code_send(
                    activity=activity, phone=request.POST.get("phone"), ip=client_ip(request)
                )
                context["sent"] = True
            else:
                context["sent"] = True
                signup = services.phone_sign_up(
                    activity=activity,
                    phone=request.POST.get("phone"),
                    code=request.POST.get("code"),
                    name=request.POST.get("name"),
                )
                context["signup"] = signup
        except ValidationError as exc:
            context["errors"], status = exc.messages, 400
        except RateLimited as exc:
            context["errors"] = [_("获取验证码过于频繁，请 %(n)d 分钟后再试。") % {"n": exc.retry_minutes}]
            status = 429
    return render(request, "web/volunteering/phone.html", context, status=status)


@login_required
def team_export(request: HttpRequest) -> HttpResponse:
    _require_organiser(request)
    teams = selectors.team_list_for(actor=request.user, kind=request.GET.get("kind", ""))
    return xlsx_attachment(
        lambda out: services.teams_export(actor=request.user, teams=teams, target=out), "teams.xlsx"
    )


@login_required
def volunteer_export(request: HttpRequest) -> HttpResponse:
    _require_organiser(request)
    found = selectors.volunteer_list_for(actor=request.user, query=request.GET.get("q", "")[:30])
    return xlsx_attachment(
        lambda out: services.volunteers_export(actor=request.user, volunteers=found, target=out),
        "volunteers.xlsx",
    )


def _moment(value: str | None, field: str) -> dt.datetime:
    parsed = parse_datetime(str(value or ""))
    if parsed is None:
        raise ValidationError({field: [_("请填写正确的时间")]})
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


@login_required
def organise(request: HttpRequest) -> HttpResponse:
    """The organiser's calendar (four weeks from the chosen week) with the forms to add a project
    and an activity (repeated weekly when asked)."""
    _require_organiser(request)
    status = 200
    errors: list[str] = []
    if request.method == "POST":
        try:
            if request.POST.get("form") == "project":
                team = (
                    selectors.team_list_for(actor=request.user)
                    .filter(pk=_int(request.POST.get("team")) or 0)
                    .first()
                )
                if team is None:
                    raise ValidationError({"team": [_("请选择志愿服务队")]})
                services.project_create(
                    actor=request.user,
                    team=team,
                    name=request.POST.get("name", ""),
                    kind=request.POST.get("kind", "other"),
                )
                messages.success(request, _("服务项目已建立"))
            else:
                project = (
                    selectors.projects_organised_for(actor=request.user)
                    .filter(pk=_int(request.POST.get("project")) or 0)
                    .first()
                )
                if project is None:
                    raise ValidationError({"project": [_("请选择服务项目")]})
                starts = _moment(request.POST.get("starts_at"), "starts_at")
                room = offered_room(request.user, request.POST.get("room"))
                activity = services.activity_create(
                    actor=request.user,
                    project=project,
                    title=request.POST.get("title", ""),
                    starts_at=starts,
                    ends_at=_moment(request.POST.get("ends_at"), "ends_at"),
                    address=request.POST.get("address", ""),
                    latitude=request.POST.get("latitude") or None,
                    longitude=request.POST.get("longitude") or None,
                    capacity=_int(request.POST.get("capacity")) or 0,
                    signup_closes=starts,
                    room=room,
                )
                weeks = _int(request.POST.get("repeat_weeks")) or 0
                if weeks:
                    services.activity_repeat(actor=request.user, activity=activity, every_days=7, times=weeks)
                messages.success(request, _("活动已发布"))
            return redirect("web:volunteering_organise")
        except ValidationError as exc:
            errors, status = exc.messages, http_status_for(exc) or 400
        except PermissionDenied as exc:
            errors, status = [str(exc)], 403
    today = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=today.weekday()), dt.time()))
    days: dict[dt.date, list[Any]] = {}
    for a in selectors.activities_organised_for(
        actor=request.user, start=start, end=start + dt.timedelta(days=28)
    ):
        days.setdefault(timezone.localtime(a.starts_at).date(), []).append(a)
    context = {
        "days": sorted(days.items()),
        "teams": selectors.team_list_for(actor=request.user),
        "projects": selectors.projects_organised_for(actor=request.user),
        "kinds": ProjectKind.choices,
        "rooms": bookable_rooms_for(request.user)[:300],
        "errors": errors,
        # A taken room (409) is said again under the room field, where it is changed.
        "room_taken": errors[0] if status == 409 and request.POST.get("room") else "",
        "data": request.POST,
    }
    return render(request, "web/volunteering/organise.html", context, status=status)
