"""Accountability items of a decision (落实事项): who does what by when, progress weighted from
sub-results, tracked to done, with a dated history; the residents who gave opinions are told of
each change; refused steps write nothing; the table holds under random use."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quanyu.cogov import services
from quanyu.cogov.models import Result, ResultEvent
from quanyu.cogov.states import RESULT_ALLOWED, ResultStatus
from quanyu.core.workflow import ConflictError, TransitionError
from quanyu.notify.models import Notification
from tests.asserts import nothing_written, snapshot
from tests.cogov.factories import decided, opened

pytestmark = pytest.mark.django_db
R = ResultStatus
acc = services.accountability
DUE = dt.date(2026, 12, 31)


def add(city, d, title="拆除违建棚舍", **kw) -> Result:
    return acc.result_add(
        actor=city.users["community_x"], deliberation=d, title=title, owner="社区居委会", due=DUE, **kw
    )


def test_table_is_closed():
    assert set(RESULT_ALLOWED) == set(R.values)
    for targets in RESULT_ALLOWED.values():
        assert targets <= set(R.values)


def test_parent_progress_is_weighted_from_its_sub_results_and_done_when_they_are(city):
    d = decided(city)
    staff = city.users["community_x"]
    parent = add(city, d)
    sheds = add(city, d, "拆除棚舍", parent=parent, weight=3)
    plots = add(city, d, "恢复绿地", parent=parent, weight=1)
    acc.result_progress(actor=staff, result=sheds, progress=100, note="棚舍已拆除")
    parent.refresh_from_db()
    assert (parent.progress, parent.status) == (75, R.IN_PROGRESS)
    acc.result_progress(actor=staff, result=Result.objects.get(pk=plots.pk), progress=100, note="已补种")
    parent.refresh_from_db()
    assert (parent.progress, parent.status) == (100, R.DONE) and parent.done_on is not None
    assert acc.overall(list(Result.objects.filter(deliberation=d))) == 100
    kinds = list(ResultEvent.objects.filter(result=parent).values_list("kind", flat=True))
    assert kinds == ["added", "progress", "progress"]
    assert ResultEvent.objects.filter(result=parent, payload__derived=True).count() == 2


def test_a_cancelled_sub_result_leaves_the_weighting(city):
    d = decided(city)
    staff = city.users["community_x"]
    parent = add(city, d)
    a = add(city, d, "甲", parent=parent)
    b = add(city, d, "乙", parent=parent)
    acc.result_progress(actor=staff, result=a, progress=40, note="推进")
    acc.result_cancel(actor=staff, result=Result.objects.get(pk=b.pk), reason="并入甲")
    parent.refresh_from_db()
    assert parent.progress == 40


def test_items_wait_for_the_decision(city):
    d = opened(city)
    with nothing_written(d), pytest.raises(ValidationError) as err:
        add(city, d)
    assert "deliberation" in err.value.message_dict


def test_the_residents_who_gave_opinions_are_told_of_each_change(city):
    d = decided(city, opinions=[city.users["resident"]])
    item = add(city, d)
    acc.result_progress(actor=city.users["community_x"], result=item, progress=50, note="拆除一半")
    told = Notification.objects.filter(recipient=city.users["resident"], kind="cogov_result")
    assert told.count() == 2 and told.last().link == f"/cogov/deliberations/{d.pk}/"
    assert not Notification.objects.filter(kind="cogov_result").exclude(recipient=city.users["resident"])


@pytest.mark.parametrize(
    "persona", ["resident", "community_y", "grid_worker", "department_handler", "outsider"]
)
def test_only_keepers_set_out_and_report_items(city, persona):
    d = decided(city)
    item = add(city, d)
    actor = city.users[persona]
    with nothing_written(d, item), pytest.raises(PermissionDenied):
        acc.result_add(actor=actor, deliberation=d, title="x", owner="y", due=DUE)
    with nothing_written(d, item), pytest.raises(PermissionDenied):
        acc.result_progress(actor=actor, result=item, progress=10, note="x")
    with nothing_written(d, item), pytest.raises(PermissionDenied):
        acc.result_cancel(actor=actor, result=item, reason="x")


def test_bad_input_names_its_field_and_writes_nothing(city):
    d = decided(city)
    staff = city.users["community_x"]
    item = add(city, d)
    acc.result_progress(actor=staff, result=item, progress=60, note="推进")
    item.refresh_from_db()
    cases = [
        ("progress", lambda: acc.result_progress(actor=staff, result=item, progress=101, note="x")),
        ("progress", lambda: acc.result_progress(actor=staff, result=item, progress=30, note="倒退")),
        ("due", lambda: acc.result_add(actor=staff, deliberation=d, title="x", owner="y", due="明天")),
        (
            "weight",
            lambda: acc.result_add(actor=staff, deliberation=d, title="x", owner="y", due=DUE, weight=0),
        ),
        ("owner", lambda: acc.result_add(actor=staff, deliberation=d, title="x", owner="", due=DUE)),
    ]
    for field, step in cases:
        with nothing_written(d, item), pytest.raises(ValidationError) as err:
            step()
        assert field in err.value.message_dict, field
    child = add(city, d, "子项", parent=item)
    with nothing_written(d, item, child), pytest.raises(ValidationError) as err:
        acc.result_add(actor=staff, deliberation=d, title="孙项", owner="y", due=DUE, parent=child)
    assert "parent" in err.value.message_dict


def test_done_is_final_and_a_stale_copy_is_a_conflict(city):
    d = decided(city)
    staff = city.users["community_x"]
    item = add(city, d)
    stale = Result.objects.get(pk=item.pk)
    acc.result_progress(actor=staff, result=item, progress=100, note="完成")
    fresh = Result.objects.get(pk=item.pk)
    with nothing_written(fresh), pytest.raises(TransitionError) as err:
        acc.result_cancel(actor=staff, result=fresh, reason="x")
    assert not isinstance(err.value, ConflictError)
    with nothing_written(fresh), pytest.raises(ConflictError):
        acc.result_cancel(actor=staff, result=stale, reason="x")


STEPS = {
    "progress_30": lambda s, r: acc.result_progress(actor=s, result=r, progress=30, note="推进"),
    "progress_70": lambda s, r: acc.result_progress(actor=s, result=r, progress=70, note="推进"),
    "done": lambda s, r: acc.result_progress(actor=s, result=r, progress=100, note="完成"),
    "cancel": lambda s, r: acc.result_cancel(actor=s, result=r, reason="取消"),
}


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(steps=st.lists(st.tuples(st.sampled_from(sorted(STEPS)), st.integers(0, 2)), max_size=10))
def test_random_steps_keep_the_table_and_the_weighting(city, steps):
    staff = city.users["community_x"]
    d = decided(city)
    parent = add(city, d)
    children = [add(city, d, f"子项{i}", parent=parent, weight=i + 1) for i in range(3)]
    for name, which in steps:
        row = Result.objects.get(pk=children[which].pk)
        before = row.status
        n = ResultEvent.objects.count()
        state = snapshot(row, parent)
        try:
            STEPS[name](staff, row)
        except (TransitionError, ValidationError):
            assert snapshot(row, parent) == state
            continue
        after = Result.objects.get(pk=row.pk).status
        assert after in RESULT_ALLOWED[before]
        assert ResultEvent.objects.count() > n
        fresh = Result.objects.get(pk=parent.pk)
        kids = list(Result.objects.filter(parent=parent))
        assert fresh.progress == acc.weighted(kids) or fresh.status not in (R.PLANNED, R.IN_PROGRESS)
        live = [k for k in kids if k.status != R.CANCELLED]
        if live and all(k.status == R.DONE for k in live):
            assert fresh.status == R.DONE


def test_page_sets_out_and_reports_items_and_reads_them_without_log_in(city):
    d = decided(city)
    staff = Client()
    staff.force_login(city.users["community_x"])
    url = f"/cogov/deliberations/{d.pk}/"
    response = staff.post(
        url + "result_add/", {"title": "拆除棚舍", "owner": "物业公司", "due": "2026-12-31", "weight": "2"}
    )
    assert response.status_code == 302
    item = Result.objects.get()
    assert (
        staff.post(
            url + "result_progress/", {"result": item.pk, "progress": "50", "note": "拆除一半"}
        ).status_code
        == 302
    )
    with nothing_written(item):
        bad = staff.post(url + "result_progress/", {"result": item.pk, "progress": "abc", "note": "x"})
    assert bad.status_code == 400 and "进度必须是0到100的整数" in bad.content.decode()
    with nothing_written(item):
        missing = staff.post(url + "result_add/", {"title": "x", "owner": "y", "due": ""})
    assert missing.status_code == 400 and "完成时限" in missing.content.decode()
    page = Client().get(url)
    body = page.content.decode()
    assert page.status_code == 200 and "拆除棚舍" in body and 'id="overall-progress">50%' in body
    other = Client()
    other.force_login(city.users["community_y"])
    with nothing_written(item):
        assert (
            other.post(
                url + "result_progress/", {"result": item.pk, "progress": "90", "note": "x"}
            ).status_code
            == 404
        )


def test_the_page_keeps_a_constant_query_count_as_items_grow(city, django_assert_max_num_queries):
    d = decided(city)
    parent = add(city, d)
    add(city, d, "子项", parent=parent)
    url = f"/cogov/deliberations/{d.pk}/"
    Client().get(url)
    with django_assert_max_num_queries(30) as first:
        Client().get(url)
    n = len(first.captured_queries)
    for i in range(4):
        child = add(city, d, f"子项{i}", parent=add(city, d, f"事项{i}"))
        acc.result_progress(actor=city.users["community_x"], result=child, progress=20, note="推进")
    with django_assert_max_num_queries(n):
        Client().get(url)
