"""Quanyu. The Celery app is loaded with the package (Celery's Django convention), so that
``celery -A quanyu worker`` finds it and ``@shared_task`` tasks bind to it."""

from .celery import app as celery_app

__all__ = ("celery_app",)
