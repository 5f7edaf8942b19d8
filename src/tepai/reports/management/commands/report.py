"""``tepai report batch|kpi``: programme statistics as text or JSON."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tepai.programs.models import Batch
from tepai.reports.batch_stats import batch_report, format_batch_report
from tepai.reports.documents.cli import DOCUMENT_KINDS, add_document_parsers, run_document
from tepai.reports.kpi import KpiComparison, compare_kpis, format_kpi_report
from tepai.reports.periods import PeriodError, between, parse_date
from tepai.reports.scopes import ScopeError, resolve_centre, resolve_cluster, resolve_institution


def _batch(name: str) -> Batch:
    batch = Batch.objects.filter(name=name).first() or Batch.objects.filter(code=name).first()
    if batch is None:
        known = "、".join(Batch.objects.values_list("name", flat=True)) or "（尚无批次）"
        raise CommandError(f"批次“{name}”不存在；已有批次：{known}")
    return batch


def _failed_option(options: dict[str, Any]) -> str:
    """Return which of --from/--to made the period unreadable (both: they are out of order)."""
    for option, key, label in (("--from", "start", "开始日期"), ("--to", "end", "结束日期")):
        if options[key]:
            try:
                parse_date(options[key], label)
            except PeriodError:
                return option
    return "--from/--to"


def _kpi_comparison(options: dict[str, Any]) -> KpiComparison:
    """Return ``report kpi``'s figures: the period and scope asked for, with comparisons."""
    try:
        period = between(options["start"], options["end"])
    except PeriodError as error:
        raise CommandError(f"{_failed_option(options)}：{error}") from None
    try:
        scope: dict[str, Any] = {
            "centre": resolve_centre(options["centre"]) if options["centre"] else None,
            "cluster": resolve_cluster(options["cluster"]) if options["cluster"] else None,
            "institution": (
                resolve_institution(options["institution"]) if options["institution"] else None
            ),
        }
    except ScopeError as error:
        raise CommandError(str(error)) from None
    batch = _batch(options["batch"]) if options["batch"] else None
    return compare_kpis(period, batch, **scope)


class Command(BaseCommand):
    help = (
        "统计报告：batch 批次画像；kpi 工作成效指标（可按批次）；"
        "bulletin/monthly/summary/notice/press 生成 Word、PDF 文档。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True)
        batch = sub.add_parser("batch", help="批次画像：人数、单位、平均年龄、职称与学位")
        batch.add_argument("name", help="批次名称")
        batch.add_argument("--format", choices=["text", "json"], default="text")
        kpi = sub.add_parser("kpi", help="工作成效指标与通报文字")
        kpi.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="开始日期（含）")
        kpi.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="结束日期（含）")
        kpi.add_argument("--batch", help="只统计该批次（按记录日期时特派员所在批次）")
        kpi.add_argument("--centre", help="只统计该创新中心成员的记录（名称或编号）")
        kpi.add_argument("--cluster", help="只统计服务该产业集群企业的记录（名称或代码）")
        kpi.add_argument("--institution", help="只统计该派出单位特派员的记录（名称或编号）")
        kpi.add_argument("--format", choices=["text", "json"], default="text")
        # ----- documents (Word/PDF/HTML): tepai.reports.documents.cli -----
        add_document_parsers(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["kind"] in DOCUMENT_KINDS:  # bulletin, monthly, summary, notice, press
            self.stdout.write(run_document(options))
            return
        as_json = options["format"] == "json"
        if options["kind"] == "batch":
            report = batch_report(_batch(options["name"]))
            text = (
                json.dumps(report.to_dict(), ensure_ascii=False)
                if as_json
                else format_batch_report(report)
            )
        else:
            kpis = _kpi_comparison(options)
            text = (
                json.dumps(kpis.to_dict(), ensure_ascii=False)
                if as_json
                else format_kpi_report(kpis)
            )
        self.stdout.write(text)
