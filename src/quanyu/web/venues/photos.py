"""Venue photos: the venue's staff upload and remove them on the venue's page; the image is served
to anyone for a venue in use (it is on the public page), else to the venue's office scope."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanyu.venues import selectors
from quanyu.venues.models import VenuePhoto
from quanyu.venues.services.photos import venue_photo_add, venue_photo_remove
from quanyu.venues.states import VenueStatus
from quanyu.web.venues.views import _detail_context, _error_status


@login_required
@require_POST
def photo_upload(request: HttpRequest, venue_id: int) -> HttpResponse:
    venue = selectors.venue_get_for(actor=request.user, venue_id=venue_id)
    try:
        upload = request.FILES.get("photo")
        if upload is None:
            raise ValidationError({"photo": [_("请选择照片")]})
        venue_photo_add(
            actor=request.user, venue=venue, upload=upload, caption=request.POST.get("caption", "")
        )
    except (ValidationError, PermissionDenied) as exc:
        status, error = _error_status(exc)
        context = _detail_context(request, venue)
        context["error"] = error
        return render(request, "web/venues/detail.html", context, status=status)
    messages.success(request, _("照片已上传"))
    return redirect("web:venue_detail", venue_id=venue.pk)


@login_required
@require_POST
def photo_remove(request: HttpRequest, photo_id: int) -> HttpResponse:
    photo = selectors.photo_get_for(actor=request.user, photo_id=photo_id)
    try:
        venue_photo_remove(actor=request.user, photo=photo)
    except PermissionDenied as exc:
        status, error = _error_status(exc)
        context = _detail_context(request, photo.venue)
        context["error"] = error
        return render(request, "web/venues/detail.html", context, status=status)
    messages.success(request, _("照片已删除"))
    return redirect("web:venue_detail", venue_id=photo.venue_id)


def photo_file(request: HttpRequest, venue_id: int, photo_id: int) -> FileResponse:
    photo = VenuePhoto.objects.filter(pk=photo_id, venue_id=venue_id).select_related("venue").first()
    if photo is None:
        raise Http404
    if photo.venue.status != VenueStatus.IN_USE:
        selectors.photo_get_for(actor=request.user, photo_id=photo_id)  # 404 out of the office scope
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = (
        "public, max-age=3600" if photo.venue.status == VenueStatus.IN_USE else "private"
    )
    return response
