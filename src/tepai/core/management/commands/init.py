"""``tepai init``: create or migrate the database and collect static files (idempotent)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection


class Command(BaseCommand):
    help = "创建或升级数据库并准备静态文件；可重复运行。"

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        call_command("migrate", interactive=False, verbosity=max(0, verbosity - 1))
        call_command("collectstatic", interactive=False, verbosity=0)
        vendor = "SQLite" if connection.vendor == "sqlite" else connection.vendor
        database = settings.DATABASES["default"]["NAME"]
        self.stdout.write(f"数据库已就绪（{vendor}：{database}）；数据目录：{settings.TEPAI_HOME}")
