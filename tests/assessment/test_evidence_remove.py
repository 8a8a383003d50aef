"""Taking an evidence file back (issue 18's evidence workflow): the assessed side (or the
assessor) removes a wrong file from an entry that waits for scoring or was returned, before the
submission deadline; a scored entry keeps its files; each removal is an event and the stored file
goes with it; through the service, the set page and ``DELETE /api/assessment/evidence/<id>/``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from quanyu.assessment.indicators import services, submissions
from quanyu.assessment.models import EntryEvidence, IndicatorEvent, Source, SubmissionDeadline
from quanyu.assessment.periods import parse_period
from quanyu.core.clock import local_today
from tests.asserts import nothing_written
from tests.assessment.factories import community_set

pytestmark = pytest.mark.django_db
MARCH = parse_period("2025-03")


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 " + name.encode(), content_type="application/pdf")


@pytest.fixture
def entry(city, people):
    s = community_set(city, people["district_admin"])
    manual = s.indicators.get(source=Source.MANUAL)
    return services.entry_submit(
        actor=people["community_x"],
        indicator=manual,
        period=MARCH,
        statement="材料",
        target_area=city.communities[0],
        evidence=[pdf("台账.pdf"), pdf("错传.pdf")],
    )


def test_the_assessed_side_takes_a_wrong_file_back(people, entry, django_capture_on_commit_callbacks):
    wrong = entry.files.get(name="错传.pdf")
    stored = wrong.file.name
    assert default_storage.exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        submissions.evidence_remove(actor=people["community_x"], evidence=wrong)
    assert [f.name for f in entry.files.all()] == ["台账.pdf"]
    assert not default_storage.exists(stored)
    event = IndicatorEvent.objects.get(kind="evidence_removed")
    assert event.entry_id == entry.pk and event.payload == {"period": "2025-03", "name": "错传.pdf"}
    # Another community's staff may not touch it.
    kept = entry.files.get()
    with nothing_written(kept), pytest.raises(PermissionDenied):
        submissions.evidence_remove(actor=people["community_y"], evidence=kept)


def test_a_scored_entry_keeps_its_files_and_the_deadline_closes_removal(people, entry):
    admin, cx = people["district_admin"], people["community_x"]
    first = entry.files.order_by("id").first()
    submissions.deadline_set(
        actor=admin, indicator_set=entry.indicator.indicator_set, period=MARCH, due_on=local_today()
    )
    SubmissionDeadline.objects.update(due_at=timezone.now() - dt.timedelta(minutes=1))
    day = submissions.last_day(SubmissionDeadline.objects.get())
    with nothing_written(first), pytest.raises(ValidationError) as exc:
        submissions.evidence_remove(actor=cx, evidence=first)
    message = exc.value.message_dict["evidence"][0]
    assert "2025-03" in message and day.isoformat() in message
    SubmissionDeadline.objects.all().delete()
    services.entry_score(actor=admin, entry=entry, score="8", comment="好")
    with nothing_written(first), pytest.raises(ValidationError) as exc:
        submissions.evidence_remove(actor=admin, evidence=first)
    assert "已评分" in exc.value.message_dict["evidence"][0]
    assert EntryEvidence.objects.count() == 2


def test_the_set_page_offers_it_to_the_submitter_only_and_the_api_deletes(people, entry, api_client):
    s = entry.indicator.indicator_set
    url = f"/assessment/sets/{s.pk}/"
    first, second = entry.files.order_by("id")
    cx = Client()
    cx.force_login(people["community_x"])
    page = cx.get(url).content.decode()
    assert page.count("/unfile/") == 2
    r = cx.post(f"{url}unfile/", {"evidence": first.pk})
    assert r.status_code == 302 and not EntryEvidence.objects.filter(pk=first.pk).exists()
    again = cx.post(f"{url}unfile/", {"evidence": first.pk})
    assert again.status_code == 404
    # The API: another community cannot see it (404); the submitter deletes it (204).
    assert api_client("community_y").delete(f"/api/assessment/evidence/{second.pk}/").status_code == 404
    assert api_client("community_x").delete(f"/api/assessment/evidence/{second.pk}/").status_code == 204
    assert not entry.files.exists()
    services.entry_score(actor=people["district_admin"], entry=entry, score="6")
    assert "/unfile/" not in cx.get(url).content.decode()
