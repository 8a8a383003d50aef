"""A party member or resident anonymised (``people.erasure``): their volunteer record loses its
name, ID and phone numbers, skills and log-in, and the certificates issued to it their name and
masked ID number; the free text of their events, sign-ups' events, correction requests and
certificates' service lists loses their name and numbers (``PersonGone.scrub``). The record
itself stays (its number, community, hours and sign-ups are the service record and the teams'
statistics). Found by the member it is linked to, the ID number's keyed hash or the person's
account — never by phone alone, which a household may share.

A team whose contact is the person (``erase_team_contacts``: the team's contact phone is theirs,
by its keyed hash, or their account leads it) loses that phone and the responsible person's name,
on the team and on the certificates it issued."""

from __future__ import annotations

from django.db.models import Q

from quanyu.core.audit import audit_record
from quanyu.core.workflow import lock_all
from quanyu.people.erasure import ANONYMISED_NAME, PersonGone, add_eraser, scrub_rows
from quanyu.volunteering.models import (
    Certificate,
    CorrectionRequest,
    Signup,
    SignupEvent,
    Team,
    Volunteer,
)


def _scrub_notes(gone: PersonGone, volunteer: Volunteer) -> dict[str, int]:
    """The free text of the volunteer's records without their name and numbers: their events and
    their sign-ups' events (actor names, particulars), correction requests on their sign-ups
    (reason, decision), the service list printed on their certificates. Rows changed, by kind."""
    signups = Signup.objects.filter(volunteer=volunteer).values("pk")
    found = {
        "events": scrub_rows(gone.scrub, volunteer.events.all(), ("payload", "actor_name")),
        "signup_events": scrub_rows(
            gone.scrub, SignupEvent.objects.filter(signup__in=signups), ("payload", "actor_name")
        ),
        "corrections": scrub_rows(
            gone.scrub, CorrectionRequest.objects.filter(signup__in=signups), ("reason", "decision_note")
        ),
        "certificate_services": scrub_rows(gone.scrub, volunteer.certificates.all(), ("services",)),
    }
    return {kind: len(rows) for kind, rows in found.items() if rows}


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
        notes = _scrub_notes(gone, volunteer)
        audit_record(
            actor=gone.actor,
            action="anonymise",
            target=volunteer,
            fields="name,id_number,phone,skills,user",
            reason=gone.reason,
            detail={"person": f"{gone.kind}:{gone.pk}", "certificates": certificates, **notes},
        )
    return len(found)


def erase_team_contacts(gone: PersonGone) -> int:
    """Teams whose contact is the person — the contact phone is theirs (its keyed hash), or the
    team is led by their account: that phone cleared and no longer published, the responsible
    person's name scrubbed; the same on the certificates those teams issued (the printed
    contact). One audit entry per team."""
    match = Q(pk__in=[])
    if gone.phone_hash:
        match |= Q(contact_phone_hash=gone.phone_hash)
    if gone.user_id is not None:
        match |= Q(leader_id=gone.user_id)
    teams = lock_all(Team.objects.filter(match))
    for team in teams:
        fields = []
        if gone.phone_hash and team.contact_phone_hash == gone.phone_hash:
            team.contact_phone, team.publish_contact = "", False
            fields += ["contact_phone", "publish_contact"]
        if gone.scrub(team.responsible_person) != team.responsible_person:
            team.responsible_person = gone.scrub(team.responsible_person)
            fields.append("responsible_person")
        if team.leader_id is not None and team.leader_id == gone.user_id:
            team.leader = None
            fields.append("leader")
        team.save()
        certificates = scrub_rows(
            gone.scrub, Certificate.objects.filter(team=team), ("responsible_person", "contact_phone")
        )
        audit_record(
            actor=gone.actor,
            action="anonymise",
            target=team,
            fields=",".join(fields),
            reason=gone.reason,
            detail={"person": f"{gone.kind}:{gone.pk}", "certificates": len(certificates)},
        )
    return len(teams)


def register() -> None:
    add_eraser("volunteering_teams", erase_team_contacts)
    add_eraser("volunteering", erase_volunteer)
