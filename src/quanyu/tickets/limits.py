"""How often requests may be filed without an account (the resident's page, Open311 clients).

Each anonymous submission counts against its client address (``quanyu.core.audit.client_ip``,
which honours ``QUANYU_TRUSTED_PROXIES``) and its contact phone; an Open311 submission against its
API key and contact phone (a client such as FixMyStreet sends for many residents from one
address). The rates are settings (``quanyu.core.ratelimit`` syntax, ``"off"`` turns one off):

* ``QUANYU_RATELIMIT_SUBMIT_IP`` (default ``5/10m``) per client address;
* ``QUANYU_RATELIMIT_SUBMIT_PHONE`` (default ``3/1h``) per contact phone;
* ``QUANYU_RATELIMIT_OPEN311_KEY`` (default ``300/1h``) per Open311 API key.

Use ``with ratelimit.limited(*anonymous_intake_checks(...)):`` around ``ticket_create``: over a
limit nothing is written, and a submission the service refuses does not count.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from quanyu.core.idnumber import normalize_phone
from quanyu.core.ratelimit import Check, RateLimited, rate_setting

SCOPE_IP = "submit-ip"
SCOPE_PHONE = "submit-phone"
SCOPE_OPEN311 = "submit-open311"


def anonymous_intake_checks(
    *, ip: str | None, phone: str = "", open311_client: int | None = None
) -> list[Check]:
    """The limits a submission without an account counts against."""
    checks = []
    if open311_client is not None:
        checks.append(
            Check(SCOPE_OPEN311, str(open311_client), rate_setting("QUANYU_RATELIMIT_OPEN311_KEY", "300/1h"))
        )
    else:
        checks.append(Check(SCOPE_IP, ip or "", rate_setting("QUANYU_RATELIMIT_SUBMIT_IP", "5/10m")))
    number = normalize_phone(phone or "")
    checks.append(Check(SCOPE_PHONE, number, rate_setting("QUANYU_RATELIMIT_SUBMIT_PHONE", "3/1h")))
    return checks


def intake_limit_message(exc: RateLimited) -> str:
    """What to tell the submitter, in their language."""
    if exc.scope == SCOPE_PHONE:
        text = _("该联系电话提交的诉求过多，请 %(n)d 分钟后再试。")
    elif exc.scope == SCOPE_OPEN311:
        text = _("该接入方提交的服务请求过多，请 %(n)d 分钟后再试。")
    else:
        text = _("提交过于频繁，请 %(n)d 分钟后再试。")
    return text % {"n": exc.retry_minutes}
