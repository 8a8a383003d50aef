"""``quanyu.tickets.intake_rules``: the rules every intake path (the service, the lane's batch, the
hotline import) applies, pinned once here."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from quanyu.catalog.models import Tier
from quanyu.tickets import intake_rules as rules


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("", ""),
        ("  ", ""),
        ("13812345678", "13812345678"),
        (" 138-1234-5678 ", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("0535-6123456", "05356123456"),
        ("6123456", "6123456"),
        ("12345", None),
        ("1381234567x", None),
        ("138123456789", None),
    ],
)
def test_contact_phone(raw, stored):
    assert rules.contact_phone(raw) == stored


def _category(first_tier: str) -> object:
    return SimpleNamespace(first_tier=first_tier)


@pytest.mark.parametrize(
    ("wanted", "located", "expected"),
    [
        (None, ("g", "c", "s"), (Tier.GRID, "g")),
        (Tier.GRID, ("g", "c", "s"), (Tier.GRID, "g")),
        (Tier.COMMUNITY, ("g", "c", "s"), (Tier.COMMUNITY, "c")),
        (Tier.STREET, ("g", "c", "s"), (Tier.STREET, "s")),
        # not located that finely: the next tier up
        (Tier.GRID, (None, "c", "s"), (Tier.COMMUNITY, "c")),
        (Tier.GRID, (None, None, "s"), (Tier.STREET, "s")),
        (Tier.COMMUNITY, ("g", None, "s"), (Tier.STREET, "s")),
        # nothing up: the nearest below
        (Tier.STREET, ("g", "c", None), (Tier.COMMUNITY, "c")),
        (Tier.STREET, ("g", None, None), (Tier.GRID, "g")),
        (Tier.COMMUNITY, ("g", None, None), (Tier.GRID, "g")),
        (Tier.GRID, (None, None, None), None),
    ],
)
def test_first_tier_and_its_fallback(wanted, located, expected):
    basis = _category(wanted) if wanted else None
    assert rules.first_tier(basis, *located) == expected  # type: ignore[arg-type]


def test_basis_limits_and_deadlines(settings):
    settings.QUANYU_TICKET_DEFAULT_RESPONSE_HOURS = 24
    settings.QUANYU_TICKET_DEFAULT_COMPLETION_DAYS = 5
    item = SimpleNamespace(response_hours=2, completion_days=3, working_days=False)
    suggested = SimpleNamespace(category=item)
    assert rules.basis(None, suggested) is item  # type: ignore[arg-type]
    assert rules.basis("given", suggested) == "given"  # type: ignore[arg-type]
    assert rules.basis(None, None) is None
    assert rules.limits_of(None) == (24, 5, True) == rules.default_limits()
    assert rules.limits_of(None, (1, 1, False)) == (1, 1, False)
    assert rules.limits_of(item) == (2, 3, False)  # type: ignore[arg-type]
    start = dt.datetime(2024, 6, 1, 9, 30, tzinfo=dt.UTC)
    response, completion = rules.deadlines_from(start, item)  # type: ignore[arg-type]
    assert (response.at, completion.at) == (start + dt.timedelta(hours=2), start + dt.timedelta(days=3))
    assert not response.estimated and not completion.estimated


def test_received_in_range():
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert rules.received_in_range(now, now)
    assert rules.received_in_range(now - rules.RECEIVED_WITHIN, now)
    assert not rules.received_in_range(now - rules.RECEIVED_WITHIN - dt.timedelta(seconds=1), now)
    assert not rules.received_in_range(now + dt.timedelta(seconds=1), now)


def test_the_draft_input_is_frozen_and_keyword_only():
    request = rules.TicketDraftInput(actor=None, text="路灯不亮", channel="web")
    with pytest.raises(AttributeError):
        request.text = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        rules.TicketDraftInput(None, "路灯不亮", "web")  # type: ignore[misc]
