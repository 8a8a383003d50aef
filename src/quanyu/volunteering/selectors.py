"""Every read of volunteering for pages and the API: actor first, only what the actor may see
(out of scope → 404, never 403).

- Staff with an organiser role see the teams, volunteers, sign-ups and records of their subtree;
  a team's leader sees that team's; a volunteer sees their own sign-ups, hours and proofs.
- Activities are public calls for volunteers: any signed-in user sees them (not their rosters).
- The proof check by number is public and answers only what the proof prints.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import Http404

from quanyu.core.permissions import grants_for
from quanyu.core.scoping import EVERYTHING, scope_q
from quanyu.volunteering.access import ORGANISERS
from quanyu.volunteering.models import (
    Activity,
    Certificate,
    CorrectionRequest,
    Signup,
    SignupEvent,
    Team,
    TeamMember,
    Volunteer,
)
from quanyu.volunteering.states import HoursStatus


def _staff_paths(actor: Any) -> tuple[str, ...]:
    if getattr(actor, "is_superuser", False):
        return (EVERYTHING,)
    return tuple(g.area.path for g in grants_for(actor) if g.role in ORGANISERS)


def _staff_q(actor: Any, field: str) -> models.Q | None:
    """None: unrestricted; else the rows under the actor's organiser grants."""
    return scope_q(_staff_paths(actor), field)


def _organiser_q(actor: Any, path_field: str, team_field: str) -> models.Q:
    staff = _staff_q(actor, path_field)
    if staff is None:
        return models.Q()
    if not getattr(actor, "is_authenticated", False):
        return models.Q(pk__in=[])
    return staff | models.Q(**{f"{team_field}__leader_id": actor.pk})


def _get(queryset: models.QuerySet[Any], pk: Any) -> Any:
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def is_any_organiser(actor: Any) -> bool:
    if not getattr(actor, "is_authenticated", False):
        return False
    return bool(_staff_paths(actor)) or Team.objects.filter(leader_id=actor.pk).exists()


# --- teams and volunteers ---------------------------------------------------------------------


def team_list_for(*, actor: Any, kind: str = "") -> models.QuerySet[Team]:
    if not getattr(actor, "is_authenticated", False):
        return Team.objects.none()
    staff = _staff_q(actor, "scope_path")
    leader = models.Q(leader_id=actor.pk)
    qs = Team.objects.select_related("community", "leader")
    qs = qs if staff is None else qs.filter(staff | leader)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.annotate(member_count=models.Count("memberships")).order_by("id")


def team_get_for(*, actor: Any, team_id: Any) -> Team:
    return _get(team_list_for(actor=actor), team_id)  # type: ignore[no-any-return]


def volunteer_list_for(
    *, actor: Any, team: Team | None = None, query: str = ""
) -> models.QuerySet[Volunteer]:
    """Volunteers of the actor's subtree (or of a team the actor leads): one query per page,
    whatever its length; names and phones are masked by the caller."""
    if not getattr(actor, "is_authenticated", False):
        return Volunteer.objects.none()
    staff = _staff_q(actor, "scope_path")
    # The list never shows the ID number or the phone: leave their ciphertexts in the table.
    qs = Volunteer.objects.select_related("community").defer("id_number", "phone")
    if staff is not None:
        if Team.objects.filter(leader_id=actor.pk).exists():
            led = TeamMember.objects.filter(team__leader_id=actor.pk).values("volunteer_id")
            staff = staff | models.Q(pk__in=led)
        qs = qs.filter(staff)
    if team is not None:
        qs = qs.filter(pk__in=TeamMember.objects.filter(team=team).values("volunteer_id"))
    if query:
        qs = qs.filter(models.Q(number__iexact=query.strip()) | models.Q(name__startswith=query.strip()))
    return qs.order_by("id")


def volunteers_by_ids(ids: list[int]) -> list[Volunteer]:
    """The rows of one page of ``volunteer_list_for`` (already scoped: the ids come from it), in
    the page's order, with their community and without the ciphertexts."""
    if not ids:
        return []
    found = Volunteer.objects.filter(pk__in=ids).select_related("community").defer("id_number", "phone")
    by_id = {v.pk: v for v in found}
    return [by_id[pk] for pk in ids if pk in by_id]


