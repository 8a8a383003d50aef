"""The tickets API (the e呼应 loop) and the request catalogue.

Endpoints (all thin: parse, find through ``quanyu.tickets.selectors`` — out of scope is a 404 —
call one service from ``quanyu.tickets.services``, serialise):

* ``GET/POST /api/tickets/`` — list (filters, paginated) and create (JSON, or multipart with
  ``photos``), which answers 201 with the new ticket in the list shape (the detail has the
  timeline). ``Idempotency-Key`` header: a retry by the same account answers the first ticket with
  **200** (and ``Idempotency-Replayed: true``) instead of 201, and never creates a twin.
* ``GET /api/tickets/{id}/`` — the ticket with its timeline (events), whistles, photos and ratings.
  A photo's ``url`` is ``GET /api/tickets/{id}/photos/{photo}/``, scoped like the ticket (the
  files are never served from a public media path).
* ``POST /api/tickets/{id}/<action>/`` — one per step: accept, assign, categorise, escalate,
  reassign, whistle, withdraw, respond, resolve, return, merge, cancel, supervise, rate, callback,
  appeal, appeal-decide, transfer-emergency, reopen, close, rating-link; for one-window
  applications notice (一次性告知 of missing materials) and materials (补正). Each answers the
  ticket.
* ``POST /api/tickets/rate/`` — rating through the single-use link's token, no account needed
  (throttled).
* ``GET /api/catalog/categories/`` — the catalogue tree (public, like Open311's services).

Errors: 400 names the field; 403 when the ticket is visible to the caller but the step is not
theirs; 404 when it is not visible at all; 409 when the ticket is not in a state that allows the
step (``code: invalid_transition``) or someone else changed it first (``code: conflict``).
"""

from typing import Any

from django.urls import path

from quanyu.api.tickets.views import CategoryTreeView, TicketViewSet


def register(router: Any) -> None:
    router.register("tickets", TicketViewSet, basename="ticket")


urlpatterns = [
    path("catalog/categories/", CategoryTreeView.as_view(), name="api-catalog-categories"),
]
