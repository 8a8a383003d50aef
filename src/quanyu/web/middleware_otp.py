"""The second log-in step for staff (settings.QUANYU_REQUIRE_OTP): a signed-in staff user,
superuser or admin user whose session has not passed a TOTP code is sent to the code page, or to
the authenticator set-up page when no authenticator is confirmed yet. Runs after django-otp's
OTPMiddleware, which gives ``request.user.is_verified()``.

Exempt: log-in/log-out (the site's and the admin's), the OTP pages themselves, static files, the
language switch and the API token endpoint (which asks for the code itself). API and Open311 calls
on an unverified session are answered 403 in JSON instead of a redirect; token-authenticated API
calls carry no session and are checked where the token was issued.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device

from quanyu.core.http import API_PREFIXES
from quanyu.core.permissions import otp_required_for


def _exempt_prefixes() -> tuple[str, ...]:
    return (
        reverse("web:login"),
        reverse("web:logout"),
        reverse("web:otp-verify"),
        reverse("web:otp-setup"),
        reverse("admin:login"),
        reverse("admin:logout"),
        reverse("api-token"),
        "/i18n/",
        settings.STATIC_URL or "/static/",
    )


class StaffOTPMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            otp_required_for(user)
            and not user.is_verified()  # type: ignore[union-attr]
            and not request.path_info.startswith(_exempt_prefixes())
        ):
            return self.refuse(request)
        return self.get_response(request)

    def refuse(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(API_PREFIXES):
            return JsonResponse({"detail": _("请先在网页上完成两步验证（动态验证码）")}, status=403)
        has_device = user_has_device(request.user, confirmed=True)
        target = reverse("web:otp-verify" if has_device else "web:otp-setup")
        return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
