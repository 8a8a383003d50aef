"""Venue projects (build and handover): the table, who may complete each step, pre-sale
restriction, supervision of late steps, and the handed-over venue entering the register."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from quanyu.core.workflow import ConflictError, TransitionError
from quanyu.venues import selectors
from quanyu.venues.models import ProjectEvent, Venue
from quanyu.venues.services import projects
from quanyu.venues.states import PROJECT_ALLOWED, PROJECT_ORDER, ProjectStep
from tests.asserts import nothing_written

PERSONAS = [
    "district_admin",
    "street_staff",
    "community_x",
    "community_y",
    "grid_worker",
    "department_handler",
    "resident",
    "outsider",
]


@pytest.fixture
def project(city):
    dept = city.units[-1].pk  # 区城管局, department_handler's unit, owns every department step here
    return projects.project_create(
        actor=city.users["district_admin"],
        name="新城社区党群服务中心",
        area=city.communities[0],
        owners=dict.fromkeys(projects.DEPARTMENT_STEPS, dept),
        planned_floor_area="1200",
        planned_ground_floor_area="600",
    )


def test_table_is_a_line_with_cancel_and_the_presale_loop():
    assert set(PROJECT_ALLOWED) == set(ProjectStep.values)
    for i, step in enumerate(PROJECT_ORDER[:-1]):
        assert PROJECT_ORDER[i + 1] in PROJECT_ALLOWED[step] and "cancelled" in PROJECT_ALLOWED[step]
    assert PROJECT_ALLOWED["presale"] >= {"presale"}
    assert PROJECT_ALLOWED["done"] == PROJECT_ALLOWED["cancelled"] == frozenset()


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_completes_a_department_step(city, project, persona):
    actor = city.users[persona]
    if persona in {"district_admin", "department_handler"}:
        done = projects.project_complete_step(actor=actor, project=project, documents=[{"name": "控规批复"}])
        assert done.step == "land" and done.documents == [{"step": "planning", "name": "控规批复", "url": ""}]
        return
    with nothing_written(project), pytest.raises(PermissionDenied):
        projects.project_complete_step(actor=actor, project=project)


def test_the_whole_path_to_the_register(city, project):
    handler, staff = city.users["department_handler"], city.users["community_x"]
    for _ in range(2):  # planning, land
        project = projects.project_complete_step(actor=handler, project=project)
    # pre-sale: short of the design → restricted, the step stays
    restricted = projects.project_complete_step(
        actor=handler, project=project, built_floor_area="1100", built_ground_floor_area="600"
    )
    assert restricted.step == "presale"
    assert (
        ProjectEvent.objects.filter(project=project, kind="presale_restricted").get().payload["short_m2"]
        == "100.0"
    )
    with pytest.raises(ValidationError) as err:
        projects.project_complete_step(actor=handler, project=restricted)
    assert "built_floor_area" in err.value.message_dict
    project = projects.project_complete_step(
        actor=handler, project=restricted, built_floor_area="1200", built_ground_floor_area="600"
    )
    for _ in range(3):  # quality, acceptance, registration
        project = projects.project_complete_step(actor=handler, project=project)
    assert project.step == "handover"
    with nothing_written(project), pytest.raises(PermissionDenied):
        projects.project_complete_step(actor=handler, project=project)  # the handover is the community's
    done = projects.project_complete_step(actor=staff, project=project)
    assert done.step == "done" and done.venue is not None
    venue = Venue.objects.get(pk=done.venue.pk)
    assert (venue.status, str(venue.floor_area), venue.area) == ("in_use", "1200.0", city.communities[0])
    with pytest.raises(TransitionError):
        projects.project_complete_step(actor=city.users["district_admin"], project=done)


def test_stale_copy_is_a_conflict(city, project):
    projects.project_cancel(actor=city.users["district_admin"], project=project, note="选址调整")
    with pytest.raises(ConflictError):  # the caller's copy still says "planning"
        projects.project_cancel(actor=city.users["district_admin"], project=project, note="x")
    with pytest.raises(ValidationError) as err:
        projects.project_cancel(actor=city.users["district_admin"], project=project, note="")
    assert "note" in err.value.message_dict


def test_supervision_once_per_late_step(city, project):
    late = project.step_due + dt.timedelta(days=1)
    assert projects.projects_supervise(today=late) == 1
    assert projects.projects_supervise(today=late) == 0
    moved = projects.project_complete_step(actor=city.users["district_admin"], project=project)
    assert projects.projects_supervise(today=moved.step_due + dt.timedelta(days=1)) == 1
    assert ProjectEvent.objects.filter(kind="supervised").count() == 2


def test_create_checks(city):
    admin = city.users["district_admin"]
    with pytest.raises(ValidationError) as err:
        projects.project_create(
            actor=admin, name="x", area=city.communities[0], owners={"planning": city.units[-1].pk}
        )
    assert "owners" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        projects.project_create(
            actor=admin,
            name="x",
            area=city.communities[0],
            owners=dict.fromkeys(projects.DEPARTMENT_STEPS, city.units[0].pk),
        )
    assert "请为以下环节选择职能部门：写入控制性详细规划" in err.value.message_dict["owners"][0]
    with pytest.raises(PermissionDenied):
        projects.project_create(
            actor=city.users["community_x"],
            name="x",
            area=city.communities[0],
            owners=dict.fromkeys(projects.DEPARTMENT_STEPS, city.units[-1].pk),
        )


def test_who_sees_a_project(city, project):
    assert selectors.project_get_for(actor=city.users["department_handler"], project_id=project.pk) == project
    assert selectors.project_get_for(actor=city.users["community_x"], project_id=project.pk) == project
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.project_get_for(actor=city.users["community_y"], project_id=project.pk)
