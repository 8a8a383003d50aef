"""quanyu routing rollback [--target category|department] [--actor USERNAME] — activate the version
before the active one."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from quanyu.core.management.importing import actor_from_options, add_actor_argument
from quanyu.routing import services
from quanyu.routing.models import Target


class Command(BaseCommand):
    help = "回退到上一个版本的分派模型"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--target", choices=[t.value for t in Target], default=Target.CATEGORY)
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = actor_from_options(options)
        try:
            row = services.routing_model_rollback(actor=actor, target=options["target"])
        except (services.RoutingError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"v{row.version} ({row.target}) active")
