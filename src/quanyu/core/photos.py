"""One check for every photo upload (tickets, wishes, venues): not empty, within a byte limit, an
image by its bytes (not its name), decoded by Pillow within a pixel limit, then re-encoded as a
fresh JPEG no longer than a side limit, which drops EXIF (places, times, devices) and any other
metadata. It runs before a service writes anything, so a bad file fails the whole step with a
message naming the field and the file, and nothing is half-written. Each app keeps its own limits
in its settings and calls :func:`clean_image` with them.
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

# What a phone or a scanner produces. GIF and BMP are accepted where an app says so (tickets).
PHOTO_MIME = frozenset({"image/jpeg", "image/png", "image/webp"})


@dataclass(frozen=True)
class ImageLimits:
    max_bytes: int
    max_pixels: int
    max_side: int
    accepted: frozenset[str] = PHOTO_MIME


@dataclass(frozen=True)
class CleanPhoto:
    content: ContentFile
    width: int
    height: int

    @property
    def size(self) -> int:
        return int(self.content.size or 0)


def read_upload(upload: IO[bytes] | bytes | Any, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of an upload (one more than allowed, to tell that it is over)."""
    if isinstance(upload, bytes | bytearray):
        return bytes(upload)
    if hasattr(upload, "seek"):
        upload.seek(0)
    return bytes(upload.read(limit + 1))


_NAMES = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WebP",
    "image/gif": "GIF",
    "image/bmp": "BMP",
}


def _kinds(accepted: frozenset[str]) -> str:
    return "/".join(label for mime, label in _NAMES.items() if mime in accepted)


def clean_image(upload: IO[bytes] | bytes | Any, *, field: str, limits: ImageLimits) -> CleanPhoto:
    """The upload as a clean JPEG, or a ``ValidationError`` naming ``field`` and the file."""
    name = getattr(upload, "name", "") or _("照片")
    data = read_upload(upload, limits.max_bytes)
    if not data:
        raise ValidationError({field: _("%(name)s 是空文件") % {"name": name}})
    if len(data) > limits.max_bytes:
        size = filesizeformat(limits.max_bytes)
        raise ValidationError({field: _("%(name)s 超过 %(size)s") % {"name": name, "size": size}})
    kind = filetype.guess_mime(data)
    if kind not in limits.accepted:
        raise ValidationError(
            {
                field: _("%(name)s 不是支持的图片（%(kinds)s）")
                % {"name": name, "kinds": _kinds(limits.accepted)}
            }
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.width * probe.height > limits.max_pixels:
                    raise ValidationError({field: _("%(name)s 像素过大") % {"name": name}})
                probe.verify()
            with Image.open(io.BytesIO(data)) as opened:
                opened.load()
                img: Image.Image = ImageOps.exif_transpose(opened) or opened
                if img.mode not in ("RGB", "L"):
                    img = img.convert("RGB")
                img.thumbnail((limits.max_side, limits.max_side))
                # A fresh image written without exif=/icc_profile= carries no metadata.
                clean = Image.new(img.mode, img.size)
                clean.paste(img)
                out = io.BytesIO()
                clean.save(out, format="JPEG", quality=85, optimize=True)
                width, height = clean.size
    except ValidationError:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError({field: _("%(name)s 无法识别为图片") % {"name": name}}) from None
    return CleanPhoto(
        content=ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg"), width=width, height=height
    )
