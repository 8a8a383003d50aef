"""people.access: protected tags are decided per row, by the actor's role where the person lives."""

from __future__ import annotations

import pytest

from quanyu.people.access import tag_sight, tags_visible_for
from tests.people.helpers import logged_in

pytestmark = pytest.mark.django_db


def test_tags_only_where_the_actor_may_see_them(mixed_reader, registers):
    sight = tag_sight(mixed_reader)
    assert tags_visible_for(actor=mixed_reader, person=registers["old"], sight=sight) == []
    assert tags_visible_for(actor=mixed_reader, person=registers["child"]) == ["left_behind_child"]
    rows = {r["name"]: r["tags"] for r in logged_in(mixed_reader).get("/api/residents/").json()["results"]}
    assert rows == {"王奶奶": [], "小李": ["left_behind_child"]}
    detail = logged_in(mixed_reader).get(f"/api/residents/{registers['old'].pk}/").json()
    assert detail["tags"] == []
