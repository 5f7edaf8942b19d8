"""``tepai export REGISTRY``: write a registry as a spreadsheet that ``tepai import`` reads back."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tepai.audit import actions
from tepai.audit import context as audit_context
from tepai.audit.log import record
from tepai.core.importing.exporting import ExportError, batch_registries, export
from tepai.core.importing.registry import importer_names


class Command(BaseCommand):
    help = (
        "导出某类数据（默认 .xlsx，写到标准输出或 -o 文件）；列与导入模板相同，可直接再导入。"
        "手机号码和电子邮箱默认脱敏。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("registry", choices=importer_names(), help="数据类别")
        parser.add_argument(
            "--format",
            choices=["xlsx", "csv"],
            help="默认 xlsx；-o 文件以 .csv 结尾时为 csv",
        )
        parser.add_argument("-o", "--output", help="输出文件（默认标准输出）")
        parser.add_argument(
            "--include-personal-data",
            action="store_true",
            help="写出完整的手机号码和电子邮箱（默认脱敏，如 138****1234）",
        )
        parser.add_argument(
            "--batch",
            help=f"只导出该批次（名称或编号）的数据；适用于 {'、'.join(batch_registries())}",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = options["output"]
        fmt = _format(options["format"], output)
        if not output and fmt == "xlsx" and sys.stdout.isatty():
            raise CommandError(
                "xlsx 是二进制文件，请重定向到文件或使用 -o：tepai export REGISTRY > 文件.xlsx"
            )
        try:
            result = export(
                options["registry"],
                fmt=fmt,
                unmask=options["include_personal_data"],
                batch=options["batch"],
            )
        except ExportError as exc:
            raise CommandError(str(exc)) from exc
        # Who took which data out, and whether with full phone numbers and e-mails.
        with audit_context.command(f"tepai export {options['registry']}"):
            record(
                actions.EXPORT,
                detail={
                    "registry": result.registry,
                    "format": fmt,
                    "rows": result.rows,
                    "personal_data_unmasked": result.unmasked and result.has_personal_data,
                    "batch": result.batch,
                    "file": Path(output).name if output else "",
                },
            )
        if output:
            try:
                Path(output).write_bytes(result.data)
            except OSError as exc:
                raise CommandError(f"无法写入文件 {output}：{exc.strerror}") from exc
            self.stderr.write(f"{result.summary()}，已写入 {output}")
            return
        self.stdout.flush()
        sys.stdout.buffer.write(result.data)
        sys.stdout.flush()
        self.stderr.write(result.summary())


def _format(requested: str | None, output: str | None) -> str:
    """Return the file format: as requested, else as the output file's name says, else xlsx."""
    suffix = Path(output).suffix.lower().lstrip(".") if output else ""
    if requested and suffix in ("xlsx", "csv") and suffix != requested:
        raise CommandError(f"输出文件 {output} 的扩展名与 --format {requested} 不一致")
    return requested or (suffix if suffix in ("xlsx", "csv") else "xlsx")
