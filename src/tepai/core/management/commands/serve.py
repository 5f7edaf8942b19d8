"""``tepai serve``: run tepai with a production WSGI server (waitress)."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

from tepai.core.accesslog import AccessLogMiddleware


def pending_migrations() -> int:
    """Return how many migrations have not been applied to the database yet."""
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def waitress_options(host: str, port: int, threads: int) -> dict[str, Any]:
    """Return the keyword arguments for ``waitress.serve``.

    ``max_request_body_size`` makes waitress answer 413 to a larger body as soon as it has
    read the headers, before it reads (and buffers to disk) the body: without it anonymous
    clients could send 1 GB for every 401 they get back.
    """
    return {
        "host": host,
        "port": port,
        "threads": threads,
        "ident": "tepai",
        "max_request_body_size": settings.MAX_REQUEST_BODY_BYTES,
        # The access log (tepai.access) names the client; waitress's own tracebacks stay in
        # the server's log, not in the answer.
        "expose_tracebacks": False,
    }


def allow_bound_host(host: str) -> None:
    """Accept ``Host: <host>`` when the server listens on that one address.

    A client that reaches ``http://10.1.2.3:8000/`` on a server started with ``--host
    10.1.2.3`` is talking to it; the wildcard addresses 0.0.0.0 and :: name no host, so the
    names then come from TEPAI_ALLOWED_HOSTS alone.
    """
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        name = host  # a host name given to --host
    else:
        if address.is_unspecified:
            return
        name = f"[{address}]" if address.version == 6 else str(address)
    if name not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, name]


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
            from tepai.recommender.warmup import start_background

            # Indexes the commissioners, outcomes and open demands while the server already
            # answers; a matching request meanwhile waits for (and shares) the build.
            start_background(queries=True, keyword_skills=False, load_model=True, rehearse=True)
        allow_bound_host(options["host"])
        self.stdout.write(
            f"特派平台已启动：http://{options['host']}:{options['port']}/ （Ctrl+C 退出）"
        )
        self.stdout.write(
            _("接受的主机名：%(hosts)s（TEPAI_ALLOWED_HOSTS）")
            % {"hosts": ", ".join(settings.ALLOWED_HOSTS)}
        )
        serve(
            AccessLogMiddleware(application),
            **waitress_options(options["host"], options["port"], options["workers"]),
        )
