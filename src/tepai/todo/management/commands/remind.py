"""``tepai remind``: notify users of new to-do items, and e-mail them (run from cron)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tepai.todo.reminders import remind


class Command(BaseCommand):
    help = (
        "待办提醒：为新的待办事项生成站内提醒，设置 TEPAI_EMAIL_URL 时同时发送邮件。"
        "每项只提醒一次，可由 cron 或 systemd 定时运行。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--site-url",
            default="",
            help="平台的访问地址，如 https://tepai.example.gov.cn，用于邮件中的链接",
        )
        parser.add_argument("--no-mail", action="store_true", help="只生成站内提醒，不发邮件")

    def handle(self, *args: Any, **options: Any) -> None:
        site_url = options["site_url"].strip()
        if site_url and not site_url.startswith(("http://", "https://")):
            raise CommandError(f"--site-url：须以 http:// 或 https:// 开头（收到 {site_url!r}）")
        result = remind(site_url=site_url, mail=not options["no_mail"])
        self.stdout.write(f"新提醒 {result.created} 条（检查用户 {result.users} 位）")
        if options["no_mail"] or not settings.TEPAI_EMAIL_ENABLED:
            self.stdout.write("未发送邮件（未设置 TEPAI_EMAIL_URL 或使用了 --no-mail）")
            return
        self.stdout.write(f"邮件已发送 {result.mailed} 封；无邮箱地址的用户 {result.no_address} 位")
        for who, reason in result.failures:
            self.stderr.write(f"邮件发送失败：{who}：{reason}")
        if result.failures:
            raise CommandError(f"{len(result.failures)} 位收件人的邮件发送失败，下次运行时重试")
