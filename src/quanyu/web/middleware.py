"""Chinese first: the interface language is the one the user chose, else ``settings.LANGUAGE_CODE``.

Django's ``LocaleMiddleware`` falls back to the browser's ``Accept-Language``, so an English browser
would get English on its first visit. Quanyu is used by Chinese staff on whatever browser the office
has, so the browser's preference is ignored: the language cookie set by ``/i18n/setlang/``
(Django's ``set_language``) decides, and without it the page is Chinese. API clients choose the
same way (the cookie) or per request with ``?lang=en`` under ``/api/`` and ``/open311/``.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from quanyu.core.http import API_CSP, API_PREFIXES, supported

LANG_PARAM = "lang"


def chosen_language(request: HttpRequest) -> str:
    """The language for ``request``: ``?lang=`` (API only), then the cookie, then the default."""
    if request.path.startswith(API_PREFIXES):
        from_param = supported(request.GET.get(LANG_PARAM))
        if from_param:
            return from_param
    return supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)) or settings.LANGUAGE_CODE


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """``LocaleMiddleware`` without the ``Accept-Language`` fallback (see the module docstring)."""

    def process_request(self, request: HttpRequest) -> None:
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, except that a JSON answer gets the fixed, strictest policy
    (``API_CSP``) instead of the pages' policy built anew for every response — building it was a
    twentieth of creating a ticket through the API."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if response.get("Content-Type", "").startswith("application/json"):
            if "Content-Security-Policy" not in response:
                response["Content-Security-Policy"] = API_CSP
            return response
        return super().process_response(request, response)


class PageMessageMiddleware(MessageMiddleware):
    """Django's messages (the notices shown on the next page) for pages only: the API and
    Open311 never show them, and setting up their cookie and session storage for every API call
    cost a twentieth of creating a ticket there."""

    def process_request(self, request: HttpRequest) -> None:
        if not request.path_info.startswith(API_PREFIXES):
            super().process_request(request)
