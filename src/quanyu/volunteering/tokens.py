"""The activity's check-in QR code: a signed, time-limited token (``django.core.signing``) naming
the activity. A forged or altered token fails the signature, an old one the age check."""

from __future__ import annotations

from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from quanyu.volunteering.conf import qr_max_age

SALT = "quanyu.volunteering.checkin"


def make_token(activity_id: int) -> str:
    return signing.dumps({"a": activity_id}, salt=SALT, compress=False)


def read_token(token: str) -> int:
    """The activity id in ``token``; a 400 naming ``token`` when it is expired or not ours."""
    try:
        data = signing.loads(str(token or ""), salt=SALT, max_age=qr_max_age())
    except signing.SignatureExpired:
        raise ValidationError({"token": [_("二维码已过期，请重新扫描现场二维码")]}) from None
    except signing.BadSignature:
        raise ValidationError({"token": [_("二维码无效")]}) from None
    activity_id = data.get("a") if isinstance(data, dict) else None
    if not isinstance(activity_id, int):
        raise ValidationError({"token": [_("二维码无效")]})
    return activity_id
