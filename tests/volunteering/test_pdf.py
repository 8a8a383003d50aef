"""The proof of volunteer service (志愿服务记录证明) printed through quanyu.core.pdf (WeasyPrint, Noto
CJK): its text, extracted with pypdf, carries every field the row keeps and nothing more."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import translation
from pypdf import PdfReader

from quanyu.volunteering import services
from quanyu.volunteering.pdf import certificate_html, certificate_pdf


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _certificate(vs):  # type: ignore[no-untyped-def]
    vol = vs.volunteers[0]
    signup = services.signup_create(actor=vol.user, activity=vs.activity)
    start = vs.activity.starts_at
    services.rollcall_check_in(actor=vs.leader, signup=signup, at=start)
    out = services.rollcall_check_out(actor=vs.leader, signup=signup, at=start + dt.timedelta(minutes=90))
    services.hours_decide(actor=vs.leader, signup=out, approve=True)
    return vol, services.certificate_issue(actor=vol.user, volunteer=vol, team=vs.team)


def test_the_proof_pdf_carries_the_row_in_cjk_text(city, vs):
    vol, cert = _certificate(vs)
    data = certificate_pdf(cert)
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("CJK" in name for name in fonts), fonts  # Noto CJK embedded, not a reader's fallback
    text = _text(data)
    for expected in (
        "志愿服务记录证明",
        vol.name,
        vol.number,
        cert.number,
        cert.issuer,
        "1.50",
        cert.issued_on.isoformat(),
        vs.activity.title,
    ):
        assert expected in text, expected
    assert vol.id_number not in text


def test_the_proof_prints_in_english_through_i18n(city, vs):
    _vol, cert = _certificate(vs)
    with translation.override("en"):
        html = certificate_html(cert)
    assert "Duration (hours)" in html and "Date" in html and "Proof of volunteer service" in html
    assert cert.number in _text(certificate_pdf(cert))
