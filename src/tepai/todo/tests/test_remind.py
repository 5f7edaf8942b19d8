"""``tepai remind``: notifications once per item, e-mail per recipient, TEPAI_EMAIL_URL."""

from __future__ import annotations

import io
import smtplib
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings

from tepai.config import ConfigError, parse_email_url
from tepai.core.backup.service import _recorded_settings
from tepai.demands.models import DemandStatus
from tepai.todo import reminders
from tepai.todo.models import Notification, Reminded

from .conftest import World, make_demand, propose

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("remind", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_a_rerun_notifies_nothing_twice(world: World) -> None:
    proposal = propose(world.demand, world.me)
    run("--no-mail")
    mine = Notification.objects.get(user=world.commissioner)
    assert mine.link == f"/me/#proposal-{proposal.pk}"
    assert f"待我答复的推荐：{world.demand.title}" in mine.message
    assert Notification.objects.filter(user=world.enterprise).count() == 1
    before = Notification.objects.count()

    # Reading or deleting the reminder does not bring it back.
    mine.delete()
    assert "新提醒 0 条" in run("--no-mail")
    assert Notification.objects.count() == before - 1

    make_demand(world.mine, "新需求", status=DemandStatus.PENDING_REVIEW)
    assert "新提醒 1 条" in run("--no-mail")
    assert Notification.objects.get(user=world.admin).message.startswith("待审核的需求：新需求")


@pytest.mark.django_db
def test_many_new_items_of_one_kind_become_one_summary(world: World) -> None:
    for number in range(reminders.SUMMARY_OVER + 1):
        make_demand(world.mine, f"待审{number}", status=DemandStatus.PENDING_REVIEW)
    run("--no-mail")
    (note,) = Notification.objects.filter(user=world.admin)
    assert note.message == f"待审核的需求：新增 {reminders.SUMMARY_OVER + 1} 项"
    assert note.link == "/review/"
    assert Reminded.objects.filter(user=world.admin).count() == reminders.SUMMARY_OVER + 1


@pytest.mark.django_db
@override_settings(TEPAI_EMAIL_ENABLED=True, EMAIL_BACKEND=LOCMEM)
def test_it_mails_each_user_once_with_links(world: World) -> None:
    world.commissioner.email = "zhou@example.cn"
    world.commissioner.save()
    propose(world.demand, world.me)
    out = run("--site-url", "https://tepai.example.gov.cn/")
    (message,) = mail.outbox
    assert message.to == ["zhou@example.cn"]
    assert message.subject == "特派：您有 1 项新的待办"
    assert "https://tepai.example.gov.cn/me/#proposal-" in message.body
    # The enterprise user has no address: counted, not an error.
    assert "邮件已发送 1 封；无邮箱地址的用户 1 位" in out
    run()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
@override_settings(TEPAI_EMAIL_ENABLED=False, EMAIL_BACKEND=LOCMEM)
def test_without_an_smtp_server_nothing_is_mailed(world: World) -> None:
    world.commissioner.email = "zhou@example.cn"
    world.commissioner.save()
    propose(world.demand, world.me)
    assert "未发送邮件" in run()
    assert mail.outbox == []


@pytest.mark.django_db
@override_settings(TEPAI_EMAIL_ENABLED=True, EMAIL_BACKEND=LOCMEM)
def test_a_failing_recipient_is_reported_and_the_others_still_get_theirs(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.commissioner.email = "zhou@example.cn"
    world.commissioner.save()
    world.enterprise.email = "refused@example.cn"
    world.enterprise.save()
    propose(world.demand, world.me)
    real_send = mail.EmailMessage.send

    def send(message: Any, fail_silently: bool = False) -> int:
        if message.to == ["refused@example.cn"]:
            raise smtplib.SMTPRecipientsRefused({"refused@example.cn": (550, b"no such user")})
        return real_send(message, fail_silently)

    monkeypatch.setattr(mail.EmailMessage, "send", send)
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 位收件人的邮件发送失败"):
        call_command("remind", stdout=io.StringIO(), stderr=err)
    failed = f"邮件发送失败：{world.enterprise.username} <r***@example.cn>：SMTPRecipientsRefused"
    assert failed in err.getvalue()
    assert [m.to for m in mail.outbox] == [["zhou@example.cn"]]
    # The failed one is tried again on the next run, the sent one is not.
    monkeypatch.setattr(mail.EmailMessage, "send", real_send)
    run()
    assert [m.to for m in mail.outbox] == [["zhou@example.cn"], ["refused@example.cn"]]


def test_a_bad_site_url_is_refused_by_name(db: None) -> None:
    with pytest.raises(CommandError, match="--site-url：须以 http:// 或 https:// 开头"):
        run("--site-url", "tepai.example.gov.cn")


def test_email_urls_parse() -> None:
    assert parse_email_url("") is None
    config = parse_email_url("smtp://tepai%40kjt.cn:p%40ss@mail.kjt.cn:587?tls=1")
    assert config is not None
    assert (config.host, config.port, config.user, config.password) == (
        "mail.kjt.cn",
        587,
        "tepai@kjt.cn",
        "p@ss",
    )
    assert config.use_tls and not config.use_ssl and config.from_address == "tepai@mail.kjt.cn"
    secure = parse_email_url("smtps://u:p@mail.kjt.cn?from=noreply@kjt.cn&timeout=10")
    assert secure is not None
    assert (secure.port, secure.use_ssl, secure.from_address, secure.timeout) == (
        465,
        True,
        "noreply@kjt.cn",
        10,
    )
    plain = parse_email_url("smtp://relay.local")
    assert plain is not None and (plain.port, plain.user, plain.use_tls) == (25, "", False)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://mail.kjt.cn", "unsupported scheme 'http'"),
        ("smtp://", "the host name is missing"),
        ("smtp://mail.kjt.cn:99999", "bad port"),
        ("smtp://mail.kjt.cn?tls=maybe", "tls='maybe' is not a yes/no value"),
        ("smtps://mail.kjt.cn?tls=1", "exclude each other"),
        ("smtp://mail.kjt.cn?starttls=1", "unknown option 'starttls'"),
        ("smtp://mail.kjt.cn?from=nobody", "from='nobody' is not an e-mail address"),
        ("smtp://mail.kjt.cn?timeout=0", "timeout='0'"),
    ],
)
def test_bad_email_urls_name_the_variable_and_the_reason(url: str, reason: str) -> None:
    with pytest.raises(ConfigError, match="TEPAI_EMAIL_URL=") as caught:
        parse_email_url(url)
    assert reason in str(caught.value)


def test_the_password_never_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_email_url("smtp://tepai:s3cret@mail.kjt.cn?tls=maybe")
    assert "s3cret" not in str(caught.value) and ":***@" in str(caught.value)
    monkeypatch.setenv("TEPAI_EMAIL_URL", "smtp://tepai:s3cret@mail.kjt.cn:587?tls=1")
    assert _recorded_settings()["TEPAI_EMAIL_URL"] == "smtp://tepai:***@mail.kjt.cn:587?tls=1"
