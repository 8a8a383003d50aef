"""Joint meetings: a session's resolutions become tasks with owner and deadline, progress reports,
completion and review at the next session; the sweep flags overdue tasks; refusals write nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from quanyu.cogov import services
from quanyu.cogov.models import AgendaSource, BodyMember, Session, Task, TaskEventKind
from quanyu.cogov.selectors import task_board_for, task_list_for
from quanyu.cogov.states import SessionStatus, TaskStatus
from quanyu.core.workflow import TransitionError
from quanyu.orgs.models import PartTimeMember
from tests.asserts import nothing_written
from tests.cogov.factories import YEAR, held_session_with_task, next_session, planned_session
from tests.tickets.factories import new_ticket

pytestmark = pytest.mark.django_db


def test_resolution_becomes_task_goes_overdue_and_is_reviewed(city):
    admin = city.users["street_staff"]
    session = planned_session(city)
    ticket = new_ticket(city)
    item = services.session_add_agenda(actor=admin, session=session, ticket=ticket)
    assert item.source == AgendaSource.TICKET and item.title
    members = list(session.body.members.values_list("pk", flat=True))
    [task] = services.session_hold(
        actor=admin,
        session=session,
        attendance=members,
        minutes="研究停车难问题",
        resolutions=[
            {
                "resolution": "施划停车位",
                "owner_unit": city.units[-1],
                "due": dt.date(YEAR, 4, 30),
                "agenda_item": item,
            }
        ],
    )
    assert task.status == TaskStatus.OPEN and task.agenda_item_id == item.pk
    assert Session.objects.get(pk=session.pk).status == SessionStatus.HELD

    handler = city.users["department_handler"]  # speaks for the owning unit (区城管局)
    services.task_report_progress(actor=handler, task=task, progress=30, note="已勘察")
    assert services.tasks_sweep_overdue(today=dt.date(YEAR, 5, 1)) == 1
    assert services.tasks_sweep_overdue(today=dt.date(YEAR, 5, 2)) == 0  # once only
    task.refresh_from_db()
    assert task.is_overdue
    board = task_board_for(actor=admin, today=dt.date(YEAR, 5, 2))
    assert board == [{"unit_id": city.units[-1].pk, "unit": "区城管局", "open": 1, "overdue": 1}]
    assert list(task_list_for(actor=handler, overdue=True)) == [task]

    task = services.task_complete(actor=handler, task=task, note="已施划120个车位")
    review = next_session(city, task)
    task = services.task_review(actor=admin, task=task, session=review, accepted=True)
    assert task.status == TaskStatus.CLOSED and task.reviewed_at_session_id == review.pk
    kinds = list(task.events.values_list("kind", flat=True))
    assert kinds == ["resolved", "progress", "overdue", "done", "closed"]
    assert TaskEventKind.OVERDUE in kinds


def test_reopened_at_review(city):
    task = held_session_with_task(city)
    services.task_complete(actor=city.users["street_staff"], task=task, note="完成")
    review = next_session(city, task)
    task = services.task_review(
        actor=city.users["street_staff"],
        task=Task.objects.get(pk=task.pk),
        session=review,
        accepted=False,
        note="未完成",
    )
    assert task.status == TaskStatus.OPEN and task.done_at is None


def test_review_needs_a_later_session_of_the_same_body(city):
    task = held_session_with_task(city)
    task = services.task_complete(actor=city.users["street_staff"], task=task, note="完成")
    with nothing_written(task), pytest.raises(ValidationError) as err:
        services.task_review(actor=city.users["street_staff"], task=task, session=task.session, accepted=True)
    assert "session" in err.value.message_dict


def test_progress_on_a_closed_task_is_a_transition_error(city):
    task = held_session_with_task(city)
    task = services.task_cancel(actor=city.users["street_staff"], task=task, reason="并入其他事项")
    with nothing_written(task), pytest.raises(TransitionError):
        services.task_report_progress(actor=city.users["street_staff"], task=task, progress=50, note="x")


def test_hold_validation_writes_nothing(city):
    session = planned_session(city)
    staff = city.users["street_staff"]
    members = list(session.body.members.values_list("pk", flat=True))
    bad = [
        ({"attendance": []}, "attendance"),
        ({"attendance": [999999]}, "attendance"),
        ({"resolutions": [{"resolution": "x", "owner_unit": None, "due": "2026-05-01"}]}, "resolutions"),
        (
            {"resolutions": [{"resolution": "x", "owner_unit": city.units[0], "due": "2026-01-01"}]},
            "resolutions",
        ),
        ({"minutes": ""}, "minutes"),
    ]
    for change, field in bad:
        kwargs = {"actor": staff, "session": session, "attendance": members, "minutes": "纪要", **change}
        with nothing_written(session), pytest.raises(ValidationError) as err:
            services.session_hold(**kwargs)
        assert field in err.value.message_dict
    assert Task.objects.count() == 0


def test_agenda_refuses_a_ticket_of_another_street(city):
    session = planned_session(city)
    other = new_ticket(city, point=(121.45, 37.52))  # in the second street
    with nothing_written(session), pytest.raises(ValidationError) as err:
        services.session_add_agenda(actor=city.users["street_staff"], session=session, ticket=other)
    assert "ticket" in err.value.message_dict


def test_part_time_member_takes_a_seat(city):
    ptm = PartTimeMember.objects.create(name="孙七", unit=city.units[0], committee=city.orgs["街道1"])
    session = planned_session(city)
    seat = services.body_add_member(actor=city.users["street_staff"], body=session.body, part_time_member=ptm)
    assert (seat.name, seat.unit_id, seat.post) == ("孙七", city.units[0].pk, "兼职委员")
    with pytest.raises(PermissionDenied):
        services.body_add_member(actor=city.users["community_y"], body=session.body, name="x")
    assert BodyMember.objects.filter(body=session.body).count() == 3


KEEP = {"district_admin", "street_staff"}
OWNER = KEEP | {"department_handler"}
PERSONAS = [
    "district_admin",
    "street_staff",
    "community_x",
    "community_y",
    "grid_worker",
    "department_handler",
    "resident",
    "outsider",
]
TASK_STEPS = {
    "progress": (lambda a, t: services.task_report_progress(actor=a, task=t, progress=10, note="n"), OWNER),
    "complete": (lambda a, t: services.task_complete(actor=a, task=t, note="n"), OWNER),
    "cancel": (lambda a, t: services.task_cancel(actor=a, task=t, reason="r"), KEEP),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("step", sorted(TASK_STEPS))
def test_task_permission_matrix(city, step, persona):
    task = held_session_with_task(city)
    run, allowed = TASK_STEPS[step]
    if persona in allowed:
        run(city.users[persona], task)
        assert task.events.count() == 2
    else:
        with nothing_written(task), pytest.raises(PermissionDenied):
            run(city.users[persona], task)


@pytest.mark.parametrize("persona", PERSONAS)
def test_session_steps_matrix(city, persona):
    session = planned_session(city)
    actor = city.users[persona]
    if persona in KEEP:
        services.session_add_agenda(actor=actor, session=session, title="议题")
        services.session_cancel(actor=actor, session=session)
        assert session.events.count() == 3
    else:
        with nothing_written(session), pytest.raises(PermissionDenied):
            services.session_add_agenda(actor=actor, session=session, title="议题")
        with nothing_written(session), pytest.raises(PermissionDenied):
            services.session_hold(actor=actor, session=session, attendance=[], minutes="m")


def test_progress_on_a_done_task_is_refused(city):
    """Found by the random-steps test: the table's done → open (a review sending it back) must not
    let a progress report through on a done task."""
    task = held_session_with_task(city)
    task = services.task_complete(actor=city.users["street_staff"], task=task, note="完成")
    with nothing_written(task), pytest.raises(TransitionError):
        services.task_report_progress(actor=city.users["street_staff"], task=task, progress=50, note="x")
