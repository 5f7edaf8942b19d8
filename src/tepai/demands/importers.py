"""Importing demand lists (需求发布批次) and the enterprises' technology demands."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet

from tepai.core.choices import IndustryCluster
from tepai.core.cleaning import clean_text, parse_date, split_multi
from tepai.core.importing import Column, Importer, RowError
from tepai.core.importing.base import ImportContext, RowValues, find_existing
from tepai.core.importing.exporting import code_or
from tepai.core.importing.parsers import choice, non_negative_decimal, text_block
from tepai.core.importing.references import Reference, find_or_create
from tepai.demands.models import (
    CollaborationMode,
    Demand,
    DemandList,
    DemandStatus,
    DemandTransition,
)
from tepai.enterprises.models import Enterprise
from tepai.events.importers import resolve_event
from tepai.programs.importers import cluster

_STATUS_ALIASES = {
    "审核中": DemandStatus.PENDING_REVIEW,
    "发布": DemandStatus.PUBLISHED,
    "已对接": DemandStatus.MATCHING,
    "签约": DemandStatus.SIGNED,
    "完成": DemandStatus.COMPLETED,
    "关闭": DemandStatus.CLOSED,
}
_MODE_ALIASES = {
    "攻关": CollaborationMode.JOINT_TACKLING,
    "服务": CollaborationMode.SERVICE,
    "转让": CollaborationMode.TRANSFER,
    "合作研发": CollaborationMode.JOINT_RD,
    "联合攻关": CollaborationMode.JOINT_TACKLING,
    "培训": CollaborationMode.TRAINING,
}


# A demand list named by its name or 编号.
resolve_demand_list = Reference(
    DemandList,
    ("name", "code"),
    missing="需求发布批次“{token}”不存在，请先导入需求发布批次（demand-lists）",
)


def get_or_create_enterprise(name: str, cluster_value: str, ctx: ImportContext) -> Enterprise:
    """Return the enterprise called ``name``, creating it in ``cluster_value`` if it is unknown."""
    return find_or_create(Enterprise, name, ctx=ctx, kind="企业", values={"cluster": cluster_value})


class DemandListImporter(Importer):
    registry = "demand-lists"
    label = "需求发布批次"
    model = DemandList
    description = "一次集中发布的技术需求清单，如“阿克苏地区2024年重大科技攻关需求”。"
    columns: ClassVar[list[Column]] = [
        Column("编号", "code", help="稳定的外部编号，可选", example="XQ-2024"),
        Column(
            "名称",
            "name",
            clean_text,
            required=True,
            example="阿克苏地区2024年工业领域重大科技攻关需求",
        ),
        Column("发布日期", "published_on", parse_date, example="2024-06-18"),
        Column("发布单位", "publisher", clean_text, example="阿克苏地区科技局"),
        Column("发布活动", "event", clean_text, help="活动编号或名称", example="HD-2024-03"),
        Column("说明", "description", text_block),
    ]

    def natural_key(self, row: RowValues) -> Any:
        return ("code", row["code"]) if row["code"] else row["name"]

    def save_row(self, row: RowValues) -> bool:
        uow = self.context.uow
        demand_list = find_existing(DemandList, row["code"], ctx=self.context, name=row["name"])
        created = demand_list is None
        demand_list = demand_list or DemandList()
        if uow.exists_other(DemandList, demand_list, name=row["name"]):
            raise RowError(
                row.number, "名称", f"已有另一个需求发布批次叫“{row['name']}”（编号不同）"
            )
        demand_list.code = row["code"] or demand_list.code
        demand_list.name = row["name"]
        for key in ("published_on", "publisher", "description"):
            if row[key]:
                setattr(demand_list, key, row[key])
        if row["event"]:
            demand_list.event = resolve_event(row["event"], row.number, "发布活动", self.context)
        self.full_clean(demand_list, row, exclude=["event"])
        uow.save(demand_list)
        return created

    # ----- export ------------------------------------------------------------------------
    @classmethod
    def export_queryset(cls) -> QuerySet[DemandList]:
        return DemandList.objects.select_related("event")

    def export_row(self, obj: DemandList) -> dict[str, object]:
        return {**super().export_row(obj), "event": code_or(obj.event)}


class DemandImporter(Importer):
    registry = "demands"
    label = "技术需求"
    model = Demand
    description = (
        "企业提出的技术需求。企业名称+需求名称相同（或编号相同）再次导入时更新；"
        "企业不存在时自动新建（产业集群取需求的产业集群）；状态变化记入状态变更历史。"
    )
    columns: ClassVar[list[Column]] = [
        Column(
            "编号", "code", help="稳定的外部编号，可选；项目表可用编号引用需求", example="XQ-001"
        ),
        Column(
            "企业名称",
            "enterprise",
            clean_text,
            required=True,
            help="不存在时自动新建",
            example="阿克苏某纺织有限公司",
        ),
        Column("需求名称", "title", clean_text, required=True, example="棉纱断头率高的工艺改进"),
        Column("问题描述", "problem", text_block, required=True),
        Column("现有方案及差距", "current_solution", text_block),
        Column("目标指标", "target", text_block),
        Column(
            "所需技能",
            "required_skills",
            split_multi,
            help="多个用、分隔",
            example="纺纱工艺、设备改造",
        ),
        Column("产业集群", "cluster", cluster, example="棉花和纺织服装"),
        Column(
            "预算（万元）",
            "budget",
            non_negative_decimal,
            help="单位万元",
            example="50",
            aliases=("预算",),
        ),
        Column("截止日期", "deadline", parse_date, example="2025-12-31"),
        Column(
            "合作方式",
            "collaboration_mode",
            choice(CollaborationMode, _MODE_ALIASES),
            help="技术攻关/技术服务/技术转让/联合研发/人才培养/其他",
            example="技术攻关",
        ),
        Column(
            "状态",
            "status",
            choice(DemandStatus, _STATUS_ALIASES),
            help="草稿/待审核/已发布/对接中/已签约/已完成/已关闭；新需求默认草稿",
            example="已发布",
        ),
        Column(
            "需求批次",
            "lists",
            split_multi,
            help="需求发布批次的名称或编号，可多个",
            example="XQ-2024",
        ),
    ]

    def natural_key(self, row: RowValues) -> Any:
        return ("code", row["code"]) if row["code"] else (row["enterprise"], row["title"])

    def save_row(self, row: RowValues) -> bool:
        ctx = self.context
        lists = [
            resolve_demand_list(token, row.number, "需求批次", ctx) for token in row["lists"] or []
        ]
        enterprise = get_or_create_enterprise(
            row["enterprise"], row["cluster"] or IndustryCluster.OTHER, ctx
        )
        demand = find_existing(
            Demand, row["code"], ctx=ctx, enterprise=enterprise, title=row["title"]
        )
        created = demand is None
        demand = demand or Demand()
        if ctx.uow.exists_other(Demand, demand, enterprise=enterprise, title=row["title"]):
            raise RowError(row.number, "需求名称", "该企业已有同名需求（编号不同）")
        previous_status = demand.status if not created else ""
        demand.code = row["code"] or demand.code
        demand.enterprise = enterprise
        demand.title = row["title"]
        demand.problem = row["problem"]
        # Optional columns left empty keep what the record already has.
        for key in ("current_solution", "target", "required_skills", "collaboration_mode"):
            if row[key]:
                setattr(demand, key, row[key])
        for key in ("budget", "deadline"):
            if row[key] is not None:
                setattr(demand, key, row[key])
        demand.cluster = row["cluster"] or (enterprise.cluster if created else demand.cluster)
        demand.status = row["status"] or (DemandStatus.DRAFT if created else demand.status)
        self.full_clean(demand, row, exclude=["enterprise"])
        ctx.uow.save(demand)
        # Imports record facts, so the transition graph is not enforced; the history still is.
        if created or demand.status != previous_status:
            ctx.uow.create(
                DemandTransition,
                demand=demand,
                from_status=previous_status,
                to_status=demand.status,
                note="导入" if created else "导入更新",
            )
        for demand_list in lists:
            ctx.uow.add(demand_list, "demands", [demand])
        return created

    # ----- export ------------------------------------------------------------------------
    @classmethod
    def export_queryset(cls) -> QuerySet[Demand]:
        return Demand.objects.select_related("enterprise").prefetch_related("lists")

    def export_row(self, obj: Demand) -> dict[str, object]:
        return {
            **super().export_row(obj),
            # By name: an unknown name creates the enterprise, so a 编号 here would too.
            "enterprise": obj.enterprise.name,
            "lists": [demand_list.name for demand_list in obj.lists.all()],
        }
