"""Monthly activity plans (每月活动计划): posted by the venue's staff at the start of the month."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.accounts.models import RoleGrant
from quanyu.areas.models import Area
from quanyu.core.workflow import lock
from quanyu.notify.services import notify_send
from quanyu.venues import conf, events
from quanyu.venues.access import EDITORS, require_editor
from quanyu.venues.models import CENTRE_KINDS, ActivityPlan, PlanItem, Venue
from quanyu.venues.states import VenueStatus

MAX_ITEMS = 200


def _clean_items(month: dt.date, items: list[dict[str, Any]], room_ids: set[int]) -> list[dict[str, Any]]:
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        raise ValidationError({"items": [_("活动应为列表，最多%(n)d项") % {"n": MAX_ITEMS}]})
    out = []
    for i, item in enumerate(items, start=1):
        day, start, end = item.get("day"), item.get("start"), item.get("end")
        title = (item.get("title") or "").strip()
        where = _("第%(i)d项：") % {"i": i}
        if not isinstance(day, dt.date) or (day.year, day.month) != (month.year, month.month):
            raise ValidationError({"items": [where + _("日期须在计划月份内")]})
        if not isinstance(start, dt.time) or not isinstance(end, dt.time) or end <= start:
            raise ValidationError({"items": [where + _("结束时间须晚于开始时间")]})
        if not title or len(title) > 200:
            raise ValidationError({"items": [where + _("请填写活动名称（200字以内）")]})
        room = item.get("room")
        if room is not None and room not in room_ids:
            raise ValidationError({"items": [where + _("功能室不属于该阵地")]})
        out.append(
            {
                "day": day,
                "start": start,
                "end": end,
                "title": title,
                "room_id": room,
                "organiser": (item.get("organiser") or "")[:100],
            }
        )
    return out


def plan_post(*, actor: Any, venue: Venue, month: dt.date, items: list[dict[str, Any]]) -> ActivityPlan:
    """Post (or replace) the venue's plan for ``month``: items ``{day, start, end, title, room?,
    organiser?}``; a bad item is named by its number."""
    if not isinstance(month, dt.date):
        raise ValidationError({"month": [_("请填写月份")]})
    month = month.replace(day=1)
    with transaction.atomic():
        locked = lock(Venue.objects).select_related("area").get(pk=venue.pk)
        require_editor(actor, locked.area.path)
        rows = _clean_items(month, items, set(locked.rooms.values_list("pk", flat=True)))
        plan, _created = ActivityPlan.objects.get_or_create(
            venue=locked, month=month, defaults={"posted_by": actor}
        )
        plan.items.all().delete()
        PlanItem.objects.bulk_create([PlanItem(plan=plan, **row) for row in rows])
        events.venue_plan_posted_event(
            venue=locked, actor=actor, month=month.isoformat()[:7], items=len(rows)
        )
        return plan


def plan_item_attendance(*, actor: Any, item: PlanItem, attendance: int) -> PlanItem:
    """Record how many people came to one activity of the plan, once its day has come (a count for
    an activity still ahead would feed the usage figures with people who have not come)."""
    if not isinstance(attendance, int) or isinstance(attendance, bool) or not 0 <= attendance <= 10000:
        raise ValidationError({"attendance": [_("实到人数应为0到10000")]})
    with transaction.atomic():
        locked = lock(PlanItem.objects).select_related("plan__venue__area").get(pk=item.pk)
        require_editor(actor, locked.plan.venue.area.path)
        if locked.day > timezone.localdate():
            raise ValidationError({"attendance": [_("活动尚未举行，不能登记实到人数")]})
        locked.attendance = attendance
        locked.save(update_fields=["attendance"])
        events.venue_changed_event(
            venue=locked.plan.venue, actor=actor, fields=[f"plan_item.{locked.pk}.attendance"]
        )
        return locked


def plan_add_item(*, actor: Any, venue: Venue, item: dict[str, Any]) -> PlanItem:
    """Add one activity to the month of its day (the plan is posted with it when it is the first),
    from the calendar page; the item is checked as ``plan_post`` checks each one."""
    day = item.get("day")
    if not isinstance(day, dt.date):
        raise ValidationError({"day": [_("请填写日期")]})
    month = day.replace(day=1)
    with transaction.atomic():
        locked = lock(Venue.objects).select_related("area").get(pk=venue.pk)
        require_editor(actor, locked.area.path)
        (row,) = _clean_items(month, [item], set(locked.rooms.values_list("pk", flat=True)))
        plan, _created = ActivityPlan.objects.get_or_create(
            venue=locked, month=month, defaults={"posted_by": actor}
        )
        added = PlanItem.objects.create(plan=plan, **row)
        events.venue_plan_posted_event(
            venue=locked, actor=actor, month=month.isoformat()[:7], items=plan.items.count()
        )
        return added


def keepers_for(paths: set[str]) -> dict[str, list[Any]]:
    """Who posts each venue area's plan: the registry editors granted at the area itself, else at
    the nearest area above that has any (a street centre's street staff, a community's staff).
    One query for all the areas of a sweep."""
    prefixes = {p[:n] for p in paths for n in range(Area.steplen, len(p) + 1, Area.steplen)}
    at: dict[str, dict[int, Any]] = {}
    for grant in RoleGrant.objects.filter(
        role__in=list(EDITORS), area__path__in=prefixes, user__is_active=True
    ).select_related("user", "area"):
        at.setdefault(grant.area.path, {})[grant.user_id] = grant.user
    out = {}
    for path in paths:
        nearest = next((at[path[:n]] for n in range(len(path), 0, -Area.steplen) if path[:n] in at), {})
        out[path] = [nearest[pk] for pk in sorted(nearest)]
    return out


def plans_remind(today: dt.date | None = None) -> int:
    """Remind the keepers of every in-use centre (district, street, community) that has not posted
    this month's activity plan once the due day (``VENUES_PLAN_DUE_DAY``) has passed: one
    notification per venue and month (``Venue.plan_reminded_for``, rows claimed under lock, so
    a repeated or concurrent sweep tells nobody twice), each a venue event. Returns how many
    venues were reminded."""
    today = today or timezone.localdate()
    month = today.replace(day=1)
    due = month.replace(day=int(conf.get("VENUES_PLAN_DUE_DAY")))
    if today <= due:
        return 0
    reminded = 0
    with transaction.atomic():
        late = list(
            lock(
                Venue.objects.filter(status=VenueStatus.IN_USE, kind__in=CENTRE_KINDS)
                .exclude(pk__in=ActivityPlan.objects.filter(month=month).values("venue_id"))
                .exclude(plan_reminded_for=month),
                skip_locked=True,
            )
            .select_related("area")
            .order_by("pk")
        )
        keepers_at = keepers_for({venue.area.path for venue in late})
        for venue in late:
            keepers = keepers_at[venue.area.path]
            venue.plan_reminded_for = month
            venue.save(update_fields=["plan_reminded_for"])
            notify_send(
                recipients=keepers,
                kind="venue_plan_late",
                title=_("%(venue)s 尚未发布%(month)s活动计划")
                % {"venue": venue.name, "month": f"{month:%Y-%m}"},
                body=_("每月活动计划应于 %(due)s 前发布，请尽快发布。") % {"due": due.isoformat()},
                link=reverse("web:venue_detail", args=[venue.pk]),
            )
            events.venue_plan_reminded_event(
                venue=venue, month=f"{month:%Y-%m}", due=due.isoformat(), told=len(keepers)
            )
            reminded += 1
    return reminded