def volunteer_get_for(*, actor: Any, volunteer_id: Any) -> Volunteer:
    return _get(volunteer_list_for(actor=actor), volunteer_id)  # type: ignore[no-any-return]


# --- activities and sign-ups ------------------------------------------------------------------


def activity_list_for(
    *, actor: Any, upcoming_from: Any = None, community: str = ""
) -> models.QuerySet[Activity]:
    if not getattr(actor, "is_authenticated", False):
        return Activity.objects.none()
    qs = Activity.objects.select_related("project__team")
    if upcoming_from is not None:
        qs = qs.filter(ends_at__gte=upcoming_from)
    if community:
        qs = qs.filter(scope_path__startswith=community)
    return qs.order_by("starts_at", "id")


def activity_get_for(*, actor: Any, activity_id: Any) -> Activity:
    return _get(  # type: ignore[no-any-return]
        activity_list_for(actor=actor).select_related("room__venue", "booking__room__venue"), activity_id
    )


def activity_public(*, activity_id: Any) -> Activity:
    """An activity as its public call for volunteers shows it (the phone sign-up page)."""
    return _get(Activity.objects.select_related("project__team"), activity_id)  # type: ignore[no-any-return]


def activity_organised_for(*, actor: Any, activity_id: Any) -> Activity:
    """An activity the actor organises (its roster, roll call, QR code); 404 otherwise."""
    qs = Activity.objects.select_related("project__team").filter(
        _organiser_q(actor, "scope_path", "project__team")
    )
    return _get(qs, activity_id)  # type: ignore[no-any-return]


def activities_organised_for(*, actor: Any, start: Any, end: Any) -> models.QuerySet[Activity]:
    """The organiser's calendar: activities between ``start`` and ``end`` of the teams they run."""
    return (
        Activity.objects.select_related("project__team")
        .filter(_organiser_q(actor, "scope_path", "project__team"), starts_at__gte=start, starts_at__lt=end)
        .order_by("starts_at", "id")
    )


def projects_organised_for(*, actor: Any) -> models.QuerySet[Any]:
    from quanyu.volunteering.models import Project

    return (
        Project.objects.select_related("team")
        .filter(_organiser_q(actor, "scope_path", "team"))
        .order_by("id")
    )


def roster_for(*, actor: Any, activity: Activity) -> models.QuerySet[Signup]:
    activity_organised_for(actor=actor, activity_id=activity.pk)
    return Signup.objects.filter(activity=activity).select_related("volunteer").order_by("position")


def signup_list_for(*, actor: Any, hours_status: str = "", status: str = "") -> models.QuerySet[Signup]:
    """Sign-ups the actor organises (the hours queue: ``hours_status="pending"``)."""
    qs = Signup.objects.select_related("volunteer", "activity__project__team").filter(
        _organiser_q(actor, "scope_path", "activity__project__team")
    )
    if hours_status:
        qs = qs.filter(hours_status=hours_status)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-activity__starts_at", "position")


def my_signups(*, actor: Any) -> models.QuerySet[Signup]:
    if not getattr(actor, "is_authenticated", False):
        return Signup.objects.none()
    return (
        Signup.objects.filter(volunteer__user_id=actor.pk)
        .select_related("activity__project__team")
        .order_by("-activity__starts_at", "-id")
    )


def signup_get_for(*, actor: Any, signup_id: Any) -> Signup:
    """A sign-up that is the actor's own or one the actor organises."""
    if not getattr(actor, "is_authenticated", False):
        raise Http404
    qs = Signup.objects.select_related("volunteer", "activity__project__team").filter(
        models.Q(volunteer__user_id=actor.pk) | _organiser_q(actor, "scope_path", "activity__project__team")
    )
    return _get(qs, signup_id)  # type: ignore[no-any-return]


def signup_timeline(*, signup: Signup) -> models.QuerySet[SignupEvent]:
    return SignupEvent.objects.filter(signup=signup).order_by("at", "id")


