"""Log-in support: the page shown when django-axes locks an account (settings.AXES_LOCKOUT_CALLABLE)
and the page to change one's password."""

from __future__ import annotations

import math
from typing import Any

from axes.helpers import get_client_username, get_cool_off
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

LOCKOUT_STATUS = 429


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """A clear Chinese message instead of axes' bare English text: who is locked and for how long."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    context = {"username": get_client_username(request, credentials) or "", "cooloff_minutes": minutes}
    return render(request, "web/lockout.html", context, status=LOCKOUT_STATUS)


class PasswordChange(auth_views.PasswordChangeView):
    """Change one's own password (also where an expired password sends its owner). The new one
    passes every AUTH_PASSWORD_VALIDATORS rule; the session stays signed in."""

    template_name = "web/password_change.html"
    success_url = reverse_lazy("web:home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("密码已修改"))
        return response
