"""Migration assessment 0010 moves each hand-scored entry's single ``evidence`` file to an
``EntryEvidence`` row (name, uploader) before it drops the column, and back when reversed: run
on a database put back at 0009 with an entry that has a file and one that has none."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("assessment", "0009_duty_report_projects")]
AFTER = [("assessment", "0010_entry_files_deadlines")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_0010_moves_each_single_file_to_a_row_and_back(city):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("assessment")
    old = _migrate(BEFORE)
    try:
        user = city.users["community_x"]
        s = old.get_model("assessment", "IndicatorSet").objects.create(
            year=2025, level="community", area_id=city.streets[0].pk, name="考核", status="published"
        )
        indicator = old.get_model("assessment", "Indicator").objects.create(
            indicator_set=s, position=1, name="阵地建设", weight=10, source="manual"
        )
        entry = old.get_model("assessment", "ManualEntry")
        common = {
            "indicator": indicator,
            "statement": "材料",
            "status": "submitted",
            "submitted_at": timezone.now(),
        }
        with_file = entry.objects.create(
            **common,
            period="2025-03",
            target_area_id=city.communities[0].pk,
            evidence="assessment/evidence/2025/03/台账.pdf",
            submitted_by_id=user.pk,
        )
        without = entry.objects.create(**common, period="2025-04", target_area_id=city.communities[0].pk)

        new = _migrate(AFTER)
        rows = list(new.get_model("assessment", "EntryEvidence").objects.order_by("id").values())
        assert [(r["entry_id"], r["file"], r["name"], r["uploaded_by_id"]) for r in rows] == [
            (with_file.pk, "assessment/evidence/2025/03/台账.pdf", "台账.pdf", user.pk)
        ]
        assert not any(r["entry_id"] == without.pk for r in rows)

        back = _migrate(BEFORE)
        files = dict(back.get_model("assessment", "ManualEntry").objects.values_list("pk", "evidence"))
        assert files == {with_file.pk: "assessment/evidence/2025/03/台账.pdf", without.pk: ""}
    finally:
        _migrate(latest)
