"""core.photos: the one photo check behind tickets', wishes' and venues' uploads."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from quanyu.core.photos import PHOTO_MIME, ImageLimits, clean_image

LIMITS = ImageLimits(max_bytes=2**20, max_pixels=10_000_000, max_side=100)


def encoded(fmt: str, size: tuple[int, int] = (300, 200), *, exif: bool = False) -> bytes:
    img = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x0110] = "SecretCam"  # camera model
        img.save(out, format=fmt, exif=data)
    else:
        img.save(out, format=fmt)
    return out.getvalue()


class Named(io.BytesIO):
    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name


def test_a_photo_is_shrunk_to_the_side_and_loses_its_exif():
    clean = clean_image(Named(encoded("JPEG", exif=True), "现场.jpg"), field="photo", limits=LIMITS)
    stored = clean.content.read()
    img = Image.open(io.BytesIO(stored))
    assert img.format == "JPEG" and (clean.width, clean.height) == (100, 67) == img.size
    assert not img.getexif() and b"SecretCam" not in stored and clean.content.name.endswith(".jpg")


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"", "a.jpg 是空文件"),
        (b"%PDF-1.4 not an image", "a.jpg 不是支持的图片（JPEG/PNG/WebP）"),
        (encoded("GIF"), "a.jpg 不是支持的图片"),  # GIF only where an app accepts it
        (encoded("PNG")[:60], "a.jpg 无法识别为图片"),
    ],
)
def test_bad_files_are_refused_naming_the_field_and_the_file(data, text):
    with pytest.raises(ValidationError) as err:
        clean_image(Named(data, "a.jpg"), field="evidence", limits=LIMITS)
    assert list(err.value.message_dict) == ["evidence"] and text in err.value.message_dict["evidence"][0]


def test_limits_on_bytes_and_pixels_and_the_accepted_kinds():
    small = ImageLimits(max_bytes=100, max_pixels=10_000_000, max_side=100)
    with pytest.raises(ValidationError, match="照片 超过 100"):
        clean_image(encoded("PNG"), field="photo", limits=small)
    few_pixels = ImageLimits(max_bytes=2**20, max_pixels=1000, max_side=100)
    with pytest.raises(ValidationError, match="像素过大"):
        clean_image(encoded("PNG"), field="photo", limits=few_pixels)
    gif_too = ImageLimits(2**20, 10_000_000, 100, accepted=PHOTO_MIME | {"image/gif"})
    assert clean_image(encoded("GIF"), field="photo", limits=gif_too).width == 100
