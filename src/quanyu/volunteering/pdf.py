"""The proof of volunteer service as a PDF (志愿服务记录证明), written directly: one A4 page in the
standard Chinese CID font ``STSong-Light`` (Adobe-GB1, ``UniGB-UCS2-H``: every PDF reader carries
it, so nothing is embedded and the file stays a few kilobytes), with a ToUnicode map so the text
can be searched, copied and extracted. The page prints exactly the fields kept on the
certificate row."""

from __future__ import annotations

from django.utils.translation import gettext as _

from quanyu.volunteering.models import Certificate

PAGE_W, PAGE_H = 595, 842
LEFT = 60


def _hex(text: str) -> str:
    data = "".join(ch if ord(ch) <= 0xFFFF else "?" for ch in text).encode("utf-16-be")
    return "<" + data.hex().upper() + ">"


def _to_unicode() -> bytes:
    ranges = "\n".join(
        f"<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>" for hi in range(256) if not 0xD8 <= hi <= 0xDF
    )
    count = 256 - 8
    body = (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        # bfrange blocks hold at most 100 entries each
    )
    lines = ranges.split("\n")
    chunks = [lines[i : i + 100] for i in range(0, count, 100)]
    for chunk in chunks:
        body += f"{len(chunk)} beginbfrange\n" + "\n".join(chunk) + "\nendbfrange\n"
    body += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    return body.encode("ascii")


def _lines(cert: Certificate) -> list[tuple[int, str]]:
    """(font size, text) top to bottom."""
    hours = f"{cert.total_hours:g}"
    out: list[tuple[int, str]] = [
        (20, _("志愿服务记录证明")),
        (10, _("证明编号：%(n)s") % {"n": cert.number}),
        (11, ""),
        (12, _("志愿者姓名：%(name)s") % {"name": cert.volunteer_name}),
        (12, _("证件号码：%(id)s") % {"id": cert.id_masked or "—"}),
        (12, _("志愿者编号：%(no)s") % {"no": cert.volunteer_number}),
        (12, _("兹证明该志愿者参加由%(issuer)s组织的志愿服务，") % {"issuer": cert.issuer}),
        (12, _("累计服务时长 %(h)s 小时，记录如下：") % {"h": hours}),
        (11, ""),
    ]
    shown = cert.services[:30]
    for row in shown:
        out.append((10, f"{row['date']}  {row['project']} · {row['activity']}  {row['minutes'] / 60:.2f} h"))
    if len(cert.services) > len(shown):
        out.append((10, _("（另有 %(n)d 条记录）") % {"n": len(cert.services) - len(shown)}))
    out += [
        (11, ""),
        (12, _("出具单位：%(issuer)s") % {"issuer": cert.issuer}),
        (
            12,
            _("负责人：%(p)s    联系电话：%(c)s")
            % {"p": cert.responsible_person or "—", "c": cert.contact_phone or "—"},
        ),
        (12, _("出具日期：%(d)s") % {"d": cert.issued_on.isoformat()}),
        (11, ""),
        (9, _("依据《志愿服务条例》《志愿服务记录与证明出具办法》出具。凭证明编号可在平台公开查验。")),
    ]
    return out


def _content(cert: Certificate) -> bytes:
    y = PAGE_H - 80
    parts = ["BT"]
    for size, text in _lines(cert):
        y -= int(size * 1.9)
        if not text:
            continue
        x = (PAGE_W - size * len(text)) // 2 if size == 20 else LEFT
        parts.append(f"/F1 {size} Tf 1 0 0 1 {x} {y} Tm {_hex(text)} Tj")
    parts.append("ET")
    return "\n".join(parts).encode("ascii")


def certificate_pdf(cert: Certificate) -> bytes:
    content = _content(cert)
    cmap = _to_unicode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] "
            "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
        ).encode("ascii"),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [6 0 R] /ToUnicode 8 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
        b"/FontDescriptor 7 0 R /DW 1000 /W [1 95 500] >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R " % (len(objects) + 1)
    out += b"/Info << /Producer (Quanyu) >> >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def pdf_text(data: bytes) -> str:
    """The text of a PDF this module wrote (for tests and checks): every hex string shown, decoded."""
    import re

    return "\n".join(
        bytes.fromhex(m.group(1).decode()).decode("utf-16-be")
        for m in re.finditer(rb"<([0-9A-F]+)> Tj", data)
    )
