"""``tepai audit prune --older-than DAYS``: remove audit entries past their retention."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tepai.audit.retention import MINIMUM_DAYS, RetentionError, prune


class Command(BaseCommand):
    help = f"审计日志维护：prune 清理早于指定天数的记录（至少保留 {MINIMUM_DAYS} 天）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        prune_parser = sub.add_parser("prune", help="清理早于指定天数的审计记录")
        prune_parser.add_argument(
            "--older-than",
            type=int,
            required=True,
            metavar="DAYS",
            help=f"清理多少天以前的记录（不得少于 {MINIMUM_DAYS}）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            removed = prune(options["older_than"])
        except RetentionError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已清理 {removed} 条 {options['older_than']} 天以前的审计记录。")
