"""Template helpers of the ticket pages: deadline badges with a live countdown (static text from
the server, refreshed by web/tickets/countdown.js) and status chips."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()

SOON = dt.timedelta(hours=24)


def span_text(delta: dt.timedelta) -> str:
    """A duration the way a desk worker says it: 2天3小时, 5小时12分, 8分钟."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)d天%(h)d小时") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d小时%(m)d分") % {"h": hours, "m": mins}
    return _("%(m)d分钟") % {"m": mins}


@register.simple_tag
def due_badge(due: dt.datetime | None, label: str = "", done: bool = False) -> SafeString:
    """``label`` and the time left to ``due`` (or how long it is overdue); ``done`` shows the
    deadline alone, without a countdown."""
    if due is None:
        return mark_safe("")
    local = timezone.localtime(due)
    when = local.strftime("%m-%d %H:%M")
    if done:
        return format_html('<span class="qy-due qy-due-done">{} {}</span>', label, when)
    delta = due - timezone.now()
    if delta.total_seconds() < 0:
        state, text = "late", _("已超期 %(t)s") % {"t": span_text(delta)}
    elif delta <= SOON:
        state, text = "soon", _("剩余 %(t)s") % {"t": span_text(delta)}
    else:
        state, text = "ok", _("剩余 %(t)s") % {"t": span_text(delta)}
    return format_html(
        '<span class="qy-due qy-due-{}" data-due="{}" title="{} {}">{} <b class="qy-due-left">{}</b></span>',
        state,
        due.isoformat(),
        label,
        when,
        label,
        text,
    )


@register.simple_tag
def status_chip(status: str, label: str) -> SafeString:
    return format_html('<span class="qy-status qy-status-{}">{}</span>', status, label)
