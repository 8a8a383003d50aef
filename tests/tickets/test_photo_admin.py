"""The back office shows a ticket photo through the scoped photo endpoint, never the file's
/media/ address (nginx does not serve MEDIA_ROOT)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from quanyu.tickets.models import TicketPhoto
from tests.factories import make_user
from tests.tickets.factories import Upload, jpeg_bytes, new_ticket

pytestmark = pytest.mark.django_db


def test_photo_admin_links_the_scoped_endpoint(city, cat, settings):
    ticket = new_ticket(city, photos=[Upload(jpeg_bytes())])
    photo = TicketPhoto.objects.get(ticket=ticket)
    assert photo.image.name  # a file under MEDIA_ROOT
    client = Client()
    client.force_login(make_user("root", superuser=True))

    change = client.get(reverse("admin:tickets_ticketphoto_change", args=[photo.pk]))
    assert change.status_code == 200
    html = change.content.decode()
    assert f'href="{reverse("web:ticket_photo", args=[ticket.pk, photo.pk])}"' in html
    assert settings.MEDIA_URL not in html and photo.image.url not in html

    listing = client.get(reverse("admin:tickets_ticketphoto_changelist"))
    assert listing.status_code == 200 and settings.MEDIA_URL not in listing.content.decode()
    # The link works for those who may see the ticket.
    assert client.get(reverse("web:ticket_photo", args=[ticket.pk, photo.pk]))["Content-Type"] == "image/jpeg"
