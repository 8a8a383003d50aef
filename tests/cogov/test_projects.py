"""Secretary-led projects (书记领办): the level above opens one, the secretary marks milestones done,
the quarterly comment, a rectification order and its answer, the final evaluation; schedule status;
who may do what (refusals write nothing); pages, export and out-of-scope 404."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from openpyxl import load_workbook

from quanyu.cogov import services
from quanyu.cogov.models import ProjectEvent, ProjectReview, SecretaryProject
from quanyu.cogov.states import PROJECT_ALLOWED, ProjectStatus
from quanyu.core.workflow import TransitionError
from tests.asserts import nothing_written

pytestmark = pytest.mark.django_db
P = ProjectStatus
svc = services.projects
TODAY = dt.date(2026, 6, 1)


def project(city) -> SecretaryProject:
    return svc.project_create(
        actor=city.users["street_staff"],
        area=city.communities[0],
        secretary=city.users["community_x"],
        year=2026,
        title="老旧小区加装电梯",
        goal="年内完成3部电梯加装",
        indicators="加装3部；居民满意度90%以上",
        milestones=[{"name": "征求意见", "due": "2026-03-31"}, {"name": "完成施工", "due": "2026-11-30"}],
    )


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_table_is_closed():
    assert set(PROJECT_ALLOWED) == set(P.values)


def test_quarterly_review_rectification_and_final_evaluation(city):
    p = project(city)
    reviewer, secretary = city.users["street_staff"], city.users["community_x"]
    assert svc.schedule_status(p, TODAY) == "behind"  # the first milestone is past its date
    first = p.milestones.first()
    svc.milestone_done(actor=secretary, milestone=first, done_on=dt.date(2026, 4, 2))
    assert svc.schedule_status(p, TODAY) == "on_track"
    svc.project_review(
        actor=reviewer, project=p, kind="quarterly", rating="good", comment="进展正常", today=TODAY
    )
    with nothing_written(p), pytest.raises(ValidationError) as err:
        svc.project_review(actor=reviewer, project=p, kind="rectification", comment="资金未落实", today=TODAY)
    assert "deadline" in err.value.message_dict
    svc.project_review(
        actor=reviewer,
        project=p,
        kind="rectification",
        comment="资金未落实",
        deadline=dt.date(2026, 7, 1),
        today=TODAY,
    )
    p.refresh_from_db()
    assert p.status == P.RECTIFYING and p.rectify_by == dt.date(2026, 7, 1)
    with nothing_written(p), pytest.raises(TransitionError):
        svc.project_review(actor=reviewer, project=p, kind="final", rating="good", comment="x", today=TODAY)
    svc.project_rectified(actor=secretary, project=p, note="资金已落实")
    p.refresh_from_db()
    assert p.status == P.RUNNING and p.rectify_by is None
    svc.project_review(
        actor=reviewer, project=p, kind="final", rating="excellent", comment="完成", today=TODAY
    )
    p.refresh_from_db()
    assert p.status == P.EVALUATED and p.final_rating == "excellent"
    assert list(ProjectReview.objects.values_list("kind", flat=True)) == [
        "quarterly",
        "rectification",
        "rectified",
        "final",
    ]
    assert ProjectEvent.objects.filter(project=p).count() == 6


def test_only_the_level_above_reviews_and_only_the_secretary_reports(city):
    p = project(city)
    with nothing_written(p), pytest.raises(PermissionDenied):
        svc.project_review(
            actor=city.users["community_x"], project=p, kind="quarterly", rating="good", comment="自评"
        )
    with nothing_written(p), pytest.raises(PermissionDenied):
        svc.milestone_done(actor=city.users["community_y"], milestone=p.milestones.first())
    with pytest.raises(PermissionDenied):
        svc.project_create(
            actor=city.users["community_x"],
            area=city.communities[0],
            secretary=city.users["community_x"],
            year=2026,
            title="x",
            goal="y",
        )


def test_pages_export_and_scope(city):
    p = project(city)
    staff = client_for(city.users["street_staff"])
    assert staff.get("/cogov/projects/").status_code == 200
    assert staff.get(f"/cogov/projects/{p.pk}/").status_code == 200
    secretary = client_for(city.users["community_x"])
    assert secretary.get(f"/cogov/projects/{p.pk}/").status_code == 200
    book = load_workbook(io.BytesIO(staff.get("/cogov/projects/export.xlsx").content))
    assert [c.value for c in book.active[2]][2] == "老旧小区加装电梯"
    other = client_for(city.users["community_y"])
    with nothing_written(p):
        assert other.get(f"/cogov/projects/{p.pk}/").status_code == 404
        assert other.post(f"/cogov/projects/{p.pk}/cancel/", {"reason": "x"}).status_code == 404
    bad = staff.post(f"/cogov/projects/{p.pk}/review/", {"kind": "quarterly", "comment": "好"})
    assert bad.status_code == 400 and "请选择等次" in bad.content.decode()
    ok = staff.post(
        f"/cogov/projects/{p.pk}/review/",
        {"kind": "rectification", "comment": "滞后", "deadline": "2099-01-01"},
    )
    assert ok.status_code == 302
    p.refresh_from_db()
    assert p.status == P.RECTIFYING


def test_project_and_admission_lists_keep_a_constant_query_count(city, django_assert_max_num_queries):
    staff = client_for(city.users["street_staff"])
    project(city)
    counts = {}
    for url in ["/cogov/projects/", "/cogov/admission/"]:
        with django_assert_max_num_queries(40) as ctx:
            assert staff.get(url).status_code == 200
        counts[url] = len(ctx.captured_queries)
    for _ in range(5):
        project(city)
    for url, n in counts.items():
        with django_assert_max_num_queries(n):
            assert staff.get(url).status_code == 200
