"""The bulletin (通报): its summary and lists computed by hand, the printed table's text matching
the ranking, and a frozen period's bulletin unchanged after its data change."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from quanyu.assessment.indicators import services
from quanyu.assessment.periods import parse_period
from quanyu.catalog.models import Category
from quanyu.tickets.models import RatingLevel
from tests.assessment.factories import DAY, community_set, community_ticket

pytestmark = pytest.mark.django_db
MARCH = parse_period("2025-03")


class _Text(HTMLParser):
    """The visible text of a page, and its tables' rows as lists of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.parts: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        self.parts.append(data)
        if self._cell is not None:
            self._cell.append(data)


def page_text(html: str) -> _Text:
    t = _Text()
    t.feed(html)
    return t


@pytest.fixture
def frozen(city, people):
    parent = Category.objects.create(name="市容环境", code="T01")
    litter = Category.objects.create(name="垃圾清运", code="T0101", parent=parent)
    community_ticket(city, 0, resolved=DAY, rating=RatingLevel.SATISFIED, category=litter)
    community_ticket(city, 0, resolved=5 * DAY, category=litter)
    community_ticket(city, 1, resolved=DAY)
    admin = people["district_admin"]
    s = community_set(city, admin)
    sp = services.period_compute(actor=admin, indicator_set=s, period=MARCH)
    services.period_freeze(actor=admin, score_period=sp, note="请各社区对照整改。")
    return s


def test_bulletin_reads_as_offices_write_it(city, people, frozen):
    c = Client()
    c.force_login(people["leader"])
    data = c.get(f"/api/assessment/indicator-sets/{frozen.pk}/bulletin/?period=2025-03").json()
    # 社区1-2: in time 1/1 → 40, no rating → 0 = 40; 社区1-1: 1/2 → 0, satisfied 1/1 → 30 = 30.
    assert (data["count"], data["average"], data["frozen"]) == (2, "35.00", True)
    assert [g["count"] for g in data["grades"]] == [0, 0, 0, 2]
    assert data["red"] == [{"name": "社区1-2", "total": "40.00"}, {"name": "社区1-1", "total": "30.00"}]
    assert [t["name"] for t in data["talks"]] == ["社区1-2", "社区1-1"]
    # 社区1-1 resolved 1/2 in time: at the floor (0.5), not below it.
    assert data["below_floor"] == []
    assert data["hot_topics"] == [{"topic": "垃圾清运", "count": 2}]


def test_printed_table_matches_the_ranking_and_never_changes(city, people, frozen):
    c = Client()
    c.force_login(people["leader"])
    url = f"/assessment/sets/{frozen.pk}/bulletin/?period=2025-03"
    first = c.get(url)
    assert first.status_code == 200
    text = page_text(first.content.decode())
    table = [row for row in text.rows if row and re.fullmatch(r"\d+", row[0])]
    ranking = c.get(f"/api/assessment/indicator-sets/{frozen.pk}/ranking/?period=2025-03").json()["results"]
    assert [(int(r[0]), r[1], r[2]) for r in table] == [(x["rank"], x["name"], x["total"]) for x in ranking]
    assert "红榜" in "".join(text.parts) and "约谈提醒" in "".join(text.parts)
    # The data change: more tickets, a new hot topic. The frozen bulletin does not.
    other = Category.objects.create(
        name="噪音扰民", code="T0102", parent=Category.objects.get(name="市容环境")
    )
    for _ in range(3):
        community_ticket(city, 0, resolved=DAY, rating=RatingLevel.SATISFIED, category=other)
    assert c.get(url).content == first.content


def test_the_bulletin_as_a_pdf_names_the_ranking(city, people, frozen):
    import io

    from pypdf import PdfReader

    c = Client()
    c.force_login(people["leader"])
    answer = c.get(f"/assessment/sets/{frozen.pk}/bulletin/?period=2025-03&format=pdf")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(answer.content))
    text = "".join(page.extract_text() for page in reader.pages)
    ranking = c.get(f"/api/assessment/indicator-sets/{frozen.pk}/ranking/?period=2025-03").json()["results"]
    assert "红榜" in text and "考核得分排名表" in text
    # The appendix table, row by row in the extracted text: "名次 考核对象 总分 …" then
    # "1 社区1-2 40.00 …": the (rank, name, total) rows are the ranking's, in its order.
    appendix = text.split("考核得分排名表", 1)[1].splitlines()
    assert appendix[1].split()[:3] == ["名次", "考核对象", "总分"]
    table = [m.groups() for line in appendix if (m := re.match(r"^(\d+) (\S+) (\d+\.\d{2})(?: |$)", line))]
    assert [(int(r), n, t) for r, n, t in table] == [(x["rank"], x["name"], x["total"]) for x in ranking]
    assert len(table) == 2
    fonts = {str(f) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert fonts  # the CJK text is set in an embedded font, not left to the reader


def test_draft_bulletin_of_an_open_period(city, people):
    admin = people["district_admin"]
    s = community_set(city, admin)
    services.period_compute(actor=admin, indicator_set=s, period=MARCH)
    c = Client()
    c.force_login(people["street_staff"])
    r = c.get(f"/assessment/sets/{s.pk}/bulletin/?period=2025-03")
    assert r.status_code == 200 and "草稿" in r.content.decode()
    assert c.get(f"/assessment/sets/{s.pk}/bulletin/?period=2025-04").status_code == 404
    c.force_login(people["community_y"])
    assert c.get(f"/assessment/sets/{s.pk}/bulletin/?period=2025-03").status_code == 404
