"""Importing events, and resolving the event references of other registries' sheets."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet

from tepai.core.cleaning import clean_text, parse_date
from tepai.core.importing import Column, Importer, RowError
from tepai.core.importing.base import RowValues, find_existing
from tepai.core.importing.exporting import name_of
from tepai.core.importing.parsers import choice, text_block
from tepai.core.importing.references import Reference
from tepai.events.models import Event, EventKind
from tepai.programs.importers import resolve_batch

_KIND_ALIASES = {
    "出征": EventKind.LAUNCH,
    "出征仪式暨动员会": EventKind.LAUNCH,
    "揭牌仪式": EventKind.UNVEILING,
    "签约仪式": EventKind.SIGNING,
    "签约会": EventKind.SIGNING,
    "成果路演": EventKind.ROADSHOW,
    "路演会": EventKind.ROADSHOW,
    "培训班": EventKind.TRAINING,
}


# The event with that 编号, else the only event of that name.
resolve_event = Reference(
    Event,
    ("code", "name"),
    missing="活动“{token}”不存在，请先导入活动（events）",
    ambiguous="有多个活动叫“{token}”（日期不同），请改填活动编号",
)


class EventImporter(Importer):
    registry = "events"
    label = "活动"
    model = Event
    description = (
        "出征仪式、揭牌、签约、路演、培训等活动。活动名称+日期相同（或编号相同）再次导入时更新。"
    )
    columns: ClassVar[list[Column]] = [
        Column(
            "编号",
            "code",
            help="稳定的外部编号，可选；其他表格可用编号引用活动",
            example="HD-2024-01",
        ),
        Column("活动名称", "name", clean_text, required=True, example="第二批科技特派员出征仪式"),
        Column(
            "活动类型",
            "kind",
            choice(EventKind, _KIND_ALIASES),
            required=True,
            help="出征仪式/揭牌/签约/路演/培训/其他",
            example="出征仪式",
        ),
        Column("日期", "date", parse_date, required=True, example="2024-04-24"),
        Column("地点", "location", clean_text, example="杭州"),
        Column("批次", "batch", clean_text, help="批次名称或编号", example="第二批"),
        Column("说明", "description", text_block),
    ]

    def natural_key(self, row: RowValues) -> Any:
        return ("code", row["code"]) if row["code"] else (row["name"], row["date"])

    def save_row(self, row: RowValues) -> bool:
        uow = self.context.uow
        event = find_existing(
            Event, row["code"], ctx=self.context, name=row["name"], date=row["date"]
        )
        created = event is None
        event = event or Event()
        clash = next(
            (
                other
                for other in uow.filter(Event, name=row["name"], date=row["date"])
                if other is not event
            ),
            None,
        )
        if clash is not None:
            raise RowError(
                row.number, "活动名称", f"同一天已有同名活动（编号“{clash.code or '无'}”）"
            )
        event.code = row["code"] or event.code
        event.name = row["name"]
        event.kind = row["kind"]
        event.date = row["date"]
        event.location = row["location"] or event.location
        event.description = row["description"] or event.description
        if row["batch"]:
            event.batch = resolve_batch(row["batch"], row.number, "批次", self.context)
        self.full_clean(event, row, exclude=["batch"])
        uow.save(event)
        return created

    # ----- export ------------------------------------------------------------------------
    batch_filter: ClassVar[str] = "batch"

    @classmethod
    def export_queryset(cls) -> QuerySet[Event]:
        return Event.objects.select_related("batch")

    def export_row(self, obj: Event) -> dict[str, object]:
        return {**super().export_row(obj), "batch": name_of(obj.batch)}
