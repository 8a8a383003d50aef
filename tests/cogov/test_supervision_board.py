"""Overdue co-governance work on the supervision board (督办看板), beside the tickets: a joint
meeting's resolution task past its deadline and a deliberation's accountability item past its
own, for the staff who may read them, narrowed by street and department, and nobody else's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from quanyu.cogov import services
from quanyu.cogov.selectors import overdue_work_for
from tests.cogov.factories import decided, held_session_with_task

pytestmark = pytest.mark.django_db
PAST = dt.date(2026, 4, 30)


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def late(city):
    task = held_session_with_task(city, due=PAST)
    d = decided(city)
    result = services.accountability.result_add(
        actor=city.users["community_x"],
        deliberation=d,
        title="拆除违建棚舍",
        owner="社区居委会",
        due=dt.date(2026, 12, 31),
    )
    type(result).objects.filter(pk=result.pk).update(due=PAST)  # it was due in the spring
    done = services.accountability.result_add(
        actor=city.users["community_x"],
        deliberation=d,
        title="恢复绿地",
        owner="物业",
        due=dt.date(2026, 12, 31),
    )
    services.accountability.result_progress(
        actor=city.users["community_x"], result=done, progress=100, note="已补种"
    )
    type(done).objects.filter(pk=done.pk).update(due=PAST)  # done, so not overdue however late
    return task, result, done


def test_overdue_tasks_and_items_show_beside_the_tickets(city, late):
    task, result, done = late
    body = client_for(city.users["street_staff"]).get("/tickets/supervision/").content.decode()
    assert f'data-task="{task.pk}"' in body and f'data-result="{result.pk}"' in body
    assert f'data-result="{done.pk}"' not in body
    assert "超期的共治任务" in body
    # Narrowed to the street, the work stays; to another street, it goes; by department, the task.
    street = client_for(city.users["street_staff"])
    own = street.get(f"/tickets/supervision/?street={city.streets[0].pk}").content.decode()
    assert f'data-task="{task.pk}"' in own and f'data-result="{result.pk}"' in own
    other = street.get(f"/tickets/supervision/?street={city.streets[1].pk}").content.decode()
    assert "data-task=" not in other and "data-result=" not in other
    by_unit = street.get(f"/tickets/supervision/?department={city.units[-1].pk}").content.decode()
    assert f'data-task="{task.pk}"' in by_unit and f'data-result="{result.pk}"' not in by_unit


def test_another_streets_staff_sees_none_of_it(city, late):
    body = client_for(city.users["community_y"]).get("/tickets/supervision/").content.decode()
    assert "data-task=" not in body and "data-result=" not in body
    assert overdue_work_for(actor=city.users["community_y"]) == {
        "tasks": [],
        "tasks_total": 0,
        "results": [],
        "results_total": 0,
        "today": overdue_work_for(actor=city.users["community_y"])["today"],
    }


def test_the_lists_are_capped_with_true_totals(city, late):
    work = overdue_work_for(actor=city.users["street_staff"], limit=0)
    assert (work["tasks"], work["results"]) == ([], [])
    assert (work["tasks_total"], work["results_total"]) == (1, 1)
