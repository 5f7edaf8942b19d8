"""``tepai template REGISTRY``: write the blank import template for a registry."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tepai.core.importing.registry import get_importer, importer_names
from tepai.core.importing.templates import build_csv, build_xlsx


class Command(BaseCommand):
    help = "输出某类数据的导入模板（默认 .xlsx，写到标准输出或 -o 文件）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("registry", choices=importer_names(), help="数据类别")
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("-o", "--output", help="输出文件（默认标准输出）")

    def handle(self, *args: Any, **options: Any) -> None:
        importer = get_importer(options["registry"])
        data = build_xlsx(importer) if options["format"] == "xlsx" else build_csv(importer)
        if options["output"]:
            Path(options["output"]).write_bytes(data)
            self.stderr.write(f"已写入 {options['output']}")
            return
        if options["format"] == "xlsx" and sys.stdout.isatty():
            raise CommandError(
                "xlsx 是二进制文件，请重定向到文件：tepai template REGISTRY > 文件.xlsx"
            )
        self.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
