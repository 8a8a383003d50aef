"""The lane's route for a volunteer signing themself up: ``POST
/api/volunteer-activities/<id>/signup/`` with an empty body (or ``{"volunteer": null}``), as the
phone page and the app send it at a term's opening, signed up in batches by
``services.self_signup_batch`` (``quanyu.api.lane`` says what the lane is).

Signing someone else up (a ``volunteer`` in the body) and every request the batch refuses go to
the API view, which answers them as it always does; nothing was written for them.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.utils import translation
from rest_framework.renderers import JSONRenderer

from quanyu.api.auth import authenticate_many
from quanyu.api.lane import Answer, Item, Route, created_headers, read_json, server_error
from quanyu.api.volunteering.serializers import SignupSerializer
from quanyu.volunteering import services
from quanyu.volunteering.models import Signup

logger = logging.getLogger("quanyu.api.lane")

SIGNUP_PATH = re.compile(r"/api/volunteer-activities/([1-9][0-9]{0,17})/signup/")


class SignupRoute(Route):
    allow = b"POST, OPTIONS"

    def match(self, path: str) -> int | None:
        found = SIGNUP_PATH.fullmatch(path)
        return int(found.group(1)) if found else None

    def read(self, body: bytes, params: Any) -> dict[str, Any] | None:
        """``{}`` for a body that signs the sender up (``{}`` or ``{"volunteer": null}``), None
        for anything else (Django reads it)."""
        try:
            data = read_json(body)
        except (ValueError, RecursionError):
            return None
        if data == {} or data == {"volunteer": None}:
            return {}
        return None

    def answer(self, batch: list[Item]) -> list[Answer | None]:
        answers: list[Answer | None] = [None] * len(batch)
        users = authenticate_many([item.token for item in batch])
        # A token refused (401) is Django's to answer.
        requests = [(i, users[item.token]) for i, item in enumerate(batch) if item.token in users]
        if not requests:
            return answers
        try:
            outcomes = services.self_signup_batch([(user, batch[i].params) for i, user in requests])
        except Exception:
            logger.exception("lane: %d sign-ups failed", len(requests))
            for i, _user in requests:
                answers[i] = server_error()
            return answers
        # Refused requests wrote nothing: Django answers them (400, 403, 404, 409).
        made = [(i, o) for (i, _user), o in zip(requests, outcomes, strict=True) if isinstance(o, Signup)]
        try:
            # One serializer for the batch (its fields are copied once, not once per sign-up); the
            # body holds no translated text, only the headers name the language.
            data = SignupSerializer([signup for _i, signup in made], many=True).data
            bodies = [JSONRenderer().render(one) for one in data]
        except Exception:
            logger.exception("lane: answering %d sign-ups failed", len(made))
            for i, _signup in made:
                answers[i] = server_error()
            return answers
        for (i, _signup), body in zip(made, bodies, strict=True):
            with translation.override(batch[i].language):
                answers[i] = Answer(201, created_headers(batch[i], len(body)), body)
        return answers
