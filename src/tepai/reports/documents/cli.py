"""``tepai report bulletin|monthly|summary|notice|press``: the documents, written to a file.

The subcommands are added to ``tepai report`` (reports/management/commands/report.py); this
module reads their options and calls :func:`tepai.reports.documents.api.generate`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from tepai.programs.models import Batch
from tepai.reports.documents.api import (
    FORMATS,
    KINDS,
    DocumentError,
    filename,
    find_event,
    generate,
)
from tepai.reports.periods import PeriodError, between

DOCUMENT_KINDS = frozenset(kind.key for kind in KINDS)
HELP = {
    "bulletin": "工作简报：指标及环比、图表、签约、工作动态、典型案例、下一步工作",
    "monthly": "月报：一个自然月的工作简报",
    "summary": "工作总结：一个批次整个服务期（须指定 --batch）",
    "notice": "通报：按派出单位通报其特派员在期间内的工作",
    "press": "新闻通稿：某次活动（出征仪式、揭牌、签约、路演）的通稿草稿（须指定 --event）",
}


def add_document_parsers(sub: Any) -> None:
    """Add one subparser per kind of document to ``tepai report``'s subparsers."""
    for kind in KINDS:
        parser: argparse.ArgumentParser = sub.add_parser(kind.key, help=HELP[kind.key])
        parser.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="开始日期（含）")
        parser.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="结束日期（含）")
        parser.add_argument("--batch", help="批次名称或编号")
        if kind.key == "press":
            parser.add_argument("--event", required=True, help="活动名称、编号或 ID")
        parser.add_argument("--format", choices=FORMATS, default="docx", help="默认 docx")
        parser.add_argument("-o", "--output", metavar="FILE", help="输出文件（默认按类型命名）")


def _batch(name: str) -> Batch:
    batch = Batch.objects.filter(name=name).first() or Batch.objects.filter(code=name).first()
    if batch is None:
        known = "、".join(Batch.objects.values_list("name", flat=True)) or "（尚无批次）"
        raise CommandError(f"--batch：批次“{name}”不存在；已有批次：{known}")
    return batch


def run_document(options: dict[str, Any]) -> str:
    """Write the document the options ask for; return the message naming the file."""
    kind = options["kind"]
    try:
        period = between(options["start"], options["end"])
    except PeriodError as error:
        raise CommandError(f"--from/--to：{error}") from None
    batch = _batch(options["batch"]) if options["batch"] else None
    fmt = options["format"]
    try:
        event = find_event(options["event"]) if options.get("event") else None
        data = generate(kind, period=period, batch=batch, event=event, fmt=fmt)
    except DocumentError as error:
        raise CommandError(str(error)) from None
    target = Path(options["output"] or filename(kind, period=period, batch=batch, fmt=fmt))
    if target.is_dir():
        raise CommandError(f"-o：“{target}”是目录，请给出文件名")
    try:
        target.write_bytes(data)
    except OSError as error:
        raise CommandError(f"-o：无法写入“{target}”：{error.strerror}") from None
    label = next(k.label for k in KINDS if k.key == kind)
    return f"已生成{label}：{target.resolve()}（{len(data) // 1024 + 1} KB）"
