"""The statutory holiday schedule shipped by the ``chinese_calendar`` package (2004–2026), as rows
for the ``Holiday`` table. Later years are entered by an administrator (admin or xlsx)."""

from __future__ import annotations

import datetime as dt

# chinese_calendar names its holidays in English; the table keeps the Chinese names.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def package_rows(years: set[int] | None = None) -> list[tuple[dt.date, str, str]]:
    """(date, kind, Chinese name) for every holiday ("holiday") and adjusted workday ("workday")
    that chinese_calendar knows, optionally limited to ``years``."""
    from chinese_calendar import constants

    rows: list[tuple[dt.date, str, str]] = []
    for source, kind in ((constants.holidays, "holiday"), (constants.workdays, "workday")):
        for day, name in source.items():
            if years is None or day.year in years:
                label = str(getattr(name, "value", name))
                rows.append((day, kind, HOLIDAY_NAMES_ZH.get(label, label)))
    rows.sort()
    return rows
