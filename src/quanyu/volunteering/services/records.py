"""The proof of volunteer service (志愿服务记录证明): "whoever organises records, whoever records
certifies" — issued in the name of the team's organisation, over the approved hours the volunteer
served with that team. What is printed is kept on the certificate row, so the public check by
number shows exactly that and nothing more."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.core.pii import mask_id_number, mask_phone
from quanyu.volunteering import access, events
from quanyu.volunteering.models import Certificate, Signup, Team, Volunteer
from quanyu.volunteering.states import HoursStatus

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_certificate_number() -> str:
    today = timezone.localdate()
    return f"ZYZM{today:%Y%m%d}" + "".join(secrets.choice(ALPHABET) for _ in range(8))


def certificate_issue(*, actor: Any, volunteer: Volunteer, team: Team) -> Certificate:
    """A proof over ``volunteer``'s approved hours with ``team``; asked by the volunteer or issued
    by the team's organiser."""
    if not access.is_self(actor, volunteer):
        access.require_organiser(actor, team)
    rows = list(
        Signup.objects.filter(
            volunteer=volunteer, activity__project__team=team, hours_status=HoursStatus.APPROVED
        )
        .select_related("activity__project")
        .order_by("activity__starts_at", "id")
    )
    if not rows:
        raise ValidationError({"team": [_("该队伍暂无已认定的服务时长，无法出具证明")]})
    services = [
        {
            "date": timezone.localtime(s.activity.starts_at).strftime("%Y-%m-%d"),
            "project": s.activity.project.name,
            "activity": s.activity.title,
            "minutes": s.minutes or 0,
        }
        for s in rows
    ]
    with transaction.atomic():
        cert = Certificate.objects.create(
            number=new_certificate_number(),
            volunteer=volunteer,
            team=team,
            scope_path=team.scope_path,
            volunteer_name=volunteer.name,
            id_masked=mask_id_number(volunteer.id_number),
            volunteer_number=volunteer.number,
            issuer=team.organisation,
            responsible_person=team.responsible_person,
            # What the public may read on the proof: the number in full only if the team publishes it.
            contact_phone=team.contact_phone if team.publish_contact else mask_phone(team.contact_phone),
            total_minutes=sum(s["minutes"] for s in services),
            services=services,
            issued_on=timezone.localdate(),
            issued_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        events.certificate_issued_event(
            volunteer=volunteer, actor=actor, number=cert.number, minutes=cert.total_minutes
        )
    return cert
