"""Venue photos: checked before anything is written (empty, too large, not an image by its bytes,
too many pixels), re-encoded as JPEG without EXIF, shown on the venue's and the public page;
the venue's staff add and remove them; API upload."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from quanyu.accounts.models import User
from quanyu.venues.models import VenuePhoto
from quanyu.venues.services.photos import venue_photo_add, venue_photo_remove
from quanyu.venues.services.register import venue_set_status
from tests.asserts import nothing_written

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def png(size=(64, 48), *, exif: bool = False, fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    img = Image.new("RGB", size, (200, 30, 30))
    if exif:
        info = Image.Exif()
        info[0x010F] = "SecretCam"  # Make
        img.save(out, format="JPEG", exif=info.tobytes())
    else:
        img.save(out, format=fmt)
    return out.getvalue()


def upload(data: bytes, name: str = "a.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def test_photo_is_re_encoded_without_exif(city, place):
    photo = venue_photo_add(
        actor=city.users["community_x"],
        venue=place.venue,
        upload=upload(png(exif=True), "x.jpg"),
        caption="外景",
    )
    with Image.open(photo.image.open("rb")) as img:
        assert img.format == "JPEG" and img.size == (64, 48)
        assert "exif" not in img.info and not img.getexif()
    assert (photo.width, photo.height, photo.caption) == (64, 48, "外景")
    assert place.venue.events.filter(kind="photo_added").count() == 1


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"", "空文件"),
        (b"<?php echo 1; ?>" * 10, "不是支持的图片"),
        (b"GIF89a" + b"\x00" * 100, "不是支持的图片"),
        (png()[:60], "无法识别"),
    ],
)
def test_bad_uploads_write_nothing(city, place, data, text):
    with nothing_written(place.venue), pytest.raises(ValidationError) as err:
        venue_photo_add(actor=city.users["community_x"], venue=place.venue, upload=upload(data))
    assert text in err.value.message_dict["photo"][0]
    assert not VenuePhoto.objects.exists()


def test_limits(city, place, settings):
    settings.VENUES_PHOTO_MAX_BYTES = 100
    with pytest.raises(ValidationError) as err:
        venue_photo_add(actor=city.users["community_x"], venue=place.venue, upload=upload(png()))
    assert "超过 " in err.value.message_dict["photo"][0]
    settings.VENUES_PHOTO_MAX_BYTES = 8 * 2**20
    settings.VENUES_PHOTO_MAX_PIXELS = 1000
    with pytest.raises(ValidationError) as err:
        venue_photo_add(actor=city.users["community_x"], venue=place.venue, upload=upload(png()))
    assert "像素" in err.value.message_dict["photo"][0]
    settings.VENUES_PHOTO_MAX_PIXELS = 40_000_000
    settings.VENUES_PHOTOS = 1
    venue_photo_add(actor=city.users["community_x"], venue=place.venue, upload=upload(png()))
    with nothing_written(place.venue), pytest.raises(ValidationError) as err:
        venue_photo_add(actor=city.users["community_x"], venue=place.venue, upload=upload(png()))
    assert "最多1张" in err.value.message_dict["photo"][0]


@pytest.mark.parametrize("persona", ["resident", "community_y", "grid_worker", "department_handler"])
def test_only_the_venue_staff_add_photos(city, place, persona):
    with nothing_written(place.venue), pytest.raises(PermissionDenied):
        venue_photo_add(actor=city.users[persona], venue=place.venue, upload=upload(png()))


def test_pages_show_serve_and_remove(city, place):
    staff = client_for("community_x")
    added = staff.post(f"/venues/{place.venue.pk}/photos/", {"photo": upload(png()), "caption": "大厅"})
    assert added.status_code == 302
    photo = VenuePhoto.objects.get()
    url = f"/v/{place.venue.pk}/photos/{photo.pk}.jpg"
    assert url in staff.get(f"/venues/{place.venue.pk}/").content.decode()
    assert url in Client().get(f"/v/{place.venue.pk}/").content.decode()
    served = Client().get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert Client().get(f"/v/{place.venue.pk + 1000}/photos/{photo.pk}.jpg").status_code == 404
    bad = staff.post(f"/venues/{place.venue.pk}/photos/", {"photo": upload(b"not an image")})
    assert bad.status_code == 400 and "不是支持的图片" in bad.content.decode()
    assert staff.post(f"/venues/{place.venue.pk}/photos/", {}).status_code == 400
    assert (
        client_for("resident").post(f"/venues/{place.venue.pk}/photos/", {"photo": upload(png())}).status_code
        == 403
    )
    assert client_for("community_y").post(f"/venues/photos/{photo.pk}/delete/").status_code == 404
    venue_set_status(actor=city.users["district_admin"], venue=place.venue, status="closed", note="维修")
    assert Client().get(url).status_code == 404  # a closed venue's photos are not public
    assert staff.get(url).status_code == 200
    assert staff.post(f"/venues/photos/{photo.pk}/delete/").status_code == 302
    assert not VenuePhoto.objects.exists()


def test_remove_is_for_the_staff(city, place):
    photo = venue_photo_add(actor=city.users["community_x"], venue=place.venue, upload=upload(png()))
    with nothing_written(place.venue, photo), pytest.raises(PermissionDenied):
        venue_photo_remove(actor=city.users["resident"], photo=photo)
    venue_photo_remove(actor=city.users["street_staff"], photo=photo)
    assert not VenuePhoto.objects.exists()


def test_api_upload(city, place):
    answer = client_for("community_x").post(
        f"/api/venues/{place.venue.pk}/photos/", {"photo": upload(png()), "caption": "外景"}
    )
    assert answer.status_code == 201
    assert answer.json()["url"] == f"/v/{place.venue.pk}/photos/{VenuePhoto.objects.get().pk}.jpg"
    bad = client_for("community_x").post(f"/api/venues/{place.venue.pk}/photos/", {"photo": upload(b"xx")})
    assert bad.status_code == 400 and "photo" in bad.json()
    refused = client_for("resident").post(f"/api/venues/{place.venue.pk}/photos/", {"photo": upload(png())})
    assert refused.status_code == 403
