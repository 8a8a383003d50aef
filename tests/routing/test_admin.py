"""The admin shows routing versions read-only, without the artefact."""

from __future__ import annotations

import pytest

from quanyu.accounts.models import User
from quanyu.routing import services, training
from quanyu.routing.models import Source
from tests.routing.conftest import small_corpus


@pytest.mark.django_db
def test_superuser_sees_versions_read_only(city, client):
    texts, labels = small_corpus()
    row = services.routing_model_train(
        actor=city.users["district_admin"],
        examples=training.Examples(texts=texts, labels=labels),
        source=Source.CSV,
        holdout=0,
    )
    boss = User.objects.create_superuser("boss", "boss@example.org", "pw-123456789")
    client.force_login(boss)
    listing = client.get("/admin/routing/routingmodel/")
    assert listing.status_code == 200
    page = client.get(f"/admin/routing/routingmodel/{row.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert row.sha256 in html and 'name="artefact"' not in html and 'name="is_active"' not in html
    assert client.post(f"/admin/routing/routingmodel/{row.pk}/delete/", {"post": "yes"}).status_code == 403
