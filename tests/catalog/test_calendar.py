"""Working-day deadlines over the holiday table: National Day 2026 with its 调休 workdays, and a
year that is not in the table yet (weekends only, flagged, never a crash)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from quanyu.catalog import calendar as calendar_module
from quanyu.catalog.calendar import (
    WorkCalendar,
    add_working_days,
    add_working_hours,
    deadline_after,
    year_known,
)
from quanyu.catalog.models import Holiday
from quanyu.catalog.services import holiday_set
from quanyu.core.clock import LOCAL_TZ

pytestmark = pytest.mark.django_db


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LOCAL_TZ)


def test_table_is_seeded_from_chinese_calendar():
    national_day = Holiday.objects.filter(date__range=(dt.date(2026, 10, 1), dt.date(2026, 10, 7)))
    assert national_day.count() == 7 and {h.kind for h in national_day} == {"holiday"}
    assert Holiday.objects.get(date=dt.date(2026, 10, 10)).kind == "workday"
    assert Holiday.objects.get(date=dt.date(2026, 10, 1)).name == "国庆节"
    assert year_known(2026) and not year_known(2027)


def test_working_days_skip_national_day_and_count_the_adjusted_saturday():
    start = local(2026, 9, 30, 10, 0)  # Wednesday before the holiday
    one = add_working_days(start, 1)
    assert one.at == local(2026, 10, 8, 10, 0) and not one.estimated
    three = add_working_days(start, 3)  # 10-08 Thu, 10-09 Fri, 10-10 Sat (调休 workday)
    assert three.at == local(2026, 10, 10, 10, 0)


def test_a_start_on_a_day_off_counts_from_the_next_working_day():
    # 2026-09-19 is a Saturday; Sunday 09-20 is an adjusted workday.
    assert add_working_days(local(2026, 9, 19, 9, 0), 1).at == local(2026, 9, 21, 0, 0)
    assert add_working_days(local(2026, 10, 3, 15, 0), 0).at == local(2026, 10, 8, 0, 0)


def test_working_hours_jump_over_the_holiday():
    assert add_working_hours(local(2026, 9, 30, 22, 0), 4).at == local(2026, 10, 8, 2, 0)
    assert add_working_hours(local(2026, 9, 29, 10, 0), 2).at == local(2026, 9, 29, 12, 0)


def test_a_year_not_in_the_table_counts_weekends_only_and_says_so():
    d = add_working_days(local(2027, 1, 29, 10, 0), 1)  # Friday → Monday
    assert d.at == local(2027, 2, 1, 10, 0) and d.estimated
    across = add_working_days(local(2026, 12, 31, 9, 0), 2)  # 2027-01-01 counts as a weekday
    assert across.at == local(2027, 1, 4, 9, 0) and across.estimated
    inside = add_working_days(local(2026, 12, 1, 9, 0), 2)
    assert not inside.estimated


def test_the_administrator_enters_next_year(city):
    holiday_set(actor=city.users["district_admin"], date=dt.date(2027, 1, 1), kind="holiday", name="元旦")
    across = add_working_days(local(2026, 12, 31, 9, 0), 2)
    assert across.at == local(2027, 1, 5, 9, 0) and not across.estimated


def test_calendar_time_when_the_category_says_so():
    start = local(2026, 9, 30, 10, 0)
    assert deadline_after(start, days=3, working=False).at == local(2026, 10, 3, 10, 0)
    assert deadline_after(start, hours=30, working=False).at == local(2026, 10, 1, 16, 0)


def test_one_calendar_reads_each_year_once(django_assert_max_num_queries):
    cal = WorkCalendar()
    with django_assert_max_num_queries(2):
        for n in range(0, 60):
            cal.add_working_days(local(2026, 9, 1, 9, 0), n)


def test_holidays_seed_command_is_idempotent():
    before = Holiday.objects.count()
    call_command("holidays_seed", year=[2026])
    assert Holiday.objects.count() == before
    Holiday.objects.filter(date__year=2025).delete()
    call_command("holidays_seed", year=[2025])
    assert Holiday.objects.count() == before


def test_calendar_years_cached_and_invalidated(db, settings, django_assert_num_queries):
    settings.QUANYU_REVISION_RECHECK_SECONDS = 3600
    calendar_module.years.forget()
    known = calendar_module.WorkCalendar().year_known(2031)
    with django_assert_num_queries(0):
        assert calendar_module.WorkCalendar().year_known(2031) is known
    Holiday.objects.bulk_create([Holiday(date=dt.date(2031, 1, 1), kind=Holiday.Kind.HOLIDAY)])
    assert calendar_module.WorkCalendar().year_known(2031) is known  # no signal, inside the window
    calendar_module.years.forget()
    assert calendar_module.WorkCalendar().year_known(2031) is True
    assert not calendar_module.WorkCalendar().is_working_day(dt.date(2031, 1, 1))


def test_calendar_sees_other_process_edits_after_the_window(db, settings):
    settings.QUANYU_REVISION_RECHECK_SECONDS = 0
    assert calendar_module.WorkCalendar().year_known(2032) is False
    Holiday.objects.bulk_create([Holiday(date=dt.date(2032, 1, 1), kind=Holiday.Kind.HOLIDAY)])
    assert calendar_module.WorkCalendar().year_known(2032) is True


def test_holiday_seeding_is_seen_at_once_in_this_process(db, settings):
    """A bulk insert sends no signal: the seeding makes the holiday years forget explicitly."""
    from quanyu.catalog.services import holidays_seed_from_package

    settings.QUANYU_REVISION_RECHECK_SECONDS = 3600
    Holiday.objects.filter(date__year=2024).delete()
    assert calendar_module.WorkCalendar().year_known(2024) is False
    assert holidays_seed_from_package(years={2024}) > 0
    assert calendar_module.WorkCalendar().year_known(2024) is True
