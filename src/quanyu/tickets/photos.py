"""Photo uploads: sniffed, size-limited, decoded by Pillow and re-encoded as JPEG without EXIF.

``clean_photos`` runs before a service writes anything, so a bad file fails the whole step with a
message naming the file, and nothing is half-written.
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass
from typing import IO, Any

import filetype
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from quanyu.tickets.conf import int_setting

TOO_LARGE = "too_large"
ACCEPTED_MIME = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif", "image/bmp"})


@dataclass(frozen=True)
class CleanPhoto:
    content: ContentFile
    width: int
    height: int

    @property
    def size(self) -> int:
        return int(self.content.size or 0)


def _read(upload: IO[bytes] | bytes | Any, limit: int) -> bytes:
    if isinstance(upload, bytes | bytearray):
        data = bytes(upload)
    else:
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(limit + 1)
    return data


def clean_photo(upload: IO[bytes] | bytes | Any, *, field: str = "photos") -> CleanPhoto:
    """Validate one upload and answer a clean JPEG; ValidationError (naming ``field`` and the file)
    when it is too big, not an image, or cannot be decoded."""
    name = getattr(upload, "name", "") or _("照片")
    limit = int_setting("QUANYU_PHOTO_MAX_BYTES")
    data = _read(upload, limit)
    if len(data) > limit:
        raise ValidationError(
            {field: _("%(name)s 超过 %(mb)d MB") % {"name": name, "mb": limit // (1024 * 1024)}}
        )
    if not data:
        raise ValidationError({field: _("%(name)s 是空文件") % {"name": name}})
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ACCEPTED_MIME:
        raise ValidationError({field: _("%(name)s 不是支持的图片（JPEG/PNG/WebP/GIF）") % {"name": name}})
    max_pixels = int_setting("QUANYU_PHOTO_MAX_PIXELS")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.width * probe.height > max_pixels:
                    raise ValidationError({field: _("%(name)s 像素过大") % {"name": name}})
                probe.verify()
            with Image.open(io.BytesIO(data)) as opened:
                opened.load()
                img: Image.Image = ImageOps.exif_transpose(opened) or opened
                if img.mode not in ("RGB", "L"):
                    img = img.convert("RGB")
                side = int_setting("QUANYU_PHOTO_MAX_SIDE")
                img.thumbnail((side, side))
                out = io.BytesIO()
                # A fresh image written without exif=/icc_profile= carries no metadata.
                clean = Image.new(img.mode, img.size)
                clean.paste(img)
                clean.save(out, format="JPEG", quality=85, optimize=True)
                width, height = clean.size
    except ValidationError:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError({field: _("%(name)s 无法识别为图片") % {"name": name}}) from None
    return CleanPhoto(
        content=ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg"), width=width, height=height
    )


def _declared_size(upload: IO[bytes] | bytes | Any) -> int:
    """The size of an upload without reading it (0 when it cannot tell)."""
    if isinstance(upload, bytes | bytearray):
        return len(upload)
    size = getattr(upload, "size", None)
    if isinstance(size, int):
        return size
    if hasattr(upload, "seek") and hasattr(upload, "tell"):
        try:
            upload.seek(0, io.SEEK_END)
            end = int(upload.tell())
            upload.seek(0)
            return end
        except (OSError, ValueError):
            return 0
    return 0


def _too_much(field: str, limit: int) -> ValidationError:
    message = _("照片合计超过 %(size)s，请减少张数或压缩后再传") % {"size": filesizeformat(limit)}
    return ValidationError({field: ValidationError(message, code=TOO_LARGE)})


def is_too_large(exc: ValidationError) -> bool:
    """Whether ``exc`` refuses photos for their total size (answer 413 rather than 400)."""
    errors = (
        [e for es in exc.error_dict.values() for e in es] if hasattr(exc, "error_dict") else exc.error_list
    )
    return any(e.code == TOO_LARGE for e in errors)


def clean_photos(uploads: list[Any] | tuple[Any, ...], *, field: str = "photos") -> list[CleanPhoto]:
    """``clean_photo`` for each upload, with the per-step count limit and the limit on the bytes of
    all of them together (``QUANYU_PHOTOS_MAX_TOTAL_BYTES``), checked before any is decoded."""
    most = int_setting("QUANYU_PHOTOS_PER_UPLOAD")
    if len(uploads) > most:
        raise ValidationError({field: _("最多上传 %(n)d 张照片") % {"n": most}})
    total_limit = int_setting("QUANYU_PHOTOS_MAX_TOTAL_BYTES")
    if sum(_declared_size(u) for u in uploads) > total_limit:
        raise _too_much(field, total_limit)
    return [clean_photo(u, field=field) for u in uploads]


def upload_request_limit() -> int:
    """The most bytes a request carrying photos may have: all the photos plus 1 MB for the rest of
    the form (multipart framing, text, contact)."""
    return int_setting("QUANYU_PHOTOS_MAX_TOTAL_BYTES") + 1024 * 1024


def check_upload_request(content_length: Any, *, field: str = "photos") -> None:
    """Refuse a request whose declared body (``CONTENT_LENGTH``) is over ``upload_request_limit()``
    before it is parsed, so an oversized upload is not spooled to disk first. ValidationError
    naming ``field`` (``is_too_large``: answer it with 413)."""
    try:
        length = int(content_length or 0)
    except (TypeError, ValueError):
        return
    if length > upload_request_limit():
        raise _too_much(field, int_setting("QUANYU_PHOTOS_MAX_TOTAL_BYTES"))
