"""A resident (or a member, through their account) anonymised (``people.erasure``): the wishes
they made lose who wished them — contact phone, building and room, the account — and their text
gives way to the public text staff wrote for the wall (the private text is about the person: an
elderly woman alone, a child's schooling). The wish, its claims, photos and events stay: they are
the claimants' service record and the community's figures."""

from __future__ import annotations

from django.db.models import Q

from quanyu.core.audit import audit_record
from quanyu.core.workflow import lock_all
from quanyu.people.erasure import ANONYMISED_NAME, PersonGone, add_eraser
from quanyu.wishes.models import Wish


def erase_wishes(gone: PersonGone) -> int:
    match = Q(resident_id=gone.pk) if gone.kind == "resident" else Q(pk__in=[])
    if gone.user_id is not None:
        match |= Q(wisher_id=gone.user_id)
    found = lock_all(Wish.objects.filter(match))
    for wish in found:
        wish.contact_phone = wish.address_detail = ""
        wish.text = wish.public_text or ANONYMISED_NAME
        wish.wisher = None
        wish.save(update_fields=["contact_phone", "address_detail", "text", "wisher"])
        audit_record(
            actor=gone.actor,
            action="anonymise",
            target=wish,
            fields="contact_phone,address_detail,text,wisher",
            reason=gone.reason,
            detail={"person": f"{gone.kind}:{gone.pk}"},
        )
    return len(found)


def register() -> None:
    add_eraser("wishes", erase_wishes)
