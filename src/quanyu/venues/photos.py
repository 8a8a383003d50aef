"""Venue photos: an upload is checked before anything is written — not empty, at most
``VENUES_PHOTO_MAX_BYTES``, sniffed as JPEG, PNG or WebP by its bytes (not its name), decoded by
Pillow within ``VENUES_PHOTO_MAX_PIXELS`` — then re-encoded as JPEG at most
``VENUES_PHOTO_MAX_SIDE`` on its longer side, which drops EXIF (places, times, devices)."""

from __future__ import annotations

import io
import uuid
import warnings
from typing import Any

import filetype
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from quanyu.venues import conf

ACCEPTED = frozenset({"image/jpeg", "image/png", "image/webp"})


def _bytes(upload: Any, limit: int) -> bytes:
    if isinstance(upload, bytes | bytearray):
        return bytes(upload)
    if hasattr(upload, "seek"):
        upload.seek(0)
    return bytes(upload.read(limit + 1))


def clean_venue_photo(upload: Any) -> ContentFile:
    """The upload as a clean JPEG file, or a ``ValidationError`` naming ``photo``."""
    limit = int(conf.get("VENUES_PHOTO_MAX_BYTES"))
    data = _bytes(upload, limit)
    if not data:
        raise ValidationError({"photo": [_("照片是空文件")]})
    if len(data) > limit:
        raise ValidationError({"photo": [_("照片不能超过%(mb)d MB") % {"mb": limit // 2**20}]})
    kind = filetype.guess_mime(data)
    if kind not in ACCEPTED:
        raise ValidationError({"photo": [_("照片应为JPEG、PNG或WebP格式")]})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.width * probe.height > int(conf.get("VENUES_PHOTO_MAX_PIXELS")):
                    raise ValidationError({"photo": [_("照片像素过大")]})
                probe.verify()
            with Image.open(io.BytesIO(data)) as opened:
                opened.load()
                img: Image.Image = ImageOps.exif_transpose(opened) or opened
                img = img.convert("RGB")
                side = int(conf.get("VENUES_PHOTO_MAX_SIDE"))
                img.thumbnail((side, side))
                out = io.BytesIO()
                img.save(out, format="JPEG", quality=85, optimize=True)
    except ValidationError:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError({"photo": [_("无法识别为图片")]}) from None
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
