"""The steps of the demo build, in order. Each later capability adds its own demo data here.

A step is a module with a ``TITLE`` (shown in the progress output) and a ``run(ctx)`` function
taking the :class:`quanyu.demo.context.DemoContext`. To add one:

1. write ``quanyu/demo/steps/<topic>.py`` (e.g. ``catalog.py``, ``tickets.py``, ``people.py``)::

       TITLE = "服务事项与工单"

       def run(ctx: DemoContext) -> None:
           task = ctx.progress("工单", total=len(ctx.grids))
           ...  # write through <app>.services with actor=ctx.actor, bulk where there are many
           task.advance(len(ctx.grids))

2. append the module to ``STEPS`` below, after the steps whose data it needs.

What a step may use: ``ctx.seed``/``ctx.scale``; its own generators ``ctx.rng`` (random.Random),
``ctx.np_rng`` (numpy Generator) and ``ctx.faker`` (Faker zh_CN), re-seeded from (seed, module
name) before the step runs, so adding a step never changes the data of the others; the actor
``ctx.actor`` (the superuser ``admin``); the pure geometry ``ctx.layout``; and what the registry
steps made: ``ctx.city``, ``ctx.district``, ``ctx.streets``, ``ctx.communities``, ``ctx.grids``,
``ctx.buildings`` (aligned with the layout's lists), ``ctx.departments`` (by key),
``ctx.units``, the party organisations at each level, and ``ctx.users[role]``. A step that
creates a log-in worth showing calls ``ctx.add_account(username, role, scope)``; one that has
something for a later step puts it in ``ctx.extra``.

Rules: write only through the owning app's services (an app owns its tables); use bulk services
for anything counted in thousands (the full build must stay well under a minute on SQLite);
report progress with ``ctx.progress(description, total)``; read the clock only for the build's
date or time, once per step (the demo's year is the year it is built in, so this year's figures,
records and assessment are filled), and never the global random state, so the same seed on the same
day gives the same data. The whole build runs in one transaction.
"""

from __future__ import annotations

from types import ModuleType

from . import areas, assessment, cogov, orgs, people, residents, tickets, users, venues, volunteering, wishes

# The registry comes first: the area tree, then units and party organisations, then users.
STEPS: list[ModuleType] = [areas, orgs, users]
# The e呼应 loop: the request catalogue and tickets in every state (needs departments and users).
STEPS.append(tickets)
# Party members, 双报到, posts and duty (needs communities, grid branches and units).
STEPS.append(people)
# The resident register: households in every building, protected tags at realistic rates.
STEPS.append(residents)
# Micro-wishes in every state (needs the people register, member and resident accounts).
STEPS.append(wishes)
# Venues: centres, stations and shared venues, a year of bookings, this month's plans (issue 15).
STEPS.append(venues)
# Volunteer teams, activities, sign-ups, check-ins and hours (needs communities and residents).
STEPS.append(volunteering)
# Co-governance: contracts across a year's cycle, joint meetings and their tasks (needs units, orgs).
STEPS.append(cogov)
# Indicator-based assessment for the demo year: a set per level, published and computed (needs
# tickets and people).
STEPS.append(assessment)
