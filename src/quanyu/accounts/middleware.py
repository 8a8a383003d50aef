"""Session time-outs (等保 level 3): a session ends after QUANYU_SESSION_IDLE_MINUTES without a
request and QUANYU_SESSION_MAX_HOURS after its log-in, whichever comes first. The times are
kept in the session; the last-seen time is rewritten at most once a minute, so a busy page does
not write its session on every request."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

STARTED, SEEN = "quanyu_session_started", "quanyu_session_seen"
RESOLUTION = 60  # seconds: how stale the stored last-seen time may be


def session_started(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """On log-in (Django's ``user_logged_in``): both clocks start now."""
    session = getattr(request, "session", None)
    if session is not None and SESSION_KEY in session:  # a session log-in, not an API token's
        session[STARTED] = session[SEEN] = time.time()


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Only requests that carry a session cookie: an API call with a token has no session to
        # time out, and reading one would add "Vary: Cookie" to its answer.
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    @staticmethod
    def _check(request: HttpRequest) -> None:
        now = time.time()
        session = request.session
        started = session.get(STARTED)
        seen = session.get(SEEN)
        if started is None or seen is None:  # a log-in from before time-outs, or just now
            session[STARTED] = started or now
            session[SEEN] = now
            return
        idle = settings.QUANYU_SESSION_IDLE_MINUTES * 60
        if now - seen > idle or now - started > settings.QUANYU_SESSION_MAX_HOURS * 3600:
            logout(request)  # the view sees an anonymous user: pages send it to the log-in
            return
        if now - seen > RESOLUTION:
            session[SEEN] = now


class PasswordAgeMiddleware:
    """Periodic change (等保 level 3): a signed-in user whose password is older than
    QUANYU_PASSWORD_MAX_AGE_DAYS (0 = never) is sent to the password page until it is changed.
    API tokens are not sessions and are not redirected (their log-in checks the same age)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            and request.user.is_authenticated
            and password_expired(request.user)
        ):
            allowed = {reverse("web:password_change"), reverse("web:logout")}
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                return redirect_to_login(request.get_full_path(), reverse("web:password_change"), "next")
        return self.get_response(request)


def password_expired(user: Any) -> bool:
    days = settings.QUANYU_PASSWORD_MAX_AGE_DAYS
    if days <= 0 or not user.has_usable_password():
        return False
    changed = user.password_changed_at or user.date_joined
    return bool(timezone.now() - changed > dt.timedelta(days=days))
