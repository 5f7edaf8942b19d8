"""``tepai restore FILE``: bring a ``tepai backup`` archive back into an empty installation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tepai.audit import actions
from tepai.audit import context as audit_context
from tepai.audit.log import record
from tepai.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "从 tepai backup 的备份文件恢复到空的（或已停止的）安装：先校验清单和每个文件的校验和，"
        "损坏、被改动或数据库类型不符的文件一律拒绝且不做任何更改；恢复后按需升级数据库。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="备份文件（.tar.gz）")
        parser.add_argument(
            "--force",
            action="store_true",
            help="即使本安装已有数据也恢复：现有数据库内容被备份替换（请先停止服务）",
        )
        parser.add_argument(
            "--sha256",
            metavar="HEX",
            help="备份时显示的 SHA-256；给出时先核对整个文件，不一致则拒绝",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = restore_backup(
                Path(options["file"]),
                force=options["force"],
                expected_sha256=options["sha256"],
                progress=self.stdout.write,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        with audit_context.command("tepai restore"):
            record(
                actions.IMPORT,
                detail={
                    "registry": "backup",
                    "file": Path(options["file"]).name,
                    "rows": sum(manifest.row_counts.values()),
                    "backup_created_at": manifest.created_at,
                    "forced": options["force"],
                },
            )
        self.stdout.write(
            _(
                "已恢复 %(created)s 的备份：%(tables)s 张表，%(media)s 个媒体文件，"
                "应用了 %(migrations)s 个数据库迁移。"
            )
            % {
                "created": manifest.created_at,
                "tables": len(manifest.row_counts),
                "media": result.media_files,
                "migrations": result.migrations_applied,
            }
        )
        if result.replaced_media:
            self.stdout.write(_("原有媒体文件已移到 %(path)s") % {"path": result.replaced_media})
        if manifest.secret_key == "environment":
            self.stderr.write(
                _(
                    "备份时密钥来自环境变量 TEPAI_SECRET_KEY，未包含在备份中；请在本机设置同一个"
                    "值，否则所有用户需重新登录。"
                )
            )
        self.stdout.write(_("接下来运行 tepai init 准备静态文件并预热匹配引擎，然后启动服务。"))
