"""A claim by a volunteer team points at the team (volunteering.Team) instead of naming it.

Existing team claims are linked by name: to the team of that name in the wish's community or
above it (the nearest), else to any team of that name, else to a new resident team of the wish's
community registered under that name (so no claim loses its claimant)."""

import django.db.models.deletion
from django.db import migrations, models


def link_teams(apps, schema_editor):
    WishClaim = apps.get_model("wishes", "WishClaim")
    Team = apps.get_model("volunteering", "Team")
    claims = WishClaim.objects.filter(claimant_kind="team").select_related("wish__community")
    for claim in claims.iterator():
        name = (claim.team_name or "").strip()[:100] or "志愿服务队"
        community = claim.wish.community
        named = Team.objects.filter(name=name)
        team = (
            named.filter(scope_path__in=[community.path[:n] for n in range(4, len(community.path) + 1, 4)])
            .order_by("-scope_path", "id")
            .first()
            or named.order_by("id").first()
        )
        if team is None:
            team = Team.objects.create(
                name=name,
                kind="resident",
                community=community,
                scope_path=community.path,
                organisation=name,
            )
        claim.team_id = team.pk
        claim.save(update_fields=["team"])


class Migration(migrations.Migration):
    dependencies = [
        ("volunteering", "0003_signup_reminded_at"),
        ("wishes", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="wishclaim",
            name="wish_claim_kind_matches",
        ),
        migrations.AddField(
            model_name="wishclaim",
            name="team",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="wish_claims",
                to="volunteering.team",
                verbose_name="志愿服务队",
            ),
        ),
        migrations.RunPython(link_teams, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="wishclaim",
            name="team_name",
        ),
        migrations.AddConstraint(
            model_name="wishclaim",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["active", "fulfilled"]), ("team__isnull", False)),
                fields=("wish", "team"),
                name="wish_claim_team_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="wishclaim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("claimant_kind", "member"), ("member__isnull", False)),
                    models.Q(("claimant_kind", "unit"), ("unit__isnull", False)),
                    models.Q(("claimant_kind", "team"), ("team__isnull", False)),
                    _connector="OR",
                ),
                name="wish_claim_kind_matches",
            ),
        ),
    ]
