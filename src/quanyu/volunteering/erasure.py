"""A party member or resident anonymised (``people.erasure``): their volunteer record loses its
name, ID and phone numbers, skills and log-in, and the certificates issued to it their name and
masked ID number. The record itself stays (its number, community, hours and sign-ups are the
service record and the teams' statistics). Found by the member it is linked to, the ID number's
keyed hash or the person's account — never by phone alone, which a household may share."""

from __future__ import annotations

from django.db.models import Q

from quanyu.core.audit import audit_record
from quanyu.core.workflow import lock_all
from quanyu.people.erasure import ANONYMISED_NAME, PersonGone, add_eraser
from quanyu.volunteering.models import Certificate, Volunteer


def erase_volunteer(gone: PersonGone) -> int:
    match = Q(member_id=gone.pk) if gone.kind == "member" else Q(pk__in=[])
    if gone.id_hash:
        match |= Q(id_hash=gone.id_hash)
    if gone.user_id is not None:
        match |= Q(user_id=gone.user_id)
    found = lock_all(Volunteer.objects.filter(match).exclude(name=ANONYMISED_NAME, id_hash="", phone_hash=""))
    for volunteer in found:
        volunteer.name = ANONYMISED_NAME
        volunteer.id_number = volunteer.id_hash = volunteer.phone = volunteer.phone_hash = ""
        volunteer.skills = ""
        volunteer.user = None
        volunteer.save(
            update_fields=["name", "id_number", "id_hash", "phone", "phone_hash", "skills", "user"]
        )
        certificates = Certificate.objects.filter(volunteer=volunteer).update(
            volunteer_name=ANONYMISED_NAME, id_masked=""
        )
        audit_record(
            actor=gone.actor,
            action="anonymise",
            target=volunteer,
            fields="name,id_number,phone,skills,user",
            reason=gone.reason,
            detail={"person": f"{gone.kind}:{gone.pk}", "certificates": certificates},
        )
    return len(found)


def register() -> None:
    add_eraser("volunteering", erase_volunteer)
