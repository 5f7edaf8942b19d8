"""``tepai report batch|kpi``: programme statistics as text or JSON."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tepai.programs.models import Batch
from tepai.reports.batch_stats import batch_report, format_batch_report
from tepai.reports.kpi import format_kpi_report, kpi_report


def _batch(name: str) -> Batch:
    batch = Batch.objects.filter(name=name).first() or Batch.objects.filter(code=name).first()
    if batch is None:
        known = "、".join(Batch.objects.values_list("name", flat=True)) or "（尚无批次）"
        raise CommandError(f"批次“{name}”不存在；已有批次：{known}")
    return batch


class Command(BaseCommand):
    help = "统计报告：batch 批次画像；kpi 工作成效指标（可按批次）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True)
        batch = sub.add_parser("batch", help="批次画像：人数、单位、平均年龄、职称与学位")
        batch.add_argument("name", help="批次名称")
        batch.add_argument("--format", choices=["text", "json"], default="text")
        kpi = sub.add_parser("kpi", help="工作成效指标与通报文字")
        kpi.add_argument("--batch", help="只统计该批次")
        kpi.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        as_json = options["format"] == "json"
        if options["kind"] == "batch":
            report = batch_report(_batch(options["name"]))
            text = (
                json.dumps(report.to_dict(), ensure_ascii=False)
                if as_json
                else format_batch_report(report)
            )
        else:
            scope = _batch(options["batch"]) if options["batch"] else None
            kpis = kpi_report(scope)
            text = (
                json.dumps(kpis.to_dict(), ensure_ascii=False)
                if as_json
                else format_kpi_report(kpis)
            )
        self.stdout.write(text)
