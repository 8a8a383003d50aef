"""The assessment's tables: department scoring (``departments``: settings, daily rollup,
bulletins) and indicator-based assessment (``indicators``: sets, indicators, scored periods,
scores, manual entries with evidence, deductions and their events)."""

from quanyu.assessment.models.areas import (
    AreaDayStat,
    AreaMonthCategoryStat,
    AreaMonthStat,
    AreaOpenStat,
    AreaOpenTotal,
)
from quanyu.assessment.models.departments import (
    Bulletin,
    BulletinRow,
    DepartmentDayStat,
    NoRatingPolicy,
    PeriodKind,
    RollupState,
    ScoringConfig,
)
from quanyu.assessment.models.duty import GRADE_POINTS, DutyReport, DutyReview, Grade
from quanyu.assessment.models.indicators import (
    Deduction,
    Direction,
    Indicator,
    IndicatorEvent,
    IndicatorSet,
    Level,
    ManualEntry,
    Score,
    ScorePeriod,
    ScoreRule,
    Source,
)
from quanyu.assessment.states import EntryStatus, PeriodStatus, SetStatus

__all__ = [
    "GRADE_POINTS",
    "AreaDayStat",
    "AreaMonthCategoryStat",
    "AreaMonthStat",
    "AreaOpenStat",
    "AreaOpenTotal",
    "Bulletin",
    "BulletinRow",
    "Deduction",
    "DepartmentDayStat",
    "Direction",
    "DutyReport",
    "DutyReview",
    "EntryStatus",
    "Grade",
    "Indicator",
    "IndicatorEvent",
    "IndicatorSet",
    "Level",
    "ManualEntry",
    "NoRatingPolicy",
    "PeriodKind",
    "PeriodStatus",
    "RollupState",
    "Score",
    "ScorePeriod",
    "ScoreRule",
    "ScoringConfig",
    "SetStatus",
    "Source",
]
