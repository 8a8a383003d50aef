"""The provider modules, one per app that contributes indicators. To add an app's indicators,
write ``providers/<app>.py`` (calling ``registry.register`` at import) and append its name here;
nothing else in assessment changes (docs/ARCHITECTURE.md, "Indicator providers")."""

from __future__ import annotations

import importlib

MODULES = ["tickets", "people", "wishes", "volunteering", "venues", "cogov", "duty"]

_loaded = False


def load() -> None:
    global _loaded
    if _loaded:
        return
    for name in MODULES:
        importlib.import_module(f"{__name__}.{name}")
    _loaded = True
