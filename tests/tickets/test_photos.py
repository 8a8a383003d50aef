"""Photos: sniffed, size-limited, re-encoded without EXIF; a bad file fails the step, nothing written."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from quanyu.tickets import services
from quanyu.tickets.models import Ticket, TicketEvent, TicketPhoto
from quanyu.tickets.photos import clean_photo
from tests.tickets.factories import Upload, jpeg_bytes, new_ticket

pytestmark = pytest.mark.django_db


def test_exif_is_stripped_and_the_photo_kept(city, cat):
    raw = jpeg_bytes(exif=True)
    assert Image.open(io.BytesIO(raw)).getexif()  # the upload does carry EXIF (camera, GPS)
    t = new_ticket(city, photos=[Upload(raw, "现场.jpg")])
    photo = TicketPhoto.objects.get(ticket=t)
    with photo.image.open("rb") as fh:
        stored = fh.read()
    img = Image.open(io.BytesIO(stored))
    assert img.format == "JPEG" and (photo.width, photo.height) == (64, 48)
    assert not img.getexif() and b"SecretCam" not in stored and "exif" not in img.info
    assert photo.kind == "report" and photo.size == len(stored)


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"%PDF-1.4 not an image at all", "doc.pdf"),
        (b"GIF89a" + b"\x00" * 20, "broken.gif"),
        (b"", "empty.jpg"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "x.svg"),
    ],
)
def test_not_an_image_is_refused_and_nothing_written(city, cat, data, name):
    with pytest.raises(ValidationError) as info:
        new_ticket(city, photos=[Upload(data, name)])
    assert name in info.value.message_dict["photos"][0]
    assert (
        Ticket.objects.count() == 0 and TicketPhoto.objects.count() == 0 and TicketEvent.objects.count() == 0
    )


def test_size_and_count_limits(city, cat, settings):
    settings.QUANYU_PHOTO_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as info:
        clean_photo(Upload(jpeg_bytes(size=(400, 400)) + b"\x00" * 2000, "big.jpg"))
    assert "big.jpg" in info.value.message_dict["photos"][0]
    settings.QUANYU_PHOTO_MAX_BYTES = 10 * 1024 * 1024
    with pytest.raises(ValidationError):
        new_ticket(city, photos=[Upload(jpeg_bytes())] * 10)
    assert Ticket.objects.count() == 0


def test_png_with_alpha_becomes_jpeg(city, cat):
    out = io.BytesIO()
    Image.new("RGBA", (20, 10), (0, 0, 255, 128)).save(out, format="PNG")
    clean = clean_photo(Upload(out.getvalue(), "a.png"))
    assert Image.open(io.BytesIO(clean.content.read())).format == "JPEG"


def test_resolution_photos_are_attached_to_the_result(city, cat):
    u = city.users
    t = services.ticket_accept(actor=u["grid_worker"], ticket=new_ticket(city))
    services.ticket_resolve(
        actor=u["grid_worker"], ticket=t, explanation="已清理", photos=[Upload(jpeg_bytes())]
    )
    assert TicketPhoto.objects.get(ticket=t).kind == "result"
