"""Photos of a wish and of its fulfilment: size-limited, decoded by Pillow and re-encoded as JPEG
without metadata (EXIF carries places and times), before a service writes anything."""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from quanyu.wishes.conf import int_setting


@dataclass(frozen=True)
class CleanPhoto:
    content: ContentFile


def _read(upload: Any, limit: int) -> bytes:
    if isinstance(upload, bytes | bytearray):
        return bytes(upload)
    if hasattr(upload, "seek"):
        upload.seek(0)
    return bytes(upload.read(limit + 1))


def clean_photo(upload: Any, *, field: str = "photos") -> CleanPhoto:
    name = getattr(upload, "name", "") or _("照片")
    limit = int_setting("QUANYU_WISH_PHOTO_MAX_BYTES")
    data = _read(upload, limit)
    if not data:
        raise ValidationError({field: _("%(name)s 是空文件") % {"name": name}})
    if len(data) > limit:
        raise ValidationError({field: _("%(name)s 超过 %(mb)d MB") % {"name": name, "mb": limit // 2**20}})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.width * probe.height > int_setting("QUANYU_WISH_PHOTO_MAX_PIXELS"):
                    raise ValidationError({field: _("%(name)s 像素过大") % {"name": name}})
                probe.verify()
            with Image.open(io.BytesIO(data)) as opened:
                opened.load()
                img: Image.Image = ImageOps.exif_transpose(opened) or opened
                if img.mode not in ("RGB", "L"):
                    img = img.convert("RGB")
                side = int_setting("QUANYU_WISH_PHOTO_MAX_SIDE")
                img.thumbnail((side, side))
                clean = Image.new(img.mode, img.size)
                clean.paste(img)
                out = io.BytesIO()
                clean.save(out, format="JPEG", quality=85, optimize=True)
    except ValidationError:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError({field: _("%(name)s 无法识别为图片") % {"name": name}}) from None
    return CleanPhoto(content=ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg"))


def clean_photos(uploads: list[Any] | tuple[Any, ...], *, field: str = "photos") -> list[CleanPhoto]:
    most = int_setting("QUANYU_WISH_PHOTOS")
    if len(uploads) > most:
        raise ValidationError({field: _("最多上传 %(n)d 张照片") % {"n": most}})
    return [clean_photo(u, field=field) for u in uploads]
