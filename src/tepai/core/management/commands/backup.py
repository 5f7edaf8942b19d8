"""``tepai backup [-o FILE]``: a consistent online backup of the whole installation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tepai.audit import actions
from tepai.audit import context as audit_context
from tepai.audit.log import record
from tepai.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "备份数据库（服务运行时也可进行）、上传的文件和密钥文件，写成一个带清单和校验和的 "
        ".tar.gz 文件；默认写到 $TEPAI_HOME/backups/。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-o",
            "--output",
            help="备份文件路径（默认 $TEPAI_HOME/backups/tepai-backup-日期-时间.tar.gz）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"]) if options["output"] else None
        try:
            result = create_backup(output, progress=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        # A backup takes every record out, personal data unmasked: auditors must see it.
        with audit_context.command("tepai backup"):
            record(
                actions.EXPORT,
                detail={
                    "registry": "backup",
                    "file": result.path.name,
                    "rows": sum(result.manifest.row_counts.values()),
                    "personal_data_unmasked": True,
                    "sha256": result.sha256,
                },
            )
        self.stdout.write(_("已写入 %(path)s") % {"path": result.path})
        self.stdout.write(f"SHA-256: {result.sha256}")
        self.stderr.write(
            _(
                "注意：备份含未脱敏的个人信息%(key)s，文件权限为 600；请存放在受控的位置，"
                "并另行记下上面的 SHA-256，恢复时用 --sha256 核对。"
            )
            % {"key": _("和密钥文件 secret_key") if result.manifest.secret_key == "file" else ""}
        )
