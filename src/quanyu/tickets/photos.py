"""Photo uploads of tickets: :func:`quanyu.core.photos.clean_image` with the ticket limits, plus the
limits on a step's photos together (count, total bytes, the request's declared length).

``clean_photos`` runs before a service writes anything, so a bad file fails the whole step with a
message naming the file, and nothing is half-written.
"""

from __future__ import annotations

import io
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from quanyu.core.photos import PHOTO_MIME, CleanPhoto, ImageLimits, clean_image
from quanyu.tickets.conf import int_setting

TOO_LARGE = "too_large"
ACCEPTED_MIME = PHOTO_MIME | {"image/gif", "image/bmp"}

__all__ = ["CleanPhoto", "check_upload_request", "clean_photo", "clean_photos", "is_too_large"]


def clean_photo(upload: IO[bytes] | bytes | Any, *, field: str = "photos") -> CleanPhoto:
    """Validate one upload and answer a clean JPEG; ValidationError (naming ``field`` and the file)
    when it is too big, not an image, or cannot be decoded."""
    limits = ImageLimits(
        max_bytes=int_setting("QUANYU_PHOTO_MAX_BYTES"),
        max_pixels=int_setting("QUANYU_PHOTO_MAX_PIXELS"),
        max_side=int_setting("QUANYU_PHOTO_MAX_SIDE"),
        accepted=ACCEPTED_MIME,
    )
    return clean_image(upload, field=field, limits=limits)


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
