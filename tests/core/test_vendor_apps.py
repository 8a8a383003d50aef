"""The admin speaks the reader's language (issue 13 point 13): our own header instead of
"Django 管理", and the login-lockout and two-factor sections named in Chinese."""

from __future__ import annotations

import pytest

from quanyu.accounts.models import User
from quanyu.core.models import AuditEntry
from quanyu.web.templatetags.qy_format import model_label, thousands


@pytest.mark.django_db
def test_admin_index_is_in_chinese(client):
    boss = User.objects.create_superuser("boss", "boss@example.org", "pw-123456789")
    client.force_login(boss)
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "全域 · 管理后台" in page and "Django 管理" not in page
    assert "登录锁定" in page and "登录尝试" in page and "Access attempts" not in page
    assert "双因素认证" in page and "动态口令设备" in page and "TOTP devices" not in page


def test_model_label_and_thousands():
    assert model_label("people.partymember") == "党员"
    assert model_label(AuditEntry._meta.label_lower) == str(AuditEntry._meta.verbose_name)
    assert model_label("nope.nothing") == "nope.nothing"
    assert thousands(694499) == "694,499" and thousands(None) == "" and thousands("—") == "—"
