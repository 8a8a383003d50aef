"""Photos of a venue: its staff add them (checked and re-encoded by ``venues.photos`` before
anything is written; at most ``VENUES_PHOTOS`` per venue) and remove them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from quanyu.core.workflow import lock
from quanyu.venues import conf, events
from quanyu.venues.access import require_editor
from quanyu.venues.models import Venue, VenuePhoto
from quanyu.venues.photos import clean_venue_photo


def venue_photo_add(*, actor: Any, venue: Venue, upload: Any, caption: str = "") -> VenuePhoto:
    caption = (caption or "").strip()
    if len(caption) > 100:
        raise ValidationError({"caption": [_("说明不能超过100字")]})
    content = clean_venue_photo(upload)
    with transaction.atomic():
        locked = lock(Venue.objects).select_related("area").get(pk=venue.pk)
        require_editor(actor, locked.area.path)
        most = int(conf.get("VENUES_PHOTOS"))
        if VenuePhoto.objects.filter(venue=locked).count() >= most:
            raise ValidationError({"photo": [_("每个阵地最多%(n)d张照片") % {"n": most}]})
        photo = VenuePhoto(venue=locked, caption=caption, uploaded_by=actor)
        photo.image.save(content.name or "photo.jpg", content, save=False)
        photo.save()
        events.venue_photo_added_event(venue=locked, actor=actor, photo=photo.pk)
        return photo


def venue_photo_remove(*, actor: Any, photo: VenuePhoto) -> None:
    with transaction.atomic():
        locked = lock(Venue.objects).select_related("area").get(pk=photo.venue_id)
        require_editor(actor, locked.area.path)
        found = VenuePhoto.objects.filter(pk=photo.pk, venue=locked).first()
        if found is None:
            return
        name, pk = found.image.name or "", found.pk
        found.delete()
        events.venue_photo_removed_event(venue=locked, actor=actor, photo=pk)
        storage = found.image.storage
        if name:
            transaction.on_commit(lambda: storage.delete(name))
