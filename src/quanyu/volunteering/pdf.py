"""The proof of volunteer service as a PDF (志愿服务记录证明): the certificate row rendered into
``volunteering/certificate.html`` and printed by ``quanyu.core.pdf`` (WeasyPrint, Noto CJK fonts),
like the assessment bulletins. The page prints exactly the fields kept on the certificate row: who
(name, masked ID number, volunteer number), every service with its hours, the issuer, the
responsible person and contact, the certificate number and the date."""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from quanyu.core.pdf import html_to_pdf
from quanyu.volunteering.models import Certificate


def _context(cert: Certificate) -> dict[str, Any]:
    hours = f"{cert.total_hours:g}"
    return {
        "cert": cert,
        "title": _("志愿服务记录证明"),
        "number": _("证明编号：%(n)s") % {"n": cert.number},
        "who": [
            _("志愿者姓名：%(name)s") % {"name": cert.volunteer_name},
            _("证件号码：%(id)s") % {"id": cert.id_masked or "—"},
            _("志愿者编号：%(no)s") % {"no": cert.volunteer_number},
        ],
        "body": [
            _("兹证明该志愿者参加由%(issuer)s组织的志愿服务，") % {"issuer": cert.issuer},
            _("累计服务时长 %(h)s 小时，记录如下：") % {"h": hours},
        ],
        "services": [
            {
                "date": row.get("date", ""),
                "project": row.get("project", ""),
                "activity": row.get("activity", ""),
                "hours": f"{int(row.get('minutes') or 0) / 60:.2f}",
            }
            for row in cert.services
        ],
        "footer": [
            _("出具单位：%(issuer)s") % {"issuer": cert.issuer},
            _("负责人：%(p)s    联系电话：%(c)s")
            % {"p": cert.responsible_person or "—", "c": cert.contact_phone or "—"},
            _("出具日期：%(d)s") % {"d": cert.issued_on.isoformat()},
        ],
        "basis": _("依据《志愿服务条例》《志愿服务记录与证明出具办法》出具。凭证明编号可在平台公开查验。"),
    }


def certificate_html(cert: Certificate) -> str:
    return render_to_string("volunteering/certificate.html", _context(cert))


def certificate_pdf(cert: Certificate) -> bytes:
    return html_to_pdf(certificate_html(cert))


def pdf_text(data: bytes) -> str:
    """The text of a PDF, page by page (pypdf): what a reader copying from the proof gets."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
