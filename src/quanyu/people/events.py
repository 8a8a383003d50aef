"""Append-only events of the people domain: one small typed function per event kind, written in the
same transaction as the change they record — the list of what can happen to a member, a report
(双报到) and a floating member's record, in one file. Each table extends
``quanyu.core.workflow.events.EventBase`` (at, actor, actor_name, kind, payload)."""

from __future__ import annotations

from typing import Any

from quanyu.core.workflow.events import actor_fields
from quanyu.people.models import FloatingEvent, FloatingRecord, MemberEvent, PartyMember, Report, ReportEvent

# --- a member's history (MemberEvent) -------------------------------------------------------------


def _member(member: PartyMember, kind: str, actor: Any, **payload: Any) -> MemberEvent:
    return MemberEvent.objects.create(member=member, kind=kind, payload=payload, **actor_fields(actor))


def member_created_event(*, member: PartyMember, actor: Any) -> MemberEvent:
    return _member(member, "created", actor)


def member_changed_event(*, member: PartyMember, actor: Any, fields: list[str]) -> MemberEvent:
    return _member(member, "changed", actor, fields=fields)


def member_anonymised_event(*, member: PartyMember, actor: Any) -> MemberEvent:
    return _member(member, "anonymised", actor)


def member_household_added_event(*, member: PartyMember, actor: Any, household: str) -> MemberEvent:
    return _member(member, "household_added", actor, household=household)


def member_household_removed_event(*, member: PartyMember, actor: Any, household: str) -> MemberEvent:
    return _member(member, "household_removed", actor, household=household)


def member_board_event(*, member: PartyMember, actor: Any, opt_in: bool) -> MemberEvent:
    return _member(member, "board", actor, opt_in=opt_in)


def member_report_event(*, member: PartyMember, actor: Any, status: str, community: str) -> MemberEvent:
    """The member's 双报到 reached ``status`` (kind ``report_<status>``: submitted, confirmed …)."""
    return _member(member, f"report_{status}", actor, community=community)


def member_post_claimed_event(*, member: PartyMember, actor: Any, post: str) -> MemberEvent:
    return _member(member, "post_claimed", actor, post=post)


def member_post_released_event(*, member: PartyMember, actor: Any, post: str, note: str) -> MemberEvent:
    return _member(member, "post_released", actor, post=post, note=note)


def member_post_reviewed_event(*, member: PartyMember, actor: Any, rating: str, year: int) -> MemberEvent:
    return _member(member, "post_reviewed", actor, rating=rating, year=year)


def member_floating_opened_event(*, member: PartyMember, actor: Any, direction: str) -> MemberEvent:
    return _member(member, "floating_opened", actor, direction=direction)


def member_points_event(*, member: PartyMember, actor: Any, points: int, rule: str) -> MemberEvent:
    return _member(member, "points", actor, points=points, rule=rule)


def member_points_requested_event(*, member: PartyMember, actor: Any, rule: str) -> MemberEvent:
    return _member(member, "points_requested", actor, rule=rule)


def member_points_corrected_event(*, member: PartyMember, actor: Any, entry: int, points: int) -> MemberEvent:
    return _member(member, "points_corrected", actor, entry=entry, points=points)


def member_transfer_event(*, member: PartyMember, actor: Any, status: str, transfer: int) -> MemberEvent:
    """组织关系转接 reached ``status`` (kind ``transfer_<status>``: requested, approved, declined)."""
    return _member(member, f"transfer_{status}", actor, transfer=transfer)


# --- a report's steps (ReportEvent): kind and status are the status it reached ------------------


def report_event(*, report: Report, actor: Any, note: str = "") -> ReportEvent:
    return ReportEvent.objects.create(
        report=report, kind=report.status, status=report.status, note=note, **actor_fields(actor)
    )


# --- a floating member's record (FloatingEvent) ----------------------------------------------------


def _floating(record: FloatingRecord, kind: str, actor: Any, note: str = "") -> FloatingEvent:
    return FloatingEvent.objects.create(record=record, kind=kind, note=note[:500], **actor_fields(actor))


def floating_opened_event(*, record: FloatingRecord, actor: Any) -> FloatingEvent:
    return _floating(record, FloatingEvent.Kind.OPENED, actor)


def floating_contact_event(*, record: FloatingRecord, actor: Any, note: str) -> FloatingEvent:
    return _floating(record, FloatingEvent.Kind.CONTACT, actor, note)


def floating_reminder_event(*, record: FloatingRecord, note: str) -> FloatingEvent:
    """An overdue-contact reminder, sent by the system (no actor)."""
    return _floating(record, FloatingEvent.Kind.REMINDER, None, note)


def floating_ended_event(*, record: FloatingRecord, actor: Any, note: str) -> FloatingEvent:
    return _floating(record, FloatingEvent.Kind.ENDED, actor, note)
