"""``tepai serve``: run tepai with a production WSGI server (waitress)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def pending_migrations() -> int:
    """Return how many migrations have not been applied to the database yet."""
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


class Command(BaseCommand):
    help = "启动 Web 服务（生产级 WSGI 服务器 waitress）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
        parser.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
        parser.add_argument("--workers", type=int, default=8, help="工作线程数（默认 8）")
        parser.add_argument(
            "--no-warm-up",
            action="store_true",
            help="不在后台预热匹配引擎（首次打开匹配页面时再建立索引）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if pending_migrations():
            raise CommandError("数据库尚未初始化或需要升级，请先运行 tepai init")
        from waitress import serve

        from tepai.wsgi import application

        if not options["no_warm_up"]:
            from tepai.matchmaking.warmup import start_background

            # Indexes the commissioners, outcomes and open demands while the server already
            # answers; a matching request meanwhile waits for (and shares) the build.
            start_background(queries=True, keyword_skills=False, load_model=True, rehearse=True)
        self.stdout.write(
            f"特派平台已启动：http://{options['host']}:{options['port']}/ （Ctrl+C 退出）"
        )
        serve(
            application,
            host=options["host"],
            port=options["port"],
            threads=options["workers"],
            ident="tepai",
        )
