"""A resident (or a member, through their account) anonymised (``people.erasure``): the wishes
they made lose who wished them — contact phone, building and room, the account — and their text
gives way to the public text staff wrote for the wall (the private text is about the person: an
elderly woman alone, a child's schooling). The wish, its claims, photos and events stay: they are
the claimants' service record and the community's figures, but their free text (public text,
notes, claim notes, the events' particulars) loses the person's name and numbers
(``PersonGone.scrub``), as do the notes a member wrote on the claims they made.

Retention (``core.retention``, key ``wishes``): a wish confirmed or turned down more than
``QUANYU_WISH_CONTACT_DAYS`` days ago (default 180), or cancelled and made that long ago, loses
its contact phone and room — the claimant has delivered, the callback is done. One audit entry
per run with the wishes' ids."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quanyu.core.audit import audit_record
from quanyu.core.retention import add_rule
from quanyu.core.workflow import lock_all
from quanyu.people.erasure import ANONYMISED_NAME, PersonGone, add_eraser, scrub_rows
from quanyu.wishes.models import Wish, WishClaim, WishEvent
from quanyu.wishes.states import WishStatus

# Text on a wish besides its private text: the public text (written by staff, it may still name
# the wisher), the review and closing notes, and on its claims and events.
_WISH_TEXT = ("public_text", "reject_reason", "confirm_note", "thanks", "cancel_reason")


def erase_wishes(gone: PersonGone) -> int:
    match = Q(resident_id=gone.pk) if gone.kind == "resident" else Q(pk__in=[])
    if gone.user_id is not None:
        match |= Q(wisher_id=gone.user_id)
    found = lock_all(Wish.objects.filter(match))
    ids = [w.pk for w in found]
    notes = scrub_rows(gone.scrub, Wish.objects.filter(pk__in=ids), _WISH_TEXT)
    claims = WishClaim.objects.filter(wish_id__in=ids)
    if gone.kind == "member":  # what the member wrote delivering other people's wishes
        claims = WishClaim.objects.filter(Q(wish_id__in=ids) | Q(member_id=gone.pk))
    scrubbed_claims = scrub_rows(gone.scrub, claims, ("note",))
    wish_events = WishEvent.objects.filter(wish_id__in=ids)
    owner = dict(wish_events.values_list("pk", "wish_id"))
    events = Counter(owner[pk] for pk in scrub_rows(gone.scrub, wish_events, ("payload", "actor_name")))
    for wish in found:
        wish.public_text = gone.scrub(wish.public_text)  # as scrub_rows wrote it (the audit names it)
        wish.contact_phone = wish.address_detail = ""
        wish.text = wish.public_text or ANONYMISED_NAME
        wish.wisher = None
        wish.save(update_fields=["contact_phone", "address_detail", "text", "wisher"])
        fields = ["contact_phone", "address_detail", "text", "wisher", *notes.get(wish.pk, [])]
        audit_record(
            actor=gone.actor,
            action="anonymise",
            target=wish,
            fields=",".join(fields),
            reason=gone.reason,
            detail={"person": f"{gone.kind}:{gone.pk}", "events": events[wish.pk]},
        )
    if scrubbed_claims:
        audit_record(
            actor=gone.actor,
            action="anonymise",
            target_type="wishes.wishclaim",
            fields="note",
            reason=gone.reason,
            detail={"person": f"{gone.kind}:{gone.pk}", "claims": sorted(scrubbed_claims)},
        )
    return len(found) + len(set(scrubbed_claims))


def forget_contacts(
    *, days: int | None = None, now: dt.datetime | None = None, dry_run: bool = False
) -> list[int]:
    """Clear the contact phone and room of every wish past the retention period (one
    transaction, one audit entry); ``dry_run`` only lists them."""
    kept = days if days is not None else int(getattr(settings, "QUANYU_WISH_CONTACT_DAYS", 180))
    if kept < 1:
        raise ValueError("保存天数（--days 或 QUANYU_WISH_CONTACT_DAYS）至少为 1 天")
    cutoff = (now or timezone.now()) - dt.timedelta(days=kept)
    ended = (
        Q(status=WishStatus.CONFIRMED, confirmed_at__lt=cutoff)
        | Q(status=WishStatus.REJECTED, reviewed_at__lt=cutoff)
        | Q(status=WishStatus.CANCELLED, created_at__lt=cutoff)
    )
    due = Wish.objects.filter(ended).exclude(contact_phone="", address_detail="")
    if dry_run:
        return list(due.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        ids = [w.pk for w in lock_all(due.only("pk"))]
        if ids:
            Wish.objects.filter(pk__in=ids).update(contact_phone="", address_detail="")
            audit_record(
                actor=None,
                action="anonymise",
                target_type="wishes.wish",
                fields="contact_phone,address_detail",
                reason=f"微心愿办结满{kept}天，清除联系方式",
                detail={"wishes": ids, "days": kept},
            )
    return ids


def _rule(days: int | None, dry_run: bool) -> list[int]:
    return forget_contacts(days=days, dry_run=dry_run)


def register() -> None:
    add_eraser("wishes", erase_wishes)
    add_rule("wishes", label=_("微心愿联系方式"), setting="QUANYU_WISH_CONTACT_DAYS", run=_rule)
