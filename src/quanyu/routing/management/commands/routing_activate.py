"""quanyu routing activate VERSION [--actor USERNAME] — make VERSION the active model of its target."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from quanyu.core.management.importing import actor_from_options, add_actor_argument
from quanyu.routing import services


class Command(BaseCommand):
    help = "启用指定版本的分派模型"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("version", type=int)
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = actor_from_options(options)
        try:
            row = services.routing_model_activate(actor=actor, version=options["version"])
        except (services.RoutingError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"v{row.version} ({row.target}) active")
