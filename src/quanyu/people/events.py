"""Append-only events of the people domain: one small function per event type, written in the
same transaction as the change they record."""

from __future__ import annotations

from typing import Any

from quanyu.people.models import FloatingEvent, FloatingRecord, MemberEvent, PartyMember, Report, ReportEvent


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def member_event(*, member: PartyMember, kind: str, actor: Any, **detail: Any) -> MemberEvent:
    return MemberEvent.objects.create(member=member, kind=kind, actor=_user(actor), detail=detail)


def report_event(*, report: Report, actor: Any, note: str = "") -> ReportEvent:
    return ReportEvent.objects.create(report=report, status=report.status, actor=_user(actor), note=note)


def floating_event(*, record: FloatingRecord, kind: str, actor: Any, note: str = "") -> FloatingEvent:
    return FloatingEvent.objects.create(record=record, kind=kind, actor=_user(actor), note=note)
