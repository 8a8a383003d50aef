"""State changes of early warning: raising alerts (the periodic sweep) and a district's choice of
heat formula."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.analytics.board import hotspot_cards, spike_list
from quanyu.analytics.hotspots import FORMULAS
from quanyu.analytics.models import Alert, AlertKind, HeatSetting
from quanyu.areas.models import Area, AreaKind
from quanyu.core.audit import audit_record
from quanyu.core.permissions import require_role
from quanyu.core.roles import Role
from quanyu.core.workflow import lock
from quanyu.notify.services import notify_send
from quanyu.tickets.notifications import staff_at

FORMULA_SETTERS = (Role.ADMIN, Role.ORG_DEPARTMENT)
ALERTED = (Role.STREET_STAFF, Role.COMMUNITY_STAFF)
HOTSPOTS_PER_STREET = 5


def heat_formula_set(*, actor: Any, district: Area, formula: str) -> HeatSetting:
    """Choose the heat formula a district's hot spots are ranked by (audited: a choice changes
    which problems lead the board)."""
    if formula not in FORMULAS:
        raise ValidationError({"formula": _("热度公式须为 %(names)s 之一") % {"names": "、".join(FORMULAS)}})
    if district.kind != AreaKind.DISTRICT:
        raise ValidationError({"district": _("只能为区县设置热度公式")})
    require_role(actor, FORMULA_SETTERS, at_path=district.path)
    with transaction.atomic():
        setting, _created = HeatSetting.objects.get_or_create(district=district)
        setting = lock(HeatSetting.objects).get(pk=setting.pk)
        before = setting.formula
        setting.formula, setting.changed_by = formula, actor
        setting.save(update_fields=["formula", "changed_by", "changed_at"])
        audit_record(
            actor=actor,
            action="update",
            target=setting,
            fields="formula",
            reason=_("修改热度公式"),
            detail={"before": before, "after": formula, "district": district.pk},
        )
    return setting


@dataclass
class AlertResult:
    raised: int = 0
    notified: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"raised": self.raised, "notified": self.notified}


def _board_link() -> str:
    try:
        return reverse("web:analytics_board")
    except NoReverseMatch:
        return ""


def _raise(
    kind: str, key: str, area: Area, title: str, detail: dict[str, Any], ids: list[int], now: dt.datetime
) -> int:
    """One alert, once: its row and its notifications commit together; a key already raised (by
    an earlier sweep or a concurrent one) writes nothing. The number told, or -1 when not raised."""
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                kind=kind, key=key, area=area, area_path=area.path, title=title[:200], detail=detail,
                ticket_ids=ids, raised_at=now,
            )  # fmt: skip
            recipients = list(staff_at(area.path, ALERTED))
            notify_send(recipients=recipients, kind=f"alert_{kind}", title=alert.title, link=_board_link())
            alert.notified = len(recipients)
            alert.save(update_fields=["notified"])
            return len(recipients)
    except IntegrityError:
        return -1


def alerts_raise(*, now: dt.datetime | None = None) -> AlertResult:
    """Hot spots and spikes of every street, each raised once (``Alert.key``) and told to the
    street's and the community's staff. Idempotent: run it as often as you like."""
    now = now or timezone.now()
    result = AlertResult()
    formulas = dict(HeatSetting.objects.values_list("district__path", "formula"))
    areas: dict[int, Area] = {}
    for street in Area.objects.filter(kind=AreaKind.STREET).order_by("path"):
        formula = formulas.get(street.path[:8], "balanced")
        cards = hotspot_cards(
            actor=None, within=street.path, top=HOTSPOTS_PER_STREET, formula=formula, now=now
        )
        spikes = spike_list(actor=None, within=street.path, now=now)
        wanted = {c["area_id"] for c in cards} | {s["community_id"] for s in spikes} - set(areas)
        areas.update(Area.objects.in_bulk(list(wanted)))
        for card in cards:
            month = card["end"][:7]
            key = f"hotspot:{card['place']}:{card['problem']}:{month}"
            title = _("热点问题：%(place)s「%(problem)s」，%(n)s 位居民反映") % {
                "place": card["place_name"],
                "problem": card["problem_name"],
                "n": card["inputs"]["requesters"],
            }
            detail = {
                "heat": card["heat"],
                "inputs": card["inputs"],
                "start": card["start"],
                "end": card["end"],
            }
            told = _raise(
                AlertKind.HOTSPOT, key, areas[card["area_id"]], title, detail, card["ticket_ids"], now
            )
            if told >= 0:
                result.raised += 1
                result.notified += told
        for spike in spikes:
            key = f"spike:{spike['community_id']}:{spike['item_id']}:{spike['day']}"
            title = _("异常激增：%(community)s「%(item)s」%(day)s 共 %(n)s 件（往常约 %(expected)s 件）") % {
                "community": spike["community"],
                "item": spike["item"],
                "day": spike["day"],
                "n": spike["observed"],
                "expected": spike["expected"],
            }
            told = _raise(AlertKind.SPIKE, key, areas[spike["community_id"]], title, spike, [], now)
            if told >= 0:
                result.raised += 1
                result.notified += told
    return result
