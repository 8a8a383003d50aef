"""Community-affairs admission (社区事务准入制): a push inside the list is admitted under its entry,
one outside is refused with the rule shown or sent for the district's approval; communities see
every push; the refusals per department; pages, exports and scope."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from quanyu.cogov import selectors, services
from quanyu.cogov.models import AdmissionEvent, AdmissionRequest
from quanyu.cogov.states import ADMISSION_ALLOWED, ADMISSION_INITIAL, AdmissionStatus
from quanyu.core.workflow import TransitionError
from tests.asserts import nothing_written, snapshot
from tests.cogov.factories import listed

pytestmark = pytest.mark.django_db
A = AdmissionStatus


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_inside_the_list_admitted_outside_refused_or_sent_for_approval(city):
    item = listed(city)
    handler, department = city.users["department_handler"], city.units[-1]
    community = city.communities[0]
    ok = services.admission.push(
        actor=handler, department=department, community=community, title="五月市容巡查", item=item
    )
    assert ok.status == A.ADMITTED and "市容环境卫生" in ok.rule
    refused = services.admission.push(
        actor=handler, department=department, community=community, title="代收城管罚款"
    )
    assert refused.status == A.REFUSED and "准入清单" in refused.rule
    pending = services.admission.push(
        actor=handler, department=department, community=community, title="违建普查", ask_approval=True
    )
    assert pending.status == A.PENDING
    with nothing_written(pending), pytest.raises(PermissionDenied):
        services.admission.decide(actor=city.users["community_x"], request=pending, approve=True, note="同意")
    services.admission.decide(
        actor=city.users["district_admin"], request=pending, approve=False, note="不同意"
    )
    pending.refresh_from_db()
    assert pending.status == A.REJECTED
    with nothing_written(pending), pytest.raises(TransitionError):
        services.admission.decide(actor=city.users["district_admin"], request=pending, approve=True, note="x")
    report = selectors.refused_by_department(actor=city.users["district_admin"])
    assert report == [{"department": "区城管局", "total": 3, "refused": 2}]
    seen = selectors.admission_request_list_for(actor=city.users["community_x"])
    assert seen.count() == 3
    assert selectors.admission_request_list_for(actor=city.users["community_y"]).count() == 0


def test_someone_else_cannot_push_for_a_department(city):
    with pytest.raises(PermissionDenied):
        services.admission.push(
            actor=city.users["resident"],
            department=city.units[-1],
            community=city.communities[0],
            title="x",
        )
    assert AdmissionRequest.objects.count() == 0


def test_pages_push_from_the_form_and_exports(city):
    item = listed(city)
    handler = client_for(city.users["department_handler"])
    page = handler.get("/cogov/admission/")
    assert page.status_code == 200 and "市容环境卫生巡查" in page.content.decode()
    response = handler.post(
        "/cogov/admission/push/",
        {"department": city.units[-1].pk, "community": city.communities[0].pk, "title": "代收罚款"},
    )
    assert response.status_code == 302
    assert AdmissionRequest.objects.get().status == A.REFUSED
    bad = handler.post("/cogov/admission/push/", {"department": city.units[-1].pk, "title": "x"})
    assert bad.status_code == 400 and "请选择社区" in bad.content.decode()
    staff = client_for(city.users["community_x"])
    assert "代收罚款" in staff.get("/cogov/admission/").content.decode()
    book = load_workbook(io.BytesIO(staff.get("/cogov/admission/export.xlsx").content))
    assert book.active.max_row == 2
    items = load_workbook(io.BytesIO(staff.get("/cogov/admission/list.xlsx").content))
    assert items.active["B2"].value == item.title


def test_every_change_writes_an_event_and_the_page_shows_the_history(city):
    item = listed(city)
    handler, admin = city.users["department_handler"], city.users["district_admin"]
    kw = {"actor": handler, "department": city.units[-1], "community": city.communities[0]}
    admitted = services.admission.push(**kw, title="五月市容巡查", item=item)
    pending = services.admission.push(**kw, title="违建普查", ask_approval=True)
    assert list(admitted.events.values_list("kind", "payload__status")) == [("pushed", A.ADMITTED)]
    services.admission.decide(actor=admin, request=pending, approve=True, note="同意，费随事转")
    assert list(pending.events.values_list("kind", flat=True)) == ["pushed", "approved"]
    assert pending.events.last().actor == admin
    staff = client_for(city.users["community_x"])
    page = staff.get(f"/cogov/admission/{pending.pk}/")
    body = page.content.decode()
    assert page.status_code == 200 and 'data-kind="pushed"' in body and 'data-kind="approved"' in body
    assert (
        "同意，费随事转" in body
        and f'href="/cogov/admission/{pending.pk}/"' in staff.get("/cogov/admission/").content.decode()
    )
    other = client_for(city.users["community_y"])
    assert other.get(f"/cogov/admission/{pending.pk}/").status_code == 404


def test_the_district_decides_from_the_request_page(city):
    handler = city.users["department_handler"]
    pending = services.admission.push(
        actor=handler,
        department=city.units[-1],
        community=city.communities[0],
        title="违建普查",
        ask_approval=True,
    )
    admin = client_for(city.users["district_admin"])
    assert 'data-action="approve"' in admin.get(f"/cogov/admission/{pending.pk}/").content.decode()
    with nothing_written(pending):
        bad = admin.post(f"/cogov/admission/{pending.pk}/decide/", {"approve": "1", "note": ""})
    assert bad.status_code == 400 and "请填写审批意见" in bad.content.decode()
    with nothing_written(pending):
        denied = client_for(city.users["community_x"]).post(
            f"/cogov/admission/{pending.pk}/decide/", {"approve": "1", "note": "同意"}
        )
    assert denied.status_code == 403
    ok = admin.post(f"/cogov/admission/{pending.pk}/decide/", {"approve": "0", "note": "不属社区职责"})
    assert ok.status_code == 302 and ok["Location"] == f"/cogov/admission/{pending.pk}/"
    with nothing_written(pending):
        again = admin.post(f"/cogov/admission/{pending.pk}/decide/", {"approve": "1", "note": "改为同意"})
    assert again.status_code == 409


PUSHES = st.lists(
    st.tuples(
        st.sampled_from(["listed", "outside", "ask"]),
        st.sampled_from(["approve", "reject", "none"]),
        st.sampled_from(["district_admin", "street_staff", "community_x", "department_handler"]),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(pushes=PUSHES)
def test_random_pushes_and_decisions_stay_in_the_table(city, pushes):
    item = listed(city)
    handler = city.users["department_handler"]
    for how, decision, who in pushes:
        row = services.admission.push(
            actor=handler,
            department=city.units[-1],
            community=city.communities[0],
            title="事项",
            item=item if how == "listed" else None,
            ask_approval=how == "ask",
        )
        assert row.status in ADMISSION_INITIAL and row.events.count() == 1
        if decision == "none":
            continue
        before, n = row.status, AdmissionEvent.objects.count()
        state = snapshot(row)
        try:
            services.admission.decide(
                actor=city.users[who], request=row, approve=decision == "approve", note="意见"
            )
        except (PermissionDenied, TransitionError):
            assert snapshot(row) == state
            continue
        row.refresh_from_db()
        assert row.status in ADMISSION_ALLOWED[before]
        assert AdmissionEvent.objects.count() == n + 1
    assert AdmissionRequest.objects.filter(events__isnull=True).count() == 0
