"""Password rules of 等保 level 3 beside Django's validators: complexity (characters of at least
three kinds) here; periodic change in ``accounts.middleware.PasswordAgeMiddleware``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class ComplexityValidator:
    """At least ``kinds`` of: lower-case letters, upper-case letters, digits, other characters."""

    def __init__(self, kinds: int = 3) -> None:
        self.kinds = kinds

    def validate(self, password: str, user: Any = None) -> None:
        found = sum(
            (
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password),
            )
        )
        if found < self.kinds:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _("密码须包含小写字母、大写字母、数字、符号中的至少 %(kinds)d 类") % {"kinds": self.kinds}
