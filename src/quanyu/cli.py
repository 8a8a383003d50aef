"""The ``quanyu`` console script: Django's management commands with grouped names.

``quanyu import areas FILE`` runs the ``import_areas`` command, ``quanyu demo build`` runs
``demo_build``; anything else is passed to Django as it is (``quanyu migrate``, ``quanyu runserver``).
"""

from __future__ import annotations

import os
import sys

GROUPS = ("import", "export", "demo", "routing", "analytics")


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quanyu.settings")
    if len(args) >= 2 and args[0] in GROUPS and not args[1].startswith("-"):
        args = [f"{args[0]}_{args[1]}", *args[2:]]
    from django.core.management import execute_from_command_line

    execute_from_command_line(["quanyu", *args])


if __name__ == "__main__":
    main()
