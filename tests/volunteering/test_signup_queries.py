"""The term-opening burst's hot path (bench/signup.py): one sign-up over the API with a token
costs a fixed, small number of queries, and the activity is the only row it locks."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def test_one_sign_up_costs_few_queries_and_locks_only_the_activity(city, vs):
    vol = vs.volunteers[0]
    token = Token.objects.create(user=vol.user)
    me = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    url = f"/api/volunteer-activities/{vs.activity.pk}/signup/"
    with CaptureQueriesContext(connection) as q:
        r = me.post(url, {}, content_type="application/json")
    assert r.status_code == 201, r.content
    sql = [x["sql"] for x in q.captured_queries]
    # token and user, own volunteer record, savepoint, the activity locked, the duplicate check,
    # the counters, the sign-up, its event, release: nothing per request beyond those.
    assert len(sql) <= 9, sql
    locking = [s for s in sql if "FOR UPDATE" in s]
    assert all("volunteering_activity" in s.split("FROM")[1][:40] for s in locking), locking
