"""Importing batches, teams and innovation centres, and resolving references to them."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet

from tepai.core.choices import IndustryCluster
from tepai.core.cleaning import clean_text, parse_date
from tepai.core.importing import Column, Importer
from tepai.core.importing.base import ImportContext, RowValues, find_existing
from tepai.core.importing.exporting import name_of
from tepai.core.importing.parsers import choice, text_block
from tepai.core.importing.references import Reference, find_or_create
from tepai.institutions.importers import get_or_create_institution
from tepai.programs.models import Batch, InnovationCentre, Team

cluster = choice(
    IndustryCluster,
    {
        "纺织服装": IndustryCluster.COTTON_TEXTILE,
        "能源化工": IndustryCluster.COAL,
        "新能源": IndustryCluster.NEW_ENERGY,
        "新材料": IndustryCluster.NEW_ENERGY,
        "果蔬": IndustryCluster.FRUIT_VEG,
        "畜牧": IndustryCluster.LIVESTOCK,
    },
)


# A batch named by its name or 编号.
resolve_batch = Reference(
    Batch, ("name", "code"), missing="批次“{token}”不存在，请先用 tepai batch create 创建"
)


def resolve_team(name: str, batch: Batch, ctx: ImportContext) -> Team:
    """Return the team ``name`` of ``batch``, creating it if the roster names a new one."""
    return find_or_create(Team, name, ctx=ctx, kind="特派团", within={"batch": batch})


def resolve_centre(name: str, ctx: ImportContext) -> InnovationCentre:
    """Return the innovation centre ``name``, creating it if the roster names a new one."""
    return find_or_create(InnovationCentre, name, ctx=ctx, kind="创新中心")


class BatchImporter(Importer):
    registry = "batches"
    label = "批次"
    model = Batch
    columns: ClassVar[list[Column]] = [
        Column("编号", "code"),
        Column("批次名称", "name", clean_text, required=True, example="第二批"),
        Column("派出日期", "dispatch_date", parse_date, required=True, example="2024-04-24"),
        Column("结束日期", "end_date", parse_date),
        Column("派出单位", "sending_organisation", clean_text, example="浙江省科学技术厅"),
        Column("受援地区", "host_region", clean_text, example="新疆阿克苏地区"),
        Column("简介", "description", text_block),
    ]

    def natural_key(self, row: RowValues) -> Any:
        return ("code", row["code"]) if row["code"] else row["name"]

    def save_row(self, row: RowValues) -> bool:
        batch = find_existing(Batch, row["code"], ctx=self.context, name=row["name"])
        created = batch is None
        batch = batch or Batch()
        for key in ("code", "name", "dispatch_date"):
            setattr(batch, key, row[key] or getattr(batch, key))
        for key in ("end_date", "sending_organisation", "host_region", "description"):
            if row[key]:
                setattr(batch, key, row[key])
        self.full_clean(batch, row)
        self.context.uow.save(batch)
        return created


class TeamImporter(Importer):
    registry = "teams"
    label = "特派团"
    model = Team
    columns: ClassVar[list[Column]] = [
        Column("编号", "code"),
        Column("团队名称", "name", clean_text, required=True, example="纺织服装团队"),
        Column("批次", "batch", clean_text, required=True, example="第二批"),
        Column("产业方向", "cluster", cluster, example="棉花和纺织服装"),
        Column("简介", "description", text_block),
    ]

    def natural_key(self, row: RowValues) -> Any:
        return ("code", row["code"]) if row["code"] else (row["batch"], row["name"])

    def save_row(self, row: RowValues) -> bool:
        batch = resolve_batch(row["batch"], row.number, "批次", self.context)
        team = find_existing(Team, row["code"], ctx=self.context, batch=batch, name=row["name"])
        created = team is None
        team = team or Team()
        team.code = row["code"] or team.code
        team.name = row["name"]
        team.batch = batch
        team.cluster = row["cluster"] or team.cluster
        team.description = row["description"] or team.description
        self.full_clean(team, row, exclude=["batch"])
        self.context.uow.save(team)
        return created

    # ----- export ------------------------------------------------------------------------
    batch_filter: ClassVar[str] = "batch"

    @classmethod
    def export_queryset(cls) -> QuerySet[Team]:
        return Team.objects.select_related("batch")

    def export_row(self, obj: Team) -> dict[str, object]:
        return {**super().export_row(obj), "batch": obj.batch.name}


class CentreImporter(Importer):
    registry = "centres"
    label = "创新中心"
    model = InnovationCentre
    columns: ClassVar[list[Column]] = [
        Column("编号", "code"),
        Column(
            "中心名称",
            "name",
            clean_text,
            required=True,
            example="浙阿纺织服装科技创新（国家高新区）中心",
        ),
        Column("产业方向", "cluster", cluster, example="棉花和纺织服装"),
        Column("所在地", "location", clean_text, example="阿克苏国家高新区"),
        Column("牵头单位", "lead_institution", clean_text, example="浙江理工大学"),
        Column("批次", "batch", clean_text, example="第二批"),
        Column("简介", "description", text_block),
    ]

    def natural_key(self, row: RowValues) -> Any:
        return ("code", row["code"]) if row["code"] else row["name"]

    def save_row(self, row: RowValues) -> bool:
        centre = find_existing(InnovationCentre, row["code"], ctx=self.context, name=row["name"])
        created = centre is None
        centre = centre or InnovationCentre()
        centre.code = row["code"] or centre.code
        centre.name = row["name"]
        centre.cluster = row["cluster"] or centre.cluster
        centre.location = row["location"] or centre.location
        centre.description = row["description"] or centre.description
        if row["lead_institution"]:
            centre.lead_institution = get_or_create_institution(
                row["lead_institution"], self.context
            )
        if row["batch"]:
            centre.batch = resolve_batch(row["batch"], row.number, "批次", self.context)
        self.full_clean(centre, row, exclude=["lead_institution", "batch"])
        self.context.uow.save(centre)
        return created

    # ----- export ------------------------------------------------------------------------
    batch_filter: ClassVar[str] = "batch"

    @classmethod
    def export_queryset(cls) -> QuerySet[InnovationCentre]:
        return InnovationCentre.objects.select_related("lead_institution", "batch")

    def export_row(self, obj: InnovationCentre) -> dict[str, object]:
        return {
            **super().export_row(obj),
            "lead_institution": name_of(obj.lead_institution),
            "batch": name_of(obj.batch),
        }
