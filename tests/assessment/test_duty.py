"""述职评议: a community's report with the platform's figures kept as submitted, the reviewers'
grades, who may do what, and the grades entering the set's scores through the provider."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from quanyu.assessment.indicators import registry, services
from quanyu.assessment.indicators.registry import AREA, Target
from quanyu.assessment.models import DutyReport, Level, Score, ScoreRule, Source
from quanyu.assessment.periods import parse_period
from quanyu.tickets.models import RatingLevel
from tests.assessment.factories import DAY, community_set, community_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def duty_set(city, people):
    """Street 1's 2025 set for its communities with one indicator: the 述职评议 grade (100,
    linear from 0 to 1)."""
    admin = people["district_admin"]
    s = services.indicator_set_create(actor=admin, year=2025, level=Level.COMMUNITY, area=city.streets[0])
    services.indicator_add(
        actor=admin,
        indicator_set=s,
        name="述职评议",
        weight=100,
        source=Source.COMPUTED,
        provider="assessment.duty_review",
        rule=ScoreRule.LINEAR,
        floor="0",
        target="1",
    )
    return services.indicator_set_publish(actor=admin, indicator_set=s)


def url(s) -> str:
    return f"/api/assessment/indicator-sets/{s.pk}/duty-reports/"


def test_report_review_and_score(city, people, api_client, duty_set):
    community_ticket(city, 0, resolved=DAY, rating=RatingLevel.SATISFIED)
    community_ticket(city, 0, resolved=5 * DAY)
    c0 = city.communities[0]
    secretary = api_client("community_x")
    r = secretary.post(url(duty_set), {"area": c0.pk, "statement": "  全年工作报告  "})
    assert r.status_code == 201, r.content
    report = r.json()
    assert report["statement"] == "全年工作报告"
    assert report["figures"]["tickets.resolved_in_time"]["numerator"] == "1"
    assert report["figures"]["tickets.resolved_in_time"]["denominator"] == "2"
    # Resubmitting before any grade replaces it.
    r = secretary.post(url(duty_set), {"area": c0.pk, "statement": "修改后的报告"})
    assert r.status_code == 201 and r.json()["id"] == report["id"]
    assert DutyReport.objects.get().statement == "修改后的报告"
    review = f"/api/assessment/duty-reports/{report['id']}/review/"
    # The secretary's side cannot grade; a bad grade names the field.
    assert secretary.post(review, {"grade": "good"}).status_code == 403
    bad = api_client("org_dept").post(review, {"grade": "excellent"})
    assert bad.status_code == 400 and "grade" in bad.json()
    r = api_client("org_dept").post(review, {"grade": "good", "comment": "成效明显"})
    assert r.status_code == 200 and r.json()["grade_label"] == "好"
    assert api_client("district_admin").post(review, {"grade": "poor"}).status_code == 200
    assert api_client("district_admin").post(review, {"grade": "average"}).status_code == 200  # replaces
    # Once graded, the report is final.
    assert secretary.post(url(duty_set), {"area": c0.pk, "statement": "再改"}).status_code == 409
    listed = api_client("org_dept").get(url(duty_set)).json()["results"]
    assert [g["grade"] for g in listed[0]["reviews"]] == ["good", "average"]
    # The provider: (1 + 0.6) / 2 grades; 社区1-2 has no report.
    provider = registry.get("assessment.duty_review")
    assert provider is not None
    targets = [Target(AREA, c.pk, c.name, c.path) for c in city.communities[:2]]
    got = provider.compute(targets, parse_period("2025"), {})
    assert (got[c0.pk].numerator, got[c0.pk].denominator, got[c0.pk].value) == (D("1.6"), D(2), D("0.8"))
    assert got[city.communities[1].pk].value is None
    # Aggregated into the set: linear 0 → 1 over 100 points.
    r = api_client("district_admin").post(
        f"/api/assessment/indicator-sets/{duty_set.pk}/compute/", {"period": "2025"}
    )
    assert r.status_code == 200, r.content
    total = Score.objects.get(indicator=None, target_area=c0)
    assert total.score == D("80.00") and total.rank == 1


def test_who_may_submit_and_see(city, people, api_client, duty_set):
    c0, c1 = city.communities[0], city.communities[1]
    # Another community's staff: not theirs (403); a community outside the set: not a target (404).
    assert api_client("community_x").post(url(duty_set), {"area": c1.pk, "statement": "x"}).status_code == 403
    r = api_client("street_staff").post(url(duty_set), {"area": city.communities[2].pk, "statement": "x"})
    assert r.status_code == 404
    assert api_client("community_y").get(url(duty_set)).status_code == 404
    r = api_client("community_x").post(url(duty_set), {"area": c0.pk, "statement": ""})
    assert r.status_code == 400 and "statement" in r.json()
    r = api_client("community_x").post(url(duty_set), {"area": "abc", "statement": "报告"})
    assert r.status_code == 400 and "area" in r.json()
    r = api_client("community_x").post(url(duty_set), {"area": c0.pk, "statement": "报告"})
    rid = r.json()["id"]
    assert api_client("community_y").get(f"/api/assessment/duty-reports/{rid}/").status_code == 404
    assert (
        api_client("community_y")
        .post(f"/api/assessment/duty-reports/{rid}/review/", {"grade": "good"})
        .status_code
        == 404
    )


def test_unit_sets_and_drafts_take_no_report(city, people, api_client):
    admin = people["district_admin"]
    draft = community_set(city, admin, publish=False)
    r = api_client("community_x").post(url(draft), {"area": city.communities[0].pk, "statement": "报告"})
    assert r.status_code == 400 and "indicator_set" in r.json()
    units = services.indicator_set_create(actor=admin, year=2025, level=Level.UNIT, area=city.district)
    r = api_client("district_admin").post(url(units), {"area": city.communities[0].pk, "statement": "报告"})
    assert r.status_code == 400 and "indicator_set" in r.json()


def test_the_report_keeps_the_secretarys_projects(city, people, api_client, duty_set):
    import datetime as dt

    from django.test import Client

    from quanyu.cogov.models import Milestone, Rating, SecretaryProject
    from quanyu.cogov.states import ProjectStatus

    c0 = city.communities[0]

    def project(area, title, year=2025, status=ProjectStatus.RUNNING, rating="", stones=()):
        p = SecretaryProject.objects.create(
            area=area,
            secretary=people["community_x"],
            year=year,
            title=title,
            goal="目标",
            status=status,
            final_rating=rating,
        )
        for due, done in stones:
            Milestone.objects.create(project=p, name="节点", due=due, done_on=done)
        return p

    behind = project(
        c0, "加装电梯", stones=[(dt.date(2025, 3, 1), dt.date(2025, 3, 1)), (dt.date(2025, 11, 30), None)]
    )
    done = project(
        c0,
        "口袋公园",
        status=ProjectStatus.EVALUATED,
        rating=Rating.EXCELLENT,
        stones=[(dt.date(2025, 6, 1), dt.date(2025, 5, 20))],
    )
    project(c0, "撤销的项目", status=ProjectStatus.CANCELLED)  # left out
    project(c0, "上一年的项目", year=2024)  # another year
    project(city.communities[1], "别的社区")  # another community
    project(city.streets[0], "街道的项目")  # the street's own secretary's, not this community's
    r = api_client("community_x").post(url(duty_set), {"area": c0.pk, "statement": "全年工作报告"})
    assert r.status_code == 201, r.content
    kept = [
        (p["id"], p["title"], p["status"], p["schedule"], p["final_rating"], p["final_rating_label"])
        for p in r.json()["projects"]
    ]
    assert kept == [
        (behind.pk, "加装电梯", "running", "behind", "", ""),
        (done.pk, "口袋公园", "evaluated", "done", "excellent", "优秀"),
    ]
    assert [p["schedule_label"] for p in r.json()["projects"]] == ["滞后", "已完成"]
    # Kept as submitted: the project moving on later changes neither the API nor the page.
    Milestone.objects.filter(project=behind, done_on=None).update(done_on=dt.date(2026, 1, 5))
    report_id = r.json()["id"]
    again = api_client("org_dept").get(f"/api/assessment/duty-reports/{report_id}/").json()
    assert again["projects"] == r.json()["projects"]
    page = Client()
    page.force_login(people["leader"])
    html = page.get(f"/assessment/duty/{report_id}/").content.decode()
    assert 'id="duty-projects"' in html and f'data-project="{behind.pk}"' in html
    row = html.split(f'data-project="{behind.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "加装电梯" in row and "推进中" in row and "滞后" in row
    row = html.split(f'data-project="{done.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "口袋公园" in row and "已终评" in row and "已完成" in row and "优秀" in row
    assert "撤销的项目" not in html and "街道的项目" not in html
