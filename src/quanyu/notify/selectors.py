from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from quanyu.notify.models import Notification


def notification_list_for(*, actor: Any, unread_only: bool = False) -> QuerySet[Notification]:
    """The actor's own notifications, newest first (nobody sees another user's)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient=actor)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def notification_unread_count_for(*, actor: Any) -> int:
    return notification_list_for(actor=actor, unread_only=True).count()
