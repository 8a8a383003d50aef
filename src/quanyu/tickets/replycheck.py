"""The bar a reply (办理说明) must clear before a ticket, or a department's part of it, is resolved:
a reply that is only the acknowledgement formula ("您的留言已收悉，我们将尽快处理。感谢您的关注！")
says nothing about what was done, and is sent back with the reasons named.

The judge lives above this app (``analytics.replies``, which registers itself from its
``apps.py`` with ``use_checker``): it answers the reasons a reply falls short, in the user's
language, or nothing. ``QUANYU_REPLY_CHECK`` (on by default) switches the bar off.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

Checker = Callable[[Callable[[], str], str], list[str]]
_checkers: list[Checker] = []


def use_checker(checker: Checker) -> None:
    """Make ``checker(request_text, reply) -> reasons`` the judge (once, from ``analytics``' ``ready``)."""
    _checkers[:] = [checker]


def require_answer(*, request: Callable[[], str], reply: str, field: str = "explanation") -> None:
    """Raise a ``ValidationError`` on ``field`` naming the reasons when ``reply`` does not answer
    the request (``request()`` gives its text; the judge reads it only when it needs it)."""
    if not _checkers or not getattr(settings, "QUANYU_REPLY_CHECK", True):
        return
    reasons = _checkers[0](request, reply)
    if reasons:
        raise ValidationError(
            {field: _("答复未说明办理情况，请补充后再办结：%(reasons)s") % {"reasons": "；".join(reasons)}}
        )
