"""Loading a record kept elsewhere: teams with their volunteers, a project each, and the activities
already held, with their sign-ups, attendance and hours — in bulk, for a district moving its
volunteer register and past year onto the platform (and for the demo city, which holds a year of
600 teams). One transaction: every row is checked before anything is written, and an error names
the team and activity it is about.

What the per-step services would have written is written here too: the same statuses, the same
events (registered, joined, signed up, checked in and out, no-show, hours decided), the same
counters (``Activity.taken``/``arrivals``, ``Volunteer.no_shows``). Volunteers loaded this way
have no account and no party-member link, so no points are due: a member's past service is
recorded through ``hours_decide``, which awards them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.areas.models import Area
from quanyu.core.bulk import fast_insert
from quanyu.core.workflow import ConflictError
from quanyu.core.workflow.events import actor_fields
from quanyu.venues.models import Booking, Room
from quanyu.venues.services.bulk import PastBooking, bookings_bulk_record
from quanyu.venues.states import BookingStatus
from quanyu.volunteering import access
from quanyu.volunteering.conf import early_checkin, late_grace
from quanyu.volunteering.models import (
    Activity,
    Project,
    ProjectKind,
    Signup,
    SignupEvent,
    SignupEventKind,
    Team,
    TeamKind,
    TeamMember,
    Volunteer,
    VolunteerEvent,
    contact_phone_hash,
)
from quanyu.volunteering.services.registry import (
    VolunteerInput,
    _clean_volunteer,
    _community,
    _text,
    new_volunteer_number,
)
from quanyu.volunteering.services.rooms import place_from_room
from quanyu.volunteering.states import HoursStatus, SignupStatus

HOURS = {"approved": HoursStatus.APPROVED, "declined": HoursStatus.DECLINED, "pending": HoursStatus.PENDING}


@dataclass
class PastSignup:
    """One sign-up, in arrival order. Beyond the activity's capacity it waits. A confirmed one of a
    past activity came (``arrived``) or was a no-show (``arrived`` None); ``left`` None leaves it
    checked in, for the attendance sweep to close and flag."""

    volunteer: int  # index into TeamHistory.volunteers
    at: dt.datetime
    arrived: dt.datetime | None = None
    left: dt.datetime | None = None
    hours: str = "approved"  # approved | declined | pending
    note: str = ""


@dataclass
class PastActivity:
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    address: str
    capacity: int
    signups: list[PastSignup] = field(default_factory=list)
    # The venue room it was (or will be) held in: booked with it as the team's booking (used once
    # held, else approved or waiting for approval), the venue giving its address.
    room: Room | None = None


@dataclass
class TeamHistory:
    name: str
    kind: str
    community: Area
    organisation: str
    project_name: str
    project_kind: str = ProjectKind.OTHER
    responsible_person: str = ""
    contact_phone: str = ""
    skills: str = ""
    joined_on: dt.date | None = None
    volunteers: list[VolunteerInput] = field(default_factory=list)
    activities: list[PastActivity] = field(default_factory=list)


@dataclass
class HistoryResult:
    teams: int = 0
    volunteers: int = 0
    activities: int = 0
    signups: int = 0
    events: int = 0


def _where(t: int, a: int | None = None) -> str:
    if a is None:
        return _("第%(t)d支队伍") % {"t": t + 1}
    return _("第%(t)d支队伍第%(a)d次活动") % {"t": t + 1, "a": a + 1}


def _fail(where: str, message: str) -> ValidationError:
    return ValidationError(f"{where}：{message}")


def _check_team(t: int, team: TeamHistory) -> dict[str, Any]:
    try:
        if team.kind not in TeamKind.values:
            raise ValidationError({"kind": [_("队伍类型无效")]})
        if team.project_kind not in ProjectKind.values:
            raise ValidationError({"project_kind": [_("项目类型无效")]})
        return {
            "name": _text(team.name, "name", _("队伍名称"), max_length=100),
            "organisation": _text(team.organisation, "organisation", _("组织单位"), max_length=100),
            "project": _text(team.project_name, "project_name", _("项目名称"), max_length=100),
            "responsible_person": _text(
                team.responsible_person, "responsible_person", _("负责人"), max_length=50, required=False
            ),
            "contact_phone": _text(
                team.contact_phone, "contact_phone", _("联系电话"), max_length=30, required=False
            ),
            "skills": _text(team.skills, "skills", _("服务特长"), max_length=200, required=False),
            "community": _community(team.community),
        }
    except ValidationError as exc:
        raise _fail(_where(t), "；".join(exc.messages)) from None


def _check_activity(t: int, a: int, activity: PastActivity, volunteers: int, now: dt.datetime) -> None:
    where = _where(t, a)
    try:
        _text(activity.title, "title", _("活动名称"), max_length=100)
        _text(activity.address, "address", _("地点"), max_length=200)
    except ValidationError as exc:
        raise _fail(where, "；".join(exc.messages)) from None
    if activity.capacity < 1:
        raise _fail(where, _("名额至少为1"))
    if activity.ends_at <= activity.starts_at:
        raise _fail(where, _("结束时间须晚于开始时间"))
    seen: set[int] = set()
    for n, s in enumerate(activity.signups):
        if not 0 <= s.volunteer < volunteers or s.volunteer in seen:
            raise _fail(where, _("第%(n)d条报名的志愿者无效或重复") % {"n": n + 1})
        seen.add(s.volunteer)
        if s.hours not in HOURS:
            raise _fail(where, _("第%(n)d条报名的时长认定无效") % {"n": n + 1})
        came = s.arrived is not None
        if came and (n >= activity.capacity or activity.ends_at > now):
            raise _fail(where, _("第%(n)d条报名不能签到（候补或活动未结束）") % {"n": n + 1})
        if came and not activity.starts_at - early_checkin() <= s.arrived <= activity.ends_at:  # type: ignore[operator]
            raise _fail(where, _("第%(n)d条报名的签到时间不在活动时间内") % {"n": n + 1})
        if s.left is not None and (not came or s.left < s.arrived):  # type: ignore[operator]
            raise _fail(where, _("第%(n)d条报名的签退时间早于签到时间") % {"n": n + 1})


def _place(past: PastActivity) -> dict[str, Any]:
    """The activity's address and point: the venue's when it was held in a room."""
    if past.room is not None:
        return place_from_room(past.room)
    return {"address": past.address.strip()}


def _book_rooms(actor: Any, teams: list[TeamHistory], now: dt.datetime) -> dict[tuple[int, int], Booking]:
    """The team bookings of the activities held in a venue room, through venues' bulk loader (its
    overlap check included): keyed by (team, activity) index."""
    keys: list[tuple[int, int]] = []
    rows: list[PastBooking] = []
    for t, team in enumerate(teams):
        for a, past in enumerate(team.activities):
            room = past.room
            if room is None:
                continue
            if past.starts_at <= now:
                status = BookingStatus.USED
            else:
                status = BookingStatus.APPROVED if room.auto_approve else BookingStatus.REQUESTED
            rows.append(
                PastBooking(
                    room=room,
                    booker=actor,
                    starts_at=past.starts_at,
                    ends_at=past.ends_at,
                    purpose=_("志愿活动：%(t)s") % {"t": past.title.strip()},
                    status=status,
                    booker_kind=Booking.BookerKind.TEAM,
                    team=team.name.strip()[:100],
                    expected=past.capacity,
                    attendance=sum(1 for s in past.signups if s.arrived is not None),
                )
            )
            keys.append((t, a))
    if not rows:
        return {}
    try:
        made = bookings_bulk_record(actor=actor, rows=rows)
    except ConflictError as exc:
        raise ConflictError(_("活动的功能室预约冲突：%(m)s") % {"m": "；".join(exc.messages)}) from None
    return dict(zip(keys, made, strict=True))


@transaction.atomic
def history_load(*, actor: Any, teams: list[TeamHistory], now: dt.datetime | None = None) -> HistoryResult:
    """Write ``teams`` with everything under them, or nothing (a ``ValidationError`` naming the team,
    the activity and the sign-up). The actor must be staff of every team's community."""
    now = now or timezone.now()
    cleaned = [_check_team(t, team) for t, team in enumerate(teams)]
    for path in {c["community"].path for c in cleaned}:
        access.require_staff(actor, path)
    people: list[list[dict[str, Any]]] = []
    hashes: set[str] = set()
    for t, team in enumerate(teams):
        rows = []
        for v, person in enumerate(team.volunteers):
            try:
                row = _clean_volunteer(person)
            except ValidationError as exc:
                raise _fail(
                    _where(t), _("第%(v)d名志愿者：%(m)s") % {"v": v + 1, "m": "；".join(exc.messages)}
                ) from None
            if row["id_hash"] and row["id_hash"] in hashes:
                raise _fail(_where(t), _("第%(v)d名志愿者的身份证号重复") % {"v": v + 1})
            if row["id_hash"]:
                hashes.add(row["id_hash"])
            rows.append(row)
        people.append(rows)
        for a, activity in enumerate(team.activities):
            _check_activity(t, a, activity, len(rows), now)
    taken = sorted(hashes)
    for i in range(0, len(taken), 500):
        if Volunteer.objects.filter(id_hash__in=taken[i : i + 500]).exists():
            raise ValidationError(_("有志愿者的身份证号已注册为志愿者"))

    fields = actor_fields(actor)
    who = {"actor_id": getattr(fields["actor"], "pk", None), "actor_name": fields["actor_name"]}
    made_teams = Team.objects.bulk_create(
        [
            Team(
                name=c["name"],
                kind=team.kind,
                community=c["community"],
                scope_path=c["community"].path,
                organisation=c["organisation"],
                responsible_person=c["responsible_person"],
                contact_phone=c["contact_phone"],
                contact_phone_hash=contact_phone_hash(c["contact_phone"]),  # bulk: no save()
                skills=c["skills"],
            )
            for team, c in zip(teams, cleaned, strict=True)
        ]
    )
    plans = [_plan(team, now) for team in teams]
    ids = _write_volunteers(made_teams, teams, people, plans, who, now)
    projects = Project.objects.bulk_create(
        [
            Project(team=made, name=c["project"], kind=team.project_kind, scope_path=made.scope_path)
            for made, team, c in zip(made_teams, teams, cleaned, strict=True)
        ]
    )
    booked = _book_rooms(actor, teams, now)
    held = Activity.objects.bulk_create(
        [
            Activity(
                project=project,
                title=past.title.strip(),
                starts_at=past.starts_at,
                ends_at=past.ends_at,
                **_place(past),
                room=past.room,
                booking=booked.get((t, a)),
                capacity=past.capacity,
                signup_opens=past.starts_at - dt.timedelta(days=21),
                signup_closes=past.starts_at - dt.timedelta(hours=1),
                scope_path=project.scope_path,
                taken=min(past.capacity, len(past.signups)),
                arrivals=len(past.signups),
            )
            for t, (project, team) in enumerate(zip(projects, teams, strict=True))
            for a, past in enumerate(team.activities)
        ],
        batch_size=1000,
    )
    signups: list[dict[str, Any]] = []
    steps: list[list[dict[str, Any]]] = []
    in_order = iter(held)
    for made_ids, plan in zip(ids, plans, strict=True):
        for activity_plan in plan:
            made = next(in_order)
            for row, events in activity_plan:
                row.update(activity_id=made.pk, scope_path=made.scope_path)
                row["volunteer_id"] = made_ids[row.pop("volunteer")]
                signups.append(row)
                steps.append(events)
    fast_insert(Signup, signups)
    signup_ids = _read_back(
        Signup.objects.filter(activity_id__in=[a.pk for a in held]), ("activity_id", "position")
    )
    signup_events = [
        {"signup_id": signup_ids[(row["activity_id"], row["position"])], **event, **who}
        for row, events in zip(signups, steps, strict=True)
        for event in events
    ]
    fast_insert(SignupEvent, signup_events)
    volunteers = sum(len(made) for made in ids)
    return HistoryResult(
        teams=len(made_teams),
        volunteers=volunteers,
        activities=len(held),
        signups=len(signups),
        events=2 * volunteers + len(signup_events),
    )


