"""The evidence workflow with deadlines (issue 18, hand-scored entries): several evidence files
per submission (a resubmission adds to them, ten at most), the assessor's submission deadline per
period (past it, submitting is refused naming the period and the day; who missed it is listed
for the assessor, and the sweep tells the assessors once), through the services, the set page
and the API, each file downloadable only by those who may see the set."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from quanyu.assessment.indicators import reminders, services, submissions
from quanyu.assessment.models import EntryEvidence, IndicatorEvent, ManualEntry, Source, SubmissionDeadline
from quanyu.assessment.periods import parse_period
from quanyu.core.clock import local_today
from quanyu.notify.models import Notification
from tests.asserts import nothing_written
from tests.assessment.factories import community_set

pytestmark = pytest.mark.django_db
MARCH = parse_period("2025-03")
BASE = "/api/assessment/indicator-sets/"


def pdf(name: str, body: bytes = b"%PDF-1.4 test") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def logged_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def pass_deadline(s) -> dt.date:
    """The deadline is over (as if the clock had moved past it); its last day, as now kept."""
    SubmissionDeadline.objects.filter(indicator_set=s).update(due_at=timezone.now() - dt.timedelta(minutes=1))
    return submissions.last_day(SubmissionDeadline.objects.get(indicator_set=s))


@pytest.fixture
def setup(city, people):
    s = community_set(city, people["district_admin"])
    return s, s.indicators.get(source=Source.MANUAL)


def test_several_files_per_submission_and_a_resubmission_adds(city, people, setup):
    _s, manual = setup
    admin, cx = people["district_admin"], people["community_x"]
    one = city.communities[0]
    entry = services.entry_submit(
        actor=cx,
        indicator=manual,
        period=MARCH,
        statement="材料",
        target_area=one,
        evidence=[pdf("台账.pdf"), pdf("照片.pdf")],
    )
    assert [f.name for f in entry.files.all()] == ["台账.pdf", "照片.pdf"]
    entry = services.entry_return(actor=admin, entry=entry, comment="缺少会议记录")
    entry = services.entry_submit(
        actor=cx,
        indicator=manual,
        period=MARCH,
        statement="补充",
        target_area=one,
        evidence=[pdf("记录.pdf")],
    )
    assert entry.files.count() == 3
    submitted = IndicatorEvent.objects.filter(entry=entry, kind="entry_submitted").order_by("id")
    assert [e.payload["files"] for e in submitted] == [["台账.pdf", "照片.pdf"], ["记录.pdf"]]
    # Ten at most: 3 kept + 8 new is refused whole, nothing written.
    services.entry_return(actor=admin, entry=entry, comment="再补")
    entry.refresh_from_db()
    with nothing_written(entry), pytest.raises(ValidationError) as exc:
        services.entry_submit(
            actor=cx,
            indicator=manual,
            period=MARCH,
            statement="补充",
            target_area=one,
            evidence=[pdf(f"{i}.pdf") for i in range(8)],
        )
    assert "evidence" in exc.value.message_dict and "已有 3 个" in exc.value.message_dict["evidence"][0]
    assert EntryEvidence.objects.count() == 3


def test_past_the_deadline_submitting_is_refused_and_the_overdue_are_listed(city, people, setup):
    s, manual = setup
    admin, cx = people["district_admin"], people["community_x"]
    one, two = city.communities[0], city.communities[1]
    # Only the assessor sets it; a day already gone or a bad date is refused.
    with nothing_written(s), pytest.raises(PermissionDenied):
        submissions.deadline_set(actor=cx, indicator_set=s, period=MARCH, due_on=local_today())
    for bad in (local_today() - dt.timedelta(days=1), "2025-02-30"):
        with pytest.raises(ValidationError) as exc:
            submissions.deadline_set(actor=admin, indicator_set=s, period=MARCH, due_on=bad)
        assert "due_on" in exc.value.message_dict
    assert not SubmissionDeadline.objects.exists()
    day = local_today() + dt.timedelta(days=3)
    submissions.deadline_set(actor=admin, indicator_set=s, period=MARCH, due_on=day)
    # Before it: 社区1-1 submits, is returned; 社区1-2 submits nothing.
    entry = services.entry_submit(actor=cx, indicator=manual, period=MARCH, statement="材料", target_area=one)
    services.entry_return(actor=admin, entry=entry, comment="补充")
    assert submissions.overdue_for(s) == []  # not passed yet
    day = pass_deadline(s)
    entry.refresh_from_db()
    with nothing_written(entry), pytest.raises(ValidationError) as exc:
        services.entry_submit(actor=cx, indicator=manual, period=MARCH, statement="迟交", target_area=one)
    message = exc.value.message_dict["period"][0]
    assert "2025-03" in message and day.isoformat() in message and "截止" in message
    with pytest.raises(ValidationError):
        services.entry_submit(actor=admin, indicator=manual, period=MARCH, statement="迟交", target_area=two)
    overdue = submissions.overdue_for(s)
    assert [(o.target, o.returned, o.last_day) for o in overdue] == [
        ("社区1-1", True, day),
        ("社区1-2", False, day),
    ]
    # Another period has no deadline: still open.
    services.entry_submit(
        actor=cx, indicator=manual, period=parse_period("2025-04"), statement="x", target_area=one
    )
    # The assessor moves the deadline: submitting works again, the move is in the history.
    later = local_today() + dt.timedelta(days=5)
    submissions.deadline_set(actor=admin, indicator_set=s, period=MARCH, due_on=later)
    services.entry_submit(actor=cx, indicator=manual, period=MARCH, statement="补交", target_area=one)
    moved = IndicatorEvent.objects.filter(kind="deadline_set").order_by("id").last()
    assert moved is not None and moved.payload["due_on"] == later.isoformat()


def test_the_sweep_tells_the_assessors_once(city, people, setup):
    s, _manual = setup
    admin = people["district_admin"]
    submissions.deadline_set(actor=admin, indicator_set=s, period=MARCH, due_on=local_today())
    assert reminders.entries_remind().overdue_notified == 0  # not passed
    pass_deadline(s)
    result = reminders.entries_remind()
    told = Notification.objects.filter(kind=submissions.KIND)
    assert result.overdue_notified == told.count() > 0
    assert {n.recipient.username for n in told} >= {"district_admin"}
    assert "community_x" not in {n.recipient.username for n in told}
    assert "2 项自评材料逾期未提交" in told.first().title
    assert reminders.entries_remind().overdue_notified == 0  # once
    assert IndicatorEvent.objects.filter(kind="deadline_passed", payload__overdue=2).count() == 1


def test_the_set_page_sets_the_deadline_takes_files_and_lists_the_overdue(city, people, setup):
    s, manual = setup
    admin = logged_in(people["district_admin"])
    url = f"/assessment/sets/{s.pk}/"
    day = local_today() + dt.timedelta(days=2)
    r = admin.post(f"{url}deadline/", {"period": "2025-03", "due_on": day.isoformat()})
    assert r.status_code == 302
    bad = admin.post(f"{url}deadline/", {"period": "2025-03", "due_on": "明天"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.content.decode()
    cx = logged_in(people["community_x"])
    assert 'id="set-deadline"' not in cx.get(url).content.decode()  # the assessed side does not set it
    assert cx.post(f"{url}deadline/", {"period": "2025-03", "due_on": day.isoformat()}).status_code == 403
    r = cx.post(
        f"{url}submit/",
        {
            "indicator": manual.pk,
            "period": "2025-03",
            "target": city.communities[0].pk,
            "statement": "材料",
            "evidence": [pdf("台账.pdf"), pdf("照片.pdf", b"%PDF-1.4 photo")],
        },
    )
    assert r.status_code == 302
    files = list(EntryEvidence.objects.order_by("id"))
    page = cx.get(url).content.decode()
    assert all(f'data-evidence="{f.pk}"' in page for f in files) and day.isoformat() in page
    assert 'data-deadline="2025-03"' in page
    got = cx.get(f"/assessment/evidence/{files[1].pk}/")
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF-1.4 photo"
    assert logged_in(people["community_y"]).get(f"/assessment/evidence/{files[1].pk}/").status_code == 404
    pass_deadline(s)
    late = admin.post(
        f"{url}submit/",
        {"indicator": manual.pk, "period": "2025-03", "target": city.communities[1].pk, "statement": "迟交"},
    )
    assert late.status_code == 400 and "截止提交" in late.content.decode()
    page = admin.get(url).content.decode()
    assert 'id="overdue-table"' in page
    assert f'data-overdue="{manual.pk}-{city.communities[1].pk}-2025-03"' in page
    assert f'data-overdue="{manual.pk}-{city.communities[0].pk}-2025-03"' not in page  # submitted
    assert ManualEntry.objects.count() == 1


def test_the_api_takes_several_files_and_the_deadlines(city, people, setup, api_client):
    s, manual = setup
    admin = api_client("district_admin")
    day = local_today() + dt.timedelta(days=2)
    r = admin.post(f"{BASE}{s.pk}/deadlines/", {"period": "2025-03", "due_on": day.isoformat()})
    assert r.status_code == 201 and r.json()["due_on"] == day.isoformat() and r.json()["passed"] is False
    bad = admin.post(f"{BASE}{s.pk}/deadlines/", {"period": "2025-03", "due_on": "x"})
    assert bad.status_code == 400 and "due_on" in bad.json()
    assert (
        api_client("community_x")
        .post(f"{BASE}{s.pk}/deadlines/", {"period": "2025-03", "due_on": day.isoformat()})
        .status_code
        == 403
    )
    assert api_client("community_y").get(f"{BASE}{s.pk}/deadlines/").status_code == 404
    cx = api_client("community_x")
    r = cx.post(
        f"{BASE}{s.pk}/entries/",
        {
            "indicator": manual.pk,
            "period": "2025-03",
            "target": city.communities[0].pk,
            "statement": "材料",
            "evidence": [pdf("台账.pdf"), pdf("照片.pdf")],
        },
    )
    assert r.status_code == 201, r.content
    files = r.json()["evidence"]
    assert [f["name"] for f in files] == ["台账.pdf", "照片.pdf"] and r.json()["has_evidence"] is True
    got = cx.get(f"/api/assessment/evidence/{files[0]['id']}/")
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF-1.4 test"
    assert api_client("community_y").get(f"/api/assessment/evidence/{files[0]['id']}/").status_code == 404
    pass_deadline(s)
    late = admin.post(
        f"{BASE}{s.pk}/entries/",
        {"indicator": manual.pk, "period": "2025-03", "target": city.communities[1].pk, "statement": "迟交"},
    )
    assert late.status_code == 400 and "截止提交" in late.json()["period"][0]
    body = admin.get(f"{BASE}{s.pk}/deadlines/").json()
    assert body["deadlines"][0]["passed"] is True
    assert [(o["target_name"], o["returned"]) for o in body["overdue"]] == [("社区1-2", False)]
