"""``tepai init``: create or migrate the database and collect static files (idempotent)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection


class Command(BaseCommand):
    help = "创建或升级数据库并准备静态文件，预热匹配引擎的向量缓存；可重复运行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--skip-warm-up",
            action="store_true",
            help="不预热匹配引擎（不为特派员、成果和需求预先计算向量）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        call_command("migrate", interactive=False, verbosity=max(0, verbosity - 1))
        call_command("collectstatic", interactive=False, verbosity=0)
        vendor = "SQLite" if connection.vendor == "sqlite" else connection.vendor
        database = settings.DATABASES["default"]["NAME"]
        self.stdout.write(f"数据库已就绪（{vendor}：{database}）；数据目录：{settings.TEPAI_HOME}")
        if not options["skip_warm_up"]:
            from tepai.recommender.warmup import warm_up

            # Fills the vector cache, so `tepai match …` and the first pages never wait for
            # the sentence encoder on texts already in the database.
            warm_up(persist=True, progress=self.stdout.write)
