import pytest

from quanyu.areas.models import Area, AreaKind
from quanyu.areas.services import area_bulk_create
from quanyu.core.trees import NewNode

pytestmark = pytest.mark.django_db


def test_bulk_nodes_match_treebeard_invariants(city):
    admin = city.users["district_admin"]
    street = city.streets[0]
    before_numchild = street.numchild
    nodes = [NewNode(Area(kind=AreaKind.COMMUNITY, name="新社区"), parent=street)]
    for g in range(3):
        nodes.append(NewNode(Area(kind=AreaKind.GRID, name=f"新网格{g}"), parent_index=0))
    nodes.append(NewNode(Area(kind=AreaKind.BUILDING, name="新楼"), parent_index=1))
    saved = area_bulk_create(actor=admin, nodes=nodes)
    assert all(a.pk for a in saved)
    community = Area.objects.get(pk=saved[0].pk)
    assert community.path.startswith(street.path) and community.depth == street.depth + 1
    assert Area.objects.get(pk=street.pk).numchild == before_numchild + 1
    assert community.numchild == 3
    # treebeard's own reading of the tree agrees with what we wrote
    assert [c.name for c in Area.objects.get_children(community)] == ["新网格0", "新网格1", "新网格2"]
    assert Area.objects.get_parent(Area.objects.get(pk=saved[4].pk)).pk == saved[1].pk
    assert len({a.path for a in Area.objects.all()}) == Area.objects.count()
    # a node added the ordinary way after a bulk load lands after the bulk children
    later = Area.objects.add_child(community, create_kwargs={"kind": AreaKind.GRID, "name": "后加网格"})
    assert later.path > saved[3].path


def test_bulk_rejects_wrong_kind_and_rights(city):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError):
        area_bulk_create(
            actor=city.users["district_admin"],
            nodes=[NewNode(Area(kind=AreaKind.BUILDING, name="x"), parent=city.streets[0])],
        )
    with pytest.raises(PermissionDenied):
        area_bulk_create(
            actor=city.users["community_x"],
            nodes=[NewNode(Area(kind=AreaKind.GRID, name="x"), parent=city.communities[2])],
        )
    assert not Area.objects.filter(name="x").exists()
