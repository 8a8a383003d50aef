"""The contract's printable documents as PDF (WeasyPrint, CJK fonts): the agreement with both
sides, offers and projects; the year-end feedback letter with its scores and recipients. The text
is read back with pypdf; out of scope is 404, a letter before the evaluation is 409."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from tests.cogov.factories import draft_contract, evaluated_contract

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def pdf_text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")


def test_the_agreement_prints_both_sides_offers_and_projects(city):
    contract = draft_contract(city)
    text = pdf_text(
        client_for(city.users["community_x"]).get(f"/cogov/contracts/{contract.pk}/agreement.pdf")
    )
    assert "契约化共建协议书" in text
    assert contract.area.name in text
    for unit in contract.units.all():
        assert unit.name.replace(" ", "") in text
    for project in contract.projects.all():
        assert project.name.replace(" ", "") in text
    assert "场地：会议室每周开放两次" in text and "老年助餐场地" in text
    assert "未签订" in text


def test_the_feedback_letter_prints_scores_total_and_recipients(city):
    contract = evaluated_contract(city)
    text = pdf_text(client_for(city.users["street_staff"]).get(f"/cogov/contracts/{contract.pk}/letter.pdf"))
    assert "履约情况反馈函" in text
    assert "履约情况" in text and "38" in text
    assert str(contract.score_total) in text
    assert contract.units.first().name.replace(" ", "") in text


def test_letter_before_evaluation_is_409_and_out_of_scope_404(city):
    contract = draft_contract(city)
    staff = client_for(city.users["community_x"])
    assert staff.get(f"/cogov/contracts/{contract.pk}/letter.pdf").status_code == 409
    other = client_for(city.users["community_y"])
    assert other.get(f"/cogov/contracts/{contract.pk}/agreement.pdf").status_code == 404
