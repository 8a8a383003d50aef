"""WSGI entry point (``gunicorn quanyu.wsgi``); each worker settles before it serves
(``quanyu.serving``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quanyu.settings")
application = get_wsgi_application()

from quanyu.serving import settle_worker  # noqa: E402  (after Django is set up)

settle_worker()
