"""The resident register: households in every building at the seeds' proportions (issue 13 point 5).

The demo district has about 694,000 people in about 265,000 households; a register grows as
communities visit door to door, so about 15 % of each building's households are registered here
(about 100,000 people at scale 1), with their unit, room and household key (户号), households of
one to five people (the national average is 2.6), and the protected tags at realistic rates:
single people of 65 and over living alone (空巢老人), 1.5 % of people with a disability, 2.5 % of
households on low income (the head carries the tag), a few children whose parents work away
(留守儿童). ID and phone numbers are encrypted and hashed by the people app's bulk service, as the
roster import does.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from quanyu.core.idnumber import id_check_digit
from quanyu.demo.context import DemoContext
from quanyu.people import services

TITLE = "居民名册"
REGISTERED_SHARE = 0.15
SIZES, SIZE_WEIGHTS = [1, 2, 3, 4, 5], [0.22, 0.32, 0.26, 0.14, 0.06]


def _born(ctx: DemoContext, low: int, high: int, today: datetime.date) -> datetime.date:
    """A birth date for someone aged ``low`` to ``high`` on the build's date (as the people step)."""
    start = datetime.date(today.year - high, today.month, min(today.day, 28))
    return start + datetime.timedelta(days=ctx.rng.randrange(0, 365 * (high - low)))


def _id_number(ctx: DemoContext, born: datetime.date, male: bool, used: set[str]) -> str:
    while True:
        seq = ctx.rng.randrange(0, 500) * 2 + (1 if male else 0)  # the 17th digit: odd for men
        first17 = f"370602{born:%Y%m%d}{seq:03d}"
        number = first17 + id_check_digit(first17)
        if number not in used:
            used.add(number)
            return number


def run(ctx: DemoContext) -> None:
    layout, rng, faker = ctx.layout, ctx.rng, ctx.faker
    today = timezone.localdate()  # ages and protected tags as of the build, like the other steps
    specs: list[services.ResidentSpec] = []
    used: set[str] = set()
    for b, building in enumerate(layout.buildings):
        grid = layout.grids[building.parent]
        community = ctx.communities[grid.parent]
        place = ctx.buildings[b]
        count = max(1, round(building.households * REGISTERED_SHARE))
        per_floor = max(1, building.households // max(1, building.floors))
        for h in range(count):
            floor = 1 + (h // per_floor) % max(1, building.floors)
            unit_no, room = f"{1 + h % 3}单元", f"{floor}{1 + h % per_floor:02d}"
            key = f"{place.code}-{unit_no}-{room}"
            size = rng.choices(SIZES, SIZE_WEIGHTS)[0]
            surname = faker.last_name()
            low_income = rng.random() < 0.025
            for member in range(size):
                if member == 0:
                    born = (
                        _born(ctx, 66, 90, today)
                        if size == 1 and rng.random() < 0.35
                        else _born(ctx, 25, 80, today)
                    )
                elif member == 1:
                    born = _born(ctx, 25, 80, today)
                else:
                    born = _born(ctx, 0, 20, today)
                tags = []
                age = (today - born).days // 365
                if size == 1 and age >= 65:
                    tags.append("空巢老人")
                if member == 0 and low_income:
                    tags.append("低收入")
                if rng.random() < 0.015:
                    tags.append("残疾人")
                if age < 16 and rng.random() < 0.03:
                    tags.append("留守儿童")
                male = rng.random() < 0.5
                specs.append(
                    services.ResidentSpec(
                        name=(surname if member != 1 else faker.last_name()) + faker.first_name(),
                        id_number=_id_number(ctx, born, male, used),
                        community=community,
                        building=place,
                        phone=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
                        if age >= 18 and rng.random() < 0.6
                        else "",
                        unit_no=unit_no,
                        room=room,
                        household_key=key,
                        tags="、".join(tags),
                    )
                )
    task = ctx.progress("居民", total=len(specs))
    services.residents_bulk_create(actor=ctx.actor, residents=specs)
    task.advance(len(specs))
