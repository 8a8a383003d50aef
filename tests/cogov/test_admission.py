"""Community-affairs admission (社区事务准入制): a push inside the list is admitted under its entry,
one outside is refused with the rule shown or sent for the district's approval; communities see
every push; the refusals per department; pages, exports and scope."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from openpyxl import load_workbook

from quanyu.cogov import selectors, services
from quanyu.cogov.models import AdmissionRequest
from quanyu.cogov.states import AdmissionStatus
from quanyu.core.workflow import TransitionError
from tests.asserts import nothing_written

pytestmark = pytest.mark.django_db
A = AdmissionStatus


def listed(city):
    return services.admission.item_add(
        actor=city.users["district_admin"],
        district=city.district,
        department=city.units[-1],
        title="市容环境卫生巡查",
        legal_basis="《城市市容和环境卫生管理条例》",
        funding_follows=True,
    )


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
