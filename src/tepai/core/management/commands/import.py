"""``tepai import REGISTRY FILE``: load a spreadsheet into one registry, all or nothing.

``tepai import --cleanup`` removes web uploads abandoned after their preview (a day old).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tepai.audit import actions
from tepai.audit import context as audit_context
from tepai.audit.log import record
from tepai.core.importing import ImportFailed, read_table
from tepai.core.importing.registry import get_importer, importer_names
from tepai.core.importing.uploads import purge_stale


class Command(BaseCommand):
    help = "从 .xlsx 或 .csv 文件导入数据（任何一行有误则整个文件不导入）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("registry", nargs="?", choices=importer_names(), help="数据类别")
        parser.add_argument("file", nargs="?", help=".xlsx 或 .csv 文件")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--batch", help="把名册中的所有人加入该批次（仅特派员）")
        parser.add_argument(
            "--cleanup",
            action="store_true",
            help="删除网页上传后超过一天未确认导入的文件（含个人信息），不导入",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["cleanup"]:
            removed = purge_stale()
            self.stdout.write(f"已删除 {removed} 个超过一天未确认的上传文件。")
            return
        if not options["registry"] or not options["file"]:
            raise CommandError("请给出数据类别和文件，例如：tepai import commissioners 名册.xlsx")
        importer_class = get_importer(options["registry"])
        if options["batch"] and options["registry"] != "commissioners":
            raise CommandError("--batch 只能用于导入特派员名册（commissioners）")
        importer = importer_class(batch=options["batch"])
        try:
            table = read_table(options["file"])
            # Every record the import writes is logged as done by this command.
            with audit_context.command(f"tepai import {options['registry']}"):
                result = importer.run(table, dry_run=options["dry_run"])
                if not result.dry_run:
                    record(
                        actions.IMPORT,
                        detail={
                            "registry": result.registry,
                            "file": Path(options["file"]).name,
                            "rows": result.rows,
                            "created": result.created,
                            "updated": result.updated,
                            "batch": options["batch"] or "",
                        },
                    )
        except ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"导入失败：发现 {len(failure.errors)} 处错误，数据库未做任何修改。"
            ) from failure
        self.stdout.write(result.summary())