def _read_back(rows: Any, key: tuple[str, ...]) -> dict[Any, int]:
    return {
        tuple(values[:-1]) if len(key) > 1 else values[0]: values[-1]
        for values in rows.values_list(*key, "id")
    }


def _write_volunteers(
    made_teams: list[Team],
    teams: list[TeamHistory],
    people: list[list[dict[str, Any]]],
    plans: list[list[list[tuple[dict[str, Any], list[dict[str, Any]]]]]],
    who: dict[str, Any],
    now: dt.datetime,
) -> list[list[int]]:
    """The volunteers, their memberships and their two first events; their ids, by team."""
    numbers: list[list[str]] = []
    rows = []
    for made, found, plan in zip(made_teams, people, plans, strict=True):
        absent = [0] * len(found)
        missed = [
            (events[-1]["at"], row["volunteer"], events[-1])
            for activity_plan in plan
            for row, events in activity_plan
            if row["status"] == SignupStatus.NO_SHOW
        ]
        for _at, v, event in sorted(missed, key=lambda m: (m[0], m[1])):
            absent[v] += 1
            event["payload"]["no_shows"] = absent[v]  # the count as the services record it
        mine = [new_volunteer_number() for _ in found]
        numbers.append(mine)
        rows += [
            {
                **person,
                "number": number,
                "community_id": made.community_id,
                "scope_path": made.scope_path,
                "no_shows": n,
            }
            for person, number, n in zip(found, mine, absent, strict=True)
        ]
    fast_insert(Volunteer, rows)
    every = [n for mine in numbers for n in mine]
    found_ids: dict[Any, int] = {}
    for i in range(0, len(every), 900):
        found_ids.update(_read_back(Volunteer.objects.filter(number__in=every[i : i + 900]), ("number",)))
    ids = [[found_ids[n] for n in mine] for mine in numbers]
    members, history = [], []
    for made, team, made_ids in zip(made_teams, teams, ids, strict=True):
        joined_on = team.joined_on or timezone.localdate(now)
        for pk in made_ids:
            members.append({"team_id": made.pk, "volunteer_id": pk, "joined_on": joined_on})
            history.append({"volunteer_id": pk, "kind": "registered", "at": now, "payload": {}, **who})
            history.append(
                {"volunteer_id": pk, "kind": "joined", "at": now, "payload": {"team": made.pk}, **who}
            )
    fast_insert(TeamMember, members)
    fast_insert(VolunteerEvent, history)
    return ids


