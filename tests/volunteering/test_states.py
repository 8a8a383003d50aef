from __future__ import annotations

from quanyu.volunteering.states import (
    ALLOWED,
    CORRECTION_ALLOWED,
    FINAL_STATUSES,
    HOURS_ALLOWED,
    LIVE_STATUSES,
    CorrectionStatus,
    HoursStatus,
    SignupStatus,
)


def test_tables_are_closed_over_their_statuses():
    for table, labels in (
        (ALLOWED, SignupStatus),
        (HOURS_ALLOWED, HoursStatus),
        (CORRECTION_ALLOWED, CorrectionStatus),
    ):
        assert set(table) == set(labels.values)
        for targets in table.values():
            assert targets <= set(labels.values)


def test_final_statuses_have_no_way_out_and_live_ones_do():
    assert {
        SignupStatus.CHECKED_OUT,
        SignupStatus.NO_SHOW,
        SignupStatus.CANCELLED,
        SignupStatus.DECLINED,
    } == FINAL_STATUSES
    assert not LIVE_STATUSES & FINAL_STATUSES


def test_declined_hours_stay_declined():
    assert HOURS_ALLOWED[HoursStatus.DECLINED] == frozenset()
