"""The second log-in step (TOTP): set up an authenticator app, then type its code once a session.
StaffOTPMiddleware sends staff here while settings.QUANYU_REQUIRE_OTP is on."""

from __future__ import annotations

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device

from quanyu.accounts import services


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=gettext_lazy("动态验证码"),
        regex=r"^\d{6}$",
        max_length=6,
        strip=True,
        error_messages={"invalid": gettext_lazy("请输入验证器上显示的 6 位数字")},
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("web:home")


def _with_next(name: str, request: HttpRequest) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next_url(request)})}"


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Type the authenticator's current code; the session is then verified."""
    if request.user.is_verified():  # type: ignore[union-attr]
        return redirect(_next_url(request))
    if not user_has_device(request.user, confirmed=True):
        return redirect(_with_next("web:otp-setup", request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.otp_check(actor=request.user, token=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("code", _("验证码错误或已过期，请输入验证器上的最新验证码"))
    return render(request, "web/otp/verify.html", {"form": form, "next": _next_url(request)})


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Scan the QR code (or type the key) into an authenticator app, then confirm with a code."""
    try:
        device = services.totp_device_for_setup(actor=request.user)
    except PermissionDenied:
        return redirect(_with_next("web:otp-verify", request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = services.totp_device_confirm(
            actor=request.user, token=form.cleaned_data["code"], request=request
        )
        if confirmed is not None:
            otp_login(request, confirmed)
            return redirect(_next_url(request))
        form.add_error("code", _("验证码错误或已过期，请输入验证器上的最新验证码"))
    uri = device.config_url
    context = {
        "form": form,
        "next": _next_url(request),
        "otpauth_uri": uri,
        "secret": b32encode(device.bin_key).decode().rstrip("="),
        "qr_svg": segno.make(uri, error="m").svg_inline(scale=4, dark="#1f2328", light="#ffffff"),
    }
    return render(request, "web/otp/setup.html", context)
