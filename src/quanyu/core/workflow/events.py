"""The abstract event model every app's event table extends, and the actor columns of one event.

An event is one step of a thing's history: when (``at``), who (``actor``, and ``actor_name`` — the
name at the time, which survives the account being renamed or deleted), what (``kind``: one of the
app's event kinds) and the particulars (``payload``, JSON). Events are append-only: written in the
transaction of the change they record, never updated or deleted. Each app adds the foreign key to
its thing (``ticket``, ``member`` …) and may redeclare a field to tune it (choices, an index), but
keeps these five names, so that the history of anything reads the same way.

Each app writes its events through one small typed function per kind in its ``events.py``
(``quanyu.tickets.events``, ``quanyu.people.events``), never through ``Model.objects.create``
scattered over the services.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventBase(models.Model):
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人名称"), max_length=150, blank=True)
    kind = models.CharField(_("事件"), max_length=32)
    payload = models.JSONField(_("内容"), default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]


def actor_label(actor: Any) -> str:
    """The actor's name as it is now (kept on the event as ``actor_name``); "" for none."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    return str(getattr(actor, "display_name", "") or getattr(actor, "username", ""))


def actor_fields(actor: Any) -> dict[str, Any]:
    """``actor`` and ``actor_name`` of an event by ``actor`` (anonymous or None: no user, no name)."""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return {"actor": actor if is_user else None, "actor_name": actor_label(actor)}
