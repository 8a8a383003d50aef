"""Wishes in the back office: read-only (no add, change or delete: every change goes through the
services), scoped to the staff member's subtree, never showing who wished."""

from __future__ import annotations

from django.test import Client

from quanyu.accounts.models import User
from quanyu.wishes.models import Wish
from tests.wishes.factories import RESIDENT_NAME, behalf_wish, published


def staff_client(username: str) -> Client:
    User.objects.filter(username=username).update(is_staff=True)
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_read_only_and_scoped(world, city):
    wish = published(behalf_wish(world), city)
    mine = staff_client("community_x")
    assert mine.get("/admin/wishes/wish/").status_code == 200
    page = mine.get(f"/admin/wishes/wish/{wish.pk}/change/")
    assert page.status_code == 200 and RESIDENT_NAME not in page.content.decode()
    assert mine.get("/admin/wishes/wish/add/").status_code == 403
    before = Wish.objects.get(pk=wish.pk).status
    mine.post(f"/admin/wishes/wish/{wish.pk}/change/", {"status": "cancelled"})
    assert Wish.objects.get(pk=wish.pk).status == before
    assert mine.post(f"/admin/wishes/wish/{wish.pk}/delete/", {"post": "yes"}).status_code == 403
    other = staff_client("community_y")
    assert f"/admin/wishes/wish/{wish.pk}/change/" not in other.get("/admin/wishes/wish/").content.decode()
    assert f"/admin/wishes/wish/{wish.pk}/change/" in mine.get("/admin/wishes/wish/").content.decode()
    assert other.get(f"/admin/wishes/wish/{wish.pk}/change/").status_code == 404
