"""Append-only events of the people domain: one small function per event type, written in the
same transaction as the change they record."""

from __future__ import annotations

from typing import Any

from quanyu.core.workflow.events import actor_fields
from quanyu.people.models import FloatingEvent, FloatingRecord, MemberEvent, PartyMember, Report, ReportEvent


def member_event(*, member: PartyMember, kind: str, actor: Any, **detail: Any) -> MemberEvent:
    return MemberEvent.objects.create(member=member, kind=kind, payload=detail, **actor_fields(actor))


def report_event(*, report: Report, actor: Any, note: str = "") -> ReportEvent:
    return ReportEvent.objects.create(
        report=report, kind=report.status, status=report.status, note=note, **actor_fields(actor)
    )


def floating_event(*, record: FloatingRecord, kind: str, actor: Any, note: str = "") -> FloatingEvent:
    return FloatingEvent.objects.create(record=record, kind=kind, note=note, **actor_fields(actor))
