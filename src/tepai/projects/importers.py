"""Importing projects and technology contracts, and resolving references to them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from django.db.models import QuerySet

from tepai.commissioners.importers import resolve_commissioner
from tepai.commissioners.models import Commissioner
from tepai.core.cleaning import clean_text, parse_bool, parse_date, split_multi
from tepai.core.importing import Column, Importer, RowError
from tepai.core.importing.base import ImportContext, RowValues, find_existing
from tepai.core.importing.exporting import code_or, name_of
from tepai.core.importing.parsers import choice, non_negative_decimal, text_block
from tepai.core.importing.references import Reference
from tepai.demands.models import Demand
from tepai.enterprises.importers import resolve_enterprise
from tepai.enterprises.models import Enterprise
from tepai.events.importers import resolve_event
from tepai.programs.importers import resolve_batch
from tepai.programs.models import Batch
from tepai.projects.models import Project, ProjectKind, ProjectLevel, ProjectStatus

_KIND_ALIASES = {
    "科研": ProjectKind.RESEARCH,
    "科技项目": ProjectKind.RESEARCH,
    "技术服务": ProjectKind.SERVICE_CONTRACT,
    "服务合同": ProjectKind.SERVICE_CONTRACT,
    "技术开发": ProjectKind.DEVELOPMENT_CONTRACT,
    "开发合同": ProjectKind.DEVELOPMENT_CONTRACT,
    "技术转让": ProjectKind.TRANSFER_CONTRACT,
    "转让合同": ProjectKind.TRANSFER_CONTRACT,
}
_LEVEL_ALIASES = {
    "国家": ProjectLevel.NATIONAL,
    "国家级项目": ProjectLevel.NATIONAL,
    "省级": ProjectLevel.PROVINCIAL,
    "省部": ProjectLevel.PROVINCIAL,
    "部级": ProjectLevel.PROVINCIAL,
    "地厅": ProjectLevel.PREFECTURAL,
    "地市级": ProjectLevel.PREFECTURAL,
    "市级": ProjectLevel.PREFECTURAL,
}
_STATUS_ALIASES = {
    "已签约": ProjectStatus.SIGNED,
    "在研": ProjectStatus.IN_PROGRESS,
    "实施中": ProjectStatus.IN_PROGRESS,
    "进行中": ProjectStatus.IN_PROGRESS,
    "验收": ProjectStatus.ACCEPTED,
    "结题": ProjectStatus.ACCEPTED,
    "终止": ProjectStatus.TERMINATED,
}


def shared_batch(commissioners: Iterable[Commissioner], ctx: ImportContext) -> Batch | None:
    """Return the one batch every commissioner belongs to, or None if there is not exactly one."""
    common: set[Any] | None = None
    for commissioner in commissioners:
        refs = ctx.uow.related_refs(commissioner, "batches")
        common = refs if common is None else common & refs
    if not common or len(common) != 1:
        return None
    kind, pk = next(iter(common))
    return ctx.uow.get(Batch, pk) if kind == "pk" else None


# The project with that 编号, else the only one of that title.
resolve_project = Reference(
    Project,
    ("code", "title"),
    missing="项目“{token}”不存在，请先导入项目合同（projects）",
    ambiguous="有多个项目叫“{token}”，请改填项目编号",
)


def _resolve_demand(
    token: str, enterprise: Enterprise | None, number: int, ctx: ImportContext
) -> Demand:
    found = ctx.uow.first(Demand, code=token)
    if found is not None:
        return found
    matches = ctx.uow.filter(Demand, title=token)
    if enterprise is not None:
        own = ctx.uow.filter(Demand, title=token, enterprise=enterprise)
        matches = own or matches
    candidates = matches[:2]
    if not candidates:
        raise RowError(number, "需求编号", f"技术需求“{token}”不存在（请填写需求编号或需求名称）")
    if len(candidates) > 1:
        raise RowError(number, "需求编号", f"有多个技术需求叫“{token}”，请改填需求编号")
    return candidates[0]


class ProjectImporter(Importer):
    registry = "projects"
    label = "项目合同"
    model = Project
    description = (
        "特派员主持或参与的科研项目，以及与企业签订的技术合同。"
        "项目名称+签约日期相同（或编号相同）再次导入时更新。"
    )
    columns: ClassVar[list[Column]] = [
        Column("编号", "code", help="稳定的外部编号，可选", example="XM-001"),
        Column("项目名称", "title", clean_text, required=True, example="彩棉纺纱工艺优化"),
        Column(
            "类型",
            "kind",
            choice(ProjectKind, _KIND_ALIASES),
            required=True,
            help="科研项目/技术服务合同/技术开发合同/技术转让合同/其他",
            example="技术服务合同",
        ),
        Column(
            "项目级别",
            "level",
            choice(ProjectLevel, _LEVEL_ALIASES),
            help="国家级/省部级/地厅级/其他；科研项目必填",
            example="省部级",
        ),
        Column(
            "是否主持",
            "led_by_commissioner",
            parse_bool,
            help="特派员是否主持，是/否",
            example="是",
        ),
        Column(
            "特派员",
            "commissioners",
            split_multi,
            required=True,
            help="编号或姓名，可多人，用、分隔",
            example="ZJ2-01、李四",
        ),
        Column(
            "企业名称",
            "enterprise",
            clean_text,
            help="须为已导入的企业",
            example="阿克苏某纺织有限公司",
        ),
        Column("需求编号", "demand", clean_text, help="技术需求的编号或需求名称", example="XQ-001"),
        Column(
            "金额（万元）",
            "amount",
            non_negative_decimal,
            help="单位万元",
            example="30",
            aliases=("金额", "合同金额（万元）"),
        ),
        Column(
            "签约日期",
            "signed_on",
            parse_date,
            required=True,
            example="2024-07-01",
            aliases=("立项日期",),
        ),
        Column(
            "签约活动", "signing_event", clean_text, help="活动编号或名称", example="HD-2024-04"
        ),
        Column(
            "状态",
            "status",
            choice(ProjectStatus, _STATUS_ALIASES),
            help="签约/执行中/已验收/已终止；新项目默认签约",
            example="执行中",
        ),
        Column(
            "批次",
            "batch",
            clean_text,
            help="批次名称或编号；不填时，若所有特派员同属一个批次则自动取该批次",
            example="第二批",
        ),
        Column("说明", "description", text_block),
    ]

    def natural_key(self, row: RowValues) -> Any:
        return ("code", row["code"]) if row["code"] else (row["title"], row["signed_on"])

    def save_row(self, row: RowValues) -> bool:
        ctx = self.context
        commissioners = [
            resolve_commissioner(token, row.number, "特派员", ctx) for token in row["commissioners"]
        ]
        if not commissioners:
            raise RowError(row.number, "特派员", "不能为空")
        project = find_existing(
            Project, row["code"], ctx=ctx, title=row["title"], signed_on=row["signed_on"]
        )
        created = project is None
        project = project or Project()
        if ctx.uow.exists_other(Project, project, title=row["title"], signed_on=row["signed_on"]):
            raise RowError(row.number, "项目名称", "同一签约日期已有同名项目（编号不同）")
        project.code = row["code"] or project.code
        project.title = row["title"]
        project.kind = row["kind"]
        project.signed_on = row["signed_on"]
        project.level = row["level"] or project.level
        if project.kind == ProjectKind.RESEARCH and not project.level:
            raise RowError(
                row.number, "项目级别", "科研项目必须填写项目级别（国家级/省部级/地厅级/其他）"
            )
        if row["led_by_commissioner"] is not None:
            project.led_by_commissioner = row["led_by_commissioner"]
        if row["amount"] is not None:
            project.amount = row["amount"]
        project.status = row["status"] or project.status or ProjectStatus.SIGNED
        project.description = row["description"] or project.description
        if row["enterprise"]:
            project.enterprise = resolve_enterprise(row["enterprise"], row.number, "企业名称", ctx)
        if row["demand"]:
            project.demand = _resolve_demand(row["demand"], project.enterprise, row.number, ctx)
        if row["signing_event"]:
            project.signing_event = resolve_event(row["signing_event"], row.number, "签约活动", ctx)
        if row["batch"]:
            project.batch = resolve_batch(row["batch"], row.number, "批次", ctx)
        elif project.batch is None:
            project.batch = shared_batch(commissioners, ctx)
        self.full_clean(project, row, exclude=["enterprise", "demand", "signing_event", "batch"])
        ctx.uow.save(project)
        ctx.uow.set(project, "commissioners", commissioners)
        return created

    # ----- export ------------------------------------------------------------------------
    batch_filter: ClassVar[str] = "batch"

    @classmethod
    def export_queryset(cls) -> QuerySet[Project]:
        return Project.objects.select_related(
            "enterprise", "demand", "signing_event", "batch"
        ).prefetch_related("commissioners")

    def export_row(self, obj: Project) -> dict[str, object]:
        return {
            **super().export_row(obj),
            "commissioners": [code_or(person) for person in obj.commissioners.all()],
            "enterprise": name_of(obj.enterprise),
            "demand": code_or(obj.demand, "title"),
            "signing_event": code_or(obj.signing_event),
            "batch": name_of(obj.batch),
        }