def _plan(team: TeamHistory, now: dt.datetime) -> list[list[tuple[dict[str, Any], list[dict[str, Any]]]]]:
    """Per activity, each sign-up's row (by attname; ``volunteer`` still an index) and its events, as
    the services would record them."""
    grace = late_grace()
    plan = []
    for past in team.activities:
        made = []
        for n, s in enumerate(past.signups):
            status = SignupStatus.CONFIRMED if n < past.capacity else SignupStatus.WAITING
            row: dict[str, Any] = {"volunteer": s.volunteer, "status": status, "position": n + 1}
            events = [
                {
                    "kind": SignupEventKind.SIGNED_UP,
                    "at": s.at,
                    "payload": {"status": status, "position": n + 1},
                }
            ]
            if status == SignupStatus.CONFIRMED and past.ends_at <= now:
                _attend(row, past, s, grace, events)
            made.append((row, events))
        plan.append(made)
    return plan


def _attend(
    row: dict[str, Any], past: PastActivity, s: PastSignup, grace: dt.timedelta, events: list[dict[str, Any]]
) -> None:
    if s.arrived is None:
        row["status"] = SignupStatus.NO_SHOW
        events.append({"kind": SignupEventKind.NO_SHOW, "at": past.ends_at, "payload": {}})
        return
    late = s.arrived > past.starts_at + grace
    row.update(status=SignupStatus.CHECKED_IN, checked_in_at=s.arrived, late=late)
    events.append(
        {"kind": SignupEventKind.CHECKED_IN, "at": s.arrived, "payload": {"by": "rollcall", "late": late}}
    )
    if s.left is None:
        return
    minutes = min(int(max(0.0, (s.left - s.arrived).total_seconds()) // 60), _length(past))
    row.update(
        status=SignupStatus.CHECKED_OUT, checked_out_at=s.left, minutes=minutes, hours_status=HOURS[s.hours]
    )
    events.append(
        {"kind": SignupEventKind.CHECKED_OUT, "at": s.left, "payload": {"by": "rollcall", "minutes": minutes}}
    )
    if s.hours != "pending":
        kind = SignupEventKind.HOURS_APPROVED if s.hours == "approved" else SignupEventKind.HOURS_DECLINED
        payload = {"minutes": minutes, "note": s.note[:300]}
        events.append({"kind": kind, "at": s.left + dt.timedelta(days=1), "payload": payload})


def _length(past: PastActivity) -> int:
    return max(0, int((past.ends_at - past.starts_at).total_seconds() // 60))
