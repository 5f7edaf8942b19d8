"""``tepai demo``: build the demo programme (idempotent) and serve it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tepai.audit import context as audit_context
from tepai.core.importing import ImportFailed
from tepai.demo.accounts import (
    TOTP_SECRET_VARIABLE,
    DemoSecretInvalid,
    demo_totp_secret,
    ensure_demo_accounts,
)
from tepai.demo.loader import demo_password, load_demo
from tepai.programs.models import Batch
from tepai.recommender.warmup import warm_up
from tepai.reports.batch_stats import batch_report
from tepai.reports.kpi import kpi_report


class Command(BaseCommand):
    help = "创建演示数据（浙江组团式科技援疆阿克苏项目）并启动服务；可重复运行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="只建数据，不启动服务")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            totp_secret = demo_totp_secret()
        except DemoSecretInvalid as error:
            raise CommandError(str(error)) from error
        call_command("init", verbosity=options["verbosity"], skip_warm_up=True)
        self.stdout.write("正在载入演示数据……")
        with audit_context.command("tepai demo"):
            try:
                load_demo(progress=lambda line: self.stdout.write(f"  {line}"))
            except ImportFailed as failure:
                for row_error in failure.errors:
                    self.stderr.write(str(row_error))
                raise CommandError("演示数据载入失败，已全部撤销") from failure
            password = demo_password(settings.TEPAI_HOME)
            accounts = ensure_demo_accounts(password, totp_secret)
        # Index the programme and cache every vector now, so `tepai match …` on the demo
        # never loads the sentence encoder and the first matching page is fast.
        warm_up(persist=True, progress=lambda line: self.stdout.write(f"  {line}"))
        for batch in Batch.objects.all():
            stats = batch_report(batch)
            self.stdout.write(
                f"{batch.name}：{stats.members} 人，{stats.institutions} 家单位，平均年龄 "
                f"{stats.average_age}，博士占比 {stats.doctorate_percent}%"
            )
            self.stdout.write(kpi_report(batch).narrative())
        url = f"http://{options['host']}:{options['port']}/login/"
        self.stdout.write(f"\n演示账号（密码均为：{password}）：")
        width = max(len(account.username) for account in accounts)
        for account in accounts:
            self.stdout.write(f"  {account.username.ljust(width)}  {account.describe()}")
        if totp_secret is None:
            self.stdout.write(
                f"注意：未设置 {TOTP_SECRET_VARIABLE}，演示的管理员和审计员只凭密码登录；"
                "正式安装中这两个角色必须使用两步验证（验证器动态码）。"
            )
        else:
            self.stdout.write(
                f"管理员和审计员登录时还须输入验证器动态码（已用 {TOTP_SECRET_VARIABLE} "
                "中的密钥绑定，将该密钥添加到任一验证器应用即可）。"
            )
        if options["no_serve"]:
            self.stdout.write(f"已完成。启动服务：tepai serve，然后访问 {url}")
            return
        self.stdout.write(f"访问地址：{url}")
        call_command("serve", host=options["host"], port=options["port"])
