"""Venue photos: :func:`quanyu.core.photos.clean_image` with the venue limits — at most
``VENUES_PHOTO_MAX_BYTES``, JPEG, PNG or WebP by their bytes, within ``VENUES_PHOTO_MAX_PIXELS``,
re-encoded as JPEG at most ``VENUES_PHOTO_MAX_SIDE`` on its longer side (which drops EXIF)."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from quanyu.core.photos import ImageLimits, clean_image
from quanyu.venues import conf


def clean_venue_photo(upload: Any) -> ContentFile:
    """The upload as a clean JPEG file, or a ``ValidationError`` naming ``photo``."""
    limits = ImageLimits(
        max_bytes=int(conf.get("VENUES_PHOTO_MAX_BYTES")),
        max_pixels=int(conf.get("VENUES_PHOTO_MAX_PIXELS")),
        max_side=int(conf.get("VENUES_PHOTO_MAX_SIDE")),
    )
    return clean_image(upload, field="photo", limits=limits).content
