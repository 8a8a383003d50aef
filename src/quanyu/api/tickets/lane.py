"""The lane's route for ticket creation: ``POST /api/tickets/`` with a plain body, created in
batches by ``services.ticket_create_batch`` (``quanyu.api.lane`` says what the lane is)."""

from __future__ import annotations

import logging
from typing import Any

from django.utils import translation
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer

from quanyu.api.auth import ExpiringTokenAuthentication
from quanyu.api.lane import Answer, Item, Route, created_headers, read_json, server_error
from quanyu.api.tickets.intake import create_arguments, created_answer, fast_create_input
from quanyu.tickets import services
from quanyu.tickets.models import Ticket

logger = logging.getLogger("quanyu.api.lane")

LANE_PATH = "/api/tickets/"


class TicketRoute(Route):
    allow = b"GET, POST, HEAD, OPTIONS"

    def match(self, path: str) -> Any | None:
        return True if path == LANE_PATH else None

    def read(self, body: bytes, params: Any) -> dict[str, Any] | None:
        """The create input of a body the lane may take (``fast_create_input``), or None for
        Django to read and answer. Nothing nested passes ``fast_create_input``."""
        try:
            return fast_create_input(read_json(body))
        except (ValueError, RecursionError):
            return None

    def answer(self, batch: list[Item]) -> list[Answer | None]:
        """Create the batch's tickets; each item's answer, or None to send it on to Django."""
        answers: list[Answer | None] = [None] * len(batch)
        by_language: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        auth = ExpiringTokenAuthentication()
        for i, item in enumerate(batch):
            language = item.language
            try:
                user, _token = auth.authenticate_credentials(item.token)
                with translation.override(language):
                    arguments = create_arguments(item.data)
            except (exceptions.APIException, ValueError):
                continue  # Django answers it (401, 400, 404)
            except Exception:  # one request's surprise is its own: Django answers it, nothing written
                logger.exception("intake lane: reading a request failed")
                continue
            arguments.update(actor=user, photos=[], idempotency_key=item.key)
            by_language.setdefault(language, []).append((i, arguments))
        for language, requests in by_language.items():
            with translation.override(language):
                _create(batch, requests, answers)
        return answers


def _create(
    batch: list[Item], requests: list[tuple[int, dict[str, Any]]], answers: list[Answer | None]
) -> None:
    try:
        results = services.ticket_create_batch([arguments for _i, arguments in requests])
    except Exception:
        # Some may have been written on their own before the failure: answer 500, never resend.
        logger.exception("intake lane: creating %d tickets failed", len(requests))
        for i, _arguments in requests:
            answers[i] = server_error()
        return
    for (i, _arguments), result in zip(requests, results, strict=True):
        if not isinstance(result, Ticket) or getattr(result, "replayed", False):
            continue  # refused (nothing written) or a replay: Django answers it
        try:
            body = JSONRenderer().render(created_answer(result))
        except Exception:
            logger.exception("intake lane: answering ticket %s failed", result.pk)
            answers[i] = server_error()
            continue
        answers[i] = Answer(201, created_headers(batch[i], len(body), idempotent=True), body)
