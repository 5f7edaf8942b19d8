"""``tepai batch create|list``: manage batches of commissioners."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tepai.programs.models import Batch


def _iso_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期“{text}”格式不对，应为 YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "管理特派员批次：create 新建（已存在则更新），list 列出。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="新建或更新批次")
        create.add_argument("name", help="批次名称，如 第二批")
        create.add_argument("--dispatch-date", required=True, help="派出日期 YYYY-MM-DD")
        create.add_argument("--end-date", help="结束日期 YYYY-MM-DD")
        create.add_argument("--host-region", default="", help="受援地区，如 新疆阿克苏地区")
        create.add_argument("--sending-organisation", default="", help="派出单位")
        create.add_argument("--code", default="", help="编号")
        sub.add_parser("list", help="列出所有批次")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for batch in Batch.objects.all():
                members = batch.commissioners.count()
                dispatched = f"{batch.dispatch_date:%Y-%m-%d}"
                self.stdout.write(f"{batch.name}\t{dispatched}\t{batch.host_region}\t{members} 人")
            return
        name = options["name"].strip()
        found = Batch.objects.filter(name=name).first()
        created = found is None
        batch = found or Batch(name=name)
        batch.dispatch_date = _iso_date(options["dispatch_date"])
        batch.end_date = _iso_date(options["end_date"]) if options["end_date"] else batch.end_date
        batch.host_region = options["host_region"] or batch.host_region
        batch.sending_organisation = options["sending_organisation"] or batch.sending_organisation
        batch.code = options["code"] or batch.code
        try:
            batch.full_clean()
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        batch.save()
        self.stdout.write(
            f"已{'创建' if created else '更新'}批次“{batch.name}”（派出日期 {batch.dispatch_date}）"
        )