def my_hours(*, actor: Any) -> dict[str, int]:
    """The actor's minutes by hours status (approved, pending, declined)."""
    rows = (
        my_signups(actor=actor)
        .exclude(hours_status=HoursStatus.NONE)
        .values("hours_status")
        .annotate(total=models.Sum("minutes"))
        .order_by()
    )
    out = {HoursStatus.APPROVED.value: 0, HoursStatus.PENDING.value: 0, HoursStatus.DECLINED.value: 0}
    for row in rows:
        out[row["hours_status"]] = row["total"] or 0
    return out


def my_teams_with_hours(*, actor: Any) -> models.QuerySet[Team]:
    """Teams the actor has approved hours with (a proof can be asked of each)."""
    if not getattr(actor, "is_authenticated", False):
        return Team.objects.none()
    return Team.objects.filter(
        projects__activities__signups__volunteer__user_id=actor.pk,
        projects__activities__signups__hours_status=HoursStatus.APPROVED,
    ).distinct()


def correction_list_for(*, actor: Any, status: str = "pending") -> models.QuerySet[CorrectionRequest]:
    qs = CorrectionRequest.objects.select_related(
        "signup__volunteer", "signup__activity__project__team"
    ).filter(
        models.Q(signup__volunteer__user_id=getattr(actor, "pk", None))
        | _organiser_q(actor, "scope_path", "signup__activity__project__team")
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-id")


def correction_get_for(*, actor: Any, request_id: Any) -> CorrectionRequest:
    if not getattr(actor, "is_authenticated", False):
        raise Http404
    return _get(correction_list_for(actor=actor, status=""), request_id)  # type: ignore[no-any-return]


# --- rankings ---------------------------------------------------------------------------------


def rankings_for(*, actor: Any, year: int, limit: int = 50) -> dict[str, list[dict[str, Any]]]:
    """Volunteers and teams of the actor's scope by approved hours in ``year`` (two grouped
    queries, whatever the size): names masked."""
    from quanyu.core.pii import mask_name

    approved = signup_list_for(actor=actor, hours_status=HoursStatus.APPROVED).filter(
        activity__starts_at__year=year
    )
    people = (
        approved.values("volunteer_id", "volunteer__name", "volunteer__number")
        .annotate(minutes=models.Sum("minutes"), services=models.Count("id"))
        .order_by("-minutes", "volunteer_id")[:limit]
    )
    teams = (
        approved.values("activity__project__team_id", "activity__project__team__name")
        .annotate(minutes=models.Sum("minutes"), services=models.Count("id"))
        .order_by("-minutes", "activity__project__team_id")[:limit]
    )
    return {
        "volunteers": [
            {
                "id": r["volunteer_id"],
                "name": mask_name(r["volunteer__name"]),
                "number": r["volunteer__number"],
                "hours": round((r["minutes"] or 0) / 60, 2),
                "services": r["services"],
            }
            for r in people
        ],
        "teams": [
            {
                "id": r["activity__project__team_id"],
                "name": r["activity__project__team__name"],
                "hours": round((r["minutes"] or 0) / 60, 2),
                "services": r["services"],
            }
            for r in teams
        ],
    }


# --- proofs -----------------------------------------------------------------------------------


def certificate_list_for(*, actor: Any) -> models.QuerySet[Certificate]:
    if not getattr(actor, "is_authenticated", False):
        return Certificate.objects.none()
    return Certificate.objects.select_related("team").filter(
        models.Q(volunteer__user_id=actor.pk) | _organiser_q(actor, "scope_path", "team")
    )


def certificate_get_for(*, actor: Any, certificate_id: Any) -> Certificate:
    return _get(certificate_list_for(actor=actor), certificate_id)  # type: ignore[no-any-return]


def certificate_public(*, number: str) -> dict[str, Any]:
    """The public check of a proof by its number: what it prints, never more (no ID number, no
    phone of the volunteer; the name masked)."""
    from quanyu.core.pii import mask_name

    cert = Certificate.objects.filter(number=str(number or "").strip().upper()).first()
    if cert is None:
        raise Http404
    return {
        "number": cert.number,
        "volunteer_name": mask_name(cert.volunteer_name),
        "volunteer_number": cert.volunteer_number,
        "issuer": cert.issuer,
        "total_hours": cert.total_hours,
        "services": len(cert.services),
        "issued_on": cert.issued_on.isoformat(),
    }
