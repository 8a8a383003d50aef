"""Fifty members claim one single-share wish at once over the API (PostgreSQL): exactly one claim,
49 clear 409s, one claim event."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from quanyu.wishes.models import WishClaim, WishEvent, WishEventKind
from quanyu.wishes.states import WishStatus
from tests.factories import make_city, make_personas
from tests.people.helpers import make_branches
from tests.wishes.factories import member_with_account, published, resident_wish

THREADS = 50


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_members_claim_one_wish_at_once(settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT … FOR NO KEY UPDATE) need PostgreSQL; SQLite serialises whole writes")
    settings.MEDIA_ROOT = str(tmp_path)
    city = make_city()
    make_personas(city)
    branches = make_branches(city)
    users = [member_with_account(city, branches, 100 + i)[1] for i in range(THREADS)]
    wish = published(resident_wish(city), city)
    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)
    barrier = threading.Barrier(THREADS)
    answers: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def claim(client: Client) -> None:
        try:
            barrier.wait()
            r = client.post(f"/api/wish-wall/{wish.pk}/claim/", {}, content_type="application/json")
            with lock:
                answers.append((r.status_code, r.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(code for code, _ in answers)
    assert codes == [201] + [409] * (THREADS - 1), codes
    assert all(body["detail"] for code, body in answers if code == 409)
    assert WishClaim.objects.filter(wish=wish).count() == 1
    assert WishEvent.objects.filter(wish=wish, kind=WishEventKind.CLAIMED).count() == 1
    wish.refresh_from_db()
    assert wish.status == WishStatus.CLAIMED and wish.claimed_shares == 1
