"""Test data for the e呼应 loop on top of tests.factories.make_city/make_personas."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from PIL import Image

from quanyu.accounts.models import User
from quanyu.catalog.models import Category, Tier
from quanyu.core.roles import Role
from quanyu.notify.models import Notification
from quanyu.orgs.models import Unit, UnitKind
from quanyu.tickets import services
from quanyu.tickets.access import TIER_OWNER
from quanyu.tickets.imports import HOTLINE_COLUMNS
from quanyu.tickets.models import Channel, Ticket, Whistle
from quanyu.tickets.notifications import staff_at
from quanyu.tickets.states import WhistleStatus
from tests.factories import City, make_user

# Points inside the test city's grids (see tests/factories.py): grid 1-1-1 is lon 121.30–121.35,
# lat 37.50–37.55; grid 2-1-1 is lon 121.40–121.45 in the second street.
GRID_111 = (121.32, 37.52)
GRID_211 = (121.42, 37.52)
OUTSIDE = (120.0, 30.0)


def make_catalog(city: City) -> dict[str, Any]:
    """Two top categories with items, two departments (区城管局 exists in the city) and handlers."""
    cg = Unit.objects.get(kind=UnitKind.DEPARTMENT, name="区城管局")
    housing = Unit.objects.create(kind=UnitKind.DEPARTMENT, name="区住建局", area=city.district)
    env = Category.objects.create(code="01", name="市容环境")
    estate = Category.objects.create(code="02", name="物业管理")
    stalls = Category.objects.create(
        code="0101",
        name="占道经营",
        parent=env,
        first_tier=Tier.GRID,
        response_hours=4,
        completion_days=3,
        keywords="摆摊 占道 流动摊贩",
        lead_department=cg,
    )
    stalls.departments.add(cg)
    lift = Category.objects.create(
        code="0201",
        name="电梯故障",
        parent=estate,
        first_tier=Tier.STREET,
        response_hours=2,
        completion_days=5,
        keywords="电梯 困人 停运",
        lead_department=housing,
    )
    lift.departments.add(housing, cg)
    permit = Category.objects.create(
        code="0202",
        name="装修备案",
        parent=estate,
        first_tier=Tier.COMMUNITY,
        is_one_window=True,
        materials=["身份证", "房产证"],
        open311_published=True,
        service_code="renovation",
    )
    handler2 = make_user("housing_handler", Role.DEPARTMENT_HANDLER, city.district, unit=housing)
    city.users["housing_handler"] = handler2
    return {"cg": cg, "housing": housing, "stalls": stalls, "lift": lift, "permit": permit, "env": env}


def jpeg_bytes(*, exif: bool = False, size: tuple[int, int] = (64, 48)) -> bytes:
    img = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        data[0x8825] = {2: (37.0, 30.0, 0.0)}  # GPSInfo
        img.save(out, format="JPEG", exif=data.tobytes())
    else:
        img.save(out, format="JPEG")
    return out.getvalue()


class Upload(io.BytesIO):
    """A file-like upload with a name (what Django's UploadedFile offers the services)."""

    def __init__(self, data: bytes, name: str = "photo.jpg") -> None:
        super().__init__(data)
        self.name = name


def new_ticket(
    city: City, actor: User | None = None, *, text: str = "楼下有人摆摊占道", point=GRID_111, **kw
) -> Ticket:
    actor = actor or city.users["resident"]
    kw.setdefault("channel", Channel.WEB)
    return services.ticket_create(actor=actor, text=text, lon=point[0], lat=point[1], **kw)


def to_street(city: City, ticket: Ticket) -> Ticket:
    """Accept at the grid, escalate to the community and then to the street, accept there."""
    u = city.users
    if ticket.tier == "grid":
        ticket = services.ticket_escalate(actor=u["grid_worker"], ticket=ticket, reason="网格无法处理")
    if ticket.tier == "community":
        ticket = services.ticket_escalate(actor=u["community_x"], ticket=ticket, reason="社区无法处理")
    return services.ticket_accept(actor=u["street_staff"], ticket=ticket)


def whistled(
    city: City, cat: dict[str, Any], ticket: Ticket | None = None
) -> tuple[Ticket, Whistle, Whistle]:
    """A ticket at the street with whistles to 区住建局 (lead) and 区城管局 (assisting)."""
    ticket = to_street(city, ticket or new_ticket(city, text="电梯停运三天了"))
    ws = services.ticket_whistle(
        actor=city.users["street_staff"],
        ticket=ticket,
        departments=[cat["housing"], cat["cg"]],
        lead=cat["housing"],
    )
    lead = next(w for w in ws if w.lead)
    assist = next(w for w in ws if not w.lead)
    return Ticket.objects.get(pk=ticket.pk), lead, assist


def assist_finished(
    city: City, assist: Whistle, explanation: str = "已清理占道摊点，配合主办部门处置完毕"
) -> Whistle:
    """The assisting department (区城管局) responds if it has not, and resolves its part, so that
    the lead may answer for all (``whistle_resolve`` waits for the assisting parts)."""
    handler = city.users["department_handler"]
    w = Whistle.objects.get(pk=assist.pk)
    if w.status == WhistleStatus.PENDING.value:
        w = services.whistle_respond(actor=handler, whistle=w)
    return services.whistle_resolve(actor=handler, whistle=w, explanation=explanation)


HOTLINE_HEADERS = [c.header for c in HOTLINE_COLUMNS]


def hotline_row(ref: str, text: str = "小区门口有流动摊贩摆摊占道", point=GRID_111, **kw) -> dict[str, str]:
    """One 12345 work order as a sheet row (Chinese headers); ``kw`` overrides columns."""
    base = {
        "工单编号": ref,
        "来电时间": "2024-06-03 09:30:00",
        "诉求内容": text,
        "联系人": "张先生",
        "联系电话": "138 0000 1111",
        "地址": "某路1号",
        "经度": str(point[0]),
        "纬度": str(point[1]),
        "坐标系": "",
        "诉求类别": "",
    }
    base.update(kw)
    return base


def write_hotline_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=HOTLINE_HEADERS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def token_from_notification(user) -> str:
    """A working rating-link token for the ticket of ``user``'s latest "please rate" message. The
    message sends the account to the request's page; the no-account link itself goes only by SMS
    to a contact number and is never stored, so the handling tier issues a fresh one here."""
    note = Notification.objects.filter(recipient=user, kind="ticket_rate_request").latest("id")
    ticket = Ticket.objects.select_related("handling_area").get(
        pk=int(note.link.rstrip("/").rsplit("/", 1)[-1])
    )
    staff = staff_at(ticket.handling_area.path, [TIER_OWNER[ticket.tier]]).first()
    return services.ticket_rating_link_issue(actor=staff, ticket=ticket)
