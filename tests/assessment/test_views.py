"""The ranking pages, rendered for real through Django's test client."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from quanyu.accounts.models import User
from quanyu.assessment.models import Bulletin
from quanyu.assessment.periods import parse_period
from quanyu.assessment.rollup import assessment_rebuild, assessment_sync
from quanyu.tickets.models import RatingLevel
from tests.assessment.helpers import H, add_whistle, local_dt

pytestmark = pytest.mark.django_db
PAGE = "/assessment/departments/"


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def march(city, depts, people):
    at = local_dt(2025, 3, 12, 9)
    ws = {
        "cg_ok": add_whistle(city, depts["cg"], at=at, responded=H, resolved=H, rating=RatingLevel.SATISFIED),
        "cg_late": add_whistle(city, depts["cg"], at=at, responded=3 * H, street=1),
        "h_ok": add_whistle(
            city, depts["housing"], at=at, responded=H, resolved=H, rating=RatingLevel.BASICALLY
        ),
    }
    assessment_rebuild(parse_period("2025-03"))
    return ws


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_ranking_page(march, depts, django_assert_max_num_queries):
    client = client_for("org_dept")
    with django_assert_max_num_queries(14):
        response = client.get(PAGE, {"period": "2025-03"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "职能部门考核排名" in body and "2025年3月" in body
    assert "得分 = 响应率×10 + 办结率×40 + 满意率×50" in body
    rows = response.context["rows"]
    assert [(r["row"].department_name, r["row"].rank, r["score"]) for r in rows] == [
        ("区住建局", 1, "100.00"),
        ("区城管局", 2, "75.00"),
        ("区水务局", None, "—"),
    ]
    assert rows[1]["response"] == "50.00%"
    drill = f"/assessment/departments/{depts['cg'].pk}/tickets/?period=2025-03"
    drill += "&amp;figure=response&amp;outcome=missed"
    assert drill in body
    assert 'id="ranking-chart"' in body and 'id="ranking-chart-data"' in body
    assert "/static/web/assessment/ranking-chart.js" in body and "/static/vendor/echarts.min.js" in body
    assert "<script>" not in body  # CSP: no inline scripts
    assert 'action="/assessment/bulletins/publish/"' in body
    assert 'data-nav="assessment"' in body


def test_ranking_page_for_other_roles(march, depts):
    body = client_for("leader").get(PAGE, {"period": "2025-03"}).content.decode()
    assert "区城管局" in body
    assert 'action="/assessment/bulletins/publish/"' not in body  # leaders read
    handler = client_for("department_handler").get(PAGE, {"period": "2025-03"})
    links = [r["link"] for r in handler.context["rows"]]
    assert links[1].startswith(f"/assessment/departments/{depts['cg'].pk}/")  # its own department
    assert links[0] == ""  # 区住建局: no drill-down for 区城管局's handler
    assert client_for("community_x").get(PAGE).status_code == 403
    assert client_for("resident").get(PAGE).status_code == 403
    assert Client().get(PAGE).status_code == 302


def test_bad_period_on_the_page_says_so(march):
    response = client_for("leader").get(PAGE, {"period": "2025-13"})
    assert response.status_code == 200
    assert "考核期间格式应为" in response.content.decode()


def test_drilldown_page(march, depts, django_assert_max_num_queries):
    client = client_for("org_dept")
    url = f"/assessment/departments/{depts['cg'].pk}/tickets/"
    with django_assert_max_num_queries(10):
        response = client.get(url, {"period": "2025-03", "figure": "response", "outcome": "missed"})
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-whistle="{march["cg_late"].pk}"' in body
    assert f'data-whistle="{march["cg_ok"].pk}"' not in body
    assert f'href="/tickets/{march["cg_late"].ticket_id}/"' in body
    bad = client.get(url, {"period": "2025-03", "figure": "nonsense"})
    assert bad.status_code == 200 and "figure" in bad.content.decode()
    handler = client_for("department_handler")
    assert handler.get(url, {"period": "2025-03"}).status_code == 200
    assert handler.get(f"/assessment/departments/{depts['housing'].pk}/tickets/").status_code == 404
    assert client.get("/assessment/departments/999999/tickets/").status_code == 404


def test_drilldown_page_says_when_the_ranking_figures_were_brought_up_to_date(march, depts):
    """The list is live; the figure the user came from is as of the rollup's last catch-up."""
    client = client_for("org_dept")
    url = f"/assessment/departments/{depts['cg'].pk}/tickets/"
    body = client.get(url, {"period": "2025-03"}).content.decode()
    assert 'id="data-as-of"' in body and "排名数据尚未完成同步" in body
    assessment_sync(now=local_dt(2025, 4, 2, 9, 30))
    body = client.get(url, {"period": "2025-03"}).content.decode()
    assert "排名数据更新于 2025-04-02 09:30" in body


def test_export(march):
    response = client_for("leader").get("/assessment/departments/export.xlsx", {"period": "2025-03"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="department-ranking-2025-03.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[1][:3] == (1, "区住建局", 1)
    assert rows[2][4] == 50.0 and rows[2][10] == 75.0
    assert book.worksheets[1].title == "计分规则"
    assert (
        client_for("leader").get("/assessment/departments/export.xlsx", {"period": "bad"}).status_code == 400
    )


def test_publish_from_the_page(march):
    response = client_for("org_dept").post(
        "/assessment/bulletins/publish/", {"period": "2025-03", "note": "好"}
    )
    bulletin = Bulletin.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/assessment/bulletins/{bulletin.pk}/"
    page = client_for("leader").get(response["Location"])
    assert page.status_code == 200 and "2025年3月职能部门考核通报" in page.content.decode()
    assert "已发布通报" in client_for("leader").get(PAGE, {"period": "2025-03"}).content.decode()
    listing = client_for("leader").get("/assessment/bulletins/").content.decode()
    assert f"/assessment/bulletins/{bulletin.pk}/" in listing
    # A leader may not publish: 403, nothing written.
    assert (
        client_for("leader").post("/assessment/bulletins/publish/", {"period": "2025-02"}).status_code == 403
    )
    assert Bulletin.objects.count() == 1
    # Publishing twice is refused with a message.
    again = client_for("org_dept").post("/assessment/bulletins/publish/", {"period": "2025-03"}, follow=True)
    assert "不能重复发布" in again.content.decode()
