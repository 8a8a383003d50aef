"""The SMS channel: what the log backend writes (numbers and secrets masked), the outbox backend for
tests, and the daily cap on messages to a number without an account."""

from __future__ import annotations

import logging

import pytest

from quanyu.notify.channels import Message, get_channel, sms

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox(settings):
    settings.QUANYU_SMS_BACKEND = "quanyu.notify.channels.sms.OutboxSmsBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.mark.parametrize(
    ("text", "kept", "gone"),
    [
        (
            "您的诉求已办结，请评价 /rate/12.Zk3_x9Q-LmNoPqRsTuVwXyZ0123abcd/",
            ["您的诉求已办结，请评价", "/rate/12.***/"],
            ["Zk3_x9Q"],
        ),
        (
            "请查看 https://gov.example.cn/t/5/?sig=abc&u=13812345678#top",
            ["https://gov.example.cn/t/5/?***#top"],
            ["sig=abc", "13812345678"],
        ),
        (
            "联系 13812345678，身份证 110101199003077777",
            ["138****5678", "110***********7777"],
            ["13812345678"],
        ),
        ("新诉求待受理：楼下摆摊 /tickets/42/", ["新诉求待受理：楼下摆摊 /tickets/42/"], []),
    ],
)
def test_mask_secrets(text, kept, gone):
    masked = sms.mask_secrets(text)
    for part in kept:
        assert part in masked
    for part in gone:
        assert part not in masked


def test_log_backend_writes_masked_text(caplog):
    with caplog.at_level(logging.INFO, logger="quanyu.notify.sms"):
        assert sms.LogSmsBackend().send("13900139000", "请评价 /rate/7.AbCdEfGhIjKlMnOpQrStUvWx/")
    assert "139****9000" in caplog.text and "/rate/7.***/" in caplog.text
    assert "AbCdEf" not in caplog.text and "13900139000" not in caplog.text


def test_numbers_without_an_account_are_capped_per_day(city, outbox, settings, caplog):
    settings.QUANYU_SMS_PER_PHONE = "2/1d"
    channel = get_channel("sms")
    staff = city.users["street_staff"]
    staff.phone = "13700137000"
    staff.save()

    def send(*phones: str, recipients=()) -> int:
        return channel.deliver(Message(recipients=list(recipients), kind="k", title="t", phones=phones))

    assert send("13800138000") == 1
    assert send("+86 138-0013-8000") == 1  # the same number, written differently
    with caplog.at_level(logging.WARNING, logger="quanyu.notify.sms"):
        assert send("13800138000", "13900139000") == 1
    assert "138****8000" in caplog.text and "13800138000" not in caplog.text
    assert [m.phone for m in outbox] == ["13800138000", "13800138000", "13900139000"]
    # Account holders (staff) are not capped, and an extra number that is theirs is sent once.
    for _ in range(3):
        assert send("13700137000", recipients=[staff]) == 1
    assert [m.phone for m in outbox].count("13700137000") == 3
