"""The scoping kernel: collapse_paths, scope_q, scope and get_scoped_or_404."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import Http404

from quanyu.areas.models import Area
from quanyu.core.scoping import (
    EVERYTHING,
    actor_scope_paths,
    collapse_paths,
    get_scoped_or_404,
    scope,
    scope_q,
)
from quanyu.orgs.models import PartTimeMember, Unit


def actor(*paths: str, superuser: bool = False) -> SimpleNamespace:
    return SimpleNamespace(is_authenticated=True, is_superuser=superuser, scope_paths=paths)


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        ((), ()),
        (("0001",), ("0001",)),
        (("00010002", "0001"), ("0001",)),
        (("0001", "00010002", "000100020003", "0002"), ("0001", "0002")),
        (("0001", "0001"), ("0001",)),
        (("00010002", "00010003"), ("00010002", "00010003")),
        # A sibling whose path merely shares leading characters is not inside.
        (("000A", "000A0001", "000B"), ("000A", "000B")),
        (("0001", EVERYTHING), (EVERYTHING,)),
    ],
)
def test_collapse_paths(paths, expected):
    assert collapse_paths(paths) == expected


def test_scope_q():
    assert scope_q((EVERYTHING,), "path") is None
    assert scope_q(("0001", EVERYTHING), "path") is None
    assert scope_q((), "path") == Q(pk__in=[])
    assert scope_q(("0001", "00010002"), "area__path") == Q(area__path__startswith="0001")
    assert scope_q(("0001", "0002"), "path") == Q(path__startswith="0001") | Q(path__startswith="0002")


def test_actor_scope_paths():
    assert actor_scope_paths(None) == ()
    assert actor_scope_paths(AnonymousUser()) == ()
    assert actor_scope_paths(actor("0001")) == ("0001",)
    assert actor_scope_paths(actor("0001", superuser=True)) == (EVERYTHING,)
    assert actor_scope_paths(SimpleNamespace(is_authenticated=True, is_superuser=False)) == ()


@pytest.mark.django_db
def test_scope_limits_each_model_by_its_path(city):
    street = actor(city.streets[0].path)
    areas = set(scope(Area.objects.all(), actor=street))
    assert city.communities[0] in areas and city.communities[1] in areas
    assert city.communities[2] not in areas and city.district not in areas
    units = set(scope(Unit.objects.all(), actor=street))
    assert units == {city.units[0], city.units[1]}
    member = PartTimeMember.objects.create(
        name="兼职", unit=city.units[2], committee=city.orgs[city.communities[2].name]
    )
    assert list(scope(PartTimeMember.objects.all(), actor=street)) == []
    assert list(scope(PartTimeMember.objects.all(), actor=actor(city.communities[2].path))) == [member]


@pytest.mark.django_db
def test_scope_for_nobody_superuser_and_anonymous(city):
    assert scope(Area.objects.all(), actor=actor()).count() == 0
    assert scope(Area.objects.all(), actor=AnonymousUser()).count() == 0
    assert scope(Area.objects.all(), actor=None).count() == 0
    assert scope(Area.objects.all(), actor=actor(superuser=True)).count() == Area.objects.count()


@pytest.mark.django_db
def test_scope_with_overlapping_grants_has_no_duplicates(city):
    both = actor(city.streets[0].path, city.communities[0].path, city.grids[0].path)
    rows = list(scope(Area.objects.all(), actor=both))
    assert len(rows) == len(set(rows)) == 1 + 2 + 4 + 4


@pytest.mark.django_db
def test_scope_needs_a_path_field(city):
    from quanyu.core.models import AuditEntry

    with pytest.raises(TypeError):
        scope(AuditEntry.objects.all(), actor=actor("0001"))
    assert scope(Unit.objects.all(), actor=actor(city.communities[0].path), field="area__path").count() == 1


@pytest.mark.django_db
def test_get_scoped_or_404(city):
    community_x = actor(city.communities[0].path)
    assert get_scoped_or_404(Area.objects.all(), actor=community_x, pk=city.grids[0].pk) == city.grids[0]
    for lookup in (city.communities[2].pk, 10**9, "abc", None, 10**30):
        with pytest.raises(Http404):
            get_scoped_or_404(Area.objects.all(), actor=community_x, pk=lookup)
