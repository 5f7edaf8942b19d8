"""Importing research outcomes and enterprises' cooperation intents."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet

from tepai.commissioners.importers import resolve_commissioner
from tepai.core.cleaning import clean_text, parse_date, split_multi
from tepai.core.importing import Column, Importer, RowError
from tepai.core.importing.base import RowValues, find_existing
from tepai.core.importing.exporting import code_or, name_of
from tepai.core.importing.parsers import choice, text_block, trl
from tepai.core.importing.references import Reference
from tepai.enterprises.importers import resolve_enterprise
from tepai.events.importers import resolve_event
from tepai.institutions.importers import get_or_create_institution
from tepai.outcomes.models import CooperationIntent, IntentStatus, Outcome
from tepai.programs.importers import cluster

_INTENT_ALIASES = {
    "合作意向": IntentStatus.INTENT,
    "有意向": IntentStatus.INTENT,
    "已签约": IntentStatus.SIGNED,
    "已转化": IntentStatus.TRANSFERRED,
    "转化落地": IntentStatus.TRANSFERRED,
}


# The outcome with that 编号, else the (first) one of that title.
resolve_outcome = Reference(
    Outcome, ("code", "title"), missing="科技成果“{token}”不存在，请先导入科技成果（outcomes）"
)


class OutcomeImporter(Importer):
    registry = "outcomes"
    label = "科技成果"
    model = Outcome
    description = "可转化的科技成果，如路演项目。成果名称相同（或编号相同）再次导入时更新。"
    columns: ClassVar[list[Column]] = [
        Column("编号", "code", help="稳定的外部编号，可选", example="CG-001"),
        Column("成果名称", "title", clean_text, required=True, example="彩棉高效纺纱技术"),
        Column("成果简介", "description", text_block, required=True),
        Column(
            "完成人",
            "owners",
            split_multi,
            help="特派员编号或姓名，可多人，用、分隔",
            example="张三、ZJ2-02",
        ),
        Column(
            "所属单位", "institution", clean_text, help="不存在时自动新建", example="浙江理工大学"
        ),
        Column("技术成熟度", "trl", trl, help="技术就绪水平 1–9", example="6"),
        Column("知识产权", "intellectual_property", clean_text, example="发明专利2项"),
        Column(
            "路演活动", "roadshow_event", clean_text, help="活动编号或名称", example="HD-2024-05"
        ),
        Column("产业集群", "cluster", cluster, example="棉花和纺织服装"),
    ]

    def natural_key(self, row: RowValues) -> Any:
        return ("code", row["code"]) if row["code"] else row["title"]

    def save_row(self, row: RowValues) -> bool:
        ctx = self.context
        owners = [
            resolve_commissioner(token, row.number, "完成人", ctx) for token in row["owners"] or []
        ]
        outcome = find_existing(Outcome, row["code"], ctx=ctx, title=row["title"])
        created = outcome is None
        outcome = outcome or Outcome()
        if ctx.uow.exists_other(Outcome, outcome, title=row["title"]):
            raise RowError(row.number, "成果名称", f"已有另一项成果叫“{row['title']}”（编号不同）")
        outcome.code = row["code"] or outcome.code
        outcome.title = row["title"]
        outcome.description = row["description"]
        if row["trl"] is not None:
            outcome.trl = row["trl"]
        for key in ("intellectual_property", "cluster"):
            if row[key]:
                setattr(outcome, key, row[key])
        if row["institution"]:
            outcome.institution = get_or_create_institution(row["institution"], ctx)
        if row["roadshow_event"]:
            outcome.roadshow_event = resolve_event(
                row["roadshow_event"], row.number, "路演活动", ctx
            )
        self.full_clean(outcome, row, exclude=["institution", "roadshow_event"])
        ctx.uow.save(outcome)
        if owners:
            ctx.uow.set(outcome, "owners", owners)
        return created

    # ----- export ------------------------------------------------------------------------
    @classmethod
    def export_queryset(cls) -> QuerySet[Outcome]:
        return Outcome.objects.select_related("institution", "roadshow_event").prefetch_related(
            "owners"
        )

    def export_row(self, obj: Outcome) -> dict[str, object]:
        return {
            **super().export_row(obj),
            "owners": [code_or(owner) for owner in obj.owners.all()],
            "institution": name_of(obj.institution),
            "roadshow_event": code_or(obj.roadshow_event),
        }


class CooperationIntentImporter(Importer):
    registry = "intents"
    label = "合作意向"
    model = CooperationIntent
    description = "企业对科技成果的合作意向、签约与转化。同一成果与企业再次导入时更新。"
    columns: ClassVar[list[Column]] = [
        Column(
            "成果",
            "outcome",
            clean_text,
            required=True,
            help="成果编号或成果名称",
            example="CG-001",
        ),
        Column(
            "企业名称",
            "enterprise",
            clean_text,
            required=True,
            help="须为已导入的企业",
            example="阿克苏某纺织有限公司",
        ),
        Column("日期", "date", parse_date, required=True, example="2024-09-10"),
        Column(
            "状态",
            "status",
            choice(IntentStatus, _INTENT_ALIASES),
            required=True,
            help="意向/签约/转化",
            example="意向",
        ),
        Column("说明", "note", text_block),
    ]

    def natural_key(self, row: RowValues) -> Any:
        return (row["outcome"], row["enterprise"])

    def save_row(self, row: RowValues) -> bool:
        outcome = resolve_outcome(row["outcome"], row.number, "成果", self.context)
        enterprise = resolve_enterprise(row["enterprise"], row.number, "企业名称", self.context)
        uow = self.context.uow
        intent = uow.first(CooperationIntent, outcome=outcome, enterprise=enterprise)
        created = intent is None
        intent = intent or CooperationIntent(outcome=outcome, enterprise=enterprise)
        intent.date = row["date"]
        intent.status = row["status"]
        intent.note = row["note"] or intent.note
        self.full_clean(intent, row, exclude=["outcome", "enterprise"])
        uow.save(intent)
        return created

    # ----- export ------------------------------------------------------------------------
    @classmethod
    def export_queryset(cls) -> QuerySet[CooperationIntent]:
        return CooperationIntent.objects.select_related("outcome", "enterprise")

    def export_row(self, obj: CooperationIntent) -> dict[str, object]:
        return {
            **super().export_row(obj),
            "outcome": code_or(obj.outcome, "title"),
            "enterprise": obj.enterprise.name,
        }
