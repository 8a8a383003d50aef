"""Users in every role, with grants at their place in the tree, all sharing the demo password.

User names are easy to type: ``zuzhibu``, ``lingdao``, ``shenji``; ``jiedao_<street pinyin>``
(and ``_2``, ``_3``); ``shequ_<community pinyin>`` (and ``_2``, ``_3``); ``wangge_<n>`` (grid
workers, one or two grids each, every grid covered once); ``louzhang_<n>`` (building heads, every
building has at least one); ``bumen_<department key>`` (and ``_2``); ``dangyuan_<n>``;
``jumin_<n>``. The first of each kind is listed in the demo accounts, and the first handler of
every department (with the department named), so one can act as whichever the street whistles.
"""

from __future__ import annotations

from quanyu.accounts.services import GrantSpec, UserSpec, users_bulk_create
from quanyu.areas.models import Area
from quanyu.core.roles import Role
from quanyu.demo import names
from quanyu.demo.context import DemoContext
from quanyu.orgs.models import Unit

TITLE = "账号"

GRID_WORKERS = 750
BUILDING_HEADS = 13_000
STAFF_PER_STREET = 3
STAFF_PER_COMMUNITY = 3
HANDLERS_PER_DEPARTMENT = 2
PARTY_MEMBERS = 10
RESIDENTS = 10


def _numbered(base: str, i: int) -> str:
    return base if i == 0 else f"{base}_{i + 1}"


def _grid_assignments(ctx: DemoContext) -> list[list[int]]:
    """Grids per grid worker: every grid exactly once, one or two grids (of the same community)
    per worker, workers numbered in tree order."""
    n_grids = len(ctx.grids)
    workers = min(n_grids, max((n_grids + 1) // 2, round(GRID_WORKERS * ctx.scale)))
    doubles = n_grids - workers
    by_community: dict[int, list[int]] = {}
    for g, grid in enumerate(ctx.layout.grids):
        by_community.setdefault(grid.parent, []).append(g)
    communities = sorted(by_community)
    ctx.rng.shuffle(communities)
    pair_count = dict.fromkeys(communities, 0)
    while doubles > 0:  # spread the pairs over the communities, a round at a time
        progressed = False
        for c in communities:
            if doubles and 2 * (pair_count[c] + 1) <= len(by_community[c]):
                pair_count[c] += 1
                doubles -= 1
                progressed = True
        if not progressed:
            break
    groups: list[list[int]] = []
    for c in sorted(by_community):
        grids = by_community[c]
        pairs = pair_count[c]
        groups.extend([grids[2 * i], grids[2 * i + 1]] for i in range(pairs))
        groups.extend([g] for g in grids[2 * pairs :])
    return sorted(groups)


def _building_assignments(ctx: DemoContext) -> list[int]:
    """The building of each building head: one per building, the rest on random buildings."""
    n = len(ctx.buildings)
    heads = max(n, round(BUILDING_HEADS * ctx.scale))
    extra = [ctx.rng.randrange(n) for _ in range(heads - n)]
    return sorted([*range(n), *extra])


def run(ctx: DemoContext) -> None:
    assert ctx.district is not None and ctx.city is not None
    layout, faker = ctx.layout, ctx.faker
    specs: list[UserSpec] = []
    listed: set[str] = set()

    def add(
        username: str, role: str, areas: list[Area], *, unit: Unit | None = None, listed_as: bool = False
    ) -> None:
        specs.append(
            UserSpec(
                username=username,
                display_name=faker.name(),
                grants=[GrantSpec(role=role, area=a, unit=unit) for a in areas],
            )
        )
        if listed_as:
            listed.add(username)

    district = ctx.district
    add("zuzhibu", Role.ORG_DEPARTMENT, [district], listed_as=True)
    add("zuzhibu_2", Role.ORG_DEPARTMENT, [district])
    add("lingdao", Role.LEADER, [district], listed_as=True)
    add("shenji", Role.AUDITOR, [district], listed_as=True)
    add("anquan", Role.SECURITY_ADMIN, [district], listed_as=True)
    for s, street in enumerate(layout.streets):
        for i in range(STAFF_PER_STREET):
            add(
                _numbered(f"jiedao_{street.pinyin}", i), Role.STREET_STAFF, [ctx.streets[s]], listed_as=i == 0
            )
    streets_seen: set[int] = set()
    for c, community in enumerate(layout.communities):
        first = community.parent not in streets_seen  # the first community of each street is listed
        streets_seen.add(community.parent)
        for i in range(STAFF_PER_COMMUNITY):
            add(
                _numbered(f"shequ_{community.pinyin}", i),
                Role.COMMUNITY_STAFF,
                [ctx.communities[c]],
                listed_as=first and i == 0,
            )
    for n, grids in enumerate(_grid_assignments(ctx), start=1):
        add(f"wangge_{n}", Role.GRID_WORKER, [ctx.grids[g] for g in grids], listed_as=n <= 2)
    for n, b in enumerate(_building_assignments(ctx), start=1):
        add(f"louzhang_{n}", Role.BUILDING_HEAD, [ctx.buildings[b]], listed_as=n <= 2)
    for dept in names.DEPARTMENTS:
        unit = ctx.departments[dept.key]
        for i in range(HANDLERS_PER_DEPARTMENT):
            add(
                _numbered(f"bumen_{dept.key}", i),
                Role.DEPARTMENT_HANDLER,
                [district],
                unit=unit,
                listed_as=i == 0,  # every department's first handler: the street may whistle any
            )
    # Party members and residents live in the communities of the first street.
    home = [ctx.communities[c] for c in layout.children("streets", 0)]
    for n in range(1, PARTY_MEMBERS + 1):
        add(f"dangyuan_{n}", Role.PARTY_MEMBER, [home[(n - 1) % len(home)]], listed_as=n == 1)
    for n in range(1, RESIDENTS + 1):
        add(f"jumin_{n}", Role.RESIDENT, [home[(n - 1) % len(home)]], listed_as=n == 1)

    task = ctx.progress("账号 users", total=len(specs))
    saved = users_bulk_create(actor=ctx.actor, specs=specs, password=ctx.password)
    task.advance(len(saved))

    ctx.users[Role.ADMIN].append(ctx.actor)
    ctx.add_account(ctx.actor.username, Role.ADMIN, ctx.city.name)
    for user, spec in zip(saved, specs, strict=True):
        role = spec.grants[0].role
        ctx.users[role].append(user)
        if spec.username in listed:
            granted = spec.grants[0].unit
            scope = "、".join(g.area.name for g in spec.grants)
            named = f"{granted.name}（{scope}）" if granted is not None else scope
            ctx.add_account(spec.username, role, named)
