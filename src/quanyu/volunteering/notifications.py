"""What volunteering tells volunteers: a place freed for them (promoted from the waiting list), a
reminder the day before; and organisers: the venue released the activity's room. In-app for
volunteers with an account, SMS to the phone of those without (through the notify outbox, after
commit)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.notify.services import notify_send
from quanyu.venues.models import Booking
from quanyu.venues.services.linked import released_details
from quanyu.venues.states import BookingStatus
from quanyu.volunteering.models import Activity, Signup


def _send(signup: Signup, kind: str, title: str, body: str) -> None:
    volunteer = signup.volunteer
    notify_send(
        recipients=[volunteer.user] if volunteer.user_id else [],
        phones=[] if volunteer.user_id or not volunteer.phone else [volunteer.phone],
        kind=kind,
        title=title,
        body=body,
        link=reverse("web:volunteering_activity", args=[signup.activity_id]),
    )


def _when(signup: Signup) -> str:
    return timezone.localtime(signup.activity.starts_at).strftime("%m-%d %H:%M")


def tell_promoted(signup: Signup) -> None:
    _send(
        signup,
        "volunteering_promoted",
        _("候补转正：%(title)s") % {"title": signup.activity.title},
        _("有人取消报名，您已从候补转为正式报名。活动时间 %(when)s，地点 %(place)s。")
        % {"when": _when(signup), "place": signup.activity.address},
    )


def remind(signup: Signup) -> None:
    _send(
        signup,
        "volunteering_reminder",
        _("活动提醒：%(title)s") % {"title": signup.activity.title},
        _("您报名的志愿活动将于 %(when)s 在 %(place)s 开始，到场后请扫码签到。")
        % {"when": _when(signup), "place": signup.activity.address},
    )


def tell_room_released(activity: Activity, booking: Booking, actor: Any, reason: str) -> None:
    """The venue declined or cancelled the activity's room booking: its organisers (the one who
    booked, the team's leader) are told, in the transaction that cleared the room."""
    declined = booking.status == BookingStatus.DECLINED
    notify_send(
        recipients=[
            u for u in (booking.booker, activity.project.team.leader) if u is not None and u != actor
        ],
        kind="volunteering_room_released",
        title=(_("功能室预约未获批准：%(title)s") if declined else _("功能室预约已被取消：%(title)s"))
        % {"title": activity.title},
        body=_("%(room)s（%(slot)s）%(what)s。原因：%(reason)s。请为活动另选功能室或通知志愿者。")
        % released_details(booking, reason),
        link=reverse("web:volunteering_activity", args=[activity.pk]),
    )
