"""ASGI entry point (``uvicorn quanyu.asgi:application``): Django, with the intake lane in front of
it for plain ticket creations (``quanyu.api.lane``)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quanyu.settings")
django_application = get_asgi_application()

from quanyu.api.lane import IntakeLane  # noqa: E402  (after Django is set up)

application = IntakeLane(django_application)  # type: ignore[arg-type]
