from __future__ import annotations

from quanyu.wishes.states import (
    ALLOWED,
    CLAIM_ALLOWED,
    FINAL_STATUSES,
    INITIAL_STATUS,
    WALL_STATUSES,
    ClaimStatus,
    WishStatus,
)


def test_the_table_is_closed_over_the_statuses():
    assert set(ALLOWED) == set(WishStatus)
    for targets in ALLOWED.values():
        assert targets <= set(WishStatus)
    assert set(CLAIM_ALLOWED) == set(ClaimStatus)
    for targets in CLAIM_ALLOWED.values():
        assert targets <= set(ClaimStatus)


def test_final_statuses_and_the_wall():
    # Confirmed takes only the thank-you, a step that changes no status.
    assert {WishStatus.REJECTED, WishStatus.CANCELLED, WishStatus.CONFIRMED} == FINAL_STATUSES
    assert INITIAL_STATUS == WishStatus.SUBMITTED
    assert WishStatus.SUBMITTED not in WALL_STATUSES
    assert not (WALL_STATUSES & {WishStatus.REJECTED, WishStatus.CANCELLED})


def test_every_status_is_reachable_from_the_start():
    seen = {INITIAL_STATUS}
    frontier = [INITIAL_STATUS]
    while frontier:
        for nxt in ALLOWED[frontier.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    assert seen == set(WishStatus)
