"""What a demo step gets: the seed and its own generators, the actor, the layout, what earlier steps
made (lookups), progress reporting, and the list of demo accounts to print."""

from __future__ import annotations

import hashlib
import itertools
import random
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from faker import Faker

from quanyu.demo.layout import Layout

if TYPE_CHECKING:
    from quanyu.accounts.models import User
    from quanyu.areas.models import Area
    from quanyu.orgs.models import PartyOrg, Unit


class Task(Protocol):
    def advance(self, amount: int = 1) -> None: ...


class Reporter(Protocol):
    """Where steps report progress: a rich progress bar in the command, nothing in tests."""

    def start(self, description: str, total: int) -> Task: ...


class _NullTask:
    def advance(self, amount: int = 1) -> None:
        return None


class NullReporter:
    def start(self, description: str, total: int) -> Task:
        return _NullTask()


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    scope: str  # the name of the granted area (names joined by "、" for several grants)

    def as_dict(self) -> dict[str, str]:
        return {"username": self.username, "password": self.password, "role": self.role, "scope": self.scope}


def _surnames(generator: Any, weights: OrderedDict[str, float]) -> Callable[[], str]:
    names, sums = tuple(weights), list(itertools.accumulate(weights.values()))

    def last_name() -> str:
        return str(generator.random.choices(names, cum_weights=sums)[0])

    return last_name


def demo_faker() -> Faker:
    """Faker (zh_CN) whose surnames cost less and come out the same.

    Faker draws a weighted surname with ``random.choices(names, weights)``, summing its 500
    weights again on every call: a quarter of the residents step (120,000 surnames) and a good part
    of every ``faker.name()``. Here each generator's ``last_name`` (which ``name()`` calls too) makes
    the same draw from the same generator with the sums made once, so a seed gives the same names.
    """
    faker = Faker("zh_CN")
    for generator in faker.factories:
        provider = getattr(generator.last_name, "__self__", None)
        weights = getattr(provider, "last_names", None)
        if isinstance(weights, OrderedDict) and getattr(provider, "__use_weighting__", False):
            generator.last_name = _surnames(generator, weights)
    return faker


def derived_seed(seed: int, name: str) -> int:
    """A 63-bit seed for generator ``name`` that depends only on the build seed and the name."""
    return int.from_bytes(hashlib.sha256(f"{seed}:{name}".encode()).digest()[:8], "big") >> 1


@dataclass
class DemoContext:
    """Shared state of one demo build. Lists of areas are aligned with the layout's lists
    (``ctx.grids[i]`` is the Area of ``ctx.layout.grids[i]``)."""

    seed: int
    scale: float
    password: str
    layout: Layout
    actor: User
    reporter: Reporter = field(default_factory=NullReporter)
    # The generators of the running step, re-seeded for each step (see begin_step).
    rng: random.Random = field(default_factory=random.Random)
    np_rng: np.random.Generator = field(default_factory=np.random.default_rng)
    faker: Faker = field(default_factory=demo_faker)
    # Areas.
    city: Area | None = None
    district: Area | None = None
    streets: list[Area] = field(default_factory=list)
    communities: list[Area] = field(default_factory=list)
    grids: list[Area] = field(default_factory=list)
    buildings: list[Area] = field(default_factory=list)
    # Units: departments by key (names.DEPARTMENTS), every other unit in ``units``.
    departments: dict[str, Unit] = field(default_factory=dict)
    units: list[Unit] = field(default_factory=list)
    unit_community: dict[int, int] = field(default_factory=dict)  # unit pk → community index
    # Party organisations at each level, aligned with the areas; industry committees by key.
    district_committee: PartyOrg | None = None
    street_committees: list[PartyOrg] = field(default_factory=list)
    community_committees: list[PartyOrg] = field(default_factory=list)
    grid_branches: list[PartyOrg] = field(default_factory=list)
    industry_committees: dict[str, PartyOrg] = field(default_factory=dict)
    # Users by role (grid workers, building heads …) and the accounts printed at the end.
    users: dict[str, list[User]] = field(default_factory=lambda: defaultdict(list))
    accounts: list[DemoAccount] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # anything a later step shares with the next
    timings: dict[str, float] = field(default_factory=dict)  # seconds each step took, by step name

    def begin_step(self, name: str) -> None:
        """Give the step ``name`` its own generators, so that adding or changing one step never
        changes the data of another."""
        self.rng = random.Random(derived_seed(self.seed, name))
        self.np_rng = np.random.default_rng(derived_seed(self.seed, name + "/numpy"))
        self.faker.seed_instance(derived_seed(self.seed, name + "/faker"))

    def progress(self, description: str, total: int) -> Task:
        return self.reporter.start(description, total)

    def add_account(self, username: str, role: str, scope: str) -> None:
        self.accounts.append(DemoAccount(username=username, password=self.password, role=role, scope=scope))

    # Lookups between levels (indexes into the layout's lists).
    def community_of_grid(self, grid: int) -> int:
        return self.layout.grids[grid].parent

    def street_of_community(self, community: int) -> int:
        return self.layout.communities[community].parent
