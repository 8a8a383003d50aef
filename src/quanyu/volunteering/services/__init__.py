"""The steps of volunteering, one function each (docs/WORKFLOWS.md §5)."""

from quanyu.volunteering.services.attendance import (
    SweepResult,
    capped_minutes,
    check_in_by_qr,
    check_out_by_qr,
    rollcall_check_in,
    rollcall_check_out,
    signup_no_show,
    sweep_attendance,
)
from quanyu.volunteering.services.exports import (
    NATIONAL_COLUMNS,
    hours_export,
    teams_export,
    volunteers_export,
)
from quanyu.volunteering.services.history import (
    HistoryResult,
    PastActivity,
    PastSignup,
    TeamHistory,
    history_load,
)
from quanyu.volunteering.services.hours import correction_decide, correction_request, hours_decide
from quanyu.volunteering.services.imports import (
    TEAM_COLUMNS,
    VOLUNTEER_COLUMNS,
    ImportResult,
    teams_import,
    volunteers_import,
)
from quanyu.volunteering.services.phone import phone_code_send, phone_sign_up
from quanyu.volunteering.services.records import certificate_issue
from quanyu.volunteering.services.registry import (
    VolunteerInput,
    activity_create,
    activity_repeat,
    project_create,
    team_add_member,
    team_contact_reveal,
    team_create,
    volunteer_register,
)
from quanyu.volunteering.services.rooms import activity_cancel, activity_reschedule
from quanyu.volunteering.services.signup_batch import self_signup_batch
from quanyu.volunteering.services.signups import (
    own_volunteer,
    signup_approve,
    signup_cancel,
    signup_create,
    signup_decline,
)

__all__ = [
    "NATIONAL_COLUMNS",
    "TEAM_COLUMNS",
    "VOLUNTEER_COLUMNS",
    "HistoryResult",
    "ImportResult",
    "PastActivity",
    "PastSignup",
    "SweepResult",
    "TeamHistory",
    "VolunteerInput",
    "activity_cancel",
    "activity_create",
    "activity_repeat",
    "activity_reschedule",
    "capped_minutes",
    "certificate_issue",
    "check_in_by_qr",
    "check_out_by_qr",
    "correction_decide",
    "correction_request",
    "history_load",
    "hours_decide",
    "hours_export",
    "own_volunteer",
    "phone_code_send",
    "phone_sign_up",
    "project_create",
    "rollcall_check_in",
    "rollcall_check_out",
    "self_signup_batch",
    "signup_approve",
    "signup_cancel",
    "signup_create",
    "signup_decline",
    "signup_no_show",
    "sweep_attendance",
    "team_add_member",
    "team_contact_reveal",
    "team_create",
    "teams_export",
    "teams_import",
    "volunteer_register",
    "volunteers_export",
    "volunteers_import",
]
