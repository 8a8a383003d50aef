"""Append-only events of volunteering: one small typed function per kind, written in the
transaction of the change they record. A sign-up's history (``SignupEvent``) and a volunteer's
(``VolunteerEvent``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from quanyu.core.workflow.events import actor_fields
from quanyu.volunteering.models import Signup, SignupEvent, SignupEventKind, Volunteer, VolunteerEvent


def _signup(
    signup: Signup, kind: str, actor: Any, at: dt.datetime | None = None, **payload: Any
) -> SignupEvent:
    return SignupEvent.objects.create(
        signup=signup, kind=kind, at=at or timezone.now(), payload=payload, **actor_fields(actor)
    )


def signed_up_event(*, signup: Signup, actor: Any, status: str, position: int) -> SignupEvent:
    return _signup(signup, SignupEventKind.SIGNED_UP, actor, status=status, position=position)


def approved_event(*, signup: Signup, actor: Any, status: str) -> SignupEvent:
    return _signup(signup, SignupEventKind.APPROVED, actor, status=status)


def declined_event(*, signup: Signup, actor: Any, reason: str) -> SignupEvent:
    return _signup(signup, SignupEventKind.DECLINED, actor, reason=reason)


def promoted_event(*, signup: Signup, actor: Any, freed_by: int) -> SignupEvent:
    return _signup(signup, SignupEventKind.PROMOTED, actor, freed_by=freed_by)


def cancelled_event(*, signup: Signup, actor: Any, was: str) -> SignupEvent:
    return _signup(signup, SignupEventKind.CANCELLED, actor, was=was)


def checked_in_event(*, signup: Signup, actor: Any, at: dt.datetime, by: str, late: bool) -> SignupEvent:
    return _signup(signup, SignupEventKind.CHECKED_IN, actor, at=at, by=by, late=late)


def checked_out_event(*, signup: Signup, actor: Any, at: dt.datetime, by: str, minutes: int) -> SignupEvent:
    return _signup(signup, SignupEventKind.CHECKED_OUT, actor, at=at, by=by, minutes=minutes)


def auto_closed_event(*, signup: Signup, at: dt.datetime, minutes: int) -> SignupEvent:
    return _signup(signup, SignupEventKind.AUTO_CLOSED, None, at=at, minutes=minutes)


def no_show_event(*, signup: Signup, actor: Any, no_shows: int) -> SignupEvent:
    return _signup(signup, SignupEventKind.NO_SHOW, actor, no_shows=no_shows)


def hours_decided_event(
    *, signup: Signup, actor: Any, approved: bool, minutes: int, note: str
) -> SignupEvent:
    kind = SignupEventKind.HOURS_APPROVED if approved else SignupEventKind.HOURS_DECLINED
    return _signup(signup, kind, actor, minutes=minutes, note=note)


def correction_requested_event(
    *, signup: Signup, actor: Any, old: int, new: int, request: int
) -> SignupEvent:
    return _signup(signup, SignupEventKind.CORRECTION_REQUESTED, actor, old=old, new=new, request=request)


def correction_decided_event(
    *, signup: Signup, actor: Any, approved: bool, old: int, new: int, request: int
) -> SignupEvent:
    kind = SignupEventKind.CORRECTION_APPROVED if approved else SignupEventKind.CORRECTION_REJECTED
    return _signup(signup, kind, actor, old=old, new=new, request=request)


def _volunteer(volunteer: Volunteer, kind: str, actor: Any, **payload: Any) -> VolunteerEvent:
    return VolunteerEvent.objects.create(
        volunteer=volunteer, kind=kind, payload=payload, **actor_fields(actor)
    )


def volunteer_registered_event(*, volunteer: Volunteer, actor: Any) -> VolunteerEvent:
    return _volunteer(volunteer, "registered", actor)


def volunteer_joined_event(*, volunteer: Volunteer, actor: Any, team: int) -> VolunteerEvent:
    return _volunteer(volunteer, "joined", actor, team=team)


def certificate_issued_event(
    *, volunteer: Volunteer, actor: Any, number: str, minutes: int
) -> VolunteerEvent:
    return _volunteer(volunteer, "certificate_issued", actor, number=number, minutes=minutes)
