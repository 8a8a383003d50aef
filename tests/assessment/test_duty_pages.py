"""述职评议 pages through Django's test client: a community's staff submits the secretary's report
(the platform's figures kept as submitted), a reviewer grades it, who may do what (403 / 404),
bad input shown again with the field's message and nothing written; the grades in the bulletin,
its PDF, and frozen with the period."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from quanyu.assessment.indicators import services
from quanyu.assessment.models import DutyReport, DutyReview, IndicatorEvent
from quanyu.assessment.periods import parse_period
from quanyu.tickets.models import RatingLevel
from tests.assessment.factories import DAY, community_set, community_ticket

pytestmark = pytest.mark.django_db


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def duty_set(city, people):
    community_ticket(city, 0, resolved=DAY, rating=RatingLevel.SATISFIED)
    community_ticket(city, 0, resolved=5 * DAY)
    return community_set(city, people["district_admin"])


def submit(user, s, area, statement="全年工作述职"):
    return client(user).post(
        f"/assessment/sets/{s.pk}/duty/submit/", {"area": area.pk, "statement": statement}
    )


def test_submit_review_and_show(city, people, duty_set):
    s, c0 = duty_set, city.communities[0]
    page = client(people["community_x"]).get(f"/assessment/sets/{s.pk}/duty/")
    assert page.status_code == 200
    html = page.content.decode()
    # community_x may report for 社区1-1 only.
    assert f'<option value="{c0.pk}">' in html and f'<option value="{city.communities[1].pk}">' not in html
    r = submit(people["community_x"], s, c0, "  一年来，社区党委……  ")
    assert r.status_code == 302
    report = DutyReport.objects.get()
    assert r["Location"] == f"/assessment/duty/{report.pk}/"
    assert report.statement == "一年来，社区党委……"
    detail = client(people["community_x"]).get(r["Location"]).content.decode()
    assert "一年来，社区党委" in detail
    # The figures as submitted: 1 of 2 tickets resolved in time → 50.0%, 1 / 2.
    assert 'data-figure="tickets.resolved_in_time"' in detail and "50.0%" in detail and "1 / 2" in detail
    assert "duty-review-form" not in detail  # the secretary's side does not grade
    # The reviewers grade; the street's staff reviews a street's set of communities too.
    for who, grade in (("org_dept", "good"), ("street_staff", "fairly_good")):
        r = client(people[who]).post(
            f"/assessment/duty/{report.pk}/review/", {"grade": grade, "comment": "成效明显"}
        )
        assert r.status_code == 302, r.content.decode()
    detail = client(people["leader"]).get(f"/assessment/duty/{report.pk}/").content.decode()
    assert "平均等次 较好（0.90，2 人评议）" in detail
    listing = client(people["leader"]).get(f"/assessment/sets/{s.pk}/duty/").content.decode()
    assert "较好（0.90）" in listing and "社区1-1" in listing
    # The reviewer's own grade is preselected when they come back.
    again = client(people["org_dept"]).get(f"/assessment/duty/{report.pk}/").content.decode()
    assert 'value="good" checked' in again
    # Graded: the report is final (409), nothing changes.
    r = submit(people["community_x"], s, c0, "再改")
    assert r.status_code == 409 and "已开始评议" in r.content.decode()
    assert DutyReport.objects.get().statement == "一年来，社区党委……"


def test_refusals_show_the_page_again_and_write_nothing(city, people, duty_set):
    s, c0, c1 = duty_set, city.communities[0], city.communities[1]
    events = IndicatorEvent.objects.count()
    r = submit(people["community_x"], s, c0, "   ")
    assert r.status_code == 400 and "请填写述职报告" in r.content.decode()
    r = submit(people["community_x"], s, c1)
    assert r.status_code == 403
    r = client(people["community_x"]).post(
        f"/assessment/sets/{s.pk}/duty/submit/", {"area": "x", "statement": "y"}
    )
    assert r.status_code == 400 and "请指定述职的街道或社区" in r.content.decode()
    assert client(people["community_y"]).get(f"/assessment/sets/{s.pk}/duty/").status_code == 404
    assert DutyReport.objects.count() == 0 and IndicatorEvent.objects.count() == events
    report = DutyReport.objects.get(pk=submit(people["community_x"], s, c0)["Location"].split("/")[-2])
    events = IndicatorEvent.objects.count()
    url = f"/assessment/duty/{report.pk}/review/"
    r = client(people["org_dept"]).post(url, {"grade": "excellent"})
    assert r.status_code == 400 and "评议等次须为" in r.content.decode()
    assert client(people["community_x"]).post(url, {"grade": "good"}).status_code == 403
    assert client(people["community_y"]).post(url, {"grade": "good"}).status_code == 404
    assert client(people["community_y"]).get(f"/assessment/duty/{report.pk}/").status_code == 404
    assert client(people["org_dept"]).get(url).status_code == 405
    assert DutyReview.objects.count() == 0 and IndicatorEvent.objects.count() == events


def test_grades_in_the_bulletin_and_its_pdf_frozen_with_the_period(city, people, duty_set):
    from pypdf import PdfReader

    s, admin = duty_set, people["district_admin"]
    report = DutyReport.objects.get(
        pk=submit(people["community_x"], s, city.communities[0])["Location"].split("/")[-2]
    )
    client(people["org_dept"]).post(f"/assessment/duty/{report.pk}/review/", {"grade": "good"})
    client(admin).post(f"/assessment/duty/{report.pk}/review/", {"grade": "average"})
    sp = services.period_compute(actor=admin, indicator_set=s, period=parse_period("2025-03"))
    url = f"/assessment/sets/{s.pk}/bulletin/?period=2025-03"
    draft = client(people["leader"]).get(url).content.decode()
    assert "书记述职评议" in draft and 'id="bulletin-duty"' in draft
    assert (
        "<td>社区1-1</td><td>community_x</td><td>1</td><td>0</td><td>1</td><td>0</td><td>0.80</td><td>较好</td>"
        in draft
    )
    services.period_freeze(actor=admin, score_period=sp)
    frozen = client(people["leader"]).get(url).content
    # A grade changed after freezing leaves the frozen bulletin as it was.
    client(people["org_dept"]).post(f"/assessment/duty/{report.pk}/review/", {"grade": "poor"})
    assert client(people["leader"]).get(url).content == frozen
    pdf = client(people["leader"]).get(url + "&format=pdf")
    assert pdf.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "书记述职评议" in text and "较好" in text and "社区1-1" in text


def test_the_set_page_links_to_the_reviews(city, people, duty_set):
    html = client(people["district_admin"]).get(f"/assessment/sets/{duty_set.pk}/").content.decode()
    assert f"/assessment/sets/{duty_set.pk}/duty/" in html
