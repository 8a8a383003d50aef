"""Photos of a wish and of its fulfilment: :func:`quanyu.core.photos.clean_image` with the wish
limits (``QUANYU_WISH_PHOTO_*``), before a service writes anything."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from quanyu.core.photos import CleanPhoto, ImageLimits, clean_image
from quanyu.wishes.conf import int_setting

__all__ = ["CleanPhoto", "clean_photo", "clean_photos"]


def clean_photo(upload: Any, *, field: str = "photos") -> CleanPhoto:
    limits = ImageLimits(
        max_bytes=int_setting("QUANYU_WISH_PHOTO_MAX_BYTES"),
        max_pixels=int_setting("QUANYU_WISH_PHOTO_MAX_PIXELS"),
        max_side=int_setting("QUANYU_WISH_PHOTO_MAX_SIDE"),
    )
    return clean_image(upload, field=field, limits=limits)


def clean_photos(uploads: list[Any] | tuple[Any, ...], *, field: str = "photos") -> list[CleanPhoto]:
    most = int_setting("QUANYU_WISH_PHOTOS")
    if len(uploads) > most:
        raise ValidationError({field: _("最多上传 %(n)d 张照片") % {"n": most}})
    return [clean_photo(u, field=field) for u in uploads]
