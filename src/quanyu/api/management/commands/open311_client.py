"""Issue an Open311 API key: ``quanyu open311_client NAME [--area CODE] [--actor USERNAME]``.

The key is printed once and only its hash is stored; give it to the client's operator."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from quanyu.api.open311.clients import open311_client_create
from quanyu.areas.models import Area


class Command(BaseCommand):
    help = "Create an Open311 GeoReport client and print its API key once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the client's name, e.g. 12345 热线对接")
        parser.add_argument(
            "--area", default="", help="area code the client may file in (default: the whole city)"
        )
        parser.add_argument("--actor", default="", help="acting user (default: the first superuser)")

    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model().objects
        actor = (
            users.filter(username=options["actor"]).first()
            if options["actor"]
            else users.filter(is_superuser=True).order_by("pk").first()
        )
        if actor is None:
            raise CommandError("找不到操作账号（--actor），或系统中还没有超级用户")
        area = None
        if options["area"]:
            area = Area.objects.filter(code=options["area"]).first()
            if area is None:
                raise CommandError(f"找不到代码为 {options['area']} 的区域")
        try:
            client, key = open311_client_create(actor=actor, name=options["name"], area=area)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Open311 client #{client.pk} {client.name}")
        self.stdout.write(f"api_key: {key}")
        self.stdout.write("该密钥只显示这一次，请妥善保存 / shown once: store it safely")
