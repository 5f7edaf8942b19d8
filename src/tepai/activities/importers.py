"""Importing work records (工作记录), the day-to-day activities the programme KPIs count."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet

from tepai.activities.models import Activity, ActivityKind
from tepai.commissioners.importers import resolve_commissioner
from tepai.core.cleaning import clean_text, parse_bool, parse_date, split_multi
from tepai.core.importing import Column, Importer, RowError
from tepai.core.importing.base import RowValues
from tepai.core.importing.exporting import code_or, name_of
from tepai.core.importing.parsers import choice, positive_int, text_block
from tepai.core.importing.references import Reference
from tepai.enterprises.importers import resolve_enterprise
from tepai.programs.importers import resolve_batch
from tepai.projects.importers import shared_batch

_KIND_ALIASES = {
    "培训": ActivityKind.TRAINING,
    "帮带": ActivityKind.TRAINING,
    "培训指导": ActivityKind.TRAINING,
    "入疆": ActivityKind.VISIT,
    "服务": ActivityKind.ENTERPRISE_SERVICE,
    "品种": ActivityKind.VARIETY,
    "引种": ActivityKind.VARIETY,
    "招商": ActivityKind.INVESTMENT,
    "落地": ActivityKind.LANDING,
    "项目引进": ActivityKind.LANDING,
}


# A work record, named by its 编号 only (they have no unique name).
resolve_activity = Reference(Activity, ("code",), missing="编号为“{token}”的工作记录不存在")


class ActivityImporter(Importer):
    registry = "activities"
    label = "工作记录"
    model = Activity
    description = (
        "特派员的日常工作记录，绩效指标据此统计。有编号的行再次导入时更新，"
        "没有编号的行每次都新增。数量：培训帮带为培训人数，入疆服务为人次，品种引进为品种数，"
        "招商考察为考察团数，项目落地为项目数，企业服务按“企业”列中的不同企业计数。"
    )
    columns: ClassVar[list[Column]] = [
        Column(
            "编号", "code", help="填写后再次导入时更新该条记录；不填则每次新增", example="GZ-0001"
        ),
        Column("日期", "date", parse_date, required=True, example="2024-05-20"),
        Column(
            "类型",
            "kind",
            choice(ActivityKind, _KIND_ALIASES),
            required=True,
            help="培训帮带/入疆服务/品种引进/招商考察/项目落地/捐赠/企业服务/其他",
            example="培训帮带",
        ),
        Column(
            "特派员",
            "commissioners",
            split_multi,
            help="编号或姓名，可多人，用、分隔",
            example="ZJ2-01、李四",
        ),
        Column(
            "企业",
            "enterprises",
            split_multi,
            help="须为已导入的企业，可多个，用、分隔",
            example="阿克苏某纺织有限公司",
        ),
        Column("数量", "quantity", positive_int, help="默认1；含义随类型而定", example="30"),
        Column("是否试验示范", "is_trial", parse_bool, help="仅品种引进可填“是”", example="否"),
        Column(
            "批次",
            "batch",
            clean_text,
            help="批次名称或编号；不填时，若所有特派员同属一个批次则自动取该批次",
            example="第二批",
        ),
        Column("地点", "place", clean_text, help="工作地点，如县乡、企业厂区", example="阿瓦提县"),
        Column("说明", "notes", text_block),
    ]

    def natural_key(self, row: RowValues) -> Any:
        return ("code", row["code"]) if row["code"] else None

    def save_row(self, row: RowValues) -> bool:
        ctx = self.context
        commissioners = [
            resolve_commissioner(token, row.number, "特派员", ctx)
            for token in row["commissioners"] or []
        ]
        enterprises = resolve_enterprise.many(row["enterprises"] or [], row.number, "企业", ctx)
        activity = ctx.uow.first(Activity, code=row["code"]) if row["code"] else None
        created = activity is None
        activity = activity or Activity()
        activity.code = row["code"] or activity.code
        activity.date = row["date"]
        activity.kind = row["kind"]
        if row["quantity"] is not None:
            activity.quantity = row["quantity"]
        if row["is_trial"] and activity.kind != ActivityKind.VARIETY:
            raise RowError(
                row.number, "是否试验示范", "只有“品种引进”类型的工作记录可以标记试验示范"
            )
        if row["is_trial"] is not None:
            activity.is_trial = row["is_trial"]
        elif activity.kind != ActivityKind.VARIETY:
            # The type changed away from 品种引进: a trial flag kept from before no longer applies.
            activity.is_trial = False
        activity.notes = row["notes"] or activity.notes
        activity.place = row["place"] or activity.place
        if row["batch"]:
            activity.batch = resolve_batch(row["batch"], row.number, "批次", ctx)
        elif activity.batch is None:
            activity.batch = shared_batch(commissioners, ctx)
        self.full_clean(activity, row, exclude=["batch"])
        ctx.uow.save(activity)
        if commissioners:
            ctx.uow.set(activity, "commissioners", commissioners)
        if enterprises:
            ctx.uow.set(activity, "enterprises", enterprises)
        return created

    # ----- export ------------------------------------------------------------------------
    batch_filter: ClassVar[str] = "batch"

    @classmethod
    def export_queryset(cls) -> QuerySet[Activity]:
        return Activity.objects.select_related("batch").prefetch_related(
            "commissioners", "enterprises"
        )

    def export_row(self, obj: Activity) -> dict[str, object]:
        return {
            **super().export_row(obj),
            "commissioners": [code_or(person) for person in obj.commissioners.all()],
            "enterprises": [enterprise.name for enterprise in obj.enterprises.all()],
            "batch": name_of(obj.batch),
        }
