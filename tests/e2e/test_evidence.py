"""Browser: a community worker takes a wrong evidence file back from the self-assessment on the
set's page, on a phone: the file is named on its button, goes from the list after the click,
the other stays; the page passes axe (no serious or critical finding) without sideways
scrolling, before and after."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quanyu.assessment.indicators import services
from quanyu.assessment.models import EntryEvidence, Source
from quanyu.assessment.periods import parse_period
from tests.assessment.factories import community_set
from tests.e2e.helpers import axe_problems, no_sideways_scroll, shot
from tests.factories import make_city, make_personas

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def entry():
    city = make_city()
    people = make_personas(city)
    s = community_set(city, city.users["district_admin"])
    return services.entry_submit(
        actor=city.users["community_x"],
        indicator=s.indicators.get(source=Source.MANUAL),
        period=parse_period("2025-03"),
        statement="阵地建设台账与活动照片",
        target_area=city.communities[0],
        evidence=[
            SimpleUploadedFile("阵地台账.pdf", b"%PDF-1.4 a", content_type="application/pdf"),
            SimpleUploadedFile("错传的文件.pdf", b"%PDF-1.4 b", content_type="application/pdf"),
        ],
    ), people


def test_a_wrong_file_is_taken_back_on_a_phone(watched, entry, live_server):
    e, _people = entry
    page = watched.open("community_x", phone=True)
    page.goto(f"{live_server.url}/assessment/sets/{e.indicator.indicator_set_id}/")
    button = page.get_by_role("button", name="撤回佐证文件 错传的文件.pdf")
    button.wait_for()
    watched.settle(page)
    no_sideways_scroll(page)
    assert axe_problems(page) == []
    shot(page, "evidence-390.png")
    button.click()
    page.wait_for_url(f"{live_server.url}/assessment/sets/{e.indicator.indicator_set_id}/")
    page.locator("#entries-table").wait_for()
    assert "错传的文件.pdf" not in page.locator("#entries-table").inner_text()
    assert "阵地台账.pdf" in page.locator("#entries-table").inner_text()
    assert list(EntryEvidence.objects.values_list("name", flat=True)) == ["阵地台账.pdf"]
    watched.settle(page)
    no_sideways_scroll(page)
    assert axe_problems(page) == []
    shot(page, "evidence-taken-back-390.png")
    assert watched.problems == []
