"""Residents without an account sign up with a phone number proved by an SMS code (sent through
the notify SMS adapter). Rate-limited per number and per client address (``core.ratelimit``):
``VOLUNTEERING_CODE_PHONE_RATE`` (default ``3/10m``) and ``VOLUNTEERING_CODE_IP_RATE``
(``10/10m``); a code lives 10 minutes and allows five tries. The number finds the volunteer
record (by its keyed hash) or makes one in the activity's community."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from quanyu.core.idnumber import validate_mobile
from quanyu.core.pii import pii_hash
from quanyu.core.ratelimit import Check, hit, rate_setting
from quanyu.notify.services import notify_send
from quanyu.volunteering import events
from quanyu.volunteering.models import Activity, Signup, Volunteer
from quanyu.volunteering.services.registry import new_volunteer_number
from quanyu.volunteering.services.signups import sign_up_checked

CODE_SECONDS = 600
MAX_TRIES = 5


def _phone(value: Any) -> str:
    try:
        return validate_mobile(str(value or ""))
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from None


def _key(phone: str, activity_id: int) -> str:
    return f"volunteering:code:{pii_hash('phone', phone)}:{activity_id}"


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def phone_code_send(*, activity: Activity, phone: Any, ip: str | None) -> None:
    """Text a six-digit code to ``phone`` for signing up to ``activity`` (``RateLimited`` when the
    number or the address asked too often: nothing sent)."""
    number = _phone(phone)
    hit(
        Check("volunteer-code-phone", number, rate_setting("VOLUNTEERING_CODE_PHONE_RATE", "3/10m")),
        Check("volunteer-code-ip", ip or "", rate_setting("VOLUNTEERING_CODE_IP_RATE", "10/10m")),
    )
    code = f"{secrets.randbelow(10**6):06d}"
    cache.set(_key(number, activity.pk), {"code": _digest(code), "tries": 0}, CODE_SECONDS)
    with transaction.atomic():
        notify_send(
            recipients=[],
            phones=[number],
            kind="volunteering_code",
            title=_("志愿活动报名验证码 %(code)s，10分钟内有效，请勿告诉他人。") % {"code": code},
        )


def phone_sign_up(*, activity: Activity, phone: Any, code: Any, name: Any) -> Signup:
    """Sign the person with ``phone`` up for ``activity`` once ``code`` matches the one texted."""
    number = _phone(phone)
    key = _key(number, activity.pk)
    held = cache.get(key)
    if not held or held["tries"] >= MAX_TRIES:
        raise ValidationError({"code": [_("验证码已失效，请重新获取")]})
    if not hmac.compare_digest(held["code"], _digest(str(code or "").strip())):
        held["tries"] += 1
        cache.set(key, held, CODE_SECONDS)
        raise ValidationError({"code": [_("验证码不正确")]})
    text = str(name or "").strip()
    volunteer = Volunteer.objects.filter(phone_hash=pii_hash("phone", number)).first()
    if volunteer is None and not text:
        raise ValidationError({"name": [_("请填写姓名")]})
    if len(text) > 50:
        raise ValidationError({"name": [_("姓名不能超过50个字")]})
    if not Activity.objects.filter(pk=activity.pk).exists():
        raise Http404
    with transaction.atomic():
        if volunteer is None:
            community = activity.project.team.community
            volunteer = Volunteer.objects.create(
                number=new_volunteer_number(),
                name=text,
                phone=number,
                phone_hash=pii_hash("phone", number),
                community=community,
                scope_path=community.path,
            )
            events.volunteer_registered_event(volunteer=volunteer, actor=None)
        signup = sign_up_checked(actor=None, activity_id=activity.pk, volunteer=volunteer, at=None)
    cache.delete(key)
    return signup
