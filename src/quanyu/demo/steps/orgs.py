"""Units (departments, resident units, two-new organisations, property companies, commercial
buildings), the party-organisation tree at every level, and part-time committee members."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from quanyu.core.trees import NewNode
from quanyu.demo import names
from quanyu.demo.context import DemoContext
from quanyu.demo.names import UnitTemplate
from quanyu.orgs.imports.validators import credit_check_char
from quanyu.orgs.models import OrgKind, PartTimeMember, PartyOrg, Unit, UnitKind
from quanyu.orgs.services import part_time_member_bulk_create, party_org_bulk_create, unit_bulk_create

TITLE = "组织与单位"

# Full-scale counts (the seed text: 64 departments, 425 part-time members, 8 industry committees).
RESIDENT_UNITS = 300
ENTERPRISES = 160
SOCIAL_ORGANISATIONS = 60
PROPERTY_COMPANIES = 60
COMMERCIAL_BUILDINGS = 30
PART_TIME_MEMBERS = 425
GROUP_SHARE = 0.2  # share of buildings with a party group (楼栋党小组)
TERM = (datetime.date(2021, 6, 1), datetime.date(2026, 5, 31))


@dataclass
class _UnitPlan:
    unit: Unit
    template: UnitTemplate
    community: int  # index into ctx.communities (-1: the district)


def _count(ctx: DemoContext, full: int, minimum: int = 2) -> int:
    return max(minimum, round(full * ctx.scale))


def _unique_name(ctx: DemoContext, pattern: str, used: set[str]) -> str:
    for attempt in range(50):
        stem = ctx.rng.choice(names.STEMS)[0]
        name = pattern.format(stem=stem, n=ctx.rng.randint(1, 80))
        if attempt > 20:
            name = f"{name}（{attempt}）"
        if name not in used:
            used.add(name)
            return name
    raise RuntimeError(f"no free name for {pattern}")


def _place(ctx: DemoContext, unit: Unit, community: int) -> None:
    """Put ``unit`` at a building of ``community`` (address and point)."""
    buildings = ctx.extra["buildings_of_community"][community]
    building = ctx.layout.buildings[ctx.rng.choice(buildings)]
    street = ctx.layout.streets[ctx.street_of_community(community)]
    unit.area = ctx.communities[community]
    unit.address = f"{names.CITY_NAME}{names.DISTRICT_NAME}{street.name}{building.name}"
    unit.lon, unit.lat = building.lon, building.lat


# 统一社会信用代码 (GB 32100): registering authority and kind by unit kind — 11 an organ of the
# state, 12 a public institution (schools, hospitals), 52 a private non-enterprise unit, 91 a company.
_CREDIT_PREFIX: dict[str, str] = {
    UnitKind.DEPARTMENT: "11",
    UnitKind.RESIDENT_UNIT: "12",
    UnitKind.SOCIAL_ORGANISATION: "52",
}
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def demo_credit_code(kind: str, name: str, *, division: str = "370602") -> str:
    """A valid, made-up credit code for a demo unit: derived from its name (the demo's random
    sequence is untouched), with the organisation code's GB 11714 and the code's GB 32100 check
    characters."""
    number = int(hashlib.sha256(name.encode()).hexdigest(), 16)
    body = ""
    for _ in range(8):  # the letters a credit code may hold (no I, O, S, V, Z)
        number, digit = divmod(number, len(_CODE_CHARS))
        body += _CODE_CHARS[digit]
    weighted = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, _ORG_CODE_WEIGHTS, strict=True)
    )
    check = 11 - weighted % 11
    first17 = _CREDIT_PREFIX.get(kind, "91") + division + body + {10: "X", 11: "0"}.get(check, str(check))
    return first17 + credit_check_char(first17)


def _new_unit(ctx: DemoContext, template: UnitTemplate, name: str) -> Unit:
    staff = ctx.rng.randint(*template.staff)
    return Unit(
        kind=template.kind,
        name=name,
        credit_code=demo_credit_code(template.kind, name),
        contact_name=ctx.faker.name(),
        contact_phone=ctx.faker.phone_number(),
        staff_count=staff,
        member_count=max(0, round(staff * ctx.rng.uniform(0.03, 0.3))),
    )


def _units(ctx: DemoContext) -> list[_UnitPlan]:
    layout = ctx.layout
    assert ctx.district is not None
    plans: list[_UnitPlan] = []
    # Departments sit at the district, in the government quarter (the first street).
    department_template = UnitTemplate(UnitKind.DEPARTMENT, "", "局长", (25, 160), "")
    for dept in names.DEPARTMENTS:
        unit = _new_unit(ctx, department_template, dept.name)
        _place(ctx, unit, ctx.rng.choice(layout.children("streets", 0)))
        unit.area = ctx.district
        plans.append(_UnitPlan(unit, department_template, -1))
    # Everything else lies in a community, more of it where more people live.
    weights = [c.population for c in layout.communities]
    community_ids = list(range(len(layout.communities)))
    used: dict[str, set[str]] = {kind: set() for kind in UnitKind.values}
    groups: list[tuple[tuple[UnitTemplate, ...], int]] = [
        (names.RESIDENT_UNITS, _count(ctx, RESIDENT_UNITS, len(names.RESIDENT_UNITS) // 2)),
        (names.TWO_NEW_UNITS, _count(ctx, SOCIAL_ORGANISATIONS)),
        ((names.PROPERTY_UNIT,), _count(ctx, PROPERTY_COMPANIES)),
        ((names.COMMERCIAL_UNIT,), _count(ctx, COMMERCIAL_BUILDINGS)),
    ]
    for templates, count in groups:
        for i in range(count):
            template = templates[i % len(templates)] if i < len(templates) else ctx.rng.choice(templates)
            unit = _new_unit(ctx, template, _unique_name(ctx, template.pattern, used[template.kind]))
            community = ctx.rng.choices(community_ids, weights)[0]
            _place(ctx, unit, community)
            plans.append(_UnitPlan(unit, template, community))
    # Non-public enterprises: company names from Faker.
    enterprise = UnitTemplate(UnitKind.NON_PUBLIC_ENTERPRISE, "", "总经理", (8, 400), "enterprise")
    taken = used[UnitKind.NON_PUBLIC_ENTERPRISE]
    for _ in range(_count(ctx, ENTERPRISES)):
        name = ctx.faker.company()
        while name in taken:
            name = ctx.faker.company()
        taken.add(name)
        template = enterprise._replace(leader_post=ctx.rng.choice(names.ENTERPRISE_POSTS))
        unit = _new_unit(ctx, template, name)
        community = ctx.rng.choices(community_ids, weights)[0]
        _place(ctx, unit, community)
        plans.append(_UnitPlan(unit, template, community))
    return plans


class _Tree:
    """Party organisations in the order bulk_add_nodes wants (parents first), with member
    counts rolled up (own members plus the members of the organisations beneath)."""

    def __init__(self) -> None:
        self.nodes: list[NewNode] = []
        self.own: list[int] = []

    def add(self, org: PartyOrg, parent: int | None, own_members: int) -> int:
        self.nodes.append(NewNode(org, parent_index=parent))
        self.own.append(own_members)
        return len(self.nodes) - 1

    def roll_up(self) -> None:
        totals = list(self.own)
        for i in range(len(self.nodes) - 1, -1, -1):
            parent = self.nodes[i].parent_index
            if parent is not None:
                totals[parent] += totals[i]
        for spec, total in zip(self.nodes, totals, strict=True):
            spec.instance.member_count = total  # type: ignore[attr-defined]


def _party_orgs(ctx: DemoContext, plans: list[_UnitPlan]) -> tuple[_Tree, dict[str, int]]:
    layout, rng, faker = ctx.layout, ctx.rng, ctx.faker
    assert ctx.district is not None
    tree = _Tree()

    def org(kind: str, name: str, area: object, unit: Unit | None = None) -> PartyOrg:
        return PartyOrg(kind=kind, name=name, area=area, unit=unit, secretary=faker.name())

    index: dict[str, int] = {}
    root = tree.add(
        org(OrgKind.COMMITTEE, f"中共{names.CITY_NAME}{names.DISTRICT_NAME}委员会", ctx.district), None, 0
    )
    index["district"] = root
    for key, name in names.INDUSTRY_COMMITTEES:
        index[f"industry:{key}"] = tree.add(
            org(OrgKind.INDUSTRY_COMMITTEE, name, ctx.district), root, rng.randint(3, 9)
        )
    organs = tree.add(
        org(OrgKind.WORKING_COMMITTEE, f"中共{names.DISTRICT_NAME}直属机关工作委员会", ctx.district), root, 3
    )
    for plan in plans:
        if plan.unit.kind == UnitKind.DEPARTMENT:
            tree.add(
                org(OrgKind.BRANCH, f"中共{plan.unit.name}机关支部委员会", ctx.district, plan.unit),
                organs,
                plan.unit.member_count,
            )
    streets = [
        tree.add(
            org(OrgKind.WORKING_COMMITTEE, f"中共{names.DISTRICT_NAME}{s.name}工作委员会", ctx.streets[i]),
            root,
            rng.randint(5, 12),
        )
        for i, s in enumerate(layout.streets)
    ]
    communities = []
    for c, community in enumerate(layout.communities):
        big = len(layout.children("communities", c)) >= 6
        kind, suffix = (OrgKind.COMMITTEE, "委员会") if big else (OrgKind.GENERAL_BRANCH, "总支部委员会")
        communities.append(
            tree.add(
                org(kind, f"中共{community.name}{suffix}", ctx.communities[c]),
                streets[community.parent],
                rng.randint(5, 25),
            )
        )
    grids = [
        tree.add(
            org(OrgKind.BRANCH, f"{grid.name}党支部", ctx.grids[g]),
            communities[grid.parent],
            rng.randint(8, 40),
        )
        for g, grid in enumerate(layout.grids)
    ]
    for b, building in enumerate(layout.buildings):
        if rng.random() < GROUP_SHARE:
            tree.add(
                org(OrgKind.GROUP, f"{building.name}党小组", ctx.buildings[b]),
                grids[building.parent],
                rng.randint(3, 12),
            )
    # Commercial buildings: a joint committee (联合党委) per street that has any.
    joint: dict[int, int] = {}
    for plan in plans:
        if plan.unit.kind == UnitKind.COMMERCIAL_BUILDING:
            s = ctx.street_of_community(plan.community)
            if s not in joint:
                joint[s] = tree.add(
                    org(
                        OrgKind.JOINT_COMMITTEE,
                        f"中共{layout.streets[s].name}商务楼宇联合委员会",
                        ctx.streets[s],
                    ),
                    streets[s],
                    rng.randint(3, 7),
                )
    # Units with at least three members have their own branch: under their industry committee,
    # the joint committee of their street, or their community's organisation.
    for plan in plans:
        unit = plan.unit
        if unit.kind == UnitKind.DEPARTMENT or unit.member_count < 3:
            continue
        if unit.kind == UnitKind.COMMERCIAL_BUILDING:
            parent = joint[ctx.street_of_community(plan.community)]
        elif plan.template.industry:
            parent = index[f"industry:{plan.template.industry}"]
        else:
            parent = communities[plan.community]
        kind = OrgKind.COMMITTEE if unit.member_count >= 100 else OrgKind.BRANCH
        label = "委员会" if kind == OrgKind.COMMITTEE else "支部委员会"
        tree.add(org(kind, f"中共{unit.name}{label}", ctx.communities[plan.community], unit), parent, 0)
        tree.own[-1] = unit.member_count
    tree.roll_up()
    index.update({f"street:{i}": n for i, n in enumerate(streets)})
    index.update({f"community:{i}": n for i, n in enumerate(communities)})
    index.update({f"grid:{i}": n for i, n in enumerate(grids)})
    return tree, index


def _part_time_members(ctx: DemoContext, plans: list[_UnitPlan]) -> list[PartTimeMember]:
    """Leaders of resident units, two-new organisations and property companies sitting on the
    committee of their street (about a third) or of their community."""
    rng = ctx.rng
    candidates = [p for p in plans if p.community >= 0]
    rng.shuffle(candidates)
    members: list[PartTimeMember] = []
    seats: set[tuple[int, int]] = set()
    target = min(_count(ctx, PART_TIME_MEMBERS, len(ctx.streets)), 2 * len(candidates))
    i = 0
    while len(members) < target:
        plan = candidates[i % len(candidates)]
        i += 1
        if rng.random() < 0.35:
            committee = ctx.street_committees[ctx.street_of_community(plan.community)]
        else:
            committee = ctx.community_committees[plan.community]
        key = (id(plan.unit), committee.pk)
        if key in seats:
            continue
        seats.add(key)
        members.append(
            PartTimeMember(
                name=ctx.faker.name(),
                unit=plan.unit,
                unit_post=plan.template.leader_post,
                committee=committee,
                post="兼职委员 part-time members",
                term_start=TERM[0],
                term_end=TERM[1],
            )
        )
    return members


def run(ctx: DemoContext) -> None:
    buildings_of_community: dict[int, list[int]] = {}
    for b, building in enumerate(ctx.layout.buildings):
        buildings_of_community.setdefault(ctx.community_of_grid(building.parent), []).append(b)
    ctx.extra["buildings_of_community"] = buildings_of_community

    plans = _units(ctx)
    task = ctx.progress("单位 units", total=len(plans))
    saved_units = unit_bulk_create(actor=ctx.actor, units=[p.unit for p in plans])
    task.advance(len(plans))
    for plan, unit in zip(plans, saved_units, strict=True):
        plan.unit = unit
        if unit.kind == UnitKind.DEPARTMENT:
            key = next(d.key for d in names.DEPARTMENTS if d.name == unit.name)
            ctx.departments[key] = unit
        else:
            ctx.units.append(unit)
            ctx.unit_community[unit.pk] = plan.community

    tree, index = _party_orgs(ctx, plans)
    task = ctx.progress("党组织 party organisations", total=len(tree.nodes))
    orgs = party_org_bulk_create(actor=ctx.actor, nodes=tree.nodes)
    task.advance(len(orgs))
    ctx.district_committee = orgs[index["district"]]
    ctx.industry_committees = {key: orgs[index[f"industry:{key}"]] for key, _ in names.INDUSTRY_COMMITTEES}
    ctx.street_committees = [orgs[index[f"street:{i}"]] for i in range(len(ctx.streets))]
    ctx.community_committees = [orgs[index[f"community:{i}"]] for i in range(len(ctx.communities))]
    ctx.grid_branches = [orgs[index[f"grid:{i}"]] for i in range(len(ctx.grids))]

    members = _part_time_members(ctx, plans)
    task = ctx.progress("兼职委员 part-time members", total=len(members))
    part_time_member_bulk_create(actor=ctx.actor, members=members)
    task.advance(len(members))
